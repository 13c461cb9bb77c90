"""Return home interviews after each return, and exploitation screenings of children who go
missing again: the rows of interviews.csv and screenings.csv."""

import math
import random
from datetime import UTC, date, datetime, time, timedelta

from homeward.core.codes import InterviewFactor
from homeward.exchange.demo_county.records import Child, County, Episode
from homeward.exchange.demo_county.shape import (
    COMMISSIONED_WORKERS,
    FACTOR_CODES,
    HOURS,
    INDICATORS,
    LONDON,
    NOT_HELD_REASONS,
    PULL,
    PUSH,
    RHI_DUE,
    RHI_WORKERS,
    local_date,
    minutes_of,
    stamp,
)


def rhi_on_time_share(moment: datetime) -> float:
    """Share of returns with an interview completed within 72 hours, drifting as staffing did."""
    months = (moment.year - 2018) * 12 + moment.month - 1
    if 44 <= months < 56:  # a vacancy-hit year from September 2021: on-time interviews dip
        return 0.47
    if 56 <= months < 62:  # recovery while new workers start
        return 0.56
    return 0.66 + 0.03 * math.sin(months / 4)


def interviews_file(county: County) -> list[dict[str, str]]:
    rows = []
    for episode in county.all_episodes():
        row = interview_after(county, episode)
        if row is not None:
            rows.append(
                {"interview_id": f"OXI{len(rows) + 1:07d}", "episode_id": episode.id, **row}
            )
    return rows


def interview_after(county: County, episode: Episode) -> dict[str, str] | None:
    """The return home interview after a missing episode, if one is recorded by now."""
    if episode.returned is None or episode.category != "missing":
        return None
    rng, returned = county.rng, episode.returned
    on_time = rhi_on_time_share(returned)
    draw = rng.random()
    if draw < on_time:
        outcome, completed = "completed", _working_hours(rng, returned, (6, 70, 26))
    elif draw < on_time + 0.11:
        outcome, completed = "completed", _working_hours(rng, returned, (74, 288, 100))
    elif draw < on_time + 0.22:
        outcome, completed = "declined", None
    elif draw < on_time + 0.29:
        outcome, completed = "no_contact", None
    elif draw < on_time + 0.33 and county.now - returned > RHI_DUE:
        return {
            "offered_at": "",
            "outcome": "not_offered",
            "completed_at": "",
            "conducted_by": "",
            "conducted_by_type": "",
            "not_held_reason": "",
            "factors": "",
            "findings": "",
        }
    else:
        return None  # nothing recorded: shows as due, then overdue
    if completed:
        completed = _before_missing_again(episode, completed)
        if completed is None:
            outcome = "no_contact"  # missing again before the interview could be held
    if completed:
        offered = returned + (completed - returned) * rng.uniform(0.05, 0.5)
    else:
        offered = returned + minutes_of(rng.uniform(60, 26 * 60))
    offered = offered.replace(second=0, microsecond=0)
    if (completed or offered) > county.now:
        return None  # not held yet: the interview is still due
    worker = rng.choice(RHI_WORKERS)
    findings, factors = _findings(rng) if completed else ("", "")
    return {
        "offered_at": stamp(offered),
        "outcome": outcome,
        "completed_at": stamp(completed),
        "conducted_by": worker,
        "conducted_by_type": "commissioned" if worker in COMMISSIONED_WORKERS else "team",
        "not_held_reason": _not_held_reason(episode, outcome),
        "factors": factors,
        "findings": findings,
    }


def _not_held_reason(episode: Episode, outcome: str) -> str:
    """A reason for an interview not held, drawn from the episode's own generator so that
    the county's other draws (and so every other row) stay as they were."""
    if outcome not in NOT_HELD_REASONS:
        return ""
    codes, weights = zip(*NOT_HELD_REASONS[outcome], strict=True)
    return random.Random(f"{episode.id}-not-held").choices(codes, weights)[0]


def screenings_file(county: County) -> list[dict[str, str]]:
    screenings = []
    for child in county.children:
        screenings.extend(screenings_of(county, child))
    screenings.sort(key=lambda s: (s["completed_on"], s["child_id"]))
    rows = [{"screening_id": f"OXS{n:06d}", **s} for n, s in enumerate(screenings, start=1)]
    return rows


