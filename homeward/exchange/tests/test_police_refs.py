"""An episode's police references in the bundle (police_refs): exported in the order Homeward
learnt them, added on import, and never given to two episodes."""

import csv
import datetime as dt

import pytest
from django.utils import timezone

from homeward.audit.models import AuditEntry
from homeward.councils.models import Council
from homeward.episodes.models import Episode
from homeward.exchange.bundle_export import export_bundle
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.bundle_summary import summary_lines
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, write_bundle
from homeward.exchange.tests.test_bundle_export import same_files
from homeward.police.models import EpisodeReference

pytestmark = pytest.mark.django_db


def bundle(folder, **refs):
    """Children C1 and C2, and episodes E1 (of C1) and E2 (of C2) with the given police_refs."""
    return write_bundle(
        folder,
        localities=LOCALITIES,
        children=[child("C1"), child("C2")],
        episodes=[
            episode("E1", "C1", police_refs=refs.get("E1", "")),
            episode("E2", "C2", police_refs=refs.get("E2", "")),
        ],
    )


def refs(local_id: str, code: str = "931") -> list[str]:
    episode = Episode.objects.get(council__code=code, local_id=local_id)
    return list(episode.police_refs.values_list("police_ref", flat=True))


def rejected(folder) -> list[str]:
    with pytest.raises(BundleRejected) as caught:
        import_bundle(folder, council_code="931")
    return [str(problem) for problem in caught.value.problems.in_order()]


def exported_refs(folder) -> dict[str, str]:
    with (folder / "episodes.csv").open(encoding="utf-8-sig") as f:
        return {row["episode_id"]: row["police_refs"] for row in csv.DictReader(f)}


def test_the_references_are_imported_in_the_order_given(tmp_path):
    result = import_bundle(bundle(tmp_path, E1="MSC-1; NBR-9;MSC-1"), council_code="931")
    assert refs("E1") == ["MSC-1", "NBR-9"]
    assert refs("E2") == []
    added = EpisodeReference.objects.get(police_ref="NBR-9")
    assert added.notification is None and added.council.code == "931"
    assert "episodes.csv: police_refs: 2 police references added to 1 episode" in summary_lines(
        result
    )
    entry = AuditEntry.objects.filter(action="import").latest("sequence")
    assert entry.details["files"]["episodes.csv"]["police_refs_added"] == 2


def test_export_writes_them_in_the_order_homeward_learnt_them(tmp_path):
    import_bundle(bundle(tmp_path / "in", E1="MSC-1"), council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    later = timezone.now() + dt.timedelta(minutes=1)
    # A neighbouring force's reference learnt later, and one learnt earlier from a notification.
    EpisodeReference.objects.create(
        council=e1.council, episode=e1, police_ref="NBR-2", added_at=later
    )
    EpisodeReference.objects.create(
        council=e1.council,
        episode=e1,
        police_ref="AAA-0",
        added_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    export_bundle(tmp_path / "out", council=Council.objects.get(code="931"))
    assert exported_refs(tmp_path / "out") == {"E1": "AAA-0;MSC-1;NBR-2", "E2": ""}


def test_export_then_import_elsewhere_round_trips_them(tmp_path):
    import_bundle(bundle(tmp_path / "in", E1="MSC-1;NBR-9", E2="MSC-2"), council_code="931")
    export_bundle(tmp_path / "first", council=Council.objects.get(code="931"))
    import_bundle(tmp_path / "first", council_code="872")
    export_bundle(tmp_path / "second", council=Council.objects.get(code="872"))
    assert same_files(tmp_path / "first", tmp_path / "second")
    assert refs("E1", "872") == ["MSC-1", "NBR-9"]


def test_re_importing_adds_only_the_references_not_yet_known(tmp_path):
    import_bundle(bundle(tmp_path / "a", E1="MSC-1"), council_code="931")
    result = import_bundle(bundle(tmp_path / "b", E1="MSC-1;NBR-9"), council_code="931")
    assert refs("E1") == ["MSC-1", "NBR-9"]
    assert result.files["episodes.csv"].references_added == 1
    again = import_bundle(bundle(tmp_path / "b", E1="MSC-1;NBR-9"), council_code="931")
    assert again.files["episodes.csv"].references_added == 0
    assert not any("police_refs:" in line for line in summary_lines(again))


def test_a_reference_left_out_is_never_taken_away(tmp_path):
    import_bundle(bundle(tmp_path / "a", E1="MSC-1;NBR-9"), council_code="931")
    import_bundle(bundle(tmp_path / "b", E1=""), council_code="931")
    assert refs("E1") == ["MSC-1", "NBR-9"]


def test_a_reference_of_another_episode_in_homeward_refuses_the_bundle(tmp_path):
    import_bundle(bundle(tmp_path / "a", E1="MSC-1"), council_code="931")
    problems = rejected(bundle(tmp_path / "b", E2="MSC-7;MSC-1"))
    assert problems == [
        "episodes.csv, row 3, police_refs: The police reference 'MSC-1' already belongs to "
        "episode E1 in Homeward, and a police reference belongs to one episode. Remove it from "
        "this row, or correct the episode id if this row is episode E1."
    ]
    assert refs("E2") == []  # nothing written
    # Given to E1 in the bundle too, it is one problem, not two.
    (problem,) = rejected(bundle(tmp_path / "c", E1="MSC-1", E2="MSC-1"))
    assert "is also given to episode E1 (row 2)" in problem


def test_one_reference_for_two_episodes_of_the_bundle_refuses_it(tmp_path):
    problems = rejected(bundle(tmp_path, E1="MSC-1", E2="MSC-1"))
    assert problems == [
        "episodes.csv, row 3, police_refs: The police reference 'MSC-1' is also given to "
        "episode E1 (row 2). A police reference belongs to one episode: keep it on the right one."
    ]
    assert not EpisodeReference.objects.exists()


def test_a_reference_too_long_is_refused(tmp_path):
    problems = rejected(bundle(tmp_path, E1="MSC-1;" + "X" * 65))
    assert len(problems) == 1
    assert problems[0].startswith("episodes.csv, row 2, police_refs: The police reference 'XXX")
    assert "longer than 64 characters" in problems[0]


def test_a_reference_with_a_control_character_is_refused(tmp_path):
    problems = rejected(bundle(tmp_path, E1="MSC-1\x07"))
    assert [p.split(":")[0] for p in problems] == ["episodes.csv, row 2, police_refs"]


def test_the_row_of_an_episode_in_error_adds_none_of_its_references(tmp_path):
    import_bundle(bundle(tmp_path / "a"), council_code="931")
    Episode.objects.filter(local_id="E1").update(entered_in_error_at=timezone.now())
    result = import_bundle(bundle(tmp_path / "b", E1="MSC-1", E2="MSC-2"), council_code="931")
    assert list(EpisodeReference.objects.values_list("police_ref", flat=True)) == ["MSC-2"]
    assert result.files["episodes.csv"].references_added == 1
