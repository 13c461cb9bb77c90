"""Closing the interview owed after a return without an outcome, with a reason; undoing it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import InterviewClosure
from homeward.interviews.services import (
    ALREADY_CLOSED,
    CLOSE_NEEDS_REASON,
    CLOSE_SETTLED,
    interview_close,
    interview_closure_undo,
)
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
DAY = dt.timedelta(days=1)
DUE = reverse("interviews:due")
REASON = "Another council's team is interviewing"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def owed_for_weeks(**fields):
    """A return 31 days ago with nothing recorded since: owed, and overdue by 28 days."""
    child = fields.pop("child", None) or ChildFactory(first_name="Ruby", last_name="Sample")
    return EpisodeFactory(
        child=child, last_seen_at=NOW - 32 * DAY, returned_at=NOW - 31 * DAY, **fields
    )


def close_url(episode, **query) -> str:
    url = reverse("interviews:close", args=[episode.pk])
    return f"{url}?back=child" if query.get("back") else url


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR], username="made-up-coord"))
    return client


# The service.


def test_a_closure_needs_a_reason():
    episode = owed_for_weeks()
    with pytest.raises(ValidationError) as refused:
        interview_close(episode=episode, reason="   ", by=UserFactory())
    assert refused.value.message_dict == {"reason": [CLOSE_NEEDS_REASON]}
    assert not InterviewClosure.objects.exists()


def test_a_closure_is_audited_with_who_and_why():
    episode, coordinator = owed_for_weeks(), UserFactory()
    closure = interview_close(episode=episode, reason=f"  {REASON} ", by=coordinator)
    assert (closure.reason, closure.created_by, closure.created_at) == (REASON, coordinator, NOW)
    entry = AuditEntry.objects.get(action=Action.CHANGE, object_id=str(closure.pk))
    assert entry.user == coordinator
    assert entry.details["reason"] == {"before": None, "after": REASON}
    assert entry.label == f"interview owed after episode {episode.local_id} closed"


def test_a_return_with_an_outcome_or_closed_already_cannot_be_closed():
    settled = owed_for_weeks()
    ReturnInterviewFactory(episode=settled, outcome="declined", completed_at=None)
    with pytest.raises(ValidationError) as refused:
        interview_close(episode=settled, reason=REASON, by=UserFactory())
    assert refused.value.messages == [
        CLOSE_SETTLED.format(episode=settled.local_id, outcome="declined")
    ]
    closed = owed_for_weeks(child=ChildFactory())
    interview_close(episode=closed, reason=REASON, by=UserFactory(username="first-coord"))
    with pytest.raises(ValidationError) as refused:
        interview_close(episode=closed, reason="Another reason", by=UserFactory())
    assert refused.value.messages == [
        ALREADY_CLOSED.format(
            episode=closed.local_id, when="17 May 2020 10:00", who="first-coord", reason=REASON
        )
    ]


def test_undoing_a_closure_keeps_it_with_who_undid_it_audited():
    closure = interview_close(episode=owed_for_weeks(), reason=REASON, by=UserFactory())
    undoer = UserFactory()
    undone = interview_closure_undo(closure=closure, by=undoer)
    assert (undone.undone_at, undone.undone_by, undone.version) == (NOW, undoer, 2)
    entry = AuditEntry.objects.filter(object_id=str(closure.pk)).latest("sequence")
    assert entry.user == undoer
    assert entry.details["undone_by"] == {"before": None, "after": undoer.pk}
    with pytest.raises(ValidationError):  # nothing left to undo
        interview_closure_undo(closure=closure, by=undoer)
    # Closed again, with another reason: the correction of a reason.
    again = interview_close(episode=closure.episode, reason="Corrected reason", by=undoer)
    assert again.pk != closure.pk


# The page: who may close, what they are told, where the return goes.


@pytest.mark.parametrize(
    "role, may",
    [
        (roles.MISSING_COORDINATOR, True),
        (roles.ADMINISTRATOR, True),
        (roles.POLICE_LIAISON, False),
        (roles.ANALYST, False),
        (roles.PRACTITIONER, False),
        (roles.EXPLOITATION_LEAD, False),
    ],
)
def test_only_coordinators_and_administrators_may_close(client, role, may):
    here = LocalityFactory()
    episode = owed_for_weeks(locality=here)
    client.force_login(staff(role, localities=[here]))
    assert ("Close with a reason" in client.get(DUE).content.decode()) is may  # the link
    assert client.get(close_url(episode)).status_code == (200 if may else 403)
    response = client.post(close_url(episode), {"action": "close", "reason": REASON})
    assert response.status_code == (302 if may else 403)
    assert InterviewClosure.objects.exists() is may


def test_a_closure_without_a_reason_is_refused_saying_what_to_enter(coordinator):
    episode = owed_for_weeks()
    response = coordinator.post(close_url(episode), {"action": "close", "reason": ""})
    assert response.status_code == 200
    assert CLOSE_NEEDS_REASON.replace("'", "&#x27;") in response.content.decode()
    assert not InterviewClosure.objects.exists()
    assert AuditEntry.objects.filter(action=Action.REFUSED).exists()


def test_closing_takes_the_return_off_the_lists_and_says_so(coordinator):
    episode = owed_for_weeks()
    assert "Ruby Sample" in coordinator.get(DUE).content.decode()
    page = coordinator.get(close_url(episode)).content.decode()
    assert "overdue by 28 days" in page
    response = coordinator.post(
        close_url(episode), {"action": "close", "reason": REASON}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == DUE
    assert (
        f"The interview owed after Ruby Sample&#x27;s return on 16 Apr 2020 at 10:00 (episode "
        f"{episode.local_id}) is closed without an outcome, because: Another council&#x27;s "
        "team is interviewing. It has left the list of interviews due" in html
    )
    assert "No return is waiting for an interview" in html
    home = coordinator.get(reverse("dashboard:home")).content.decode()
    assert "No return is waiting for an interview" in home


def test_the_childs_page_shows_what_is_owed_and_the_closure(coordinator):
    episode = owed_for_weeks()
    child_page = reverse("children:detail", args=[episode.child_id])
    html = coordinator.get(child_page).content.decode()
    assert f"Return home interview owed after episode {episode.local_id}" in html
    assert "overdue by 28 days" in html
    coordinator.post(close_url(episode, back=True), {"action": "close", "reason": REASON})
    html = coordinator.get(child_page).content.decode()
    assert "Return home interview owed" not in html
    assert "Return home interview closed without an outcome" in html
    assert "Another council&#x27;s team is interviewing" in html
    assert "made-up-coord" in html
    assert "Undo this closure" in html


def test_undoing_puts_the_return_back_on_the_list(coordinator):
    episode = owed_for_weeks()
    closure = interview_close(episode=episode, reason=REASON, by=UserFactory())
    page = coordinator.get(close_url(episode)).content.decode()
    assert "The interview owed after this return is closed" in page
    response = coordinator.post(
        close_url(episode), {"action": "undo", "closure": closure.pk}, follow=True
    )
    html = response.content.decode()
    assert "The closure is undone" in html
    assert "owed an interview again, overdue by 28 days" in html
    assert "Closure undone: the return home interview is owed again" in html
    assert "Ruby Sample" in coordinator.get(DUE).content.decode()


def test_undoing_a_closure_someone_else_undid_is_refused(coordinator):
    episode = owed_for_weeks()
    closure = interview_close(episode=episode, reason=REASON, by=UserFactory())
    interview_closure_undo(closure=closure, by=UserFactory())
    response = coordinator.post(close_url(episode), {"action": "undo", "closure": closure.pk})
    assert response.status_code == 200
    assert "Someone else has undone or changed this closure" in response.content.decode()


def test_the_interviews_page_asks_the_same_queries_however_many_are_owed(coordinator):
    owed_for_weeks()
    coordinator.get(DUE)  # the first page after sign-in also moves the session's expiry on
    with CaptureQueriesContext(connection) as few:
        coordinator.get(DUE)
    for days in range(2, 60, 3):
        returned = NOW - days * DAY
        episode = EpisodeFactory(last_seen_at=returned - DAY, returned_at=returned)
        ReturnInterviewFactory(episode=episode, outcome="no_contact", completed_at=None)
    with CaptureQueriesContext(connection) as many:
        coordinator.get(DUE)
    assert len(many) == len(few)
