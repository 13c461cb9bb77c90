"""A bundle meets the mistakes put right in Homeward: a row for a record entered in error is
skipped with a line saying so, never silently un-marking it; a row naming a merged child is
applied to the surviving record; the export leaves both out."""

import csv

import pytest
from django.core.management import call_command

from homeward.children.models import Child
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.exchange.bundle_export import export_bundle
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.bundle_in_error import (
    APPLIED_TO_SURVIVOR,
    SKIPPED_EPISODE_IN_ERROR,
    SKIPPED_IN_ERROR,
    SKIPPED_MERGED_CHILD,
)
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, interview, write_bundle
from homeward.in_error.services import child_merge, in_error_mark, in_error_undo
from homeward.interviews.models import ReturnInterview

pytestmark = pytest.mark.django_db


def a_bundle(folder):
    return write_bundle(
        folder,
        localities=LOCALITIES,
        children=[child("C1"), child("C2")],
        episodes=[
            episode("E1", "C1"),
            episode("E2", "C2", last_seen_at="2020-04-01T18:00", seen_with="C1"),
            episode("E3", "C1", last_seen_at="2020-05-01T18:00", seen_with="C2"),
        ],
        interviews=[interview("I1", "E1")],
    )


def rows(folder, name: str) -> list[dict]:
    with (folder / name).open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_a_row_for_a_record_in_error_is_skipped_and_said(tmp_path):
    bundle = a_bundle(tmp_path / "in")
    import_bundle(bundle, council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    in_error_mark(record=e1, reason="Made-up: recorded for the wrong child.", by=None)
    result = import_bundle(bundle, council_code="931")
    assert result.set_aside == [
        SKIPPED_IN_ERROR.format(file="episodes.csv", row=2, noun="episode", ref="E1"),
        SKIPPED_IN_ERROR.format(file="interviews.csv", row=2, noun="interview", ref="I1"),
    ]
    assert result.files["episodes.csv"].rows == 2
    assert Episode.all_records.get(pk=e1.pk).entered_in_error_at is not None
    assert not ReturnInterview.objects.exists()
    # The export leaves it out, so that the council's own export imports again.
    written = export_bundle(tmp_path / "out", council=council("931"))
    assert written["episodes.csv"] == 2 and written["interviews.csv"] == 0
    assert [row["episode_id"] for row in rows(tmp_path / "out", "episodes.csv")] == ["E2", "E3"]
    import_bundle(tmp_path / "out", council_code="931")
    # Undone in Homeward, the next import applies the row again.
    in_error_undo(record=e1, by=None)
    assert import_bundle(bundle, council_code="931").set_aside == []


def test_a_new_interview_of_an_episode_in_error_is_skipped(tmp_path):
    import_bundle(a_bundle(tmp_path / "in"), council_code="931")
    in_error_mark(record=Episode.objects.get(local_id="E3"), reason="Made-up.", by=None)
    bundle = write_bundle(tmp_path / "more", interviews=[interview("I9", "E3")])
    result = import_bundle(bundle, council_code="931")
    assert result.set_aside == [
        SKIPPED_EPISODE_IN_ERROR.format(file="interviews.csv", row=2, ref="I9", episode="E3")
    ]
    assert not ReturnInterview.all_records.filter(local_id="I9").exists()


def test_rows_of_a_merged_child_go_to_the_surviving_record(tmp_path, capsys):
    bundle = write_bundle(
        tmp_path / "in",
        localities=LOCALITIES,
        children=[child("C1"), child("C2"), child("C3")],
        episodes=[
            episode("E1", "C1"),
            episode("E2", "C2", last_seen_at="2020-04-01T18:00", seen_with="C3"),
        ],
    )
    import_bundle(bundle, council_code="931")
    c1, c2 = Child.objects.get(local_id="C1"), Child.objects.get(local_id="C2")
    child_merge(survivor=c1, duplicate=c2, by=None)
    call_command("import-bundle", str(bundle), "--council", "931")
    said = capsys.readouterr().out
    assert SKIPPED_MERGED_CHILD.format(file="children.csv", row=3, ref="C2", survivor="C1") in said
    assert APPLIED_TO_SURVIVOR.format(file="episodes.csv", row=3, ref="C2", survivor="C1") in said
    assert Episode.objects.get(local_id="E2").child_id == c1.pk
    assert Child.all_records.get(pk=c2.pk).merged_into_id == c1.pk
    # The export names the survivor only, and imports again.
    export_bundle(tmp_path / "out", council=council("931"))
    assert [row["child_id"] for row in rows(tmp_path / "out", "children.csv")] == ["C1", "C3"]
    assert {row["child_id"] for row in rows(tmp_path / "out", "episodes.csv")} == {"C1"}
    import_bundle(tmp_path / "out", council_code="931")
