"""The rules a child and a placement must keep."""

import datetime as dt

from homeward.core.codes import ETHNICITY_CODES
from homeward.core.problems import UNKNOWN_CODE, Problem, when

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
