import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.access.rules import access_for
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.selectors import interviews_due
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


def coordinator():
    """A coordinator, who sees every child of the council, with their access worked out."""
    user = UserFactory(roles=[roles.MISSING_COORDINATOR])
    access_for(user)
    return user


def returned_ago(ago: dt.timedelta, **fields):
    return EpisodeFactory(last_seen_at=NOW - ago - 10 * HOUR, returned_at=NOW - ago, **fields)


def due_now(**kwargs):
    return interviews_due(council=council(), now=NOW, user=coordinator(), **kwargs)


def test_a_return_exactly_72_hours_ago_is_due_not_overdue():
    returned_ago(72 * HOUR)
    [row] = due_now()
    assert (row.is_overdue, row.hours_left, row.hours_overdue) == (False, 0, 0)


def test_a_return_just_over_72_hours_ago_is_overdue():
    returned_ago(72 * HOUR + dt.timedelta(minutes=1))
    [row] = due_now()
    assert row.is_overdue


def test_it_counts_hours_left_and_hours_overdue():
    returned_ago(10 * HOUR)
    returned_ago(80 * HOUR)
    overdue, due = due_now()
    assert (overdue.is_overdue, overdue.hours_overdue) == (True, 8)
    assert (due.is_overdue, due.hours_left) == (False, 62)


def test_a_return_with_no_offer_at_all_is_listed():
    returned_ago(100 * HOUR)
    [row] = due_now()
    assert row.is_overdue
    assert row.first_offered_at is None


def test_a_completed_or_declined_interview_settles_the_return():
    ReturnInterviewFactory(episode=returned_ago(20 * HOUR), completed_at=NOW - HOUR)
    ReturnInterviewFactory(episode=returned_ago(20 * HOUR), outcome="declined", completed_at=None)
    assert due_now() == []


def test_an_offer_not_yet_taken_up_is_still_listed_with_its_first_offer():
    episode = returned_ago(100 * HOUR)
    ReturnInterviewFactory(
        episode=episode, outcome="no_contact", offered_at=NOW - 90 * HOUR, completed_at=None
    )
    ReturnInterviewFactory(
        episode=episode, outcome="no_contact", offered_at=NOW - 50 * HOUR, completed_at=None
    )
    [row] = due_now()
    assert row.first_offered_at == NOW - 90 * HOUR
    assert row.is_overdue


def test_it_leaves_out_returns_before_the_lookback_open_episodes_and_away_episodes():
    returned_ago(dt.timedelta(days=31))
    EpisodeFactory(last_seen_at=NOW - HOUR, returned_at=None)
    returned_ago(5 * HOUR, category="away")
    somerset = council("933")
    returned_ago(
        5 * HOUR,
        child__council=somerset,
        child__responsible_la=somerset,
    )
    assert due_now() == []
    assert len(due_now(lookback_days=32)) == 1


def test_the_number_of_queries_does_not_grow_with_returns(django_assert_num_queries):
    for hours in (5, 30, 75, 120):
        episode = returned_ago(hours * HOUR)
        ReturnInterviewFactory(
            episode=episode, outcome="no_contact", offered_at=episode.returned_at, completed_at=None
        )
    oxfordshire = council()
    user = coordinator()
    with django_assert_num_queries(1):
        rows = interviews_due(council=oxfordshire, now=NOW, user=user)
    assert len(rows) == 4
