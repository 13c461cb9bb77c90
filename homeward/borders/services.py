"""Writing the councils' contacts directory and a placed-in child's own contacts."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import (
    audit_record,
    field_values,
    record_change,
    save_audited,
    values_before_change,
)
from homeward.borders.models import ChildContact, CouncilContact, EpisodeElsewhere
from homeward.borders.rules import child_contact_problems, contact_problems, normalise_email
from homeward.children.models import Placement
from homeward.core.codes import Category, LegalStatus, MissingFrom
from homeward.core.problems import Problem, raise_if_any, record_text_problems
from homeward.councils.models import Council
from homeward.episodes.services import episode_record

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
    _removed(contact, ("council", "purpose", "email", "name"), by)


def _removed(contact, fields: tuple[str, ...], by) -> None:
    """Delete a contact, auditing it with what it was (a contact is an address, not a case
    record: removed, not archived)."""
    before = values_before_change(contact)
    details = {"removed": {field: before[field] for field in fields}}
    audit_record(user=by, action=Action.CHANGE, obj=contact, details=details)
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
    _removed(contact, ("child", "role", "email", "name"), by)


# Our own children placed out: a host council tells us one of them went missing there.

NOT_OUR_CHILD = (
    "{child} is placed here by another council: record their episode as usual (New missing "
    "episode). This form is for this council's own children placed in another council's area."
)
HOST_IS_US = (
    "Choose the council in whose area the child went missing: for an episode in this "
    "council's own area, record a new missing episode instead."
)


@transaction.atomic
def episode_elsewhere_record(
    *,
    child,
    host_council: Council,
    last_seen_at: dt.datetime,
    told_at: dt.datetime,
    reported_at: dt.datetime | None = None,
    returned_at: dt.datetime | None = None,
    police_reference: str = "",
    category: str = Category.MISSING,
    notes: str = "",
    by=None,
) -> EpisodeElsewhere:
    """Record a host council's notice that one of our children placed there went missing: an
    episode of the child (so their timeline and our reports count it), marked as elsewhere."""
    problems = []
    if child.is_placed_in:
        problems.append(Problem("child", NOT_OUR_CHILD.format(child=child)))
    if host_council.pk == child.council_id:
        problems.append(Problem("host_council", HOST_IS_US))
    problems += record_text_problems(EpisodeElsewhere, {"notes": notes})
    raise_if_any(problems)
    day = timezone.localtime(last_seen_at).date()
    placement = (
        Placement.objects.filter(child=child, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("-start_date", "-pk")
        .first()
    )
    episode = episode_record(
        child=child,
        category=category,
        last_seen_at=last_seen_at,
        reported_at=reported_at,
        returned_at=returned_at,
        police_reference=police_reference.strip(),
        missing_from=MissingFrom.PLACEMENT,
        legal_status=LegalStatus.LOOKED_AFTER,
        placement=placement,
        reported_by=f"{host_council.name} (host council)"[:200],
        by=by,
    )
    elsewhere = EpisodeElsewhere.objects.create(
        episode=episode,
        host_council=host_council,
        told_at=told_at,
        notes=notes.strip(),
        created_by=by,
        changed_by=by,
    )
    record_change(record=elsewhere, by=by)
    return elsewhere
