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


# Under this many days a duration is read in days and hours ("1 day 5 hours"); from it on,
# in days alone ("22 days"): a coordinator chasing an interview weeks late needs the days.
DAYS_WITH_HOURS = 7


def duration_words(duration: dt.timedelta) -> str:
    """A duration as a person says it, in completed units: "14 hours", "1 day 5 hours",
    "22 days", "less than an hour"."""
    hours = int(duration.total_seconds() // 3600)
    days, hours_left = divmod(hours, 24)
    if days == 0:
        return _count(hours, "hour") if hours else "less than an hour"
    if days >= DAYS_WITH_HOURS or hours_left == 0:
        return _count(days, "day")
    return f"{_count(days, 'day')} {_count(hours_left, 'hour')}"


def due_words(due_at: dt.datetime, now: dt.datetime) -> str:
    """How something due at `due_at` stands at `now`: "overdue by 22 days", "due in 14
    hours". Exactly at `due_at` it is due, not overdue. The one wording of every page."""
    if due_at < now:
        return f"overdue by {duration_words(now - due_at)}"
    return f"due in {duration_words(due_at - now)}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"
