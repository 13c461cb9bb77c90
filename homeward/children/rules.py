"""The rules a child and a placement must keep."""

import datetime as dt
import re
from collections.abc import Iterable

from homeward.core.clock import age_in_years
from homeward.core.codes import ETHNICITY_CODES
from homeward.core.problems import UNKNOWN_CODE, Problem, when

# Homeward follows children and young people: a care leaver is supported up to 25
# (Children and Social Work Act 2017, s.3), so nobody older is recorded, at an episode or
# when first entered. The earliest date of birth is therefore 25 years back from the day
# it is judged on, rather than a fixed year that would go stale: it catches "11" typed
# for 2011 (the year 0011) and 1950 typed for 2005 alike. A child's date of birth is
# judged against today only when it is entered or changed, so a record that was right
# when entered is never refused later for the child having grown up (its export still
# imports years on); against each episode it is judged always.
OLDEST_AGE = 25
# A council keeps a looked-after child's case records until their 75th birthday, so a bundle
# of its records (an import of history) may name people up to that age: anyone older than
# that is a mistyped year (0011, 1905), never a record the council still holds.
OLDEST_RECORD_AGE = 75

BORN_IN_FUTURE = "The date of birth ({born}) is in the future. Check the date."
TOO_OLD = (
    "The date of birth ({born}) makes the child {age} years old today, but Homeward records "
    "children and young people up to 25. Check the year."
)
BORN_AFTER_RECORD = (
    "The date of birth ({born}) is after {record} ({on}). Check the date, or whether that "
    "record is this child's."
)
TOO_OLD_AT_RECORD = (
    "The date of birth ({born}) makes the child {age} at {record} ({on}), but Homeward "
    "records children and young people up to 25. Check the year."
)
TOO_OLD_FOR_RECORDS = (
    "The date of birth ({born}) makes this person {age} years old today, older than anyone "
    "whose records a council keeps (to their 75th birthday). Check the year."
)
PLACEMENT_ENDS_BEFORE_START = (
    "The placement ends ({end}) before it starts ({start}). Check both dates."
)
PLACEMENT_BEFORE_BIRTH = (
    "The placement starts ({start}) before the child's date of birth ({born}). Check both dates."
)
NOT_A_PLACE_CODE = (
    "'{raw}' is not an SSDA903 placement code: a capital letter and a digit, like K2."
)
PLACE_CODE = re.compile(r"[A-Z][0-9]")
PLACEMENT_STARTS_IN_FUTURE = (
    "The placement start ({start}) is in the future. Record a placement once it has begun."
)


def earliest_date_of_birth(on: dt.date, oldest: int = OLDEST_AGE) -> dt.date:
    """The earliest date of birth of someone no older than `oldest` on `on`."""
    try:
        too_old = on.replace(year=on.year - oldest - 1)
    except ValueError:  # 29 February, in a year that has none
        too_old = dt.date(on.year - oldest - 1, 2, 28)
    return too_old + dt.timedelta(days=1)


def too_old_on(date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether someone born on `date_of_birth` is older than OLDEST_AGE on `on`."""
    return date_of_birth < earliest_date_of_birth(on)


def child_problems(
    *, date_of_birth: dt.date, ethnicity: str, today: dt.date, entered: bool = True
) -> list[Problem]:
    """What is wrong with a child's own details. `entered`: the date of birth is being
    entered or changed today, so it is judged against today's age too (an import judges
    that only for the children it adds or whose date of birth it changes)."""
    problems = []
    if date_of_birth > today:
        problems.append(Problem("date_of_birth", BORN_IN_FUTURE.format(born=when(date_of_birth))))
    elif entered:
        problems += entered_age_problems(date_of_birth=date_of_birth, today=today)
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


def entered_age_problems(*, date_of_birth: dt.date, today: dt.date) -> list[Problem]:
    """A date of birth entered today that makes the child older than OLDEST_AGE."""
    if not too_old_on(date_of_birth, today):
        return []
    age = age_in_years(date_of_birth, today)
    return [Problem("date_of_birth", TOO_OLD.format(born=when(date_of_birth), age=age))]


def recorded_age_problems(*, date_of_birth: dt.date, today: dt.date) -> list[Problem]:
    """A date of birth in a council's records (an import) too long ago for any record kept."""
    if date_of_birth >= earliest_date_of_birth(today, OLDEST_RECORD_AGE):
        return []
    age = age_in_years(date_of_birth, today)
    return [Problem("date_of_birth", TOO_OLD_FOR_RECORDS.format(born=when(date_of_birth), age=age))]


def born_problems(
    *, date_of_birth: dt.date, records: Iterable[tuple[str, dt.date, bool]]
) -> list[Problem]:
    """What is wrong with a (changed) date of birth given the child's records: each a
    (name, date, judged for age) such as ("episode E1 (last seen)", its day, True).

    No record may come before the birth; an episode may not come after the 25 years."""
    problems = []
    for record, on, judged_for_age in records:
        if on < date_of_birth:
            message = BORN_AFTER_RECORD.format(born=when(date_of_birth), record=record, on=when(on))
        elif judged_for_age and too_old_on(date_of_birth, on):
            message = TOO_OLD_AT_RECORD.format(
                born=when(date_of_birth),
                age=age_in_years(date_of_birth, on),
                record=record,
                on=when(on),
            )
        else:
            continue
        problems.append(Problem("date_of_birth", message))
    return problems


def placement_problems(
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    date_of_birth: dt.date | None,
    today: dt.date,
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
    if start_date > today:
        problems.append(
            Problem("start_date", PLACEMENT_STARTS_IN_FUTURE.format(start=when(start_date)))
        )
    if date_of_birth is not None and start_date < date_of_birth:
        problems.append(
            Problem(
                "start_date",
                PLACEMENT_BEFORE_BIRTH.format(start=when(start_date), born=when(date_of_birth)),
            )
        )
    return problems


def place_code_problem(place_code: str) -> Problem | None:
    """A problem if a placement's SSDA903 PLACE code is given but not of its form."""
    if not place_code or PLACE_CODE.fullmatch(place_code):
        return None
    return Problem("place_code", NOT_A_PLACE_CODE.format(raw=place_code))


# A UK postcode: outward code (area, district) and inward code (sector digit, unit letters).
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
NOT_A_POSTCODE = (
    "'{value}' is not a UK postcode. Write it as the Royal Mail does, for example OX4 1AB "
    "(or only its first half, OX4, when that is all that is known), or leave it empty."
)


def normalise_postcode(text: str) -> str | None:
    """A postcode as stored: upper-case with one space ("ox41ab" -> "OX4 1AB"); an outward
    code alone as it is ("OX4"); "" for nothing; None when it is not a postcode."""
    squeezed = re.sub(r"\s+", "", text or "").upper()
    if not squeezed:
        return ""
    whole = _POSTCODE.fullmatch(squeezed)
    if whole:
        return f"{whole[1]} {whole[2]}"
    return squeezed if _OUTWARD.fullmatch(squeezed) else None


def postcode_problem(value: str) -> Problem | None:
    """A problem if `value` is not a postcode (or empty)."""
    if normalise_postcode(value) is None:
        return Problem("postcode", NOT_A_POSTCODE.format(value=value.strip()))
    return None
