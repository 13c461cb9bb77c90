"""Reads for the escalation pages: every read through the access rule (escalations_visible_to)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from homeward.access.rules import escalations_visible_to
from homeward.escalations.models import Escalation

OPEN = "open"
DUE_THIS_WEEK = "due_week"
OVERDUE = "overdue"
CLOSED = "closed"
SHOWING = {
    OPEN: "Open",
    DUE_THIS_WEEK: "Due within 7 days",
    OVERDUE: "Overdue",
    CLOSED: "Closed",
}
NOBODY = "nobody"


def escalations_list(
    *, user, today: dt.date, showing: str = OPEN, kind: str = "", owner: str = ""
) -> QuerySet[Escalation]:
    """The escalations this person may see, chosen by status, kind and owner ("nobody": those
    without one), the oldest due first."""
    escalations = escalations_visible_to(user).select_related("child", "owner")
    if showing == CLOSED:
        escalations = escalations.filter(closed_at__isnull=False)
    else:
        escalations = escalations.filter(closed_at__isnull=True)
    if showing == DUE_THIS_WEEK:
        escalations = escalations.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(7))
    elif showing == OVERDUE:
        escalations = escalations.filter(due_on__lt=today)
    if kind:
        escalations = escalations.filter(kind=kind)
    if owner == NOBODY:
        escalations = escalations.filter(owner__isnull=True)
    elif owner:
        escalations = escalations.filter(owner_id=owner)
    return escalations.order_by("due_on", "pk")


@dataclass(frozen=True)
class Counts:
    open: int
    due_this_week: int
    overdue: int


def escalations_counts(*, user, today: dt.date) -> Counts:
    """How many of the person's visible escalations are open, due this week and overdue."""
    still_open = escalations_visible_to(user).filter(closed_at__isnull=True)
    week = today + dt.timedelta(days=7)
    return Counts(
        open=still_open.count(),
        due_this_week=still_open.filter(due_on__gte=today, due_on__lte=week).count(),
        overdue=still_open.filter(due_on__lt=today).count(),
    )


def escalations_for_child(*, user, child) -> list[Escalation]:
    """The child's escalations this person may see: open first (the soonest due first), then
    closed (the latest closed first)."""
    escalations = escalations_visible_to(user).filter(child=child).select_related("owner")
    still_open = escalations.filter(closed_at__isnull=True).order_by("due_on", "pk")
    closed = escalations.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    return [*still_open, *closed]
