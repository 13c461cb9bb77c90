"""No date typed into any form gives a server error: huge, negative, non-numeric or far-off
parts are a sentence on the form, through GET and POST, on every page that has a date."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from homeward.access.tests.test_matrix import ALL_ROUTES, REPORT_QUERY, url_for
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.config.tests.more_records import border_and_email_records
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.escalations.tests.factories import EscalationFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelActionFactory
from homeward.police.tests.factories import NotificationFactory
from homeward.police.tests.forces import made_up_force
from homeward.reports.models import PaperDraft
from homeward.web.tests.test_date_parts import BAD_DATES, GOOD, SAID

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(time_machine):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory()
    open_one = EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(hours=5), returned_at=None
    )
    back = EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(hours=40))
    action = PanelActionFactory(discussion__child=child, due_on=dt.date(2020, 7, 14))
    interview = ReturnInterviewFactory(episode=back, outcome="no_contact", completed_at=None)
    issued = made_up_force()
    return border_and_email_records(child) | {
        "placement": PlacementFactory(child=child),
        "interview": interview,
        "screening": ScreeningFactory(child=child),
        "child": child,
        "episode": open_one,
        "returned": back,
        "meeting": action.discussion.meeting,
        "discussion": action.discussion,
        "action": action,
        "person": staff(roles.PRACTITIONER),
        "allocation": child_allocate(child=child, team="Made-up team"),
        "force": issued.token.force,
        "force_token": issued.token,
        "notification": NotificationFactory(),
        "escalation": EscalationFactory(trigger=back),
        "paper": PaperDraft.objects.create(
            council_code="931", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 6, 30)
        ),
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
