import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.web.forms import LONDON, LondonDateTimeField, london_instant


def test_a_summer_time_is_read_as_british_summer_time():
    assert london_instant(dt.date(2020, 7, 1), dt.time(12, 0)) == dt.datetime(
        2020, 7, 1, 11, 0, tzinfo=dt.UTC
    )


def test_a_time_the_clocks_skipped_is_refused():
    with pytest.raises(ValidationError, match="did not happen in the UK"):
        london_instant(dt.date(2020, 3, 29), dt.time(1, 30))


def test_a_time_that_happened_twice_is_the_first():
    instant = london_instant(dt.date(2020, 10, 25), dt.time(1, 30))
    assert instant.astimezone(dt.UTC) == dt.datetime(2020, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert instant.tzinfo is LONDON


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["1", "", "2020", "10:00"], "as a day, month and year"),
        (["31", "2", "2020", "10:00"], "must be a real date"),
        (["1", "2", "2020", "25:00"], "24-hour form"),
        (["1", "2", "2020", ""], "24-hour form"),
        (["", "", "", "10:00"], "the date of the"),
    ],
)
def test_it_explains_what_is_wrong(parts, message):
    field = LondonDateTimeField(what="return", required=False)
    with pytest.raises(ValidationError, match=message):
        field.clean(parts)


def test_an_empty_optional_time_is_none():
    assert LondonDateTimeField(what="return", required=False).clean(["", "", "", ""]) is None
