"""A data-quality statement: how far the committee can trust the period's figures.

Open episodes at the period's end, episodes with no locality or no risk grading, returns
owed an interview with no outcome recorded (reports.data_quality's check, the same rows the
Data quality page lists), and children merged or corrected since the period's end.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from homeward.children.models import Child
from homeward.core.clock import Period
from homeward.reports import figures
from homeward.reports.analyses.common import few, shown
from homeward.reports.data_quality import returns_without_outcome
from homeward.reports.scope import Scope


def count(scope: Scope, period: Period, since: dt.date | None = None) -> dict:
    """The statement's counts; `since` is the last paper's date (default: the period's end)."""
    episodes = scope.episodes().filter(figures.seen_in(period))
    gaps = episodes.aggregate(
        no_locality=Count("pk", filter=Q(locality__isnull=True)),
        no_risk=Count("pk", filter=Q(risk="")),
        episodes=Count("pk"),
    )
    since = since or period.last
    after = Period(since, since).ends_before
    changed = Child.all_records.filter(changed_at__gte=after)
    if scope.council is not None:
        changed = changed.filter(council=scope.council)
    children = changed.aggregate(
        merged=Count("pk", filter=Q(merged_into__isnull=False)),
        # A child first recorded after `since` is new, not a correction of the paper's.
        corrected=Count("pk", filter=Q(merged_into__isnull=True, created_at__lt=after)),
    )
    no_outcome = 0
    if scope.council is not None:
        no_outcome = len(
            returns_without_outcome(council=scope.council, period=period, now=timezone.now())
        )
    return {
        "episodes": gaps["episodes"],
        "open_at_end": sum(figures.open_at_end(scope, period).values()),
        "no_locality": gaps["no_locality"],
        "no_risk": gaps["no_risk"],
        "returns_without_outcome": no_outcome,
        "since": since.isoformat(),
        "children_merged": children["merged"],
        "children_corrected": children["corrected"],
    }


def suppress(data: dict) -> dict:
    """The publication version: counts of 1 to 4 "c" (each could point to a child)."""
    return {k: few(v) if isinstance(v, int) else v for k, v in data.items()}


def findings(data: dict) -> list[str]:
    """One sentence from the statement's own counts."""
    n = {key: shown(value) for key, value in data.items()}
    return [
        f"Of the period's {n['episodes']} episodes, {n['open_at_end']} were still open at its "
        f"end, {n['no_locality']} had no locality and {n['no_risk']} no risk grading; "
        f"{n['returns_without_outcome']} returns had no interview outcome recorded; since "
        f"{n['since']}, {n['children_merged']} children were merged into another record and "
        f"{n['children_corrected']} corrected."
    ]
