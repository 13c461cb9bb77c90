"""Updating stored records from a later bundle: absent columns, empty cells, local changes."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child, Placement
from homeward.children.rules import PLACEMENT_ENDS_BEFORE_START
from homeward.children.tests.factories import ChildFactory
from homeward.core.problems import when
from homeward.councils.models import Council
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_update
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.bundle_local import KEEP, OVERWRITE
from homeward.exchange.bundle_summary import summary_lines
from homeward.exchange.tests.bundles import (
    COLUMNS,
    LOCALITIES,
    child,
    episode,
    screening,
    write_bundle,
)
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview

pytestmark = pytest.mark.django_db
UTC = dt.UTC

PLACEMENT = {
    "placement_id": "P1",
    "child_id": "C1",
    "start_date": "2019-01-01",
    "end_date": "2020-12-31",
    "placement_type": "childrens_home",
    "place_code": "K2",
    "provider_urn": "SC000001",
    "provider_name": "Made-up House",
    "locality": "Oxford",
    "placing_la": "873",
    "host_la": "872",
}
INTERVIEW = {
    "interview_id": "I1",
    "episode_id": "E1",
    "offered_at": "2020-03-03T12:00",
    "outcome": "completed",
    "completed_at": "2020-03-05T10:00",
    "conducted_by": "Made-up worker",
    "findings": "Made-up findings",
}
SCREENING = screening("S1", "C1")
FULL_EPISODE = {"found_location": "Made-up park", "reported_by": "Made-up carer"}


def first_bundle(folder):
    """Everything filled in: C1 is placed in by council 872 and was missing with C2."""
    return write_bundle(
        folder,
        localities=LOCALITIES,
        children=[child("C1", responsible_la="872", police_id="PN1"), child("C2")],
        placements=[PLACEMENT],
        episodes=[
            episode("E1", "C1", seen_with="C2", placing_la_notified_at="2020-03-02T21:00")
            | FULL_EPISODE,
            episode("E3", "C2", last_seen_at="2020-10-20T18:00") | FULL_EPISODE,
        ],
        interviews=[INTERVIEW],
        screenings=[SCREENING],
    )


def write_file(folder, name: str, columns: list[str], rows: list[dict]):
    """Write one file with only `columns` in its header."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def without(name: str, *left_out: str) -> list[str]:
    return [column for column in COLUMNS[name] if column not in left_out]


def stored_state():
    """Every stored value and version, to show that nothing moved."""
    return {
        "episodes": list(
            Episode.objects.order_by("local_id").values_list(
                "local_id",
                "returned_at",
                "risk",
                "locality__name",
                "found_location",
                "reported_by",
                "placing_la_notified_at",
                "version",
                "changed_at",
            )
        ),
        "seen_with": list(Episode.seen_with.through.objects.values_list("episode__local_id")),
        "children": list(
            Child.objects.order_by("local_id").values_list(
                "local_id",
                "responsible_la__code",
                "police_id",
                "ethnicity",
                "home_locality__name",
                "version",
                "changed_at",
            )
        ),
        "placements": list(
            Placement.objects.values_list(
                "host_la__code",
                "placing_la__code",
                "place_code",
                "provider_urn",
                "provider_name",
                "end_date",
                "version",
            )
        ),
        "interviews": list(
            ReturnInterview.objects.values_list(
                "findings", "offered_at", "completed_at", "conducted_by", "version"
            )
        ),
        "screenings": list(Screening.objects.values_list("concerns", "next_review_on", "version")),
    }


def last_import_details() -> dict:
    return AuditEntry.objects.filter(action=Action.IMPORT).latest("sequence").details


# A column left out is not a column emptied.


