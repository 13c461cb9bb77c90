import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from homeward.web.templatetags.times import day, day_time

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def _datetimes():
    # Every hour around both clock changes of 2024, and a time in each month.
    for start in (dt.datetime(2024, 3, 30, 20, 7, tzinfo=UTC), dt.datetime(2024, 10, 26, 20, 59)):
        start = start.replace(tzinfo=UTC)
        yield from (start + dt.timedelta(minutes=37 * n) for n in range(60))
    yield from (dt.datetime(2023, month, 9, 23, 5, tzinfo=UTC) for month in range(1, 13))
    yield dt.datetime(2020, 5, 17, 9, 5, tzinfo=LONDON)
    yield dt.datetime(2020, 5, 17, 9, 5)  # naive: shown as it is


VALUES = [*_datetimes(), dt.date(2019, 9, 1), dt.date(2024, 12, 31), None, "", "not a date"]


@pytest.mark.parametrize("value", [v for v in VALUES if type(v) is not dt.date])
def test_day_time_is_what_the_date_filter_gives(value):
    expected = Template('{{ value|date:"j M Y, H:i" }}').render(Context({"value": value}))
    shown = Template("{% load times %}{{ value|day_time }}").render(Context({"value": value}))
    assert shown == expected
    assert day_time(value) == expected


@pytest.mark.parametrize("value", VALUES)
def test_day_is_what_the_date_filter_gives(value):
    expected = Template('{{ value|date:"j M Y" }}').render(Context({"value": value}))
    shown = Template("{% load times %}{{ value|day }}").render(Context({"value": value}))
    assert shown == expected
    assert day(value) == expected


def test_day_time_of_a_date_is_refused_as_the_date_filter_refuses_it():
    with pytest.raises(TypeError):
        Template('{{ value|date:"j M Y, H:i" }}').render(Context({"value": dt.date(2020, 1, 1)}))
    with pytest.raises(TypeError):
        day_time(dt.date(2020, 1, 1))
