"""Writing the placed-in register: the notices of admission and discharge children's homes
send the host council (Children's Homes Regulations 2015, regulation 41).

An entry is linked to the child's record when one is known: given by the coordinator, or
found when exactly one of the council's children has the notice's names and date of birth.
The child's IRO and social worker on the notice become the child's contacts, so that the
placing council's notifications reach them (borders.selectors).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.borders.models import ChildContact, ChildContactRole, LegalBasis, PlacedInEntry
from homeward.borders.rules import email_problem, normalise_email
from homeward.children.models import Child
from homeward.children.services import child_create
from homeward.core.problems import (
    Problem,
    code_problem,
    raise_if_any,
    record_text_problems,
    when,
)
from homeward.councils.models import Council

REQUIRED = "Enter the {what}: it cannot be empty."
OWN_COUNCIL = (
    "This is the register of other councils' children placed here: choose the council that "
    "placed the child, which cannot be this council."
)
IN_FUTURE = "The {what} ({day}) is in the future. Enter a date that has already happened."
BORN_AFTER_ADMISSION = (
    "The date of birth ({born}) is after the admission ({admitted}). Check both dates."
)
DISCHARGED_BEFORE_ADMITTED = (
    "The discharge ({discharged}) is before the admission ({admitted}). Check both dates."
)
NOTIFIED_BEFORE_ADMITTED = (
    "The notice reached us ({notified}) more than a year before the admission ({admitted}). "
    "Check both dates."
)
CHILD_ELSEWHERE = "This child's record belongs to another council. Choose one of this council's."
CHILD_IS_OURS = (
    "{child}'s record says this council is responsible for them, so they are not placed in "
    "by another council. Check the child, or correct their responsible council first."
)
DIFFERENT_BIRTHDAY = (
    "The notice gives the date of birth {given}, but the child's record has {recorded}. "
    "Check which is right before linking them."
)
ALREADY_DISCHARGED = "This child's discharge is already recorded ({day})."
ALREADY_LINKED = "This entry is already linked to a child's record."
LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "provider_name": "home's name",
    "provider_urn": "Ofsted URN",
    "social_worker_name": "social worker's name",
    "iro_name": "IRO's name",
    "notes": "notes",
}
FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "placing_council",
    "legal_basis",
    "provider_name",
    "provider_urn",
    "admitted_on",
    "discharged_on",
    "notified_on",
    "social_worker_name",
    "social_worker_email",
    "iro_name",
    "iro_email",
    "notes",
)
TEXTS = (
    "first_name",
    "last_name",
    "provider_name",
    "provider_urn",
    "social_worker_name",
    "iro_name",
    "notes",
)


def entry_problems(*, council: Council, values: dict, today: dt.date) -> list[Problem]:
    """What is wrong with a register entry's details (nothing: []): the form and CSV share it."""
    problems = [
        Problem(name, REQUIRED.format(what=LABELS[name]))
        for name in ("first_name", "last_name", "provider_name")
        if not values[name].strip()
    ]
    problems.append(
        code_problem("legal_basis", values["legal_basis"], LegalBasis.values, "legal basis")
    )
    if values["placing_council"] == council:
        problems.append(Problem("placing_council", OWN_COUNCIL))
    problems += _date_problems(values, today)
    for name in ("social_worker_email", "iro_email"):
        if values[name].strip():
            problems.append(email_problem(values[name], name))
    texts = {name: values[name] for name in TEXTS}
    problems += record_text_problems(PlacedInEntry, texts, LABELS)
    return [problem for problem in problems if problem]


def _date_problems(values: dict, today: dt.date) -> list[Problem]:
    born, admitted = values["date_of_birth"], values["admitted_on"]
    discharged, notified = values["discharged_on"], values["notified_on"]
    problems = [
        Problem(name, IN_FUTURE.format(what=what, day=when(values[name])))
        for name, what in (
            ("date_of_birth", "date of birth"),
            ("admitted_on", "admission"),
            ("discharged_on", "discharge"),
            ("notified_on", "date the notice reached us"),
        )
        if values[name] and values[name] > today
    ]
    if born > admitted:
        problems.append(
            Problem(
                "date_of_birth",
                BORN_AFTER_ADMISSION.format(born=when(born), admitted=when(admitted)),
            )
        )
    if discharged and discharged < admitted:
        message = DISCHARGED_BEFORE_ADMITTED.format(
            discharged=when(discharged), admitted=when(admitted)
        )
        problems.append(Problem("discharged_on", message))
    if notified < admitted - dt.timedelta(days=366):
        message = NOTIFIED_BEFORE_ADMITTED.format(notified=when(notified), admitted=when(admitted))
        problems.append(Problem("notified_on", message))
    return problems


def child_link_problems(*, child: Child, council: Council, date_of_birth: dt.date) -> list[Problem]:
    """Why a child's record cannot be linked to an entry (nothing: [])."""
    if child.council_id != council.pk:
        return [Problem("child", CHILD_ELSEWHERE)]
    if not child.is_placed_in:
        return [Problem("child", CHILD_IS_OURS.format(child=child))]
    if child.date_of_birth != date_of_birth:
        message = DIFFERENT_BIRTHDAY.format(
            given=when(date_of_birth), recorded=when(child.date_of_birth)
        )
        return [Problem("child", message)]
    return []


