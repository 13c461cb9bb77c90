"""Recording children and their placements."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Allocation, Child, Placement
from homeward.children.rules import (
    born_problems,
    child_problems,
    normalise_postcode,
    place_code_problem,
    placement_problems,
    postcode_problem,
)
from homeward.core.codes import PlacementType, Sex
from homeward.core.concurrency import refuse_unknown_fields
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import (
    Problem,
    code_problem,
    london_date,
    raise_if_any,
    record_text_problems,
)
from homeward.councils.models import Council, Locality


def new_local_id(prefix: str) -> str:
    """An id for a record made in Homeward itself rather than imported."""
    return f"HW-{prefix}-{uuid.uuid4().hex[:12].upper()}"


# The child's details typed as text: stripped before they are checked and saved.
TEXT_FIELDS = ("first_name", "last_name", "other_names", "police_id", "postcode", "address")


def _texts(values: dict) -> dict:
    """The text details stripped, and the postcode as stored ("ox41ab" is "OX4 1AB")."""
    texts = {name: values[name].strip() for name in TEXT_FIELDS if name in values}
    if "postcode" in texts:
        texts["postcode"] = normalise_postcode(texts["postcode"]) or texts["postcode"]
    return texts


def _child_problems(values: dict, *, local_id: str = "", entered: bool = True) -> list[Problem]:
    """The rules a child's own details keep, new or corrected. `entered`: the date of birth
    is being entered or changed, so it is judged against today's age too."""
    problems = child_problems(
        date_of_birth=values["date_of_birth"],
        ethnicity=values["ethnicity"],
        today=timezone.localdate(),
        entered=entered,
    )
    problems.append(code_problem("sex", values["sex"], Sex.values, "sex"))
    problems.append(postcode_problem(values["postcode"]))
    texts = {name: values[name] for name in TEXT_FIELDS if name != "postcode"}
    problems += record_text_problems(Child, texts | {"local_id": local_id})
    return [p for p in problems if p]


@transaction.atomic
def child_create(
    *,
    council: Council,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    sex: str,
    responsible_la: Council | None = None,
    ethnicity: str = "",
    police_id: str = "",
    home_locality: Locality | None = None,
    local_id: str | None = None,
    other_names: str = "",
    postcode: str = "",
    address: str = "",
    by=None,
) -> Child:
    """Record a child the council did not know before."""
    texts = _texts(
        {"first_name": first_name, "last_name": last_name, "other_names": other_names}
        | {"police_id": police_id, "postcode": postcode, "address": address}
    )
    values = texts | {"date_of_birth": date_of_birth, "ethnicity": ethnicity, "sex": sex}
    raise_if_any(_child_problems(values, local_id=local_id or ""))
    child = Child.objects.create(
        council=council,
        local_id=local_id or new_local_id("C"),
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        responsible_la=responsible_la or council,
        home_locality=home_locality,
        **texts,
        created_by=by,
        changed_by=by,
    )
    record_change(record=child, by=by)
    return child


def _placement_problems(child: Child, values: dict, *, local_id: str = "") -> list[Problem]:
    """The rules a placement keeps, new or corrected."""
    problems = placement_problems(
        start_date=values["start_date"],
        end_date=values["end_date"],
        date_of_birth=child.date_of_birth,
        today=timezone.localdate(),
    )
    problems.append(
        code_problem(
            "placement_type", values["placement_type"], PlacementType.values, "placement type"
        )
    )
    texts = {name: values[name] for name in ("place_code", "provider_urn", "provider_name")}
    problems += record_text_problems(Placement, texts | {"local_id": local_id})
    problems.append(place_code_problem(values["place_code"]))
    return [p for p in problems if p]


@transaction.atomic
def placement_record(
    *,
    child: Child,
    start_date: dt.date,
    placement_type: str,
    end_date: dt.date | None = None,
    place_code: str = "",
    provider_urn: str = "",
    provider_name: str = "",
    locality: Locality | None = None,
    placing_la: Council | None = None,
    host_la: Council | None = None,
    local_id: str | None = None,
    by=None,
) -> Placement:
    """Record where a looked-after or placed-in child lives."""
    values = {"start_date": start_date, "end_date": end_date, "placement_type": placement_type}
    values |= {"place_code": place_code, "provider_urn": provider_urn}
    values |= {"provider_name": provider_name}
    raise_if_any(_placement_problems(child, values, local_id=local_id or ""))
    placement = Placement.objects.create(
        council=child.council,
        local_id=local_id or new_local_id("P"),
        child=child,
        start_date=start_date,
        end_date=end_date,
        placement_type=placement_type,
        place_code=place_code,
        provider_urn=provider_urn,
        provider_name=provider_name,
        locality=locality,
        placing_la=placing_la or child.responsible_la,
        host_la=host_la or child.council,
        created_by=by,
        changed_by=by,
    )
    record_change(record=placement, by=by)
    return placement