def screenings_of(county: County, child: Child) -> list[dict[str, str]]:
    """A child who goes missing again is screened, and screened again while it continues."""
    rows: list[dict[str, str]] = []
    seen: list[date] = []
    review_after: date | None = None
    for episode in child.episodes:
        day = local_date(episode.last_seen)
        seen.append(day)
        repeat = len([d for d in seen if (day - d).days < 365]) >= 2
        if not repeat or (review_after is not None and day <= review_after):
            continue
        completed = min(day + timedelta(days=county.rng.randint(1, 20)), county.today)
        if rows and completed.isoformat() <= rows[-1]["completed_on"]:
            continue
        outcome = _screening_outcome(county.rng, child.ce_risk)
        months = {"high": 3, "medium": 3, "low": 6, "no_concerns": 12}[outcome]
        review = completed + timedelta(days=30 * months)
        rows.append(
            {
                "child_id": child.id,
                "completed_on": completed.isoformat(),
                "outcome": outcome,
                "concerns": _concerns(county.rng, child, outcome),
                "next_review_on": review.isoformat(),
            }
        )
        review_after = review
    return rows


def _before_missing_again(episode: Episode, completed: datetime) -> datetime | None:
    """The completion moved before the child went missing again, as no interview is held
    while a child is missing; None when there was under an hour between the two."""
    later = sorted(
        (e for e in episode.child.episodes if e.last_seen > episode.last_seen),
        key=lambda e: e.last_seen,
    )
    if not any(_missing_at(e, completed) for e in later):
        return completed
    again = later[0]
    gap = again.last_seen - episode.returned
    if gap < HOURS:
        return None
    return (episode.returned + gap / 2).replace(second=0, microsecond=0)


def _missing_at(episode: Episode, moment: datetime) -> bool:
    return episode.last_seen <= moment and (episode.returned is None or moment < episode.returned)


def _working_hours(rng: random.Random, returned: datetime, hours: tuple[float, float, float]):
    """A time about `hours` (low, high, mode) after the return, moved into the working day."""
    low, high, mode = hours
    moment = returned + minutes_of(rng.triangular(low, high, mode) * 60)
    local = moment.astimezone(LONDON)
    if 9 <= local.hour < 19:
        return moment
    day = datetime.combine(local.date(), time(rng.randint(10, 17), rng.randrange(0, 60, 5)), LONDON)
    moved = day.astimezone(UTC)
    return moved if low * HOURS <= moved - returned <= high * HOURS else moment


def _findings(rng: random.Random) -> tuple[str, str]:
    """What the child said, as words and as factor codes (in InterviewFactor's order)."""
    indicator = rng.choice(INDICATORS)
    push, pull = rng.choice(PUSH), rng.choice(PULL)
    text = f"Push: {push}. Pull: {pull}. Exploitation indicators: {indicator}."
    if indicator != "none disclosed":
        text += " Information passed to police."
    said = {FACTOR_CODES.get(words) for words in (push, pull, indicator)}
    return text, ";".join(code for code in InterviewFactor.values if code in said)


def _screening_outcome(rng: random.Random, ce_risk: int) -> str:
    level = min(3, max(0, ce_risk + rng.choice((-1, 0, 0, 0, 1))))
    return ("no_concerns", "low", "medium", "high")[level]


def _concerns(rng: random.Random, child: Child, outcome: str) -> str:
    """Concern codes in the order Homeward lists them: cse, cce, trafficking, gangs, missing."""
    if outcome == "no_concerns":
        return ""
    female = child.sex == "female"
    cse = rng.random() < (0.55 if female else 0.12)
    cce = rng.random() < (0.25 if female else 0.6)
    if outcome == "high" and not (cse or cce):
        cse, cce = female, not female
    trafficking = outcome in ("medium", "high") and rng.random() < 0.06
    gangs = cce and not female and rng.random() < 0.35
    flags = (("cse", cse), ("cce", cce), ("trafficking", trafficking), ("gangs", gangs))
    return ";".join([code for code, on in flags if on] + ["missing"])
