"""Time as an English council reads it: Europe/London days, periods and children's ages.

Every app that turns dates into instants, or a date of birth into an age, asks this module,
so that a page, an import and the report agree on which day an episode happened.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Period:
    """Dates from `first` to `last`, both inclusive, in Europe/London."""

    first: dt.date
    last: dt.date

    @property
    def starts_at(self) -> dt.datetime:
        return london_midnight(self.first)

    @property
    def ends_before(self) -> dt.datetime:
        return london_midnight(self.last + dt.timedelta(days=1))


def london_midnight(day: dt.date) -> dt.datetime:
    """The instant a day begins in Europe/London (midnight exists every day there)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def age_in_years(date_of_birth: dt.date, on: dt.date) -> int:
    """Whole years a child born on `date_of_birth` has lived by `on`."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def months_ending(day: dt.date, count: int = 6) -> Period:
    """The `count` calendar months ending with the month that holds `day`."""
    first_year, first_month = divmod(day.year * 12 + day.month - 1 - (count - 1), 12)
    return Period(dt.date(first_year, first_month + 1, 1), month_end(day))


def calendar_months(start: dt.date, end: dt.date) -> list[Period]:
    """The calendar months from `start` to `end`, the first and last cut to those dates."""
    months = []
    first = start
    while first <= end:
        months.append(Period(first, min(month_end(first), end)))
        first = month_end(first) + dt.timedelta(days=1)
    return months


def month_end(day: dt.date) -> dt.date:
    """The last day of the month that holds `day`."""
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)
