import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.core.clock import due_words, duration_words

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=ZoneInfo("Europe/London"))
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "duration, words",
    [
        (dt.timedelta(minutes=59), "less than an hour"),
        (HOUR, "1 hour"),
        (14 * HOUR + dt.timedelta(minutes=59), "14 hours"),  # completed hours
        (24 * HOUR, "1 day"),
        (29 * HOUR, "1 day 5 hours"),
        (6 * 24 * HOUR + 23 * HOUR, "6 days 23 hours"),
        (7 * 24 * HOUR + 5 * HOUR, "7 days"),  # a week on, days alone
        (530 * HOUR, "22 days"),  # not "530 hours"
    ],
)
def test_a_duration_reads_in_days_and_hours(duration, words):
    assert duration_words(duration) == words


def test_due_or_overdue_from_the_same_moment():
    assert due_words(NOW + 14 * HOUR, NOW) == "due in 14 hours"
    assert due_words(NOW, NOW) == "due in less than an hour"  # exactly due is not overdue
    assert due_words(NOW - 29 * HOUR, NOW) == "overdue by 1 day 5 hours"
    assert due_words(NOW - 530 * HOUR, NOW) == "overdue by 22 days"
