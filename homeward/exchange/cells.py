"""Reading one CSV cell of a bundle into a value, or a sentence saying what is wrong with it."""

import datetime as dt
import re
from collections.abc import Callable, Iterable

from homeward.children.rules import normalise_postcode, place_code_problem, postcode_problem
from homeward.core.problems import LONDON, UNKNOWN_CODE

UTC = dt.UTC


class CellError(ValueError):
    """A cell that cannot be read; the message tells the person what to write instead."""


NOT_A_DATE = (
    "'{raw}' is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY, for example 2020-03-14 "
    "or 14/03/2020."
)
NOT_A_DAY_FIRST_DATE = (
    "'{raw}' is not a date read day first, as dates are written in the UK (DD/MM/YYYY). "
    "Check the day and the month, or write it as YYYY-MM-DD."
)
SPREADSHEET_DAY_COUNT = (
    "'{raw}' is a date as a spreadsheet stores it, a count of days ({raw} is {day:%d/%m/%Y} "
    "counted as Excel for Windows counts). Format the column as a date (DD/MM/YYYY) in the "
    "spreadsheet, save it as CSV again, and check the dates."
)
TWO_DIGIT_YEAR = (
    "'{raw}' has a two-digit year, which could be in either century. Write the year in full, "
    "for example 14/03/2020."
)
NOT_A_DATETIME = (
    "'{raw}' is not a date and time. Write it in ISO 8601, for example 2020-03-14T21:30 "
    "(Europe/London time) or 2020-03-14T21:30:00+00:00, or as DD/MM/YYYY HH:MM."
)
NO_TIME = "'{raw}' has a date but no time. Add the time, for example {raw}{sep}21:30."
OUT_OF_RANGE = "'{raw}' is outside the years 1 to 9999 once its offset is applied. Check the year."
DOES_NOT_EXIST = (
    "{raw} did not happen in Europe/London: the clocks went forward that night. "
    "Check the time, or give it with its offset (for example +00:00)."
)
NOT_A_COUNT = "'{raw}' is not a whole number of 0 or more. Write digits only, for example 52000."
TOO_LARGE_A_COUNT = "'{raw}' is more than Homeward can record ({most:,}). Check the number."
MOST_COUNT = 2_147_483_647  # the largest whole number every database Homeward uses stores


def read_text(raw: str) -> str:
    return raw.strip()


# The UK writes dates day first (the DfE's SSDA903 returns and most case-management systems
# too): 03/04/2020 is 3 April. Month first is never tried, so a US date is refused, not
# misread. A time may follow, as HH:MM or HH:MM:SS, Europe/London local time.
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _day_first(raw: str) -> dt.datetime | None:
    """A DD/MM/YYYY date (with its time, if any) as a naive datetime; None if not that form."""
    found = _DAY_FIRST.fullmatch(raw)
    if found is None:
        return None
    day, month, year, *time = found.groups()
    if len(year) == 2:
        raise CellError(TWO_DIGIT_YEAR.format(raw=raw))
    try:
        if len(year) != 4:
            raise ValueError(year)
        return dt.datetime(int(year), int(month), int(day), *(int(t or 0) for t in time))
    except ValueError:
        raise CellError(NOT_A_DAY_FIRST_DATE.format(raw=raw)) from None


def read_date(raw: str) -> dt.date:
    if "/" in raw:
        value = _day_first(raw)
        if value is not None and value.time() == dt.time():
            return value.date()
        raise CellError(NOT_A_DATE.format(raw=raw))
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError(_spreadsheet_day(raw) or NOT_A_DATE.format(raw=raw)) from None


# Excel for Windows counts days from 1900 (its day 60 is a 29 February 1900 that never was,
# so from day 61 on, day N is 30 December 1899 plus N days). A five-digit count is a day
# from 1927 to 2173. Never read as the date: a spreadsheet on a Mac may count from 1904.
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)


