"""Impossible episodes, and corrections that would break an interview, are refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.core.problems import CONTROL_CHARACTER, IN_THE_FUTURE, TOO_LONG
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.rules import (
    INTERVIEW_BEFORE_RETURN,
    INTERVIEW_WHILE_MISSING,
    SEEN_WITH_OTHER_COUNCIL,
    TOO_OLD_AT_EPISODE,
)
from homeward.episodes.services import episode_move, episode_record, episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.episodes.tests.test_views import edit_page_form, episode_form, when
from homeward.interviews.tests.factories import ReturnInterviewFactory

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def record(child=None, **values):
    return episode_record(
        **{
            "child": child or ChildFactory(),
            "category": "missing",
            "last_seen_at": NOW - 20 * HOUR,
            "missing_from": "home",
            "legal_status": "child_in_need",
        }
        | values
    )


def refused(call, **values) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**values)
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "what"),
    [
        ("reported_at", "report to police"),
        ("placing_la_notified_at", "notice to the placing council"),
        ("last_seen_at", "time last seen"),
    ],
)
def test_a_time_more_than_a_few_minutes_ahead_is_refused(field, what):
    ahead = NOW + 6 * MINUTE
    message = IN_THE_FUTURE.format(what=what, when="17 May 2020 10:06")
    assert message in refused(record, **{field: ahead})[field]
    far = dt.datetime(2099, 1, 1, 12, 0, tzinfo=LONDON)
    assert refused(record, **{field: far})[field]
    # A clock a few minutes fast is taken as now.
    assert record(**{field: NOW + 4 * MINUTE}).pk


def test_an_episode_when_the_child_was_over_25_is_refused():
    child = ChildFactory(date_of_birth=dt.date(1990, 1, 1))
    assert refused(record, child=child) == {
        "last_seen_at": [
            TOO_OLD_AT_EPISODE.format(
                seen="16 May 2020 14:00", age=30, born="1 Jan 1990", oldest=25
            )
        ]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "found_location",
            "Made-up\x00Park",
            CONTROL_CHARACTER.format(what="found location", code="U+0000"),
        ),
        ("reported_by", "x" * 201, TOO_LONG.format(what="reported by", length=201, limit=200)),
        ("reported_by", "Line\none", CONTROL_CHARACTER.format(what="reported by", code="U+000A")),
    ],
)
def test_text_too_long_or_with_control_characters_is_refused(field, value, message):
    assert refused(record, **{field: value}) == {field: [message]}


def test_a_child_of_another_council_cannot_be_seen_with_this_one():
    other = ChildFactory(council=council("872"), local_id="C-ELSEWHERE")
    errors = refused(record, seen_with=[other])
    assert errors == {"seen_with": [SEEN_WITH_OTHER_COUNCIL.format(child="C-ELSEWHERE")]}


def returned_with_interview():
    episode = EpisodeFactory(last_seen_at=NOW - 48 * HOUR, returned_at=NOW - 40 * HOUR)
    interview = ReturnInterviewFactory(
        episode=episode, offered_at=NOW - 38 * HOUR, completed_at=NOW - 30 * HOUR
    )
    return episode, interview


def test_a_correction_cannot_move_the_return_after_its_interview():
    episode, interview = returned_with_interview()
    errors = refused(
        episode_update,
        episode=episode,
        expected_version=episode.version,
        returned_at=NOW - 35 * HOUR,
    )
    assert errors == {
        "returned_at": [
            INTERVIEW_BEFORE_RETURN.format(
                interview=interview.local_id,
                when="at 15 May 2020 20:00",
                returned="15 May 2020 23:00",
            )
        ]
    }


def test_a_correction_cannot_clear_the_return_of_an_episode_with_an_interview():
    episode, interview = returned_with_interview()
    errors = refused(
        episode_update, episode=episode, expected_version=episode.version, returned_at=None
    )
    assert errors == {
        "returned_at": [
            INTERVIEW_BEFORE_RETURN.format(
                interview=interview.local_id,
                when="at 15 May 2020 20:00",
                returned="none: the child would be shown as still missing",
            )
        ]
    }
    episode.refresh_from_db()
    assert episode.returned_at == NOW - 40 * HOUR


def test_a_new_or_moved_episode_cannot_hold_an_earlier_episodes_interview():
    earlier, interview = returned_with_interview()  # completed 30 hours ago: 16 May 04:00
    message = INTERVIEW_WHILE_MISSING.format(
        interview=interview.local_id, episode=earlier.local_id, completed="16 May 2020 04:00"
    )
    errors = refused(
        record, child=earlier.child, last_seen_at=NOW - 32 * HOUR, returned_at=NOW - 20 * HOUR
    )
    assert errors == {"last_seen_at": [message]}
    later = record(child=earlier.child, last_seen_at=NOW - 20 * HOUR)
    errors = refused(
        episode_update,
        episode=later,
        expected_version=later.version,
        last_seen_at=NOW - 31 * HOUR,
    )
    assert errors == {"last_seen_at": [message]}


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def test_the_edit_page_refuses_clearing_a_return_that_has_an_interview(coordinator):
    episode, interview = returned_with_interview()
    data = edit_page_form(coordinator, episode) | when("returned_at", "", "", "", "")
    response = coordinator.post(reverse("episodes:edit", args=[episode.pk]), data)
    assert response.status_code == 200
    message = INTERVIEW_BEFORE_RETURN.format(
        interview=interview.local_id,
        when="at 15 May 2020 20:00",
        returned="none: the child would be shown as still missing",
    )
    assert response.context["form"].errors["returned_at"] == [message]
    assert escape(message) in response.content.decode()


def test_the_record_page_refuses_a_report_in_2099(coordinator):
    child = ChildFactory()
    form = episode_form(**when("reported_at", 1, 1, 2099, "12:00"))
    response = coordinator.post(reverse("episodes:record", args=[child.pk]), form)
    message = IN_THE_FUTURE.format(what="report to police", when="1 Jan 2099 12:00")
    assert response.context["form"].errors["reported_at"] == [message]
    assert not Episode.objects.exists()


def test_a_moved_episode_is_checked_against_the_other_childs_interviews_not_its_own():
    """Moving an episode (undoing a wrong link) checks it against the interviews of the child
    it moves to; its own interviews, held after its own return, do not refuse it."""
    earlier, interview = returned_with_interview()  # completed 30 hours ago: 16 May 04:00
    wrong = EpisodeFactory(last_seen_at=NOW - 32 * HOUR, returned_at=NOW - 20 * HOUR)
    ReturnInterviewFactory(episode=wrong, offered_at=NOW - 19 * HOUR, completed_at=NOW - HOUR)
    message = INTERVIEW_WHILE_MISSING.format(
        interview=interview.local_id, episode=earlier.local_id, completed="16 May 2020 04:00"
    )
    errors = refused(
        episode_move, episode=wrong, child=earlier.child, expected_version=wrong.version
    )
    assert errors == {"last_seen_at": [message]}
    elsewhere = ChildFactory(council=wrong.council)
    moved = episode_move(episode=wrong, child=elsewhere, expected_version=wrong.version)
    assert moved.child == elsewhere


def test_a_correction_that_does_not_lengthen_an_episode_is_not_refused_for_what_was_there():
    """A regrading or a return cannot put the episode over another's interview: those checks
    are for corrections that lengthen it (above). An interview already inside it (written
    before the rule, skipping the services) does not block them."""
    earlier, interview = returned_with_interview()  # completed 16 May 04:00
    later = EpisodeFactory(child=earlier.child, last_seen_at=NOW - 32 * HOUR)
    regraded = episode_update(episode=later, expected_version=later.version, risk="high")
    assert regraded.risk == "high"
    returned = episode_update(
        episode=regraded, expected_version=regraded.version, returned_at=NOW - 20 * HOUR
    )
    assert returned.returned_at == NOW - 20 * HOUR
    message = INTERVIEW_WHILE_MISSING.format(
        interview=interview.local_id, episode=earlier.local_id, completed="16 May 2020 04:00"
    )
    errors = refused(
        episode_update,
        episode=returned,
        expected_version=returned.version,
        returned_at=NOW - 10 * HOUR,
    )
    assert errors == {"last_seen_at": [message]}
