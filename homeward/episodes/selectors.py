"""Reads of missing episodes that more than one page needs."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from homeward.core.access import episodes_visible_to
from homeward.core.codes import Risk
from homeward.episodes.models import Episode
from homeward.reports.counting import LONDON, age_in_years

# High risk first; an episode not yet graded comes last, after "no apparent risk".
RISK_ORDER = [Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NO_APPARENT_RISK]


@dataclass(frozen=True)
class MissingNow:
    episode_id: int
    episode_ref: str
    child_name: str
    age: int
    category: str
    risk: str
    risk_label: str
    missing_from: str
    locality: str
    last_seen_at: dt.datetime
    hours_missing: int
    placed_in: bool
    placing_council: str
    child_id: int = 0
    locality_id: int | None = None


def visible_episodes(*, user, council):
    """The episodes of a council this person may see (the rule: core.access)."""
    return episodes_visible_to(user).filter(council=council)


def episodes_missing_now(
    *, council, now: dt.datetime, user, locality_id: int | None = None
) -> list[MissingNow]:
    """Every open episode for the council, high risk first, then the longest missing."""
    episodes = visible_episodes(user=user, council=council).filter(returned_at__isnull=True)
    if locality_id:
        episodes = episodes.filter(locality_id=locality_id)
    episodes = (
        episodes.select_related("child__responsible_la", "locality")
        .annotate(risk_rank=_risk_rank())
        .order_by("risk_rank", "last_seen_at", "pk")
    )
    return [_missing_now(episode, now) for episode in episodes]


def _risk_rank() -> Case:
    return Case(
        *(When(risk=risk, then=Value(rank)) for rank, risk in enumerate(RISK_ORDER)),
        default=Value(len(RISK_ORDER)),
        output_field=IntegerField(),
    )


def _missing_now(episode: Episode, now: dt.datetime) -> MissingNow:
    child = episode.child
    return MissingNow(
        episode_id=episode.pk,
        episode_ref=episode.local_id,
        child_name=str(child),
        age=age_in_years(child.date_of_birth, now.astimezone(LONDON).date()),
        category=episode.get_category_display(),
        risk=episode.risk,
        risk_label=episode.get_risk_display() if episode.risk else "Not graded",
        missing_from=episode.get_missing_from_display(),
        locality=episode.locality.name if episode.locality else "",
        last_seen_at=episode.last_seen_at,
        hours_missing=whole_hours(now - episode.last_seen_at),
        placed_in=child.is_placed_in,
        placing_council=child.responsible_la.name if child.is_placed_in else "",
        child_id=child.pk,
        locality_id=episode.locality_id,
    )


def whole_hours(duration: dt.timedelta) -> int:
    """Completed hours in a duration: 71 hours 59 minutes is 71."""
    return int(duration.total_seconds() // 3600)
