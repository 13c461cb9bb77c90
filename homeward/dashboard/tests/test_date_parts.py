"""No date typed into any form gives a server error: huge, negative, non-numeric or far-off
parts are a sentence on the form, through GET and POST, on every page that has a date."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from homeward.accounts import roles
from homeward.children.tests.factories import ChildFactory
from homeward.core.tests.people import staff
from homeward.core.tests.test_matrix import ALL_ROUTES, REPORT_QUERY, url_for
from homeward.dashboard.forms import DateField, LondonDateTimeField
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.panel_factories import PanelActionFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
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

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def records(time_machine):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory()
    open_one = EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(hours=5), returned_at=None
    )
    back = EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(hours=40))
    action = PanelActionFactory(discussion__child=child, due_on=dt.date(2020, 7, 14))
    return {
        "child": child,
        "episode": open_one,
        "returned": back,
        "meeting": action.discussion.meeting,
        "discussion": action.discussion,
        "action": action,
    }


def date_fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(\w+)_day"', html)))


PAGES = [name for name, _ in ALL_ROUTES if not name.startswith("accounts:")]


@pytest.mark.parametrize("name", PAGES)
def test_every_date_field_of_every_page_refuses_bad_parts_with_a_sentence(client, records, name):
    client.force_login(staff(roles.ADMINISTRATOR))
    url = url_for(name, records)
    page = client.get(url)
    assert page.status_code < 500
    fields = date_fields(page.content.decode())
    if not fields:
        pytest.skip(f"{name} has no date field")
    for prefix in fields:
        for bad in BAD_DATES:
            typed = {f"{prefix}_{part}": value for part, value in (GOOD | bad).items()}
            typed[f"{prefix}_time"] = "12:00"
            said = False
            for send in (client.get, client.post):
                response = send(url, REPORT_QUERY | typed)
                assert response.status_code < 500, (name, prefix, bad, send)
                said |= bool(SAID.search(response.content.decode()))
            assert said, (name, prefix, bad)