def matching_child(
    *, council: Council, first_name: str, last_name: str, date_of_birth
) -> Child | None:
    """The one child of the council with these names and date of birth, if exactly one."""
    found = list(
        Child.objects.filter(
            council=council,
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _cleaned(values: dict) -> dict:
    cleaned = dict(values)
    for name in TEXTS:
        cleaned[name] = values[name].strip()
    for name in ("social_worker_email", "iro_email"):
        cleaned[name] = normalise_email(values[name])
    return cleaned


@transaction.atomic
def placed_in_record(
    *, council: Council, child: Child | None = None, by=None, **values
) -> PlacedInEntry:
    """Record a home's notice of admission (and discharge, if it came with it) on the register."""
    values = {name: values.get(name, NEW_ENTRY_DEFAULTS.get(name)) for name in FIELDS}
    problems = entry_problems(council=council, values=values, today=timezone.localdate())
    if child is None and not problems:
        child = matching_child(
            council=council,
            first_name=values["first_name"],
            last_name=values["last_name"],
            date_of_birth=values["date_of_birth"],
        )
        if child is not None and child_link_problems(
            child=child, council=council, date_of_birth=values["date_of_birth"]
        ):
            child = None  # a namesake of ours: left for a coordinator to link
    elif child is not None:
        problems += child_link_problems(
            child=child, council=council, date_of_birth=values["date_of_birth"]
        )
    raise_if_any(problems)
    entry = PlacedInEntry.objects.create(
        council=council, child=child, created_by=by, changed_by=by, **_cleaned(values)
    )
    record_change(record=entry, by=by)
    _contacts_onto_child(entry, by)
    return entry


NEW_ENTRY_DEFAULTS = {
    "provider_urn": "",
    "discharged_on": None,
    "social_worker_name": "",
    "social_worker_email": "",
    "iro_name": "",
    "iro_email": "",
    "notes": "",
    "legal_basis": LegalBasis.OTHER,
}


@transaction.atomic
def placed_in_update(
    *, entry: PlacedInEntry, expected_version: int, by=None, **changes
) -> PlacedInEntry:
    """Correct a register entry, or record the child's discharge, unless changed since read."""
    values = {name: getattr(entry, name) for name in FIELDS} | changes
    problems = entry_problems(council=entry.council, values=values, today=timezone.localdate())
    if entry.child is not None and "date_of_birth" in changes:
        problems += child_link_problems(
            child=entry.child, council=entry.council, date_of_birth=values["date_of_birth"]
        )
    raise_if_any(problems)
    cleaned = {name: value for name, value in _cleaned(values).items() if name in changes}
    before = values_before_change(entry)
    saved = save_audited(
        entry, before=before, expected_version=expected_version, changes=cleaned, by=by
    )
    _contacts_onto_child(saved, by)
    return saved


@transaction.atomic
def placed_in_discharge(
    *, entry: PlacedInEntry, discharged_on: dt.date, expected_version: int, by=None
) -> PlacedInEntry:
    """Record the home's notice that the child left."""
    if entry.discharged_on is not None:
        raise_if_any(
            [Problem("discharged_on", ALREADY_DISCHARGED.format(day=when(entry.discharged_on)))]
        )
    return placed_in_update(
        entry=entry, expected_version=expected_version, discharged_on=discharged_on, by=by
    )


@transaction.atomic
def placed_in_link(
    *, entry: PlacedInEntry, child: Child, expected_version: int, by=None
) -> PlacedInEntry:
    """Link an entry to the child's record (the same child, placed in by another council)."""
    problems = [] if entry.child_id is None else [Problem("child", ALREADY_LINKED)]
    problems += child_link_problems(
        child=child, council=entry.council, date_of_birth=entry.date_of_birth
    )
    raise_if_any(problems)
    before = values_before_change(entry)
    saved = save_audited(
        entry, before=before, expected_version=expected_version, changes={"child": child}, by=by
    )
    _contacts_onto_child(saved, by)
    return saved


@transaction.atomic
def placed_in_create_child(
    *, entry: PlacedInEntry, sex: str, expected_version: int, by=None
) -> Child:
    """Create the child's record from the entry (placed in by its placing council) and link it."""
    if entry.child_id is not None:
        raise_if_any([Problem("child", ALREADY_LINKED)])
    child = child_create(
        council=entry.council,
        first_name=entry.first_name,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth,
        sex=sex,
        responsible_la=entry.placing_council,
        by=by,
    )
    placed_in_link(entry=entry, child=child, expected_version=expected_version, by=by)
    return child


def _contacts_onto_child(entry: PlacedInEntry, by) -> None:
    """The notice's IRO and social worker become the child's contacts (each address once)."""
    if entry.child_id is None:
        return
    for role, name, email in (
        (ChildContactRole.IRO, entry.iro_name, entry.iro_email),
        (ChildContactRole.SOCIAL_WORKER, entry.social_worker_name, entry.social_worker_email),
    ):
        if not email:
            continue
        known = ChildContact.objects.filter(child_id=entry.child_id, role=role, email=email)
        if known.exists():
            continue
        contact = ChildContact.objects.create(
            child_id=entry.child_id, role=role, email=email, name=name, created_by=by, changed_by=by
        )
        record_change(record=contact, by=by)
