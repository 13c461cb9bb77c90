import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.access.rules import access_for
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.selectors import OwedCounts, interviews_due, owed_counts, owed_returns
from homeward.interviews.tests.factories import InterviewClosureFactory, ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

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
    assert (row.is_overdue, row.due_words) == (False, "due in less than an hour")


def test_a_return_just_over_72_hours_ago_is_overdue():
    returned_ago(72 * HOUR + dt.timedelta(minutes=1))
    [row] = due_now()
    assert row.is_overdue


def test_it_says_the_time_left_and_the_time_overdue():
    returned_ago(10 * HOUR)
    returned_ago(80 * HOUR)
    overdue, due = due_now()
    assert (overdue.is_overdue, overdue.due_words) == (True, "overdue by 8 hours")
    assert (due.is_overdue, due.due_words) == (False, "due in 2 days 14 hours")


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


def test_it_leaves_out_open_episodes_away_episodes_and_other_councils():
    EpisodeFactory(last_seen_at=NOW - HOUR, returned_at=None)
    returned_ago(5 * HOUR, category="away")
    somerset = council("933")
    returned_ago(
        5 * HOUR,
        child__council=somerset,
        child__responsible_la=somerset,
    )
    assert due_now() == []


# 200 days back by the calendar is 27 October 2019's clock change away: an hour less than
# 200 whole days, and the 72 hours after it end 196 days 23 hours before now.
@pytest.mark.parametrize("days, words", [(31, "overdue by 28 days"), (200, "overdue by 196 days")])
def test_a_return_with_no_outcome_stays_owed_however_long_ago(days, words):
    returned_ago(dt.timedelta(days=days))
    [row] = due_now()
    assert (row.is_overdue, row.due_words) == (True, words)


def test_an_outcome_or_a_closure_settles_a_long_owed_return():
    long_ago = dt.timedelta(days=31)
    ReturnInterviewFactory(episode=returned_ago(long_ago), completed_at=NOW - 20 * DAY)
    ReturnInterviewFactory(episode=returned_ago(long_ago), outcome="declined", completed_at=None)
    InterviewClosureFactory(episode=returned_ago(long_ago))
    assert due_now() == []


def test_no_contact_settles_the_return_only_after_the_attempts_required(settings):
    settings.HOMEWARD_RHI_ATTEMPTS_REQUIRED = 3
    episode = returned_ago(dt.timedelta(days=31))
    for attempt in range(1, 4):
        assert len(due_now()) == 1, f"owed after {attempt - 1} attempts"
        ReturnInterviewFactory(
            episode=episode,
            outcome="no_contact",
            offered_at=episode.returned_at + attempt * DAY,
            completed_at=None,
        )
    assert due_now() == []
    settings.HOMEWARD_RHI_ATTEMPTS_REQUIRED = 4
    [row] = due_now()
    assert row.attempts == 3


def test_an_undone_closure_leaves_the_return_owed_again():
    closure = InterviewClosureFactory(episode=returned_ago(dt.timedelta(days=31)))
    assert due_now() == []
    closure.undone_at = NOW
    closure.save()
    assert [row.episode_id for row in due_now()] == [closure.episode_id]


def test_an_interview_entered_in_error_does_not_settle_the_return():
    episode = returned_ago(dt.timedelta(days=31))
    ReturnInterviewFactory(episode=episode, entered_in_error_at=NOW)
    assert len(due_now()) == 1


def test_it_counts_the_returns_owed_and_those_overdue():
    for hours in (5, 80, 24 * 200):
        returned_ago(hours * HOUR)
    returns = owed_returns(council=council(), now=NOW, user=coordinator())
    assert owed_counts(returns, NOW) == OwedCounts(total=3, overdue=2)


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
