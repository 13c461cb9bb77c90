"""A date typed with huge, negative, non-numeric or far-off parts is a sentence on the form,
never an exception (every page with a date: config/tests/test_dates_on_every_page.py)."""

import re

import pytest
from django.core.exceptions import ValidationError

from homeward.web.forms import DateField, LondonDateTimeField

HUGE = "9999999999999999999999"
GOOD = {"day": "16", "month": "5", "year": "2020"}
BAD_DATES = [
    {"day": HUGE},
    {"month": HUGE},
    {"year": HUGE},
    {"day": HUGE, "month": HUGE, "year": HUGE},
    {"day": "-1"},
    {"year": "-2020"},
    {"month": "May"},
    {"year": "2o2o"},
    {"day": "1e3"},
    {"day": "31", "month": "12", "year": "9999"},  # a real date, at the end of the calendar
    {"day": "1", "month": "1", "year": "1"},
]
SAID = re.compile(r"for example 27 3 2024|must be between \d+ and \d+")


@pytest.mark.parametrize("bad", BAD_DATES, ids=str)
@pytest.mark.parametrize("field", [DateField, LondonDateTimeField])
def test_a_bad_date_part_is_a_form_error_not_an_exception(field, bad):
    parts = GOOD | bad
    values = [parts["day"], parts["month"], parts["year"]]
    if field is LondonDateTimeField:
        values.append("12:00")
    with pytest.raises(ValidationError) as refused:
        field(what="date of birth").clean(values)
    assert SAID.search(" ".join(refused.value.messages))


@pytest.mark.parametrize("time", [HUGE + ":00", "-1:00", "12:" + HUGE, "noon"])
def test_a_bad_time_is_a_form_error(time):
    with pytest.raises(ValidationError, match="24-hour"):
        LondonDateTimeField(what="return").clean(["16", "5", "2020", time])
