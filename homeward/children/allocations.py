"""Who a child is allocated to: reading and ending allocations (child_allocate makes them).

An allocation is current from `allocated_on` to `ended_on`, its last day, inclusive
(access.rules reads it so). Ending one now makes yesterday its last day, so that the worker
stops seeing the child at once, not at midnight.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from homeward.audit.services import save_audited, values_before_change
from homeward.children.models import Allocation

ALREADY_ENDED = "This allocation has already ended, so nothing was changed."


def current_allocations(today: dt.date | None = None) -> QuerySet:
    """Allocations in force today."""
    today = today or timezone.localdate()
    return Allocation.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today), allocated_on__lte=today
    ).select_related("child", "worker")


def allocations_of_worker(user) -> QuerySet:
    """A person's current allocations, the newest first."""
    return current_allocations().filter(worker=user).order_by("-allocated_on", "-pk")


def allocations_of_team(team: str) -> QuerySet:
    """A team's current allocations to the team as a whole (no worker named)."""
    if not team.strip():
        return Allocation.objects.none()
    return current_allocations().filter(team=team.strip(), worker=None).order_by("-allocated_on")


def allocations_of_child(child) -> QuerySet:
    """Who the child is allocated to now."""
    return current_allocations().filter(child=child).order_by("-allocated_on", "-pk")


@transaction.atomic
def allocation_end(*, allocation: Allocation, by) -> Allocation:
    """End an allocation now: the worker (or team) no longer sees the child from now on."""
    today = timezone.localdate()
    if allocation.ended_on is not None and allocation.ended_on < today:
        raise ValidationError(ALREADY_ENDED)
    before = values_before_change(allocation)
    return save_audited(
        allocation,
        before=before,
        expected_version=before["version"],
        changes={"ended_on": today - dt.timedelta(days=1)},
        by=by,
    )
