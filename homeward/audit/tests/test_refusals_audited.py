"""A save the rules refuse is in the audit log: who tried, what they were told, what they tried.

(Episodes and every change page: access/tests/test_matrix.py and panel/tests/test_views.py. A
new panel meeting has no rule beyond its form's, so a refusal there is the form's own.)
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview
from homeward.panel.models import PanelAction, PanelDiscussion
from homeward.panel.tests.factories import PanelDiscussionFactory, PanelMeetingFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(staff(roles.MISSING_COORDINATOR, username="made-up-coordinator"))
    return client


def date(field: str, day: dt.date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def new_child():
    data = {"first_name": "Alfie", "last_name": "Testwell", "sex": "male"}
    data |= date("date_of_birth", dt.date(2021, 1, 1))  # after today: the service refuses
    return reverse("children:create"), data, None, lambda: Child.objects.exists()


def interview():
    episode = EpisodeFactory(
        last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=2)
    )
    offered = NOW - dt.timedelta(days=4)  # before the child returned: the service refuses
    data = date("offered_at", offered.date()) | {"offered_at_time": "09:00"}
    data |= {"outcome": "declined"}
    url = reverse("interviews:record", args=[episode.pk])
    return url, data, episode, lambda: ReturnInterview.objects.exists()


def screening():
    child = ChildFactory(date_of_birth=dt.date(2008, 1, 1))
    data = date("completed_on", dt.date(2020, 5, 1)) | {"outcome": "low"}
    data |= date("next_review_on", dt.date(2020, 4, 1))  # before the screening
    url = reverse("exploitation:record-screening", args=[child.pk])
    return url, data, child, lambda: Screening.objects.exists()


def discussion():
    held = PanelMeetingFactory(held_on=dt.date(2020, 5, 5))
    child = ChildFactory()
    data = {"reason": "Made-up reason", "risk": "low"}
    data |= date("next_review_on", dt.date(2020, 5, 1))  # before the meeting
    url = reverse("panel:discussion-record", args=[held.pk, child.pk])
    return url, data, child, lambda: PanelDiscussion.objects.exists()


def action():
    talk = PanelDiscussionFactory(meeting=PanelMeetingFactory(held_on=dt.date(2020, 5, 5)))
    data = {"description": "Made-up action", "owner": "Made-up Owner"}
    data |= date("due_on", dt.date(2020, 5, 1))  # before the meeting that agreed it
    url = reverse("panel:action-record", args=[talk.pk])
    return url, data, talk, lambda: PanelAction.objects.exists()


@pytest.mark.parametrize(
    "page", [new_child, interview, screening, discussion, action], ids=lambda p: p.__name__
)
def test_a_refused_new_record_is_audited(coordinator, page):
    url, data, about, saved = page()
    response = coordinator.post(url, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not saved()
    refused = AuditEntry.objects.get(action=Action.REFUSED)
    assert refused.username == "made-up-coordinator"
    assert refused.object_id == (str(about.pk) if about is not None else "")
    assert refused.details["refused"]  # what the person was told, field by field
    assert refused.details["tried"]  # and what they tried