def test_a_column_left_out_leaves_every_stored_value_as_it_was(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    before = stored_state()
    later = tmp_path / "later"
    optional = ("reported_at", "returned_at", "risk", "locality", "found_location")
    optional += ("reported_by", "placing_la_notified_at", "seen_with", "placement_id")
    write_file(
        later,
        "episodes.csv",
        without("episodes.csv", *optional),
        [episode("E1", "C1"), episode("E3", "C2", last_seen_at="2020-10-20T18:00")],
    )
    write_file(
        later,
        "children.csv",
        without("children.csv", "responsible_la", "police_id", "ethnicity", "home_locality"),
        [child("C1"), child("C2")],
    )
    placement_optional = ("end_date", "place_code", "provider_urn", "provider_name")
    placement_optional += ("locality", "placing_la", "host_la")
    write_file(
        later,
        "placements.csv",
        without("placements.csv", *placement_optional),
        [PLACEMENT],
    )
    write_file(
        later,
        "interviews.csv",
        without("interviews.csv", "findings", "offered_at", "conducted_by"),
        [INTERVIEW],
    )
    write_file(
        later,
        "screenings.csv",
        without("screenings.csv", "concerns", "next_review_on"),
        [SCREENING],
    )
    result = import_bundle(later, council_code="931")
    assert stored_state() == before
    assert summary_lines(result) == [
        "children.csv: 2 rows, 0 new, 0 updated, 2 unchanged",
        "children.csv: not in the file, so left as Homeward has them: "
        "ethnicity, responsible_la, police_id, home_locality",
        "placements.csv: 1 rows, 0 new, 0 updated, 1 unchanged",
        "placements.csv: not in the file, so left as Homeward has them: "
        "end_date, place_code, provider_urn, provider_name, locality, placing_la, host_la",
        "episodes.csv: 2 rows, 0 new, 0 updated, 2 unchanged",
        "episodes.csv: not in the file, so left as Homeward has them: reported_at, "
        "returned_at, risk, placement_id, locality, found_location, reported_by, "
        "placing_la_notified_at, seen_with",
        "interviews.csv: 1 rows, 0 new, 0 updated, 1 unchanged",
        "interviews.csv: not in the file, so left as Homeward has them: "
        "offered_at, conducted_by, findings",
        "screenings.csv: 1 rows, 0 new, 0 updated, 1 unchanged",
        "screenings.csv: not in the file, so left as Homeward has them: concerns, next_review_on",
    ]
    assert last_import_details()["files"]["episodes.csv"]["absent_columns"][:2] == [
        "reported_at",
        "returned_at",
    ]


def test_a_column_left_out_still_updates_the_columns_given(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    later = write_file(
        tmp_path / "later",
        "episodes.csv",
        without("episodes.csv", "returned_at", "seen_with"),
        [episode("E1", "C1", risk="high") | FULL_EPISODE],
    )
    result = import_bundle(later, council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    assert (e1.risk, e1.version) == ("high", 2)
    assert e1.returned_at == dt.datetime(2020, 3, 3, 9, 0, tzinfo=UTC)
    assert [c.local_id for c in e1.seen_with.all()] == ["C2"]
    assert result.files["episodes.csv"].updated == 1


def test_a_new_record_takes_the_defaults_for_a_column_left_out(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    later = write_file(
        tmp_path / "later",
        "children.csv",
        without("children.csv", "responsible_la", "home_locality"),
        [child("C1"), child("C9")],
    )
    result = import_bundle(later, council_code="931")
    assert Child.objects.get(local_id="C9").responsible_la.code == "931"
    assert Child.objects.get(local_id="C1").responsible_la.code == "872"
    assert result.files["children.csv"].created == 1


# An empty cell in a column given clears the value, and the summary says so.


def test_an_empty_cell_clears_the_value_and_the_summary_says_so(tmp_path, capsys):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    later = write_bundle(
        tmp_path / "later",
        children=[child("C1", responsible_la="", police_id=""), child("C2")],
        episodes=[
            episode("E1", "C1", seen_with="", placing_la_notified_at="2020-03-02T21:00")
            | FULL_EPISODE,
            episode("E3", "C2", last_seen_at="2020-10-20T18:00", returned_at="", risk=""),
        ],
    )
    call_command("import-bundle", str(later), "--council", "931")
    out = capsys.readouterr().out.splitlines()
    assert out[:8] == [
        "children.csv: 2 rows, 0 new, 1 updated, 1 unchanged",
        "children.csv: police_id cleared on 1 child",
        "children.csv: responsible_la left empty, so set to the importing council, on 1 child",
        "episodes.csv: 2 rows, 0 new, 2 updated, 0 unchanged",
        "episodes.csv: returned_at cleared on 1 episode",
        "episodes.csv: risk cleared on 1 episode",
        "episodes.csv: found_location cleared on 1 episode",
        "episodes.csv: reported_by cleared on 1 episode",
    ]
    assert out[8] == "episodes.csv: seen_with cleared on 1 episode"
    e3 = Episode.objects.get(local_id="E3")
    assert (e3.returned_at, e3.risk, e3.found_location, e3.version) == (None, "", "", 2)
    assert not Episode.objects.get(local_id="E1").seen_with.exists()
    c1 = Child.objects.get(local_id="C1")
    assert (c1.responsible_la.code, c1.police_id) == ("931", "")
    details = last_import_details()
    assert details["files"]["episodes.csv"]["cleared"] == {
        "returned_at": 1,
        "risk": 1,
        "found_location": 1,
        "reported_by": 1,
        "seen_with": 1,
    }
    assert details["files"]["children.csv"]["defaulted"] == {"responsible_la": 1}


# "Seen with" changes are changes.


def test_a_change_of_who_a_child_was_missing_with_is_an_update(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    later = write_bundle(
        tmp_path / "later",
        children=[child("C3")],
        episodes=[
            episode("E1", "C1", seen_with="C2;C3", placing_la_notified_at="2020-03-02T21:00")
            | FULL_EPISODE
        ],
    )
    result = import_bundle(later, council_code="931")
    changed = Episode.objects.get(local_id="E1")
    assert sorted(c.local_id for c in changed.seen_with.all()) == ["C2", "C3"]
    assert changed.version == 2 and changed.changed_at > e1.changed_at
    assert result.files["episodes.csv"].updated == 1


def test_the_same_bundle_again_changes_nothing_not_even_the_import_time(tmp_path):
    folder = first_bundle(tmp_path)
    import_bundle(folder, council_code="931")
    before = stored_state(), list(Episode.objects.values_list("imported_at"))
    result = import_bundle(folder, council_code="931")
    assert (stored_state(), list(Episode.objects.values_list("imported_at"))) == before
    assert all(c.updated == 0 and c.created == 0 for c in result.files.values())


# A newer correction is not silently reverted.


def corrected_in_homeward(tmp_path):
    """The first bundle imported, then E3's return corrected by a coordinator in Homeward."""
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    coordinator = UserFactory(username="made-up-coordinator", first_name="Made", last_name="Up")
    e3 = Episode.objects.get(local_id="E3")
    episode_update(
        episode=e3,
        expected_version=e3.version,
        by=coordinator,
        returned_at=dt.datetime(2020, 10, 21, 6, 0, tzinfo=UTC),
    )
    return Episode.objects.get(local_id="E3")


def source_again(tmp_path, **e3):
    """The source's bundle for both episodes, E3 as the source has it unless given."""
    return write_bundle(
        tmp_path / "again",
        episodes=[
            episode("E1", "C1", seen_with="C2", placing_la_notified_at="2020-03-02T21:00")
            | FULL_EPISODE,
            episode("E3", "C2", last_seen_at="2020-10-20T18:00", risk="high") | FULL_EPISODE | e3,
        ],
    )


def test_a_bundle_that_would_revert_a_correction_is_refused_naming_it(tmp_path):
    corrected = corrected_in_homeward(tmp_path)
    with pytest.raises(BundleRejected) as caught:
        import_bundle(source_again(tmp_path), council_code="931")
    by = f"Made Up (made-up-coordinator) on {when_changed(corrected)}"
    assert [str(p) for p in caught.value.problems.in_order()] == [
        f"episodes.csv, row 3, returned_at: This episode was changed in Homeward by {by}, "
        "after an import last wrote it: Homeward has '2020-10-21T07:00:00+01:00', "
        "the bundle has '2020-10-21T09:00:00+01:00'.",
        f"episodes.csv, row 3, risk: This episode was changed in Homeward by {by}, "
        "after an import last wrote it: Homeward has 'medium', the bundle has 'high'.",
    ]
    assert caught.value.local_changes == 1
    assert Episode.objects.get(local_id="E3").returned_at == corrected.returned_at
    assert Episode.objects.get(local_id="E3").risk == "medium"


def when_changed(record) -> str:
    return when(record.changed_at)


def test_keep_local_changes_imports_the_rest_and_lists_the_rows_not_applied(tmp_path):
    corrected = corrected_in_homeward(tmp_path)
    result = import_bundle(source_again(tmp_path), council_code="931", local_changes=KEEP)
    e3 = Episode.objects.get(local_id="E3")
    assert (e3.returned_at, e3.risk, e3.version) == (corrected.returned_at, "medium", 2)
    assert summary_lines(result) == [
        "episodes.csv: 2 rows, 0 new, 0 updated, 1 unchanged, "
        "1 not applied (changed in Homeward since the last import)",
        "episodes.csv, row 3, returned_at: not applied: episode E3 was changed in Homeward by "
        f"Made Up (made-up-coordinator) on {when_changed(corrected)}, so Homeward's value is "
        "kept: Homeward has '2020-10-21T07:00:00+01:00', the bundle has "
        "'2020-10-21T09:00:00+01:00'.",
        "episodes.csv, row 3, risk: not applied: episode E3 was changed in Homeward by "
        f"Made Up (made-up-coordinator) on {when_changed(corrected)}, so Homeward's value is "
        "kept: Homeward has 'medium', the bundle has 'high'.",
    ]
    details = last_import_details()
    assert details["local_changes"] == KEEP
    kept = details["files"]["episodes.csv"]["kept"]
    assert [(k["row"], k["column"], k["stored"], k["bundled"]) for k in kept] == [
        (3, "returned_at", "2020-10-21T07:00:00+01:00", "2020-10-21T09:00:00+01:00"),
        (3, "risk", "medium", "high"),
    ]


def test_overwrite_local_changes_lets_the_bundle_win_and_lists_what_it_replaced(tmp_path):
    corrected = corrected_in_homeward(tmp_path)
    result = import_bundle(source_again(tmp_path), council_code="931", local_changes=OVERWRITE)
    e3 = Episode.objects.get(local_id="E3")
    assert e3.returned_at == dt.datetime(2020, 10, 21, 8, 0, tzinfo=UTC)
    assert (e3.risk, e3.version) == ("high", 3)
    assert summary_lines(result)[:2] == [
        "episodes.csv: 2 rows, 0 new, 1 updated, 1 unchanged, "
        "1 overwriting changes made in Homeward",
        "episodes.csv, row 3, returned_at: episode E3 had been changed in Homeward by "
        f"Made Up (made-up-coordinator) on {when_changed(corrected)}; the bundle's value "
        "replaced it: it was '2020-10-21T07:00:00+01:00', it is now '2020-10-21T09:00:00+01:00'.",
    ]
    details = last_import_details()
    assert details["local_changes"] == OVERWRITE
    assert details["files"]["episodes.csv"]["overwritten"][0]["stored"] == (
        "2020-10-21T07:00:00+01:00"
    )


def test_a_row_that_agrees_with_the_correction_is_no_conflict_and_confirms_it(tmp_path):
    corrected_in_homeward(tmp_path)
    agreeing = source_again(tmp_path, returned_at="2020-10-21T07:00", risk="medium")
    result = import_bundle(agreeing, council_code="931")
    assert result.files["episodes.csv"].updated == 0
    # The source has now caught up: its next change is applied without asking.
    later = source_again(tmp_path / "later", returned_at="2020-10-21T07:00", risk="high")
    import_bundle(later, council_code="931")
    assert Episode.objects.get(local_id="E3").risk == "high"


def test_a_record_made_in_homeward_that_a_bundle_would_change_is_a_local_change(tmp_path):
    ChildFactory(
        local_id="C7",
        council=Council.objects.get(code="931"),
        first_name="Madeup",
        last_name="ChildC7",
        date_of_birth=dt.date(2006, 5, 1),
        police_id="PN7",
    )
    bundle = write_bundle(tmp_path, children=[child("C7", police_id="PN8", home_locality="")])
    with pytest.raises(BundleRejected) as caught:
        import_bundle(bundle, council_code="931")
    problems = [str(p) for p in caught.value.problems.in_order()]
    assert len(problems) == 1
    assert problems[0].startswith(
        "children.csv, row 2, police_id: This child was recorded or changed in Homeward by "
        "someone not recorded on "
    )
    assert problems[0].endswith(
        "and no import has written it since: Homeward has 'PN7', the bundle has 'PN8'."
    )


def test_the_command_names_both_choices_when_it_refuses(tmp_path, capsys):
    corrected_in_homeward(tmp_path)
    folder = str(source_again(tmp_path))
    with pytest.raises(CommandError, match="Nothing was imported: 2 problem"):
        call_command("import-bundle", folder, "--council", "931")
    assert capsys.readouterr().err.splitlines()[-1] == (
        "1 row(s) would change records corrected in Homeward since an import last wrote them. "
        "To import everything else and leave those records as Homeward has them, import again "
        "with --keep-local-changes; to replace Homeward's values with the bundle's, import "
        "again with --overwrite-local-changes."
    )
    call_command("import-bundle", folder, "--council", "931", "--keep-local-changes")
    assert "1 not applied (changed in Homeward" in capsys.readouterr().out
    call_command("import-bundle", folder, "--council", "931", "--overwrite-local-changes")
    assert "1 overwriting changes made in Homeward" in capsys.readouterr().out
    assert Episode.objects.get(local_id="E3").risk == "high"


def test_who_a_child_was_missing_with_is_listed_as_a_local_change_too(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    episode_update(episode=e1, expected_version=e1.version, risk="high")
    bundle = write_bundle(
        tmp_path / "again",
        episodes=[
            episode("E1", "C1", seen_with="", placing_la_notified_at="2020-03-02T21:00")
            | FULL_EPISODE
        ],
    )
    result = import_bundle(bundle, council_code="931", local_changes=KEEP)
    kept = [(k.column, k.stored, k.bundled, k.who) for k in result.files["episodes.csv"].kept]
    assert kept == [
        ("risk", "high", "medium", "someone not recorded"),
        ("seen_with", "C2", "", "someone not recorded"),
    ]
    assert [c.local_id for c in Episode.objects.get(local_id="E1").seen_with.all()] == ["C2"]


def test_a_row_is_checked_against_the_stored_value_of_a_column_left_out(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    # The stored placement ends on 2020-12-31: a start after it cannot be right.
    late_start = write_file(
        tmp_path / "late",
        "placements.csv",
        without("placements.csv", "end_date"),
        [PLACEMENT | {"start_date": "2021-02-01"}],
    )
    ends_before = PLACEMENT_ENDS_BEFORE_START.format(
        end=when(dt.date(2020, 12, 31)), start=when(dt.date(2021, 2, 1))
    )
    assert rejected(late_start) == [f"placements.csv, row 2, end_date: {ends_before}"]
    # The stored interview was completed: its time need not be given again.
    no_time = write_file(
        tmp_path / "no-time",
        "interviews.csv",
        without("interviews.csv", "completed_at"),
        [INTERVIEW | {"conducted_by": "Another made-up worker"}],
    )
    result = import_bundle(no_time, council_code="931")
    assert result.files["interviews.csv"].updated == 1
    interview = ReturnInterview.objects.get()
    assert interview.completed_at == dt.datetime(2020, 3, 5, 10, 0, tzinfo=UTC)
    assert interview.conducted_by == "Another made-up worker"


def rejected(folder) -> list[str]:
    with pytest.raises(BundleRejected) as caught:
        import_bundle(folder, council_code="931")
    return [str(problem) for problem in caught.value.problems.in_order()]


def test_a_kept_record_is_checked_as_homeward_has_it(tmp_path):
    import_bundle(first_bundle(tmp_path / "first"), council_code="931")
    e3 = Episode.objects.get(local_id="E3")
    # Corrected in Homeward: the child came back later than the source says.
    episode_update(
        episode=e3,
        expected_version=e3.version,
        returned_at=dt.datetime(2020, 10, 21, 10, 0, tzinfo=UTC),
    )
    bundle = write_bundle(
        tmp_path / "again",
        episodes=[episode("E3", "C2", last_seen_at="2020-10-20T18:00") | FULL_EPISODE],
        interviews=[
            INTERVIEW
            | {
                "interview_id": "I3",
                "episode_id": "E3",
                "offered_at": "2020-10-21T10:30",
                "completed_at": "",
            }
            | {"outcome": "declined"}
        ],
    )
    with pytest.raises(BundleRejected) as caught:
        import_bundle(bundle, council_code="931", local_changes=KEEP)
    problems = [str(p) for p in caught.value.problems.in_order()]
    assert len(problems) == 1
    assert problems[0].startswith("interviews.csv, row 2, offered_at: ")
    assert Episode.objects.get(local_id="E3").returned_at == dt.datetime(
        2020, 10, 21, 10, 0, tzinfo=UTC
    )


def test_keeping_local_changes_does_not_offer_the_choice_again(tmp_path, capsys):
    corrected_in_homeward(tmp_path)
    bundle = source_again(tmp_path, reported_at="2020-10-20T17:00")
    with pytest.raises(CommandError):
        call_command("import-bundle", str(bundle), "--council", "931", "--keep-local-changes")
    assert "--overwrite-local-changes" not in capsys.readouterr().err
