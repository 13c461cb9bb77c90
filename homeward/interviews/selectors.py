"""Reads of return home interviews that more than one page needs."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, Min, OuterRef, Subquery

from homeward.core.codes import Category, InterviewOutcome
from homeward.episodes.selectors import visible_episodes, whole_hours
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN

# An interview completed or declined settles the return; no contact yet does not.
SETTLED = [InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED]
# Offered, and waiting for its outcome: recorded on the same interview when it comes.
AWAITING_OUTCOME = [InterviewOutcome.NO_CONTACT]


@dataclass(frozen=True)
class InterviewDue:
    episode_id: int
    episode_ref: str
    child_name: str
    returned_at: dt.datetime
    due_at: dt.datetime
    first_offered_at: dt.datetime | None
    is_overdue: bool
    hours_left: int
    hours_overdue: int
    child_id: int = 0
    locality: str = ""
    last_worker: str = ""


def interviews_due(
    *,
    council,
    now: dt.datetime,
    user,
    lookback_days: int = 30,
    locality_id: int | None = None,
    worker: str = "",
) -> list[InterviewDue]:
    """Recent returns from missing with no interview completed or declined, most overdue first."""
    settled = ReturnInterview.objects.filter(episode=OuterRef("pk"), outcome__in=SETTLED)
    first_offer = (
        ReturnInterview.objects.filter(episode=OuterRef("pk"))
        .values("episode")
        .annotate(first=Min("offered_at"))
        .values("first")
    )
    last_worker = (
        ReturnInterview.objects.filter(episode=OuterRef("pk"))
        .exclude(conducted_by="")
        .order_by("-changed_at", "-pk")
        .values("conducted_by")[:1]
    )
    returns = (
        visible_episodes(user=user, council=council)
        .filter(
            # The interview is owed after a missing episode, and only those are counted.
            category=Category.MISSING,
            returned_at__gte=now - dt.timedelta(days=lookback_days),
            returned_at__lte=now,
        )
        .filter(~Exists(settled))
        .annotate(first_offered_at=Subquery(first_offer), last_worker=Subquery(last_worker))
        .order_by("returned_at", "pk")
    )
    if locality_id:
        returns = returns.filter(locality_id=locality_id)
    if worker.strip():
        offered_by = ReturnInterview.objects.filter(
            episode=OuterRef("pk"), conducted_by__icontains=worker.strip()
        )
        returns = returns.filter(Exists(offered_by))
    # Only the columns the list shows, as tuples (model instances cost more than the page).
    return [_interview_due(row, now) for row in returns.values_list(*_COLUMNS)]


_COLUMNS = (
    "pk",
    "local_id",
    "child__first_name",
    "child__last_name",
    "returned_at",
    "first_offered_at",
    "child_id",
    "locality__name",
    "last_worker",
)


def _interview_due(row: tuple, now: dt.datetime) -> InterviewDue:
    (
        pk,
        local_id,
        first_name,
        last_name,
        returned_at,
        first_offered_at,
        child_id,
        locality_name,
        last_worker,
    ) = row
    due_at = returned_at + RHI_DUE_WITHIN
    is_overdue = due_at < now
    return InterviewDue(
        episode_id=pk,
        episode_ref=local_id,
        child_name=f"{first_name} {last_name}",  # str(Child)
        returned_at=returned_at,
        due_at=due_at,
        first_offered_at=first_offered_at,
        is_overdue=is_overdue,
        hours_left=0 if is_overdue else whole_hours(due_at - now),
        hours_overdue=whole_hours(now - due_at) if is_overdue else 0,
        child_id=child_id,
        locality=locality_name or "",
        last_worker=last_worker or "",
    )


def open_interview(*, episode) -> ReturnInterview | None:
    """The latest interview offered after an episode and not yet settled (no contact made
    yet), whose outcome belongs on it rather than on a new entry."""
    return (
        ReturnInterview.objects.filter(episode=episode, outcome__in=AWAITING_OUTCOME)
        .order_by(F("offered_at").desc(nulls_last=True), "-pk")
        .first()
    )
