"""Recording the outcome of an offered interview on the same record, correcting an interview,
and its history: the service, the pages, and findings only for those who may read them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import FINDINGS_HIDDEN
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import COMPLETED_NEEDS_TIME, OFFERED_BEFORE_RETURN
from homeward.interviews.services import interview_update
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.web.tests.edit_pages import form_as_given

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
RETURNED = NOW - dt.timedelta(days=2)
TEAM = "Made-up team"
FINDINGS = "Made-up findings: pull factors at a friend's flat."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def when_typed(field: str, moment: dt.datetime) -> dict:
    local = moment.astimezone(LONDON)
    return {
        f"{field}_day": local.day,
        f"{field}_month": local.month,
        f"{field}_year": local.year,
        f"{field}_time": local.strftime("%H:%M"),
    }


@pytest.fixture
def world():
    here = LocalityFactory(name="Made-up here")
    child = ChildFactory(first_name="Keira", last_name="Madeup", home_locality=here)
    child_allocate(child=child, team=TEAM, allocated_on=dt.date(2020, 1, 1))
    ScreeningFactory(child=child)  # so that the exploitation lead sees the child too
    episode = EpisodeFactory(
        child=child,
        locality=here,
        last_seen_at=RETURNED - dt.timedelta(hours=10),
        returned_at=RETURNED,
    )
    offered = ReturnInterviewFactory(
        episode=episode,
        offered_at=RETURNED + dt.timedelta(hours=5),
        outcome="no_contact",
        completed_at=None,
        conducted_by="Made-up worker",
        findings=FINDINGS,
    )
    return offered, here


def person(role: str, here, username=None):
    return staff(role, team=TEAM, localities=[here], username=username or f"made-up-{role}")


# The service.


def test_the_outcome_goes_on_the_interview_offered():
    offered = ReturnInterviewFactory(outcome="no_contact", completed_at=None)
    completed = offered.episode.returned_at + dt.timedelta(hours=30)
    saved = interview_update(
        interview=offered, expected_version=1, outcome="completed", completed_at=completed
    )
    assert (saved.pk, saved.outcome, saved.completed_at, saved.version) == (
        offered.pk,
        "completed",
        completed,
        2,
    )
    assert ReturnInterview.objects.count() == 1


def test_a_correction_keeps_the_rules_of_a_new_interview():
    offered = ReturnInterviewFactory(outcome="no_contact", completed_at=None)
    returned = offered.episode.returned_at
    with pytest.raises(ValidationError) as refused:
        interview_update(
            interview=offered,
            expected_version=1,
            outcome="completed",
            offered_at=returned - dt.timedelta(hours=1),
        )
    problems = refused.value.message_dict
    assert problems["completed_at"] == [COMPLETED_NEEDS_TIME]
    assert problems["offered_at"][0].startswith(OFFERED_BEFORE_RETURN.split("(")[0])
    offered.refresh_from_db()
    assert (offered.outcome, offered.version) == ("no_contact", 1)


def test_an_interview_changed_since_it_was_read_is_refused():
    offered = ReturnInterviewFactory(outcome="no_contact", completed_at=None)
    interview_update(interview=offered, expected_version=1, conducted_by="Made-up other")
    with pytest.raises(ChangedByAnotherUser):
        interview_update(interview=offered, expected_version=1, outcome="declined")


# The pages.

MAY_RECORD = {
    roles.ADMINISTRATOR: True,
    roles.MISSING_COORDINATOR: True,
    roles.PRACTITIONER: True,
    roles.EXPLOITATION_LEAD: True,
    roles.POLICE_LIAISON: False,
}


@pytest.mark.parametrize("role", MAY_RECORD)
def test_recording_the_outcome_of_an_offered_interview(client, world, role):
    offered, here = world
    client.force_login(person(role, here))
    url = reverse("interviews:edit", args=[offered.pk])
    child_page = client.get(reverse("children:detail", args=[offered.episode.child_id]))
    if not MAY_RECORD[role]:
        assert client.get(url).status_code == 403
        assert url not in child_page.content.decode()
        return
    assert f"Record the outcome of interview {offered.local_id}" in child_page.content.decode()
    page = client.get(url)
    assert "Record the outcome of interview" in page.content.decode()
    completed = RETURNED + dt.timedelta(hours=30)
    data = form_as_given(client, url) | {"outcome": "completed"}
    data |= when_typed("completed_at", completed)
    assert client.post(url, data).status_code == 302
    offered.refresh_from_db()
    assert (offered.outcome, offered.completed_at, offered.offered_at) == (
        "completed",
        completed,
        RETURNED + dt.timedelta(hours=5),  # prefilled, kept
    )
    assert ReturnInterview.objects.count() == 1  # the same record, not a second entry
    assert offered.findings == FINDINGS


def test_the_record_page_leads_to_the_interview_offered(client, world):
    offered, here = world
    client.force_login(person(roles.MISSING_COORDINATOR, here))
    html = client.get(reverse("interviews:record", args=[offered.episode_id])).content.decode()
    assert reverse("interviews:edit", args=[offered.pk]) in html
    assert "Record its outcome on that interview" in html


def test_someone_who_may_not_read_the_findings_corrects_without_them(client, world):
    offered, here = world  # recorded by nobody: a practitioner reads only their own findings
    client.force_login(person(roles.PRACTITIONER, here))
    url = reverse("interviews:edit", args=[offered.pk])
    page = client.get(url)
    html = page.content.decode()
    assert escape(FINDINGS) not in html and "id_findings" not in html
    assert "id_factors" not in html  # what the child said, coded, is as private
    shown = signing.loads(
        page.context["form"].initial["based_on"], salt="homeward.interview-edit-without-findings"
    )
    assert "findings" not in shown["value"]  # nor signed into the page, where it can be read
    assert "factors" not in shown["value"]
    data = form_as_given(client, url) | {
        "outcome": "declined",
        "findings": "Made-up other",
        "factors": ["pull_friends"],
    }
    assert client.post(url, data).status_code == 302
    offered.refresh_from_db()
    assert (offered.outcome, offered.findings, offered.factors) == ("declined", FINDINGS, "")


def test_a_second_worker_recording_the_same_outcome_is_refused(client, world):
    offered, here = world
    url = reverse("interviews:edit", args=[offered.pk])
    first = person(roles.MISSING_COORDINATOR, here)
    second = person(roles.ADMINISTRATOR, here)
    client.force_login(second)
    stale = form_as_given(client, url)
    client.force_login(first)
    assert client.post(url, form_as_given(client, url) | {"outcome": "declined"}).status_code == 302
    client.force_login(second)
    response = client.post(url, stale | {"outcome": "declined", "conducted_by": "Made-up second"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"made-up-{roles.MISSING_COORDINATOR} changed this record" in html
    assert "You changed this too" in html
    offered.refresh_from_db()
    assert (offered.outcome, offered.conducted_by) == ("declined", "Made-up worker")


@pytest.mark.parametrize("role", [*MAY_RECORD, roles.ANALYST])
def test_the_history_of_an_interview_shows_findings_only_to_those_who_may_read_them(
    client, world, role
):
    offered, here = world
    coordinator = person(roles.MISSING_COORDINATOR, here, username="made-up-coordinator-2")
    interview_update(
        interview=offered,
        expected_version=1,
        outcome="declined",
        findings="Made-up new findings",
        by=coordinator,
    )
    client.force_login(person(role, here))
    response = client.get(reverse("interviews:history", args=[offered.pk]))
    if role == roles.ANALYST:
        assert response.status_code == 403
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "Changed 17 May 2020, 10:00 by made-up-coordinator-2" in html
    assert "No contact made" in html and "Declined" in html
    reads_findings = role not in (roles.PRACTITIONER, roles.POLICE_LIAISON)
    assert ("Made-up new findings" in html) is reads_findings
    assert (escape(FINDINGS_HIDDEN) in html) is not reads_findings
