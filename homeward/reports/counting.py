"""Counting missing episodes and return home interviews, as domain.md "How it counts" says.

Every figure is counted in the database. A period is a pair of dates, both inclusive, in
Europe/London; it becomes the instants from local midnight on its first day to local
midnight after its last, so an episode at 00:30 BST on 1 April belongs to April.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from homeward.core.clock import Period, calendar_months
from homeward.core.codes import Category, InterviewOutcome
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN


@dataclass(frozen=True)
class Share:
    """A count out of a base, always shown with both."""

    n: int
    of: int

    @property
    def pct(self) -> int | None:
        return round(100 * self.n / self.of) if self.of else None


@dataclass(frozen=True)
class PeriodCounts:
    period: Period
    missing_episodes: int
    children_missing: int
    repeat_children: int
    away_episodes: int
    returns: int
    rhi_completed_within_72h: Share


def period_counts(*, council, start: dt.date, end: dt.date) -> PeriodCounts:
    """Every figure for one period."""
    return count_periods(council=council, periods=[Period(start, end)])[0]


def monthly_counts(*, council, start: dt.date, end: dt.date) -> list[PeriodCounts]:
    """Every figure for each calendar month from `start` to `end`."""
    return count_periods(council=council, periods=calendar_months(start, end))


def count_periods(*, council, periods: list[Period]) -> list[PeriodCounts]:
    """Every figure for each period, in three queries however many periods or episodes."""
    if not periods:
        return []
    episodes = _episode_figures(council, periods)
    repeats = _repeat_children(council, periods)
    returns = _return_figures(council, periods)
    return [
        PeriodCounts(
            period=period,
            missing_episodes=episodes[f"missing_{i}"],
            children_missing=episodes[f"children_{i}"],
            repeat_children=repeats[f"repeat_{i}"],
            away_episodes=episodes[f"away_{i}"],
            returns=returns[f"returns_{i}"],
            rhi_completed_within_72h=Share(returns[f"rhi_72h_{i}"], returns[f"returns_{i}"]),
        )
        for i, period in enumerate(periods)
    ]


def _seen_in(period: Period) -> Q:
    return Q(last_seen_at__gte=period.starts_at, last_seen_at__lt=period.ends_before)


def _returned_in(period: Period) -> Q:
    return Q(returned_at__gte=period.starts_at, returned_at__lt=period.ends_before)


def _spanning(periods: list[Period]) -> Period:
    return Period(min(p.first for p in periods), max(p.last for p in periods))


def _episode_figures(council, periods: list[Period]) -> dict[str, int]:
    missing = Q(category=Category.MISSING)
    away = Q(category=Category.AWAY)
    figures = {}
    for i, period in enumerate(periods):
        seen = _seen_in(period)
        figures[f"missing_{i}"] = Count("pk", filter=seen & missing)
        figures[f"children_{i}"] = Count("child", filter=seen & missing, distinct=True)
        figures[f"away_{i}"] = Count("pk", filter=seen & away)
    episodes = Episode.objects.filter(_seen_in(_spanning(periods)), council=council)
    return episodes.aggregate(**figures)


def _repeat_children(council, periods: list[Period]) -> dict[str, int]:
    # Episodes per child per period, then the children with two or more in each period.
    per_child = (
        Episode.objects.filter(
            _seen_in(_spanning(periods)), council=council, category=Category.MISSING
        )
        .values("child")
        .annotate(
            **{f"episodes_{i}": Count("pk", filter=_seen_in(p)) for i, p in enumerate(periods)}
        )
    )
    return per_child.aggregate(
        **{
            f"repeat_{i}": Count("child", filter=Q(**{f"episodes_{i}__gte": 2}))
            for i in range(len(periods))
        }
    )


def _return_figures(council, periods: list[Period]) -> dict[str, int]:
    completed_in_time = Exists(
        ReturnInterview.objects.filter(episode=OuterRef("pk"), outcome=InterviewOutcome.COMPLETED)
        .annotate(delay=F("completed_at") - F("episode__returned_at"))
        .filter(delay__lte=RHI_DUE_WITHIN)
    )
    figures = {}
    for i, period in enumerate(periods):
        returned = _returned_in(period)
        figures[f"returns_{i}"] = Count("pk", filter=returned)
        figures[f"rhi_72h_{i}"] = Count("pk", filter=returned & Q(rhi_in_time=True))
    returns = Episode.objects.filter(
        _returned_in(_spanning(periods)), council=council, category=Category.MISSING
    ).annotate(rhi_in_time=completed_in_time)
    return returns.aggregate(**figures)
