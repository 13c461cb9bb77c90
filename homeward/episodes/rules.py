"""The rules a missing episode must keep, shared by the services and the bundle import."""

import datetime as dt

from homeward.children.rules import OLDEST_AGE, too_old_on
from homeward.core.clock import age_in_years
from homeward.core.problems import Problem, future_problem, london_date, when

RETURN_BEFORE_LAST_SEEN = (
    "The return ({returned}) is before the child was last seen ({seen}). Check both times."
)
RETURN_AT_LAST_SEEN = "The return is at the same time as last seen ({seen}). Check both times."
REPORTED_BEFORE_LAST_SEEN = (
    "The report to police ({reported}) is before the child was last seen ({seen}). "
    "Check both times."
)
NOTIFIED_BEFORE_LAST_SEEN = (
    "The placing council is recorded as told ({notified}) before the child was last seen "
    "({seen}). Check both times."
)
BEFORE_BIRTH = (
    "Last seen ({seen}) is before the child's date of birth ({born}). "
    "Check the date, or whether this is the right child."
)
TOO_OLD_AT_EPISODE = (
    "Last seen ({seen}) is when the child was {age}, by their date of birth ({born}), but "
    "Homeward records children and young people up to {oldest}. Check the date, or the "
    "child's date of birth."
)
INTERVIEW_BEFORE_RETURN = (
    "Interview {interview} is recorded {when}, before this return ({returned}). "
    "Correct the interview first, or check the return."
)
INTERVIEW_WHILE_MISSING = (
    "Interview {interview} (after episode {episode}) is recorded as completed at {completed}, "
    "when this episode would have the child missing. Check the times, or correct the interview."
)
OVERLAPS = (
    "This episode overlaps episode {other} of the same child ({other_seen} to {other_returned}). "
    "A child's episodes cannot overlap: check the times, or whether this is the same episode."
)
STILL_MISSING = (
    "The child is still missing from episode {other} (last seen {other_seen}). "
    "Record the return of that episode before recording a new one."
)
# The same, for an episode the person may not see: nothing about it but that it exists.
OVERLAPS_ANOTHER = (
    "This episode overlaps another episode recorded for this child. A child's episodes "
    "cannot overlap: check the times, or ask a missing children coordinator to look at "
    "the child's episodes."
)
STILL_MISSING_ANOTHER = (
    "The child is still missing from another episode recorded for this child. Ask a missing "
    "children coordinator to record the return of that episode before recording a new one."
)
SEEN_WITH_OTHER_COUNCIL = (
    "Child {child} is another council's record. Only this council's children can be recorded "
    "as missing together: record the other child here first."
)
PLACEMENT_OF_ANOTHER_CHILD = (
    "Placement {placement} belongs to another child. Choose one of this child's placements."
)


def episode_time_problems(
    *,
    last_seen_at: dt.datetime,
    reported_at: dt.datetime | None,
    returned_at: dt.datetime | None,
    placing_la_notified_at: dt.datetime | None,
    date_of_birth: dt.date | None,
    now: dt.datetime,
) -> list[Problem]:
    """What is wrong with an episode's own times, judged alone."""
    problems = []
    problems.append(future_problem("last_seen_at", "time last seen", last_seen_at, now))
    if date_of_birth:
        problems.append(episode_age_problem(last_seen_at, date_of_birth))
    if reported_at is not None and reported_at < last_seen_at:
        problems.append(
            Problem(
                "reported_at",
                REPORTED_BEFORE_LAST_SEEN.format(
                    reported=when(reported_at), seen=when(last_seen_at)
                ),
            )
        )
    problems.append(future_problem("reported_at", "report to police", reported_at, now))
    if returned_at is not None:
        problems.extend(_return_problems(last_seen_at, returned_at, now))
    if placing_la_notified_at is not None and placing_la_notified_at < last_seen_at:
        problems.append(
            Problem(
                "placing_la_notified_at",
                NOTIFIED_BEFORE_LAST_SEEN.format(
                    notified=when(placing_la_notified_at), seen=when(last_seen_at)
                ),
            )
        )
    problems.append(
        future_problem(
            "placing_la_notified_at",
            "notice to the placing council",
            placing_la_notified_at,
            now,
        )
    )
    return [problem for problem in problems if problem]