def child_born_problems(*, child: Child, date_of_birth: dt.date) -> list[Problem]:
    """What a changed date of birth would break among the child's records: an episode,
    placement or screening before the birth, or an episode after the child turned 25.
    Every service that changes a date of birth asks this (the import asks the same in SQL)."""
    records = [
        (f"episode {e.local_id} (last seen)", london_date(e.last_seen_at), True)
        for e in child.episodes.all()
    ]
    records += [
        (f"placement {p.local_id} (start)", p.start_date, False) for p in child.placements.all()
    ]
    records += [(f"screening {s.local_id}", s.completed_on, False) for s in child.screenings.all()]
    return born_problems(date_of_birth=date_of_birth, records=records)


NOBODY_TO_ALLOCATE = "Choose a worker or a team to allocate the child to."


@transaction.atomic
def child_allocate(
    *,
    child: Child,
    worker=None,
    team: str = "",
    allocated_on: dt.date | None = None,
    by=None,
) -> Allocation:
    """Allocate a child to a worker and/or a team; they then see the child's record."""
    if worker is None and not team.strip():
        raise ValidationError({"worker": NOBODY_TO_ALLOCATE})
    allocation = Allocation.objects.create(
        child=child,
        worker=worker,
        team=team.strip(),
        allocated_on=allocated_on or timezone.localdate(),
        created_by=by,
        changed_by=by,
    )
    record_change(record=allocation, by=by)
    return allocation


# Corrections: a child's details and a placement, changed from their pages (web/edits.py).

# Not the local id: it is the key by which the council's bundles find the child, so a new
# one here would make the next import of the source system's bundle add the child again.
CHILD_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "police_id",
    "responsible_la",
    "home_locality",
    "other_names",
    "postcode",
    "address",
}
PLACEMENT_FIELDS = {
    "start_date",
    "end_date",
    "placement_type",
    "place_code",
    "provider_urn",
    "provider_name",
    "locality",
    "placing_la",
    "host_la",
}


@transaction.atomic
def child_update(*, child: Child, expected_version: int, by=None, **changes) -> Child:
    """Correct a child's details, refusing if someone else changed them since they were read."""
    refuse_unknown_fields(changes, CHILD_FIELDS, "Children")
    changes |= _texts(changes)
    if "responsible_la" in changes and changes["responsible_la"] is None:
        changes["responsible_la"] = child.council  # as when the child was recorded
    # Locked first, as a writer of episodes locks (core/locks.py): no episode can be
    # recorded or imported against the old date of birth while the new one is checked.
    if "date_of_birth" in changes:
        lock_council_episodes(child.council_id)
    before = values_before_change(child)
    values = {name: getattr(child, name) for name in CHILD_FIELDS} | changes
    # A date of birth is judged against today's age only when it changes: a child who has
    # grown up since being recorded can still have their name corrected.
    born_changes = "date_of_birth" in changes
    problems = _child_problems(values, entered=born_changes)
    if born_changes:
        problems += child_born_problems(child=child, date_of_birth=values["date_of_birth"])
    raise_if_any(problems)
    return save_audited(
        child, before=before, expected_version=expected_version, changes=changes, by=by
    )


@transaction.atomic
def placement_update(
    *, placement: Placement, expected_version: int, by=None, **changes
) -> Placement:
    """Correct a placement, refusing if someone else changed it since it was read."""
    refuse_unknown_fields(changes, PLACEMENT_FIELDS, "Placements")
    child = Child.objects.select_for_update().get(pk=placement.child_id)
    before = values_before_change(placement)
    values = {name: getattr(placement, name) for name in PLACEMENT_FIELDS} | changes
    raise_if_any(_placement_problems(child, values))
    return save_audited(
        placement, before=before, expected_version=expected_version, changes=changes, by=by
    )
