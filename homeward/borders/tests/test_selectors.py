import datetime as dt

import pytest

from homeward.borders.selectors import (
    CHILD_IRO,
    Recipient,
    placing_council_for,
    placing_council_recipients,
    within_office_hours,
)
from homeward.borders.tests.factories import ChildContactFactory, CouncilContactFactory
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db

# A Tuesday: 11:00 is in office hours, 20:00 is not.
IN_HOURS = dt.datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)
EVENING = dt.datetime(2026, 3, 3, 20, 0, tzinfo=LONDON)


def placed_in_episode(**kwargs):
    child = ChildFactory(responsible_la=council("202"))
    return EpisodeFactory(child=child, **kwargs)


def directory():
    camden = council("202")
    CouncilContactFactory(council=camden, purpose="missing", email="missing@camden.example.gov.uk")
    CouncilContactFactory(council=camden, purpose="out_of_hours", email="edt@camden.example.gov.uk")
    CouncilContactFactory(council=camden, purpose="iro", email="iros@camden.example.gov.uk")
    # Another council's addresses are never on Camden's children's notifications.
    CouncilContactFactory(council=council("203"), purpose="missing", email="m@gr.example.gov.uk")


def test_our_own_child_has_no_placing_council_and_nobody_to_tell():
    directory()
    episode = EpisodeFactory()
    assert placing_council_for(episode=episode) is None
    assert placing_council_recipients(episode=episode) == []


def test_a_placed_in_child_is_told_to_the_missing_address_and_the_iro_service_in_hours():
    directory()
    episode = placed_in_episode(last_seen_at=IN_HOURS - dt.timedelta(hours=2), reported_at=IN_HOURS)
    assert placing_council_for(episode=episode) == council("202")
    assert placing_council_recipients(episode=episode) == [
        Recipient("missing@camden.example.gov.uk", "Missing children team", "missing", "202"),
        Recipient("iros@camden.example.gov.uk", "Missing children team", "iro", "202"),
    ]


def test_out_of_office_hours_the_out_of_hours_address_is_told_too():
    directory()
    episode = placed_in_episode(last_seen_at=EVENING - dt.timedelta(hours=1), reported_at=EVENING)
    purposes = [r.purpose for r in placing_council_recipients(episode=episode)]
    assert purposes == ["missing", "out_of_hours", "iro"]


def test_the_childs_own_iro_is_told_instead_of_the_iro_service():
    directory()
    episode = placed_in_episode(last_seen_at=IN_HOURS - dt.timedelta(hours=2), reported_at=IN_HOURS)
    ChildContactFactory(child=episode.child, email="jo.iro@camden.example.gov.uk", name="Jo")
    ChildContactFactory(child=episode.child, role="social_worker", email="sw@camden.example.gov.uk")
    recipients = placing_council_recipients(episode=episode)
    assert [r.email for r in recipients] == [
        "missing@camden.example.gov.uk",
        "jo.iro@camden.example.gov.uk",
    ]
    assert recipients[1] == Recipient("jo.iro@camden.example.gov.uk", "Jo", CHILD_IRO, "202")


def test_an_address_on_the_list_twice_is_told_once():
    camden = council("202")
    CouncilContactFactory(council=camden, purpose="missing", email="team@camden.example.gov.uk")
    CouncilContactFactory(
        council=camden, purpose="out_of_hours", email="team@camden.example.gov.uk"
    )
    episode = placed_in_episode(last_seen_at=EVENING - dt.timedelta(hours=1), reported_at=EVENING)
    assert [r.email for r in placing_council_recipients(episode=episode)] == [
        "team@camden.example.gov.uk"
    ]


def test_the_placement_missing_from_names_the_placing_council_before_the_child_does():
    child = ChildFactory(responsible_la=council("202"))
    placement = PlacementFactory(child=child, placing_la=council("203"))
    episode = EpisodeFactory(child=child, placement=placement)
    assert placing_council_for(episode=episode) == council("203")


def test_without_a_placement_on_the_episode_the_one_lived_in_when_last_seen_is_used():
    child = ChildFactory(responsible_la=council("202"))
    PlacementFactory(child=child, placing_la=council("204"), start_date=dt.date(2019, 1, 1))
    PlacementFactory(child=child, placing_la=council("203"), start_date=dt.date(2026, 1, 1))
    episode = EpisodeFactory(child=child, last_seen_at=dt.datetime(2020, 3, 2, 18, tzinfo=LONDON))
    assert placing_council_for(episode=episode) == council("204")


def test_a_council_with_no_contacts_gives_an_empty_list_for_the_notices_to_say_so():
    episode = placed_in_episode()
    assert placing_council_recipients(episode=episode) == []


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (dt.datetime(2026, 3, 3, 9, 0, tzinfo=LONDON), True),
        (dt.datetime(2026, 3, 3, 16, 59, tzinfo=LONDON), True),
        (dt.datetime(2026, 3, 3, 17, 0, tzinfo=LONDON), False),
        (dt.datetime(2026, 3, 3, 8, 59, tzinfo=LONDON), False),
        (dt.datetime(2026, 3, 7, 11, 0, tzinfo=LONDON), False),  # a Saturday
        # 08:30 UTC in summer is 09:30 in London: office hours are London's.
        (dt.datetime(2026, 7, 7, 8, 30, tzinfo=dt.UTC), True),
    ],
)
def test_office_hours_are_weekdays_nine_to_five_in_london(moment, inside):
    assert within_office_hours(moment) is inside


def test_office_hours_come_from_the_settings(settings):
    settings.HOMEWARD_OFFICE_OPENS_HOUR, settings.HOMEWARD_OFFICE_CLOSES_HOUR = 8, 18
    assert within_office_hours(dt.datetime(2026, 3, 3, 8, 30, tzinfo=LONDON))
