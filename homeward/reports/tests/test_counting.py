import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.core.clock import Period, age_in_years, calendar_months, months_ending
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.services import interview_close, interview_closure_undo
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.reports.figures import period_summaries, rhi_figures
from homeward.reports.figures import share as Share
from homeward.reports.scope import council_scope

LONDON = ZoneInfo("Europe/London")
HOUR = dt.timedelta(hours=1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def episode(child, last_seen_at, returned_at, category="missing"):
    return EpisodeFactory(
        child=child, category=category, last_seen_at=last_seen_at, returned_at=returned_at
    )


@pytest.fixture
def first_half_of_2020(db):
    """Made-up episodes for January to June 2020, counted by hand in each test below."""
    alfie, maisie, tyler = ChildFactory.create_batch(3)
    e1 = episode(alfie, at(2020, 1, 10, 18), at(2020, 1, 11, 9))
    ReturnInterviewFactory(episode=e1, completed_at=e1.returned_at + 72 * HOUR)
    # Spans the month boundary: counted in January, returned in February.
    e2 = episode(alfie, at(2020, 1, 31, 23), at(2020, 2, 1, 3))
    ReturnInterviewFactory(
        episode=e2, completed_at=e2.returned_at + 72 * HOUR + dt.timedelta(minutes=1)
    )
    # 00:30 BST on 1 April is 23:30 UTC on 31 March: April, in London.
    episode(alfie, at(2020, 4, 1, 0, 30), at(2020, 4, 1, 10))
    e4 = episode(maisie, at(2020, 3, 31, 23, 30), at(2020, 4, 1, 8))
    ReturnInterviewFactory(episode=e4, outcome="declined", completed_at=None)
    episode(maisie, at(2020, 2, 10, 20), at(2020, 2, 11, 1), category="away")
    # 00:30 BST on 1 July is 30 June in UTC, but after the period in London.
    episode(maisie, at(2020, 7, 1, 0, 30), at(2020, 7, 1, 6))
    # Last seen before the period; its return and interview fall in January.
    e7 = episode(tyler, at(2019, 12, 31, 23), at(2020, 1, 1, 5))
    ReturnInterviewFactory(episode=e7, completed_at=e7.returned_at + 20 * HOUR)
    episode(tyler, at(2020, 6, 30, 22), None)
    elsewhere = ChildFactory(council=council("933"), responsible_la=council("933"))
    episode(elsewhere, at(2020, 1, 15, 12), at(2020, 1, 15, 20))
    return council("931")


def figures(counts):
    return (
        counts["missing_episodes"],
        counts["children_missing"],
        counts["repeat_children"],
        counts["away_episodes"],
        counts["returns"],
        counts["rhi_completed_within_72h"],
    )


def period_counts(*, council, start, end):
    return period_summaries(council_scope(council), Period(start, end))[0]


def monthly_counts(*, council, start, end):
    return period_summaries(council_scope(council), *calendar_months(start, end))


def test_it_counts_each_month_as_counted_by_hand(first_half_of_2020):
    months = monthly_counts(
        council=first_half_of_2020, start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30)
    )
    assert [figures(m) for m in months] == [
        (2, 1, 1, 0, 2, Share(2, 2)),  # January
        (0, 0, 0, 1, 1, Share(0, 1)),  # February
        (1, 1, 0, 0, 0, Share(0, 0)),  # March
        (1, 1, 0, 0, 2, Share(0, 2)),  # April
        (0, 0, 0, 0, 0, Share(0, 0)),  # May
        (1, 1, 0, 0, 0, Share(0, 0)),  # June
    ]


def test_it_counts_the_whole_period_once_per_child(first_half_of_2020):
    total = period_counts(
        council=first_half_of_2020, start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30)
    )
    assert figures(total) == (5, 3, 1, 1, 5, Share(2, 5))
    assert total["rhi_completed_within_72h"]["pct"] == 40


