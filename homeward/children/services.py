"""Recording children and their placements."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change
from homeward.children.models import Allocation, Child, Placement
from homeward.children.rules import child_problems, placement_problems
from homeward.core.codes import PlacementType, Sex
from homeward.core.problems import code_problem, raise_if_any
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
    problems = child_problems(
        date_of_birth=date_of_birth, ethnicity=ethnicity, today=timezone.localdate()
    )
    problems.append(code_problem("sex", sex, Sex.values, "sex"))
    raise_if_any(p for p in problems if p)
    child = Child.objects.create(
        council=council,
        local_id=local_id or new_local_id("C"),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
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
        start_date=start_date, end_date=end_date, date_of_birth=child.date_of_birth
    )
    problems.append(
        code_problem("placement_type", placement_type, PlacementType.values, "placement type")
    )
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
