"""Writing the councils' contacts directory and a placed-in child's own contacts."""

from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.audit.models import Action
from homeward.audit.services import (
    audit_record,
    field_values,
    record_change,
    save_audited,
    values_before_change,
)
from homeward.borders.models import ChildContact, CouncilContact
from homeward.borders.rules import child_contact_problems, contact_problems, normalise_email
from homeward.core.problems import Problem, raise_if_any
from homeward.councils.models import Council

ALREADY_LISTED = "{council} already has this address for {purpose}."
CHILD_ALREADY_HAS = "The child already has this address for their {role}."


@transaction.atomic
def council_contact_add(
    *, council: Council, purpose: str, email: str, name: str = "", by=None
) -> CouncilContact:
    """Add an address to a council's entry in the directory."""
    raise_if_any(contact_problems(purpose=purpose, email=email, name=name))
    email = normalise_email(email)
    if CouncilContact.objects.filter(council=council, purpose=purpose, email=email).exists():
        label = dict(CouncilContact._meta.get_field("purpose").choices)[purpose]
        raise ValidationError(
            {"email": ALREADY_LISTED.format(council=council.name, purpose=label.lower())}
        )
    contact = CouncilContact.objects.create(
        council=council,
        purpose=purpose,
        email=email,
        name=name.strip(),
        created_by=by,
        changed_by=by,
    )
    record_change(record=contact, by=by)
    return contact


@transaction.atomic
def council_contact_change(
    *, contact: CouncilContact, expected_version: int, changes: dict, by=None
) -> CouncilContact:
    """Change a directory entry's purpose, email or name, unless someone changed it since."""
    values = field_values(contact, ["purpose", "email", "name"]) | changes
    raise_if_any(contact_problems(**values))
    changes = {
        field: normalise_email(value) if field == "email" else value.strip()
        for field, value in changes.items()
    }
    duplicate = CouncilContact.objects.filter(
        council_id=contact.council_id,
        purpose=changes.get("purpose", contact.purpose),
        email=changes.get("email", contact.email),
    ).exclude(pk=contact.pk)
    if duplicate.exists():
        raise ValidationError(
            {"email": ALREADY_LISTED.format(council=contact.council.name, purpose="that purpose")}
        )
    before = values_before_change(contact)
    return save_audited(
        contact, before=before, expected_version=expected_version, changes=changes, by=by
    )


@transaction.atomic
def council_contact_remove(*, contact: CouncilContact, by=None) -> None:
    """Remove an address from the directory (audited with what it was)."""
    before = values_before_change(contact)
    audit_record(
        user=by,
        action=Action.CHANGE,
        obj=contact,
        details={"removed": {key: before[key] for key in ("council", "purpose", "email", "name")}},
    )
    contact.delete()


@transaction.atomic
def child_contact_add(*, child, role: str, email: str, name: str = "", by=None) -> ChildContact:
    """Record a placed-in child's IRO or social worker at the placing council."""
    raise_if_any(child_contact_problems(role=role, email=email, name=name))
    email = normalise_email(email)
    if ChildContact.objects.filter(child=child, role=role, email=email).exists():
        label = dict(ChildContact._meta.get_field("role").choices)[role]
        raise_if_any([Problem("email", CHILD_ALREADY_HAS.format(role=label.lower()))])
    contact = ChildContact.objects.create(
        child=child, role=role, email=email, name=name.strip(), created_by=by, changed_by=by
    )
    record_change(record=contact, by=by)
    return contact


@transaction.atomic
def child_contact_remove(*, contact: ChildContact, by=None) -> None:
    """Remove a child's contact (audited with what it was)."""
    before = values_before_change(contact)
    audit_record(
        user=by,
        action=Action.CHANGE,
        obj=contact,
        details={"removed": {key: before[key] for key in ("child", "role", "email", "name")}},
    )
    contact.delete()