def episode_age_problem(last_seen_at: dt.datetime, date_of_birth: dt.date) -> Problem | None:
    """Last seen before the child was born, or when older than Homeward's oldest age."""
    seen_on = london_date(last_seen_at)
    if seen_on < date_of_birth:
        message = BEFORE_BIRTH.format(seen=when(last_seen_at), born=when(date_of_birth))
    elif too_old_on(date_of_birth, seen_on):
        message = TOO_OLD_AT_EPISODE.format(
            seen=when(last_seen_at),
            age=age_in_years(date_of_birth, seen_on),
            born=when(date_of_birth),
            oldest=OLDEST_AGE,
        )
    else:
        return None
    return Problem("last_seen_at", message)


def _return_problems(
    last_seen_at: dt.datetime, returned_at: dt.datetime, now: dt.datetime
) -> list[Problem]:
    if returned_at < last_seen_at:
        message = RETURN_BEFORE_LAST_SEEN.format(
            returned=when(returned_at), seen=when(last_seen_at)
        )
        return [Problem("returned_at", message)]
    if returned_at == last_seen_at:
        return [Problem("returned_at", RETURN_AT_LAST_SEEN.format(seen=when(last_seen_at)))]
    future = future_problem("returned_at", "return time", returned_at, now)
    return [future] if future else []


def overlap_problem(
    *,
    other_id: str,
    other_last_seen_at: dt.datetime,
    other_returned_at: dt.datetime | None,
) -> Problem:
    """The problem to report when an episode clashes with another of the same child."""
    if other_returned_at is None:
        return Problem(
            "last_seen_at",
            STILL_MISSING.format(other=other_id, other_seen=when(other_last_seen_at)),
        )
    return Problem(
        "last_seen_at",
        OVERLAPS.format(
            other=other_id,
            other_seen=when(other_last_seen_at),
            other_returned=when(other_returned_at),
        ),
    )


def hidden_overlap_problem(*, other_returned_at: dt.datetime | None) -> Problem:
    """The same, for someone who may not see the other episode: that it exists, nothing more."""
    if other_returned_at is None:
        return Problem("last_seen_at", STILL_MISSING_ANOTHER)
    return Problem("last_seen_at", OVERLAPS_ANOTHER)


def interviews_before_return_problems(
    *,
    returned_at: dt.datetime | None,
    interviews: list[tuple[str, dt.datetime | None, dt.datetime | None]],
) -> list[Problem]:
    """An episode's (changed) return against its interviews, each (id, offered, completed):
    an interview comes after the return, so a return may not move past one, nor be cleared."""
    problems = []
    for interview, offered_at, completed_at in interviews:
        times = [t for t in (offered_at, completed_at) if t is not None]
        if returned_at is not None and all(t >= returned_at for t in times):
            continue
        earliest = min(times, default=None)
        problems.append(
            Problem(
                "returned_at",
                INTERVIEW_BEFORE_RETURN.format(
                    interview=interview,
                    when=f"at {when(earliest)}" if earliest else "for this episode",
                    returned=when(returned_at)
                    if returned_at
                    else "none: the child would be shown as still missing",
                ),
            )
        )
    return problems


def interview_while_missing_problem(
    *, interview: str, episode: str, completed_at: dt.datetime
) -> Problem:
    """An episode that would have the child missing when another episode's interview was held."""
    return Problem(
        "last_seen_at",
        INTERVIEW_WHILE_MISSING.format(
            interview=interview, episode=episode, completed=when(completed_at)
        ),
    )


def shares_a_day(one: tuple, other: tuple) -> bool:
    """Whether two episodes known to the day only, each (last seen, returned), may overlap
    as the DfE lets SSDA903 periods do: both begin on one day, and one of them ends that day
    too (its return one second after it was last seen: Episode.day_precision)."""

    def one_day(seen, returned) -> bool:
        return returned is not None and returned - seen <= dt.timedelta(seconds=1)

    return one[0] == other[0] and (one_day(*one) or one_day(*other))
