"""The benchmark's made-up bundle is one the importer accepts, whole, and stable for a seed."""

import datetime as dt

import pytest
from django.utils import timezone

from bench.synthetic_bundle import HEADERS, MARGIN_DAYS, write_bundle
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.exchange.bundle_import import import_bundle

EPISODES = 2_000


@pytest.mark.django_db
def test_the_synthetic_bundle_imports_whole_and_twice_changes_nothing(tmp_path):
    summary = write_bundle(tmp_path / "bundle", EPISODES, seed=7)

    result = import_bundle(summary.path, council_code="931")

    assert result.files["episodes.csv"].rows == EPISODES
    for name, rows in summary.rows.items():
        assert result.files[name].rows == rows, name
        assert result.files[name].created == rows, name
    assert summary.rows["children.csv"] == pytest.approx(EPISODES / 5, rel=0.25)
    assert 0 < summary.rows["interviews.csv"] < EPISODES
    assert summary.rows["placements.csv"] > 0
    assert summary.rows["screenings.csv"] > 0
    assert Episode.objects.filter(returned_at__isnull=True).count() == summary.open_episodes > 0
    assert Episode.seen_with.through.objects.exists()

    again = import_bundle(summary.path, council_code="931")

    assert all(c.created == 0 and c.updated == 0 for c in again.files.values())


def test_the_same_seed_writes_the_same_files(tmp_path):
    first = write_bundle(tmp_path / "a", 300, seed=3)
    second = write_bundle(tmp_path / "b", 300, seed=3)

    for name in HEADERS:
        assert (first.path / name).read_bytes() == (second.path / name).read_bytes(), name


@pytest.mark.django_db
def test_a_bundle_ending_before_today_leaves_open_episodes_and_recent_returns(tmp_path):
    today = timezone.localdate()
    last_day = today - dt.timedelta(days=MARGIN_DAYS + 1)
    summary = write_bundle(tmp_path / "b", EPISODES, seed=5, council="330", last_day=last_day)

    result = import_bundle(summary.path, council_code="330")

    assert result.files["episodes.csv"].created == EPISODES
    episodes = Episode.objects.filter(council__code="330")
    latest = episodes.order_by("-last_seen_at").first().last_seen_at
    assert timezone.localdate(latest) >= last_day - dt.timedelta(days=30)
    assert episodes.filter(returned_at__gte=timezone.now() - dt.timedelta(days=30)).exists()
    assert episodes.filter(returned_at__isnull=True).count() == summary.open_episodes > 0
    placed_in_from = Child.objects.filter(council__code="330").exclude(responsible_la__code="330")
    assert placed_in_from.exists()