def test_an_interview_completed_exactly_at_72_hours_counts(db):
    returned = EpisodeFactory(last_seen_at=at(2020, 5, 1, 18), returned_at=at(2020, 5, 2, 9))
    ReturnInterviewFactory(episode=returned, completed_at=returned.returned_at + 72 * HOUR)
    may = period_counts(council=council(), start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 31))
    assert may["rhi_completed_within_72h"] == Share(1, 1)


def test_an_interview_completed_a_minute_after_72_hours_does_not(db):
    returned = EpisodeFactory(last_seen_at=at(2020, 5, 1, 18), returned_at=at(2020, 5, 2, 9))
    late = returned.returned_at + 72 * HOUR + dt.timedelta(minutes=1)
    ReturnInterviewFactory(episode=returned, completed_at=late)
    may = period_counts(council=council(), start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 31))
    assert may["rhi_completed_within_72h"] == Share(0, 1)


def test_it_counts_the_last_day_of_a_period_across_the_clocks_going_back(db):
    # 25 October 2020: the clocks went back, so the day had 25 hours.
    EpisodeFactory(last_seen_at=at(2020, 10, 25, 23, 30), returned_at=at(2020, 10, 26, 2))
    one_day = period_counts(
        council=council(), start=dt.date(2020, 10, 25), end=dt.date(2020, 10, 25)
    )
    assert one_day["missing_episodes"] == 1


def test_the_number_of_queries_does_not_grow_with_periods_or_episodes(
    first_half_of_2020, django_assert_num_queries
):
    periods = [
        *calendar_months(dt.date(2020, 1, 1), dt.date(2020, 6, 30)),
        months_ending(dt.date(2020, 6, 1)),
    ]
    with django_assert_num_queries(2):
        period_summaries(council_scope(first_half_of_2020), *periods)


def test_six_months_end_with_the_month_holding_the_day():
    assert months_ending(dt.date(2020, 3, 14)) == Period(dt.date(2019, 10, 1), dt.date(2020, 3, 31))
    assert months_ending(dt.date(2020, 12, 31)) == Period(
        dt.date(2020, 7, 1), dt.date(2020, 12, 31)
    )


def test_calendar_months_are_cut_to_the_period():
    assert calendar_months(dt.date(2020, 1, 15), dt.date(2020, 3, 10)) == [
        Period(dt.date(2020, 1, 15), dt.date(2020, 1, 31)),
        Period(dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        Period(dt.date(2020, 3, 1), dt.date(2020, 3, 10)),
    ]


def test_a_period_runs_from_london_midnight_to_london_midnight():
    summer = Period(dt.date(2020, 6, 1), dt.date(2020, 6, 30))
    assert summer.starts_at == dt.datetime(2020, 5, 31, 23, tzinfo=dt.UTC)
    assert summer.ends_before == dt.datetime(2020, 6, 30, 23, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("on", "age"),
    [(dt.date(2020, 5, 16), 13), (dt.date(2020, 5, 17), 14), (dt.date(2021, 1, 1), 14)],
)
def test_age_is_whole_years(on, age):
    assert age_in_years(dt.date(2006, 5, 17), on) == age


def test_a_share_with_no_base_has_no_percentage():
    assert Share(0, 0)["pct"] is None
    assert Share(1, 3)["pct"] == 33.3


def test_the_returns_closed_without_an_interview_are_counted_not_those_undone(db):
    """Closed by a coordinator with a reason (interviews.services.interview_close)."""
    coordinator = UserFactory()
    returns = [episode(ChildFactory(), at(2020, 4, 1, 10), at(2020, 4, 2, 10)) for _ in range(3)]
    interview_close(episode=returns[0], reason="Made-up: another council", by=coordinator)
    undone = interview_close(episode=returns[1], reason="Made-up: mistaken", by=coordinator)
    interview_closure_undo(closure=undone, by=coordinator)
    [rhi] = rhi_figures(
        council_scope(council("931")), Period(at(2020, 4, 1).date(), at(2020, 4, 30).date())
    )
    assert rhi["returns"] == 3
    assert rhi["closed"] == Share(1, 3)
