"""The rules a missing episode must keep, shared by the services and the bundle import."""

import datetime as dt

from homeward.core.problems import IN_THE_FUTURE, Problem, london_date, when

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
    if last_seen_at > now:
        problems.append(
            Problem(
                "last_seen_at", IN_THE_FUTURE.format(what="time last seen", when=when(last_seen_at))
            )
        )
    if date_of_birth and london_date(last_seen_at) < date_of_birth:
        problems.append(
            Problem(
                "last_seen_at",
                BEFORE_BIRTH.format(seen=when(last_seen_at), born=when(date_of_birth)),
            )
        )
    if reported_at is not None and reported_at < last_seen_at:
        problems.append(
            Problem(
                "reported_at",
                REPORTED_BEFORE_LAST_SEEN.format(
                    reported=when(reported_at), seen=when(last_seen_at)
                ),
            )
        )
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
    return problems


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
    if returned_at > now:
        return [
            Problem("returned_at", IN_THE_FUTURE.format(what="return time", when=when(returned_at)))
        ]
    return []


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
