"""Episodes and returns: when each child goes missing, for how long, who reported it, and the
handful missing right now."""

import math
import random
from datetime import UTC, date, datetime, timedelta

from homeward.exchange.demo_county.placements import placement_on
from homeward.exchange.demo_county.records import Child, County, Episode
from homeward.exchange.demo_county.shape import (
    DAY,
    FOUND_LOCATIONS,
    HOURS,
    PLACED_IN,
    REPORTERS,
    START,
    local_date,
    minutes_of,
    utc_midnight,
)


def activity(moment: datetime) -> float:
    """How busy the county is at a moment (0-1): a slow rise, and quiet lockdowns."""
    lockdowns = (
        (datetime(2020, 3, 23, tzinfo=UTC), datetime(2020, 7, 1, tzinfo=UTC)),
        (datetime(2021, 1, 5, tzinfo=UTC), datetime(2021, 3, 8, tzinfo=UTC)),
    )
    if any(start <= moment < end for start, end in lockdowns):
        return 0.7
    years = (moment - datetime(2018, 1, 1, tzinfo=UTC)).days / 365.25
    return min(1.0, 0.86 + 0.02 * years)


def give_episodes(county: County, child: Child) -> None:
    """Episodes arrive at the child's own rate through the spell, one after another."""
    rng = county.rng
    cursor = utc_midnight(child.window_start)
    last_end = cursor
    first = True
    while True:
        if not first:
            cursor += timedelta(days=rng.expovariate(child.rate / 365.25))
        first = False
        last_seen = last_seen_on(county, cursor.date())
        if last_seen <= last_end + HOURS:
            last_seen = last_end + minutes_of(rng.uniform(120, 1800))
        if local_date(last_seen) > child.window_end or last_seen >= county.now:
            return
        cursor = last_seen
        if local_date(last_seen) < START or rng.random() > activity(last_seen):
            continue
        category = category_for(county, child)
        episode = new_episode(
            county, child, category, last_seen, return_after(county, category, last_seen)
        )
        if episode is None:
            continue
        child.episodes.append(episode)
        if episode.returned is None:
            return
        cursor = last_end = episode.returned


def last_seen_on(county: County, day: date) -> datetime:
    hour = county.rng.choices(range(24), cum_weights=county.hour_weights)[0]
    return utc_midnight(day) + timedelta(hours=hour, minutes=county.rng.randrange(0, 60, 5))


def category_for(county: County, child: Child) -> str:
    return "away" if child.in_care and county.rng.random() < 0.11 else "missing"


def return_after(county: County, category: str, last_seen: datetime) -> datetime | None:
    """Mostly hours, with a long tail of days and weeks; open only if still recent."""
    median_hours = 4 if category == "away" else 9
    hours = min(county.rng.lognormvariate(math.log(median_hours), 1.25), 24 * 45)
    returned = last_seen + minutes_of(max(30, hours * 60))
    if returned <= county.now:
        return returned
    if county.now - last_seen < timedelta(days=20):
        return None
    return last_seen + (county.now - last_seen) * county.rng.uniform(0.2, 0.9)


def new_episode(
    county: County, child: Child, category: str, last_seen: datetime, returned: datetime | None
) -> Episode | None:
    """The episode as it would be recorded for this child at that moment, if it can be."""
    rng = county.rng
    placement = placement_on(child, local_date(last_seen))
    if child.in_care and placement is None:
        return None
    returned = returned.replace(second=0, microsecond=0) if returned else None
    if returned is not None and returned <= last_seen:
        returned = last_seen + timedelta(minutes=30)
    setting = placement.type if placement else "home"
    away = category == "away"
    missing_from = "placement" if placement else "home"
    if rng.random() < 0.04:
        missing_from = "other"
    reported = reported_after(county, last_seen, returned)
    return Episode(
        child=child,
        category=category,
        last_seen=last_seen,
        returned=returned,
        reported=reported,
        risk=_risk(rng, child, away),
        missing_from=missing_from,
        placement=placement,
        locality=placement.locality if placement else child.home_locality,
        legal_status=child.legal_status,
        found_location=rng.choice(FOUND_LOCATIONS) if returned else "",
        reported_by=rng.choice(REPORTERS["away" if missing_from == "other" else setting]),
        notified=notified_after(county, reported) if child.kind is PLACED_IN else None,
    )


def reported_after(county: County, last_seen: datetime, returned: datetime | None) -> datetime:
    reported = last_seen + minutes_of(county.rng.lognormvariate(math.log(75), 0.9) + 5)
    if returned is not None and reported > returned:
        reported = last_seen + (returned - last_seen) * county.rng.uniform(0.2, 0.9)
    return min(reported, county.now).replace(second=0, microsecond=0)


def notified_after(county: County, reported: datetime) -> datetime | None:
    """Placing councils are mostly told within a day; sometimes late, sometimes never."""
    draw = county.rng.random()
    if draw < 0.80:
        notified = reported + minutes_of(min(county.rng.lognormvariate(math.log(180), 0.9), 1400))
    elif draw < 0.92:
        notified = reported + minutes_of(county.rng.uniform(25 * 60, 120 * 60))
    else:
        return None
    return notified if notified <= county.now else None


def keep_some_missing_now(county: County) -> None:
    """The live pages need a handful of children missing right now, gone in the last days."""
    target = county.rng.randint(5, 8)
    open_now = sum(1 for c in county.children if c.episodes[-1].returned is None)
    recent = [
        c
        for c in county.children
        if c.episodes[-1].returned is not None
        and county.now - c.episodes[-1].returned < timedelta(days=60)
        and c.turns_18 > county.today + DAY
    ]
    for child in county.rng.sample(recent, min(len(recent), max(0, target - open_now))):
        earliest = max(child.episodes[-1].returned + 6 * HOURS, county.now - timedelta(days=6))
        if earliest >= county.now - HOURS:
            continue
        span = (county.now - HOURS - earliest).total_seconds()
        last_seen = earliest + timedelta(seconds=county.rng.uniform(0, span))
        last_seen = last_seen.replace(second=0, microsecond=0)
        episode = new_episode(county, child, "missing", last_seen, None)
        if episode is not None:
            episode.risk = county.rng.choice(("high", "medium", "medium", "medium"))
            child.episodes.append(episode)


def is_free(child: Child, last_seen: datetime, returned: datetime) -> bool:
    """The child has no episode within an hour of this period (an open one runs for ever)."""
    for episode in child.episodes:
        ends = episode.returned + HOURS if episode.returned else datetime.max.replace(tzinfo=UTC)
        if episode.last_seen < returned + HOURS and last_seen < ends:
            return False
    return True


def _risk(rng: random.Random, child: Child, away: bool) -> str:
    grades = ("high", "medium", "low", "no_apparent_risk")
    if away:
        return rng.choices(grades, weights=(0, 10, 30, 60))[0]
    young = (child.window_start - child.dob).days < 10 * 365
    weights = (22, 60, 14, 4) if young or child.ce_risk >= 2 else (6, 64, 22, 8)
    return rng.choices(grades, weights=weights)[0]
