import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.access.rules import access_for
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.selectors import episodes_missing_now, whole_hours
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


def coordinator():
    """A coordinator, who sees every child of the council, with their access worked out."""
    user = UserFactory(roles=[roles.MISSING_COORDINATOR])
    access_for(user)
    return user


def missing_since(hours_ago: float, **fields):
    return EpisodeFactory(
        last_seen_at=NOW - dt.timedelta(hours=hours_ago), returned_at=None, **fields
    )


def test_it_lists_an_open_episode_and_not_a_returned_one():
    still_missing = missing_since(5)
    EpisodeFactory(last_seen_at=NOW - dt.timedelta(hours=30), returned_at=NOW)
    rows = episodes_missing_now(council=council(), now=NOW, user=coordinator())
    assert [row.episode_id for row in rows] == [still_missing.pk]


def test_it_leaves_out_another_councils_children():
    somerset = council("933")
    missing_since(5, child=ChildFactory(council=somerset, responsible_la=somerset))
    assert episodes_missing_now(council=council(), now=NOW, user=coordinator()) == []


def test_it_puts_high_risk_first_then_the_longest_missing():
    medium_long = missing_since(50, risk="medium")
    high_recent = missing_since(2, risk="high")
    high_long = missing_since(20, risk="high")
    not_graded = missing_since(80, risk="")
    rows = episodes_missing_now(council=council(), now=NOW, user=coordinator())
    assert [row.episode_id for row in rows] == [
        high_long.pk,
        high_recent.pk,
        medium_long.pk,
        not_graded.pk,
    ]
    assert rows[-1].risk_label == "Not graded"


def test_it_gives_the_childs_age_now_and_the_whole_hours_missing():
    child = ChildFactory(first_name="Keira", last_name="Madeup", date_of_birth=dt.date(2006, 5, 17))
    missing_since(13.5, child=child, locality=LocalityFactory(name="Cherwell"))
    [row] = episodes_missing_now(council=council(), now=NOW, user=coordinator())
    assert (row.child_name, row.age, row.hours_missing) == ("Keira Madeup", 14, 13)
    assert (row.locality, row.category, row.missing_from) == ("Cherwell", "Missing", "Home")


def test_it_flags_a_child_placed_here_by_another_council():
    placed_in = ChildFactory(responsible_la=council("933"))
    missing_since(3, child=placed_in)
    missing_since(4)
    rows = episodes_missing_now(council=council(), now=NOW, user=coordinator())
    assert [(row.placed_in, row.placing_council) for row in rows] == [
        (False, ""),
        (True, "Somerset"),
    ]


def test_the_number_of_queries_does_not_grow_with_episodes(django_assert_num_queries):
    for hours in range(1, 6):
        missing_since(
            hours,
            child=ChildFactory(responsible_la=council("933")),
            locality=LocalityFactory(name=f"Area {hours}"),
        )
    oxfordshire = council()
    user = coordinator()
    # The episodes, then the police references of them all.
    with django_assert_num_queries(2):
        rows = episodes_missing_now(council=oxfordshire, now=NOW, user=user)
    assert len(rows) == 5


def test_whole_hours_are_completed_hours():
    assert whole_hours(dt.timedelta(hours=71, minutes=59)) == 71
    assert whole_hours(dt.timedelta(hours=72)) == 72
