"""The demo county across borders: the directory, most placed-in children on the register,
a few left off (so flagged), and placed-out episodes told by their host councils."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.borders.models import CouncilContact, EpisodeElsewhere, PlacedInEntry
from homeward.borders.selectors import unregistered
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db


def test_demo_borders_registers_most_placed_in_children_and_leaves_a_few_flagged(
    settings, tmp_path
):
    settings.HOMEWARD_DEMO = True
    seen = dt.datetime(2020, 3, 2, 18, tzinfo=LONDON)
    for n in range(10):
        child = ChildFactory(responsible_la=council("202"), local_id=f"PI{n}")
        PlacementFactory(child=child, start_date=dt.date(2019, 1, 1))
        EpisodeFactory(child=child, last_seen_at=seen)
    ours = ChildFactory()
    placement = PlacementFactory(child=ours, host_la=council("203"))
    EpisodeFactory(child=ours, placement=placement, last_seen_at=seen)
    out = tmp_path / "register.csv"
    call_command("demo-borders", "--seed", "1", "--out", str(out))
    assert out.read_text().startswith("child_id,first_name")
    assert CouncilContact.objects.count() > 400
    assert PlacedInEntry.objects.count() == 7  # three left off: at least three always are
    assert unregistered(Episode.objects.all()).count() == 3
    assert EpisodeElsewhere.objects.get().host_council == council("203")


def test_demo_borders_refuses_a_real_installation(settings, tmp_path):
    settings.HOMEWARD_DEMO = False
    with pytest.raises(CommandError, match="not a demonstration"):
        call_command("demo-borders", "--out", str(tmp_path / "r.csv"))
