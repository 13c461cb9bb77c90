"""Form fields every page shares: dates and times entered as a person in England would."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from homeward.core.clock import LONDON

DATE_INCOMPLETE = "Enter the {what} as a day, month and year, for example 27 3 2024."
DATE_NOT_REAL = "The {what} must be a real date, for example 27 3 2024."
DATE_YEAR_OUT_OF_RANGE = "The year of the {what} must be between {first} and {last}."
TIME_NOT_REAL = "Enter the time of the {what} in 24-hour form, for example 09:30 or 21:05."
TIME_WITHOUT_DATE = "Enter the date of the {what} as well as the time."
TIME_DOES_NOT_EXIST = (
    "{time} on {date} did not happen in the UK: the clocks went forward an hour that night. "
    "Enter a time from 02:00."
)
# A file uploaded on a page: refused, before it is read, when larger than the page's limit.
UPLOAD_TOO_LARGE = (
    "The file is {size:.1f} MB, but at most {limit} MB can be uploaded at once. Split it into "
    "smaller files (each with the header row), or ask an administrator to {command}."
)
MB = 1024 * 1024

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
NUMBER = re.compile(r"^\d{1,4}$")
# No date Homeward records lies outside these years; the bounds also keep every sum a page
# makes with a date (72 hours on, a year back) inside the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    def __init__(self, attrs=None):
        super().__init__(
            {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value):
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateTimeInput(forms.MultiWidget):
    """A GOV.UK date input followed by a time box (Europe/London)."""

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput,
            "month": forms.TextInput,
            "year": forms.TextInput,
            "time": forms.TextInput,
        }
        super().__init__(widgets)

    def decompress(self, value):
        if value:
            local = value.astimezone(LONDON)
            return [local.day, local.month, local.year, local.strftime("%H:%M")]
        return [None, None, None, None]


def _date_from_parts(day, month, year, what: str) -> dt.date | None:
    parts = [str(part or "").strip() for part in (day, month, year)]
    if not any(parts):
        return None
    if not all(parts):
        raise ValidationError(DATE_INCOMPLETE.format(what=what))
    # Plain digits only: int() would take "-1", "1_000" or a number too big for a date.
    if not all(NUMBER.match(part) for part in parts):
        raise ValidationError(DATE_NOT_REAL.format(what=what))
    day, month, year = (int(part) for part in parts)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            DATE_YEAR_OUT_OF_RANGE.format(what=what, first=FIRST_YEAR, last=LAST_YEAR)
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(DATE_NOT_REAL.format(what=what)) from None


class DateField(forms.MultiValueField):
    """A date entered in three boxes."""

    widget = DateInput

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {what}."

    def compress(self, data_list):
        return _date_from_parts(*(list(data_list) + [None] * 3)[:3], what=self.what)


class LondonDateTimeField(forms.MultiValueField):
    """A date and a time as read on a clock in England, stored as an instant."""

    widget = DateTimeInput

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        fields = tuple(forms.CharField(required=False) for _ in range(4))
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the date and time of the {what}."

    def compress(self, data_list):
        day, month, year, time = (list(data_list) + [None] * 4)[:4]
        date = _date_from_parts(day, month, year, self.what)
        clock = _time(time, self.what)
        if date is None:
            if clock is not None:
                raise ValidationError(TIME_WITHOUT_DATE.format(what=self.what))
            return None
        if clock is None:
            raise ValidationError(TIME_NOT_REAL.format(what=self.what))
        return london_instant(date, clock)


def _time(raw, what: str) -> dt.time | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    match = TIME_PATTERN.match(raw)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError(TIME_NOT_REAL.format(what=what))
    return dt.time(int(match[1]), int(match[2]))


def london_instant(date: dt.date, clock: dt.time) -> dt.datetime:
    """The instant a clock in England showed `clock` on `date`; refuses a time that never was.

    When the clocks go back, 01:30 happens twice; it is taken as the first (BST) one.
    """
    local = dt.datetime.combine(date, clock, tzinfo=LONDON)
    round_trip = local.astimezone(dt.UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            TIME_DOES_NOT_EXIST.format(
                time=clock.strftime("%H:%M"), date=date.strftime("%-d %B %Y")
            )
        )
    return local


def add_service_errors(form: forms.Form, error: ValidationError, aliases=None) -> None:
    """Put a service's refusal on the form, each message against the field it names."""
    aliases = aliases or {}
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def upload_within(upload, *, limit: int, command: str):
    """The upload, or a ValidationError saying its size and the limit (in MB) and what to do:
    split it, or have an administrator `command` it (which has no limit)."""
    if upload.size > limit * MB:
        raise ValidationError(
            UPLOAD_TOO_LARGE.format(size=upload.size / MB, limit=limit, command=command)
        )
    return upload
