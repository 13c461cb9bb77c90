import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.children.models import Child, Placement
from homeward.councils.models import Locality
from homeward.episodes.models import Episode
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.tests.bundles import (
    LOCALITIES,
    child,
    episode,
    interview,
    screening,
    write_bundle,
)
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def a_good_bundle(folder):
    return write_bundle(
        folder,
        localities=LOCALITIES,
        children=[child("C1"), child("C2", sex="female", responsible_la="", home_locality="")],
        placements=[
            {
                "placement_id": "P1",
                "child_id": "C1",
                "start_date": "2019-01-01",
                "placement_type": "childrens_home",
                "place_code": "K2",
                "provider_urn": "SC000001",
                "provider_name": "Made-up House",
                "locality": "Oxford",
                "placing_la": "931",
            }
        ],
        episodes=[
            episode("E1", "C1", missing_from="placement", placement_id="P1", seen_with="C2"),
            episode("E2", "C1", last_seen_at="2020-03-05T18:00", returned_at=""),
            episode("E3", "C2", category="away", last_seen_at="2020-10-25T01:30"),
        ],
        interviews=[interview("I1", "E1")],
        screenings=[screening("S1", "C1")],
    )


def rejected(folder, council_code="931") -> list[str]:
    with pytest.raises(BundleRejected) as caught:
        import_bundle(folder, council_code=council_code)
    return [str(problem) for problem in caught.value.problems.in_order()]


def test_it_imports_every_file_and_links_the_records(tmp_path):
    result = import_bundle(a_good_bundle(tmp_path), council_code="931")
    assert {name: counts.created for name, counts in result.files.items()} == {
        "localities.csv": 2,
        "children.csv": 2,
        "placements.csv": 1,
        "episodes.csv": 3,
        "interviews.csv": 1,
        "screenings.csv": 1,
    }
    e1 = Episode.objects.get(local_id="E1")
    assert e1.child.local_id == "C1" and e1.placement.local_id == "P1"
    assert e1.locality.name == "Oxford" and e1.council.code == "931"
    assert [c.local_id for c in e1.seen_with.all()] == ["C2"]
    # A time without an offset is Europe/London: 18:00 GMT in March is 18:00 UTC.
    assert e1.last_seen_at == dt.datetime(2020, 3, 2, 18, 0, tzinfo=UTC)
    assert Episode.objects.get(local_id="E2").returned_at is None
    # 01:30 on the night the clocks go back happens twice; the first (BST) is taken.
    assert Episode.objects.get(local_id="E3").last_seen_at == dt.datetime(
        2020, 10, 25, 0, 30, tzinfo=UTC
    )
    c2 = Child.objects.get(local_id="C2")
    assert c2.responsible_la.code == "931" and c2.home_locality is None
    assert Placement.objects.get().host_la.code == "931"
    assert ReturnInterview.objects.get().episode == e1
    assert Screening.objects.get().concerns == "cse;missing"
    assert Locality.objects.get(name="Oxford").population_0_17 == 30000


def test_importing_the_same_bundle_twice_changes_nothing(tmp_path):
    folder = a_good_bundle(tmp_path)
    import_bundle(folder, council_code="931")
    before = list(Episode.objects.values_list("local_id", "version", "changed_at"))
    result = import_bundle(folder, council_code="931")
    assert all(c.created == 0 and c.updated == 0 for c in result.files.values())
    assert list(Episode.objects.values_list("local_id", "version", "changed_at")) == before
    assert Episode.objects.count() == 3 and Child.objects.count() == 2


def test_a_later_bundle_updates_the_records_it_names(tmp_path, django_user_model):
    import_bundle(a_good_bundle(tmp_path / "first"), council_code="931")
    user = django_user_model.objects.create_user("importer")
    later = write_bundle(
        tmp_path / "later",
        episodes=[
            episode("E2", "C1", last_seen_at="2020-03-05T18:00", returned_at="2020-03-06T08:00")
        ],
    )
    result = import_bundle(later, council_code="931", by=user)
    assert result.files["episodes.csv"].updated == 1
    e2 = Episode.objects.get(local_id="E2")
    assert e2.returned_at == dt.datetime(2020, 3, 6, 8, 0, tzinfo=UTC)
    assert e2.version == 2 and e2.changed_by == user
    assert Episode.objects.get(local_id="E1").version == 1


def test_a_later_bundle_replaces_who_a_child_was_missing_with(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "first"), council_code="931")
    later = write_bundle(
        tmp_path / "later",
        episodes=[episode("E1", "C1", missing_from="placement", placement_id="P1", seen_with="")],
    )
    import_bundle(later, council_code="931")
    assert not Episode.objects.get(local_id="E1").seen_with.exists()


