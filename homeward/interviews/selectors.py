"""Reads of return home interviews that more than one page needs."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from homeward.core.clock import due_words
from homeward.core.codes import Category, InterviewOutcome
from homeward.episodes.models import Episode
from homeward.episodes.selectors import visible_episodes
from homeward.interviews.models import InterviewClosure, ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN

# An interview completed or declined settles the return; no contact yet does not, until the
# council's required attempts (settings.HOMEWARD_RHI_ATTEMPTS_REQUIRED) have all failed.
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
    due_words: str  # "overdue by 22 days", "due in 14 hours" (core.clock.due_words)
    child_id: int = 0
    locality: str = ""
    last_worker: str = ""
    attempts: int = 0  # offers with no contact made


@dataclass(frozen=True)
class OwedCounts:
    total: int
    overdue: int


def attempts_required() -> int:
    """Offers with no contact made after which a return is no longer owed an interview."""
    return settings.HOMEWARD_RHI_ATTEMPTS_REQUIRED


def _no_contact_attempts() -> Coalesce:
    attempts = (
        ReturnInterview.objects.filter(episode=OuterRef("pk"), outcome=InterviewOutcome.NO_CONTACT)
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(attempts, output_field=IntegerField()), 0)


def owed_returns(
    *,
    council,
    now: dt.datetime,
    user,
    locality_id: int | None = None,
    worker: str = "",
    child_id: int | None = None,
) -> QuerySet[Episode]:
    """Returns from missing this person may see that are still owed an interview, however
    long ago: no interview completed or declined, fewer offers with no contact than the
    council requires, and not closed by a coordinator; the longest owed first."""
    returns = owed_among(visible_episodes(user=user, council=council), now=now)
    if child_id is not None:
        returns = returns.filter(child_id=child_id)
    if locality_id:
        returns = returns.filter(locality_id=locality_id)
    if worker.strip():
        offered_by = ReturnInterview.objects.filter(
            episode=OuterRef("pk"), conducted_by__icontains=worker.strip()
        )
        returns = returns.filter(Exists(offered_by))
    return returns.order_by("returned_at", "pk")


def owed_among(episodes: QuerySet[Episode], *, now: dt.datetime) -> QuerySet[Episode]:
    """Those of `episodes` that are returns from missing still owed an interview (the rule
    of `owed_returns`, for a caller that has chosen the episodes already)."""
    settled = ReturnInterview.objects.filter(episode=OuterRef("pk"), outcome__in=SETTLED)
    closed = InterviewClosure.objects.filter(episode=OuterRef("pk"), undone_at__isnull=True)
    return (
        # The interview is owed after a missing episode, and only those are counted.
        episodes.filter(category=Category.MISSING, returned_at__lte=now)
        .filter(~Exists(settled), ~Exists(closed))
        .alias(attempts=_no_contact_attempts())
        .filter(attempts__lt=attempts_required())
    )


def owed_counts(returns: QuerySet[Episode], now: dt.datetime) -> OwedCounts:
    """How many of `owed_returns` there are, and how many are overdue: one query."""
    overdue = Q(returned_at__lt=now - RHI_DUE_WITHIN)
    counts = returns.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=overdue))
    return OwedCounts(total=counts["total"], overdue=counts["overdue"])


def owed_rows(returns: QuerySet[Episode]) -> QuerySet:
    """`owed_returns` with only the columns the lists show, as tuples (model instances cost
    more than the page): slice it, then make each row with `interview_due_row`."""
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
    return returns.annotate(
        first_offered_at=Subquery(first_offer),
        last_worker=Subquery(last_worker),
        no_contact=_no_contact_attempts(),
    ).values_list(*_COLUMNS)


def interviews_due(
    *,
    council,
    now: dt.datetime,
    user,
    locality_id: int | None = None,
    worker: str = "",
    child_id: int | None = None,
    limit: int | None = None,
) -> list[InterviewDue]:
    """Returns still owed an interview (`owed_returns`), the longest owed first; the first
    `limit` of them if given."""
    returns = owed_returns(
        council=council,
        now=now,
        user=user,
        locality_id=locality_id,
        worker=worker,
        child_id=child_id,
    )
    rows = owed_rows(returns)
    if limit is not None:
        rows = rows[:limit]
    return [interview_due_row(row, now) for row in rows]


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
    "no_contact",
)


def interview_due_row(row: tuple, now: dt.datetime) -> InterviewDue:
    """One of `owed_rows` as the lists show it."""
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
        no_contact,
    ) = row
    due_at = returned_at + RHI_DUE_WITHIN
    return InterviewDue(
        episode_id=pk,
        episode_ref=local_id,
        child_name=f"{first_name} {last_name}",  # str(Child)
        returned_at=returned_at,
        due_at=due_at,
        first_offered_at=first_offered_at,
        is_overdue=due_at < now,
        due_words=due_words(due_at, now),
        child_id=child_id,
        locality=locality_name or "",
        last_worker=last_worker or "",
        attempts=no_contact or 0,
    )


def open_interview(*, episode) -> ReturnInterview | None:
    """The latest interview offered after an episode and not yet settled (no contact made
    yet), whose outcome belongs on it rather than on a new entry."""
    return (
        ReturnInterview.objects.filter(episode=episode, outcome__in=AWAITING_OUTCOME)
        .order_by(F("offered_at").desc(nulls_last=True), "-pk")
        .first()
    )


def open_closure(*, episode) -> InterviewClosure | None:
    """The closure that stands on a return, if a coordinator closed it without an interview."""
    return (
        InterviewClosure.objects.filter(episode=episode, undone_at__isnull=True)
        .select_related("created_by")
        .first()
    )
