import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
DUE = reverse("interviews:due")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def returned_ago(hours: float, **fields):
    return EpisodeFactory(
        last_seen_at=NOW - (hours + 10) * HOUR, returned_at=NOW - hours * HOUR, **fields
    )


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_it_refuses_people_who_see_counts_only(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(DUE).status_code == 403


def test_it_shows_the_clock_and_overdue_in_red(coordinator):
    returned_ago(10, child=ChildFactory(first_name="Ruby", last_name="Sample"))
    returned_ago(80, child=ChildFactory(first_name="Jayden", last_name="Notreal"))
    html = coordinator.get(DUE).content.decode()
    assert "Due in 2 days 14 hours" in html
    assert '<td class="govuk-table__cell hw-overdue">' in html
    assert "Overdue by 8 hours" in html
    assert html.index("Jayden Notreal") < html.index("Ruby Sample")


def test_it_filters_by_worker(coordinator):
    tried = returned_ago(10, child=ChildFactory(first_name="Ruby", last_name="Sample"))
    ReturnInterviewFactory(
        episode=tried, outcome="no_contact", completed_at=None, conducted_by="Made-up Worker"
    )
    returned_ago(12, child=ChildFactory(first_name="Jayden", last_name="Notreal"))
    html = coordinator.get(DUE, {"worker": "made-up"}).content.decode()
    assert "Ruby Sample" in html
    assert "Jayden Notreal" not in html


def test_recording_a_completed_interview_takes_the_return_off_the_list(coordinator):
    episode = returned_ago(10, child=ChildFactory(first_name="Ruby", last_name="Sample"))
    data = {
        "offered_at_day": 17,
        "offered_at_month": 5,
        "offered_at_year": 2020,
        "offered_at_time": "08:00",
        "outcome": "completed",
        "completed_at_day": 17,
        "completed_at_month": 5,
        "completed_at_year": 2020,
        "completed_at_time": "09:00",
        "conducted_by": "Made-up Worker",
        "findings": "Made-up findings",
    }
    response = coordinator.post(reverse("interviews:record", args=[episode.pk]), data)
    assert response.url == DUE
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.completed_at == dt.datetime(2020, 5, 17, 8, 0, tzinfo=dt.UTC)
    html = coordinator.get(DUE).content.decode()
    assert "Interview recorded for Ruby Sample." in html
    assert ">Ruby Sample</a></th>" not in html


def test_the_form_records_who_held_it_and_what_the_child_said(coordinator):
    episode = returned_ago(10)
    data = {
        "outcome": "completed",
        "completed_at_day": 17,
        "completed_at_month": 5,
        "completed_at_year": 2020,
        "completed_at_time": "09:00",
        "conducted_by": "Made-up Worker",
        "conducted_by_type": "team",
        "factors": ["expl_travel", "push_boredom"],
    }
    coordinator.post(reverse("interviews:record", args=[episode.pk]), data)
    interview = ReturnInterview.objects.get(episode=episode)
    assert (interview.conducted_by_type, interview.factors) == ("team", "push_boredom;expl_travel")
    html = coordinator.get(reverse("interviews:edit", args=[interview.pk])).content.decode()
    assert re.search(r'value="push_boredom"[^>]*checked', html)
    assert not re.search(r'value="pull_friends"[^>]*checked', html)


def test_a_completed_interview_needs_its_time(coordinator):
    episode = returned_ago(10)
    response = coordinator.post(
        reverse("interviews:record", args=[episode.pk]), {"outcome": "completed"}
    )
    assert "Enter when the interview was completed" in response.content.decode()
    assert not ReturnInterview.objects.exists()