def test_it_lists_every_problem_at_once_and_writes_nothing(tmp_path):
    folder = write_bundle(
        tmp_path,
        localities=LOCALITIES,
        children=[child("C1"), child("C2", sex="M", date_of_birth="02/13/2007")],
        episodes=[
            episode("E1", "C1", returned_at="2020-03-02T17:00"),
            episode("E2", "C9", risk="severe"),
            episode("E3", "C1", last_seen_at="2020-03-29T01:30"),
            episode("E1", "C1", last_seen_at="2020-04-01T10:00", returned_at=""),
        ],
    )
    problems = rejected(folder)
    assert problems == [
        "children.csv, row 3, date_of_birth: '02/13/2007' is not a date read day first, as "
        "dates are written in the UK (DD/MM/YYYY). Check the day and the month, or write it as "
        "YYYY-MM-DD.",
        "children.csv, row 3, sex: 'M' is not a known sex. "
        "Use one of: male, female, other, unknown.",
        "episodes.csv, row 2, returned_at: The return (2 Mar 2020 17:00) is before the child was "
        "last seen (2 Mar 2020 18:00). Check both times.",
        "episodes.csv, row 3, risk: 'severe' is not a known risk grading. "
        "Use one of: high, medium, low, no_apparent_risk.",
        "episodes.csv, row 3, child_id: There is no child with id 'C9' in this bundle or already "
        "recorded for this council. Add it to children.csv or correct the id.",
        "episodes.csv, row 4, last_seen_at: 2020-03-29T01:30 did not happen in Europe/London: the "
        "clocks went forward that night. Check the time, or give it with its offset "
        "(for example +00:00).",
        "episodes.csv, row 5, episode_id: The id 'E1' is used more than once in this file "
        "(first on row 2). Each row needs its own id.",
    ]
    assert not Child.objects.exists() and not Episode.objects.exists()
    assert not Locality.objects.exists()


def test_it_refuses_overlapping_and_open_episodes_naming_the_other(tmp_path):
    folder = write_bundle(
        tmp_path,
        localities=LOCALITIES,
        children=[child("C1")],
        episodes=[
            episode("E1", "C1", last_seen_at="2020-03-02T18:00", returned_at="2020-03-03T09:00"),
            episode("E2", "C1", last_seen_at="2020-03-03T08:00", returned_at="2020-03-03T10:00"),
            episode("E3", "C1", last_seen_at="2020-04-01T18:00", returned_at=""),
            episode("E4", "C1", last_seen_at="2020-05-01T18:00", returned_at="2020-05-02T09:00"),
        ],
    )
    problems = rejected(folder)
    assert any("row 3, last_seen_at: This episode overlaps episode E1" in p for p in problems)
    assert any(
        "row 5, last_seen_at: The child is still missing from episode E3" in p for p in problems
    )


def test_it_checks_episodes_against_those_already_recorded(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "first"), council_code="931")
    # E2 of C1 is still open: a new episode for C1 after it is refused.
    later = write_bundle(
        tmp_path / "later", episodes=[episode("E9", "C1", last_seen_at="2020-03-20T18:00")]
    )
    assert rejected(later) == [
        "episodes.csv, row 2, last_seen_at: The child is still missing from episode E2 "
        "(last seen 5 Mar 2020 18:00). Record the return of that episode before recording a "
        "new one."
    ]


def test_it_refuses_an_episode_before_birth_and_a_placement_of_another_child(tmp_path):
    folder = write_bundle(
        tmp_path,
        localities=LOCALITIES,
        children=[child("C1"), child("C2", date_of_birth="2020-03-03")],
        placements=[
            {
                "placement_id": "P1",
                "child_id": "C1",
                "start_date": "2019-01-01",
                "placement_type": "foster",
            },
        ],  # fmt: skip
        episodes=[episode("E1", "C2", placement_id="P1")],
    )
    problems = rejected(folder)
    assert (
        "episodes.csv, row 2, placement_id: Placement P1 belongs to another child." in problems[0]
    )
    assert "before the child's date of birth (3 Mar 2020)" in problems[1]


def test_it_refuses_interviews_before_the_return_or_while_still_missing(tmp_path):
    folder = write_bundle(
        tmp_path,
        localities=LOCALITIES,
        children=[child("C1")],
        episodes=[
            episode("E1", "C1"),
            episode("E2", "C1", last_seen_at="2020-04-01T18:00", returned_at=""),
        ],
        interviews=[
            interview("I1", "E1", offered_at="2020-03-03T08:00", completed_at="2020-03-03T08:30"),
            interview("I2", "E2", outcome="declined", completed_at=""),
            interview("I3", "E1", outcome="completed", completed_at=""),
        ],
    )
    problems = rejected(folder)
    assert problems == [
        "interviews.csv, row 2, offered_at: The interview is recorded as offered (3 Mar 2020 "
        "08:00) before the child returned (3 Mar 2020 09:00). Check the offer date.",
        "interviews.csv, row 2, completed_at: The interview is recorded as completed (3 Mar 2020 "
        "08:30) before the child returned (3 Mar 2020 09:00). Check the completion date.",
        "interviews.csv, row 3, episode_id: The child has not returned from episode E2. "
        "Record the return before recording an interview.",
        "interviews.csv, row 4, completed_at: Enter when the interview was completed: "
        "the outcome is 'completed'.",
    ]


