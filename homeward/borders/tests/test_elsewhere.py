"""Our children's episodes in another council's area: on the child, and in our reports."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.borders.models import EpisodeElsewhere
from homeward.borders.services import HOST_IS_US, episode_elsewhere_record
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2020, 3, 2, 18, tzinfo=LONDON)


def told(child, **overrides):
    values = {
        "child": child,
        "host_council": council("202"),
        "last_seen_at": SEEN,
        "reported_at": SEEN + dt.timedelta(hours=1),
        "returned_at": SEEN + dt.timedelta(hours=15),
        "told_at": SEEN + dt.timedelta(hours=16),
    }
    return episode_elsewhere_record(**values | overrides)


def test_the_episode_is_the_childs_with_the_placement_they_lived_in():
    child = ChildFactory()
    placement = PlacementFactory(child=child, host_la=council("202"))
    elsewhere = told(child, police_reference=" MADEUP-9 ")
    episode = elsewhere.episode
    assert (episode.child, episode.placement, episode.police_reference) == (
        child,
        placement,
        "MADEUP-9",
    )
    assert episode.missing_from == "placement" and episode.legal_status == "looked_after"
    assert episode.reported_by == "Camden (host council)"


def test_the_host_council_cannot_be_this_council():
    with pytest.raises(ValidationError) as refused:
        told(ChildFactory(), host_council=council("931"))
    assert refused.value.message_dict["host_council"] == [HOST_IS_US]
    assert not EpisodeElsewhere.objects.exists()


def test_an_episode_overlapping_another_is_refused_and_nothing_is_kept():
    child = ChildFactory()
    EpisodeFactory(child=child, last_seen_at=SEEN - dt.timedelta(hours=2))
    with pytest.raises(ValidationError):
        told(child)
    assert not EpisodeElsewhere.objects.exists()
