"""Recording children and their placements."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change
from homeward.children.models import Allocation, Child, Placement
from homeward.children.rules import (
    born_problems,
    child_problems,
    place_code_problem,
    placement_problems,
)
from homeward.core.codes import PlacementType, Sex
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
    by=None,
) -> Child:
    """Record a child the council did not know before."""
    first_name, last_name = first_name.strip(), last_name.strip()
    problems = child_problems(
        date_of_birth=date_of_birth, ethnicity=ethnicity, today=timezone.localdate()
    )
    problems.append(code_problem("sex", sex, Sex.values, "sex"))
    texts = {"first_name": first_name, "last_name": last_name, "police_id": police_id}
    problems += record_text_problems(Child, texts | {"local_id": local_id or ""})
    raise_if_any(p for p in problems if p)
    child = Child.objects.create(
        council=council,
        local_id=local_id or new_local_id("C"),
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        responsible_la=responsible_la or council,
        police_id=police_id,
        home_locality=home_locality,
        created_by=by,
        changed_by=by,
    )
    record_change(record=child, by=by)
    return child


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
    problems = placement_problems(
        start_date=start_date,
        end_date=end_date,
        date_of_birth=child.date_of_birth,
        today=timezone.localdate(),
    )
    problems.append(
        code_problem("placement_type", placement_type, PlacementType.values, "placement type")
    )
    texts = {
        "place_code": place_code,
        "provider_urn": provider_urn,
        "provider_name": provider_name,
        "local_id": local_id or "",
    }
    problems += record_text_problems(Placement, texts)
    problems.append(place_code_problem(place_code))
    raise_if_any(p for p in problems if p)
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
