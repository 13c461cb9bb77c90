import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.services import REASON_ONLY_WHEN_NOT_HELD, interview_record

pytestmark = pytest.mark.django_db


def refused(field, episode=None, **values) -> str:
    episode = episode or EpisodeFactory()
    with pytest.raises(ValidationError) as caught:
        interview_record(episode=episode, **values)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not ReturnInterview.objects.exists()
    return " ".join(caught.value.message_dict[field])


def test_it_records_a_completed_interview():
    episode = EpisodeFactory()
    interview = interview_record(
        episode=episode,
        outcome="completed",
        offered_at=episode.returned_at + dt.timedelta(hours=2),
        completed_at=episode.returned_at + dt.timedelta(hours=48),
        conducted_by="Made-up worker",
    )
    assert interview.council == episode.council and interview.local_id.startswith("HW-I-")


def test_it_refuses_an_interview_completed_before_the_return():
    episode = EpisodeFactory()
    message = refused(
        "completed_at",
        episode=episode,
        outcome="completed",
        completed_at=episode.returned_at - dt.timedelta(minutes=5),
    )
    assert "before the child returned" in message


def test_it_refuses_an_interview_for_a_child_still_missing():
    message = refused("episode_id", episode=EpisodeFactory(returned_at=None), outcome="declined")
    assert "has not returned" in message


def test_it_needs_a_completion_time_for_a_completed_interview():
    assert "Enter when the interview was completed" in refused("completed_at", outcome="completed")


def test_it_refuses_an_unknown_outcome():
    assert "'refused' is not a known interview outcome" in refused("outcome", outcome="refused")


def test_it_keeps_who_held_it_and_the_factors_in_their_order():
    episode = EpisodeFactory()
    interview = interview_record(
        episode=episode,
        outcome="completed",
        completed_at=episode.returned_at + dt.timedelta(hours=20),
        conducted_by="Made-up worker",
        conducted_by_type="commissioned",
        factors="expl_gifts;pull_friends",
    )
    interview.refresh_from_db()
    assert interview.conducted_by_type == "commissioned"
    assert interview.factors == "pull_friends;expl_gifts"


def test_it_refuses_an_unknown_factor():
    message = refused("factors", outcome="declined", factors="pull_friends;made_up")
    assert "'made_up' is not a factor code" in message


def test_it_refuses_a_reason_not_held_for_a_completed_interview():
    episode = EpisodeFactory()
    message = refused(
        "not_held_reason",
        episode=episode,
        outcome="completed",
        completed_at=episode.returned_at + dt.timedelta(hours=20),
        conducted_by="Made-up worker",
        not_held_reason="child_declined",
    )
    assert message == REASON_ONLY_WHEN_NOT_HELD


def test_it_keeps_why_a_declined_interview_was_not_held():
    interview = interview_record(
        episode=EpisodeFactory(), outcome="declined", not_held_reason="parent_declined"
    )
    assert interview.not_held_reason == "parent_declined"