def test_a_corrected_return_must_still_come_before_recorded_interviews(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "first"), council_code="931")
    later = write_bundle(
        tmp_path / "later",
        episodes=[
            episode(
                "E1",
                "C1",
                missing_from="placement",
                placement_id="P1",
                returned_at="2020-03-04T09:00",
                seen_with="C2",
            ),
        ],  # fmt: skip
    )
    problems = rejected(later)
    assert problems[0].startswith("episodes.csv, row 2, returned_at: Interview I1 is recorded")


def test_it_names_missing_columns_bad_rows_and_unknown_councils(tmp_path):
    (tmp_path / "children.csv").write_text("child_id,first_name\nC1,Madeup\n")
    (tmp_path / "episodes.csv").write_text(
        "episode_id,child_id,category,last_seen_at,missing_from,legal_status\nE1,C1\n"
    )
    problems = rejected(tmp_path)
    assert "children.csv, row 1, last_name: The column 'last_name' is missing" in problems[0]
    assert any(p.startswith("episodes.csv, row 2: This row has 2 cells") for p in problems)
    assert "There is no council with code '999'" in rejected(tmp_path, council_code="999")[0]


def test_rows_belong_to_the_council_named_and_ids_are_per_council(tmp_path):
    folder = a_good_bundle(tmp_path)
    import_bundle(folder, council_code="931")
    import_bundle(folder, council_code="872")
    assert Episode.objects.filter(local_id="E1").count() == 2
    assert set(Episode.objects.values_list("council__code", flat=True)) == {"931", "872"}


def test_the_command_prints_the_problems_and_fails(tmp_path, capsys):
    write_bundle(tmp_path, children=[child("C1", sex="boy", home_locality="")])
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import-bundle", str(tmp_path), "--council", "931")
    assert "children.csv, row 2, sex: 'boy' is not a known sex" in capsys.readouterr().err


def test_the_command_reports_what_it_did(tmp_path, capsys):
    call_command("import-bundle", str(a_good_bundle(tmp_path)), "--council", "931")
    out = capsys.readouterr().out
    assert "episodes.csv: 3 rows, 3 new, 0 updated, 0 unchanged" in out


def test_a_bundle_that_closes_one_episode_and_opens_the_next_imports_in_any_order(tmp_path):
    """The database's own rules hold for the bundle's result, not row by row: an episode that
    opens before the row that closes the one still open, or two episodes that change places,
    import as the checks allow."""
    import_bundle(
        write_bundle(
            tmp_path / "first",
            localities=LOCALITIES,
            children=[child("C1")],
            episodes=[
                episode("E1", "C1", last_seen_at="2020-03-02T18:00", returned_at=""),
                episode("E2", "C1", last_seen_at="2019-03-02T18:00"),
                episode("E3", "C1", last_seen_at="2019-04-02T18:00"),
            ],
        ),
        council_code="931",
    )
    import_bundle(
        write_bundle(
            tmp_path / "later",
            episodes=[
                episode("E4", "C1", last_seen_at="2020-03-10T18:00", returned_at=""),
                episode("E3", "C1", last_seen_at="2019-03-02T18:00"),
                episode("E2", "C1", last_seen_at="2019-04-02T18:00"),
                episode("E1", "C1", last_seen_at="2020-03-02T18:00"),
            ],
        ),
        council_code="931",
    )
    open_now = Episode.objects.filter(child__local_id="C1", returned_at__isnull=True)
    assert list(open_now.values_list("local_id", flat=True)) == ["E4"]
    assert Episode.objects.filter(child__local_id="C1").count() == 4


def test_a_bundle_unzipped_into_a_folder_of_its_own_says_which_folder_to_import(tmp_path):
    write_bundle(tmp_path / "download" / "bundle-2020", children=[child("C1")])
    with pytest.raises(BundleRejected) as refused:
        import_bundle(tmp_path / "download", council_code="931")
    (problem,) = [str(p) for p in refused.value.problems.in_order()]
    assert problem.endswith(
        "The bundle's files are in its sub-folder bundle-2020: import that folder, "
        f"{tmp_path / 'download' / 'bundle-2020'}."
    )
    assert not Child.objects.exists()
