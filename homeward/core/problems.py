"""Problems found in what a person entered or a bundle carried, named by field."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from homeward.core.clock import LONDON

UNKNOWN_CODE = "'{value}' is not a known {what}. Use one of: {choices}."
REQUIRED = "Enter the {what}: it cannot be empty."
IN_THE_FUTURE = "The {what} ({when}) is in the future. Enter a time that has already happened."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: the field it concerns and a sentence saying what to fix."""

    field: str
    message: str


def raise_if_any(problems: Iterable[Problem]) -> None:
    """Raise a ValidationError naming every field at fault, or return if there is nothing wrong."""
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    if by_field:
        raise ValidationError(by_field)


def when(value: dt.datetime | dt.date) -> str:
    """A time as a person in England would read it: '2 Mar 2020 18:00'."""
    if isinstance(value, dt.datetime):
        return value.astimezone(LONDON).strftime("%-d %b %Y %H:%M")
    return value.strftime("%-d %b %Y")


def code_problem(field: str, value: str, choices: Iterable[str], what: str) -> Problem | None:
    """A problem if `value` is not one of the allowed codes."""
    allowed = list(choices)
    if value in allowed:
        return None
    return Problem(field, UNKNOWN_CODE.format(value=value, what=what, choices=", ".join(allowed)))


def london_date(value: dt.datetime) -> dt.date:
    return value.astimezone(LONDON).date()
