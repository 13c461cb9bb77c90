"""The rules a child and a placement must keep."""

import datetime as dt

from homeward.core.codes import ETHNICITY_CODES
from homeward.core.problems import UNKNOWN_CODE, Problem, london_date, when

BORN_IN_FUTURE = "The date of birth ({born}) is in the future. Check the date."
PLACEMENT_ENDS_BEFORE_START = (
    "The placement ends ({end}) before it starts ({start}). Check both dates."
)
PLACEMENT_BEFORE_BIRTH = (
    "The placement starts ({start}) before the child's date of birth ({born}). Check both dates."
)


def child_problems(*, date_of_birth: dt.date, ethnicity: str, today: dt.date) -> list[Problem]:
    """What is wrong with a child's own details."""
    problems = []
    if date_of_birth > today:
        problems.append(Problem("date_of_birth", BORN_IN_FUTURE.format(born=when(date_of_birth))))
    if ethnicity and ethnicity not in ETHNICITY_CODES:
        problems.append(
            Problem(
                "ethnicity",
                UNKNOWN_CODE.format(
                    value=ethnicity, what="DfE ethnicity code", choices=", ".join(ETHNICITY_CODES)
                ),
            )
        )
    return problems


def placement_problems(
    *, start_date: dt.date, end_date: dt.date | None, date_of_birth: dt.date | None
) -> list[Problem]:
    """What is wrong with a placement's dates."""
    problems = []
    if end_date is not None and end_date < start_date:
        problems.append(
            Problem(
                "end_date",
                PLACEMENT_ENDS_BEFORE_START.format(end=when(end_date), start=when(start_date)),
            )
        )
    if date_of_birth is not None and start_date < date_of_birth:
        problems.append(
            Problem(
                "start_date",
                PLACEMENT_BEFORE_BIRTH.format(start=when(start_date), born=when(date_of_birth)),
            )
        )
    return problems


# A correction to a date of birth must not leave the child's records before their birth.
BORN_AFTER_EPISODE = (
    "The date of birth ({born}) is after episode {episode}, when the child was last seen "
    "({seen}). Check the date of birth, or correct the episode first."
)
BORN_AFTER_PLACEMENT = (
    "The date of birth ({born}) is after placement {placement} began ({start}). Check the "
    "date of birth, or correct the placement first."
)
BORN_AFTER_SCREENING = (
    "The date of birth ({born}) is after screening {screening} was completed ({completed}). "
    "Check the date of birth, or correct the screening first."
)


def born_after_records_problems(
    *,
    date_of_birth: dt.date,
    first_episode: tuple[str, dt.datetime] | None,
    first_placement: tuple[str, dt.date] | None,
    first_screening: tuple[str, dt.date] | None,
) -> list[Problem]:
    """What a new date of birth would put before the child's birth: each kind's earliest
    record, given as (local id, when)."""
    born = when(date_of_birth)
    problems = []
    if first_episode and london_date(first_episode[1]) < date_of_birth:
        episode, seen = first_episode
        message = BORN_AFTER_EPISODE.format(born=born, episode=episode, seen=when(seen))
        problems.append(Problem("date_of_birth", message))
    if first_placement and first_placement[1] < date_of_birth:
        placement, start = first_placement
        message = BORN_AFTER_PLACEMENT.format(born=born, placement=placement, start=when(start))
        problems.append(Problem("date_of_birth", message))
    if first_screening and first_screening[1] < date_of_birth:
        screening, completed = first_screening
        message = BORN_AFTER_SCREENING.format(
            born=born, screening=screening, completed=when(completed)
        )
        problems.append(Problem("date_of_birth", message))
    return problems