def _spreadsheet_day(raw: str) -> str | None:
    """What to say of a cell that looks like a date Excel stored as a count of days."""
    if not (len(raw) == 5 and raw.isascii() and raw.isdigit()):
        return None
    day = _EXCEL_DAY_ZERO + dt.timedelta(days=int(raw))
    return SPREADSHEET_DAY_COUNT.format(raw=raw, day=day)


def read_datetime(raw: str) -> dt.datetime:
    """An aware UTC datetime; a time without an offset is Europe/London local time."""
    if "/" in raw:
        value = _day_first(raw)
        if value is None:
            raise CellError(NOT_A_DATETIME.format(raw=raw))
        if ":" not in raw:
            raise CellError(NO_TIME.format(raw=raw, sep=" "))
    elif len(raw) <= 10:
        raise CellError(
            NO_TIME.format(raw=raw, sep="T") if _is_date(raw) else NOT_A_DATETIME.format(raw=raw)
        )
    else:
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CellError(NOT_A_DATETIME.format(raw=raw)) from None
    try:
        return _in_utc(value, raw)
    except OverflowError:
        raise CellError(OUT_OF_RANGE.format(raw=raw)) from None


def _in_utc(value: dt.datetime, raw: str) -> dt.datetime:
    if value.tzinfo is None:
        # fold=0: a time that happens twice when the clocks go back is read as the first (BST).
        local = value.replace(tzinfo=LONDON)
        # The clocks only ever jump in the small hours; checking those alone saves a
        # conversion on nearly every row of a large bundle.
        if value.hour < 4 and _round_trip(local) != value:
            raise CellError(DOES_NOT_EXIST.format(raw=raw))
        value = local
    return value.astimezone(UTC)


def _round_trip(local: dt.datetime) -> dt.datetime:
    return local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)


def _is_date(raw: str) -> bool:
    try:
        dt.date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def read_count(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):
        raise CellError(NOT_A_COUNT.format(raw=raw))
    value = int(raw)
    if value > MOST_COUNT:
        raise CellError(TOO_LARGE_A_COUNT.format(raw=raw, most=MOST_COUNT))
    return value


def read_place_code(raw: str) -> str:
    """A PLACE code, by the rule placements keep whichever way they are recorded."""
    problem = place_code_problem(raw)
    if problem:
        raise CellError(problem.message)
    return raw


YES_NO = {"yes": True, "no": False}


def read_yes_no(raw: str) -> bool:
    """`yes` or `no`, in any case."""
    value = YES_NO.get(raw.lower())
    if value is None:
        raise CellError(UNKNOWN_CODE.format(value=raw, what="answer", choices="yes, no"))
    return value


def write_yes_no(value: bool | None) -> str:
    return "yes" if value else "no"


def read_postcode(raw: str) -> str:
    """A postcode as Homeward stores it ("ox41ab" is "OX4 1AB"), by the rule children keep."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        raise CellError(postcode_problem(raw).message)
    return postcode


def code_reader(choices: Iterable[str], what: str) -> Callable[[str], str]:
    """A reader that accepts exactly one of `choices`."""
    choices = list(choices)
    allowed = frozenset(choices)
    message = UNKNOWN_CODE.replace("{what}", what).replace("{choices}", ", ".join(choices))

    def read_code(raw: str) -> str:
        if raw not in allowed:
            raise CellError(message.format(value=raw))
        return raw

    return read_code


def write_datetime(value: dt.datetime | None) -> str:
    """How a bundle writes a datetime: Europe/London local time with its offset."""
    return "" if value is None else value.astimezone(LONDON).isoformat()


def write_date(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


# A spreadsheet runs a cell that begins with one of these as a formula ("formula injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value):
    """A text cell as written to a CSV file: one that a spreadsheet would run as a formula
    gets a leading apostrophe, which spreadsheets show as text and never run.

    So that export and import round-trip exactly, a value that already begins with
    apostrophes before such a character gets one more (the importer takes one away).
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unguard_formula(raw: str) -> str:
    """A cell as read from a bundle: the apostrophe `guard_formula` added taken away."""
    if raw.startswith("'") and raw.lstrip("'").startswith(FORMULA_STARTS):
        return raw[1:]
    return raw
