"""Our children's episodes a host council told us of (borders) count as placed out."""

import datetime as dt

import pytest

from homeward.borders.services import episode_elsewhere_record
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.reports.engine import build_report

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2020, 3, 2, 18, tzinfo=LONDON)


def told(child):
    return episode_elsewhere_record(
        child=child,
        host_council=council("202"),
        last_seen_at=SEEN,
        returned_at=SEEN + dt.timedelta(hours=15),
        told_at=SEEN + dt.timedelta(hours=16),
    )


def test_the_report_counts_it_among_our_children_placed_out_even_without_a_placement():
    LocalityFactory(name="Made-up Oxford")
    placed = ChildFactory()
    PlacementFactory(child=placed, host_la=council("202"))
    told(placed)
    told(ChildFactory())  # no placement on record: the host council's word is enough
    EpisodeFactory(child=ChildFactory(), last_seen_at=SEEN)  # at home here: not placed out
    report = build_report(
        council_code="931", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 6, 30)
    )
    assert report["placed_out"] == {"children": 2, "episodes": 2}
    assert report["missing"]["episodes"] == 3
