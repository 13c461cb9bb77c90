"""Impossible interviews are refused, on the page and by the service."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.core.problems import CONTROL_CHARACTER, IN_THE_FUTURE, TOO_LONG
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import (
    COMPLETED_BEFORE_OFFER,
    COMPLETED_NEEDS_WORKER,
    COMPLETED_WHILE_MISSING,
    NOT_OFFERED_WITH_OFFER,
)
from homeward.interviews.services import interview_record

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def episode():
    return EpisodeFactory(last_seen_at=NOW - 60 * HOUR, returned_at=NOW - 50 * HOUR)


def refused(episode, **values) -> dict[str, list[str]]:
    before = ReturnInterview.objects.count()
    with pytest.raises(ValidationError) as caught:
        interview_record(episode=episode, **completed(values))
    assert ReturnInterview.objects.count() == before
    return caught.value.message_dict


def completed(values: dict) -> dict:
    return {
        "outcome": "completed",
        "offered_at": NOW - 48 * HOUR,
        "completed_at": NOW - 40 * HOUR,
        "conducted_by": "Made-up Worker",
    } | values


def test_a_completion_before_the_offer_is_refused(episode):
    errors = refused(episode, completed_at=NOW - 49 * HOUR)
    message = COMPLETED_BEFORE_OFFER.format(
        completed="15 May 2020 09:00", offered="15 May 2020 10:00"
    )
    assert errors == {"completed_at": [message]}


def test_not_offered_with_an_offer_time_is_refused(episode):
    errors = refused(episode, outcome="not_offered", completed_at=None)
    assert errors == {"offered_at": [NOT_OFFERED_WITH_OFFER]}


def test_a_completed_interview_needs_its_worker(episode):
    assert refused(episode, conducted_by="  ") == {"conducted_by": [COMPLETED_NEEDS_WORKER]}


def test_an_offer_in_2099_is_refused(episode):
    offered = dt.datetime(2099, 1, 1, 12, 0, tzinfo=LONDON)
    errors = refused(episode, outcome="declined", offered_at=offered, completed_at=None)
    assert errors == {"offered_at": [IN_THE_FUTURE.format(what="offer", when="1 Jan 2099 12:00")]}


def test_an_interview_completed_while_the_child_was_missing_again_is_refused(episode):
    again = EpisodeFactory(
        child=episode.child, last_seen_at=NOW - 45 * HOUR, returned_at=NOW - 30 * HOUR
    )
    message = COMPLETED_WHILE_MISSING.format(
        completed="15 May 2020 18:00", episode=again.local_id, seen="15 May 2020 13:00"
    )
    assert refused(episode) == {"completed_at": [message]}
    # Held once the child was back again, it is accepted.
    assert interview_record(episode=episode, **completed({"completed_at": NOW - 29 * HOUR})).pk


def test_findings_keep_their_lines_but_no_control_characters(episode):
    kept = interview_record(episode=episode, **completed({"findings": "Push:\tnone\r\nPull: a"}))
    assert kept.findings == "Push:\tnone\r\nPull: a"
    errors = refused(episode, findings="Made-up\x00findings")
    assert errors == {"findings": [CONTROL_CHARACTER.format(what="findings", code="U+0000")]}


def test_a_worker_name_too_long_is_refused(episode):
    errors = refused(episode, conducted_by="W" * 201)
    assert errors == {"conducted_by": [TOO_LONG.format(what="conducted by", length=201, limit=200)]}


def test_the_page_refuses_a_completed_interview_without_a_worker(client, episode):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    data = {
        "outcome": "completed",
        "completed_at_day": 16,
        "completed_at_month": 5,
        "completed_at_year": 2020,
        "completed_at_time": "09:00",
    }
    response = client.post(reverse("interviews:record", args=[episode.pk]), data)
    assert response.context["form"].errors["conducted_by"] == [COMPLETED_NEEDS_WORKER]
    assert escape(COMPLETED_NEEDS_WORKER) in response.content.decode()
    assert not ReturnInterview.objects.exists()
