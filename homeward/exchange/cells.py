"""Reading one CSV cell of a bundle into a value, or a sentence saying what is wrong with it."""

import datetime as dt
from collections.abc import Callable, Iterable

from homeward.children.rules import place_code_problem
from homeward.core.problems import LONDON, UNKNOWN_CODE

UTC = dt.UTC


class CellError(ValueError):
    """A cell that cannot be read; the message tells the person what to write instead."""


NOT_A_DATE = "'{raw}' is not a date. Write it as YYYY-MM-DD, for example 2020-03-14."
NOT_A_DATETIME = (
    "'{raw}' is not a date and time. Write it in ISO 8601, for example 2020-03-14T21:30 "
    "(Europe/London time) or 2020-03-14T21:30:00+00:00."
)
NO_TIME = "'{raw}' has a date but no time. Add the time, for example {raw}T21:30."
DOES_NOT_EXIST = (
    "{raw} did not happen in Europe/London: the clocks went forward that night. "
    "Check the time, or give it with its offset (for example +00:00)."
)
NOT_A_COUNT = "'{raw}' is not a whole number of 0 or more. Write digits only, for example 52000."


def read_text(raw: str) -> str:
    return raw.strip()


def read_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError(NOT_A_DATE.format(raw=raw)) from None


def read_datetime(raw: str) -> dt.datetime:
    """An aware UTC datetime; a time without an offset is Europe/London local time."""
    if len(raw) <= 10:
        raise CellError(
            NO_TIME.format(raw=raw) if _is_date(raw) else NOT_A_DATETIME.format(raw=raw)
        )
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(NOT_A_DATETIME.format(raw=raw)) from None
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
    if not raw.isdigit():
        raise CellError(NOT_A_COUNT.format(raw=raw))
    return int(raw)


def read_place_code(raw: str) -> str:
    """A PLACE code, by the rule placements keep whichever way they are recorded."""
    problem = place_code_problem(raw)
    if problem:
        raise CellError(problem.message)
    return raw


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
