"""Problems found in what a person entered or a bundle carried, named by field."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from homeward.core.clock import LONDON

UNKNOWN_CODE = "'{value}' is not a known {what}. Use one of: {choices}."
REQUIRED = "Enter the {what}: it cannot be empty."
IN_THE_FUTURE = "The {what} ({when}) is in the future. Enter a time that has already happened."
TOO_LONG = "The {what} is {length} characters long, but at most {limit} fit. Shorten it."
CONTROL_CHARACTER = (
    "The {what} holds an invisible control character ({code}), often left by copying from "
    "another system. Retype the text without it."
)
GARBLED = (
    "The {what} '{value}' looks garbled: '{garbled}' is how UTF-8 text shows when it is read "
    "as Windows-1252, as Excel does when it opens a CSV file without a byte-order mark. It "
    "probably should be '{fixed}'. Correct it in the file (or import the file as it was "
    "written, not saved again from Excel) and import again."
)

# The clocks of the machines that send records (a police system, a worker's laptop) are
# a little out from Homeward's: a time this far ahead of now is taken as now, not refused.
CLOCK_SLACK = dt.timedelta(minutes=5)
# Control characters (Unicode category Cc) and lone surrogates, which no text should hold;
# a multi-line text (findings) may hold the tab and line breaks a person types. A pattern,
# not a loop, because an import checks every text cell of a million rows.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# UTF-8 read as Windows-1252 ("mojibake"): a character standing for a UTF-8 lead byte (Ã for
# C3) followed by as many characters standing for continuation bytes (80-BF) as it needs.
# Of the two-byte ones, only the leads of accented Latin letters (C2-C5: Zoë as ZoÃ«, a
# Polish ł as Å‚) and of Cyrillic (D0, D1) are taken: others (É, Ë, ß) are real letters that
# a closing quote or a dash may follow ("CAFÉ”", "ZOË”", "Straße–Nord").
_CONTINUATION = "".join(
    bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xC0)
    if byte not in b"\x81\x8d\x8f\x90\x9d"
)
_GARBLED = re.compile(
    "[\xc2-\xc5\xd0\xd1][{c}]|[\xe0-\xef][{c}]{{2}}|[\xf0-\xf4][{c}]{{3}}".format(
        c=re.escape(_CONTINUATION)
    )
)


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
    # The year in four digits, so that a typed "11" shows as the year 0011 it was read as.
    return f"{value:%-d %b} {value.year:04d}"


def code_problem(field: str, value: str, choices: Iterable[str], what: str) -> Problem | None:
    """A problem if `value` is not one of the allowed codes."""
    allowed = list(choices)
    if value in allowed:
        return None
    return Problem(field, UNKNOWN_CODE.format(value=value, what=what, choices=", ".join(allowed)))


def london_date(value: dt.datetime) -> dt.date:
    return value.astimezone(LONDON).date()


def future_problem(
    field: str, what: str, value: dt.datetime | None, now: dt.datetime
) -> Problem | None:
    """A problem if `value` is more than a few minutes after `now` (see CLOCK_SLACK)."""
    if value is None or value <= now + CLOCK_SLACK:
        return None
    return Problem(field, IN_THE_FUTURE.format(what=what, when=when(value)))


def text_problem(
    field: str, value: str, *, what: str, max_length: int | None, multiline: bool = False
) -> Problem | None:
    """A problem if a text is too long for its field, or holds a character no database
    should store (NUL crashes PostgreSQL; other control characters are invisible)."""
    found = (CONTROL_BUT_LINE_BREAKS if multiline else CONTROL).search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        return Problem(field, CONTROL_CHARACTER.format(what=what, code=code))
    if max_length is not None and len(value) > max_length:
        return Problem(field, TOO_LONG.format(what=what, length=len(value), limit=max_length))
    return None


def record_text_problems(model, values: dict, labels: dict | None = None) -> list[Problem]:
    """The text problems of a record's values, each judged by its model field: its
    max_length, and whether it is multi-line (a TextField). `labels` names the fields as
    the person knows them (default: the field's verbose name)."""
    problems = []
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        field = model._meta.get_field(name)
        problem = text_problem(
            name,
            value,
            what=(labels or {}).get(name, str(field.verbose_name)),
            max_length=field.max_length,
            multiline=field.get_internal_type() == "TextField",
        )
        if problem:
            problems.append(problem)
    return problems


def _ungarbled(found: re.Match) -> str:
    try:
        return found.group().encode("cp1252").decode("utf-8")
    except UnicodeError:
        return found.group()


def garbled_problem(field: str, value: str, *, what: str) -> Problem | None:
    """A problem if a text looks like UTF-8 read as Windows-1252 ("Zoë" as "ZoÃ«"), saying
    what it probably should be."""
    if value.isascii():
        return None
    fixed = _GARBLED.sub(_ungarbled, value)
    if fixed == value:
        return None
    garbled = next(m.group() for m in _GARBLED.finditer(value) if _ungarbled(m) != m.group())
    return Problem(field, GARBLED.format(what=what, value=value, garbled=garbled, fixed=fixed))
