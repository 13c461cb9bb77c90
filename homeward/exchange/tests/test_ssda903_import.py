"""`homeward import-903`: a year's SSDA903 tables (made-up, hand-written in the DfE's layout:
tests/ssda903_2025) read into children, placements and day-precision missing periods."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.children.models import Child, Placement
from homeward.core.clock import LONDON
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_update

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "ssda903_2025"


def run(folder: Path, year: str = "2025") -> str:
    out = io.StringIO()
    call_command("import-903", str(folder), "--year", year, "--council", "931", stdout=out)
    return out.getvalue()


def refused(folder: Path, year: str = "2025") -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-903", str(folder), "--year", year, "--council", "931", stderr=err)
    return err.getvalue().splitlines()


def local(day: str, time: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def copy_with(tmp_path: Path, **files: str) -> Path:
    """The fixture with some of its files' text replaced."""
    folder = tmp_path / "903"
    shutil.copytree(FIXTURE, folder)
    for stem, text in files.items():
        (folder / f"{stem}.csv").write_text(text, encoding="utf-8")
    return folder


def text(name: str) -> str:
    return (FIXTURE / name).read_text(encoding="utf-8")


def test_a_years_tables_import_children_placements_and_missing_periods(tmp_path):
    out = run(FIXTURE)

    one = Child.objects.get(local_id="900001")
    assert (one.sex, one.date_of_birth, one.ethnicity) == ("male", dt.date(2009, 2, 14), "WBRI")
    # The 903 names no one: said so, in the record and the summary.
    assert (one.first_name, one.last_name) == ("Not known", "Not known (903 child 900001)")
    assert "3 child(ren) new to Homeward, whom the 903 does not name" in out

    placements = {p.local_id: p for p in Placement.objects.filter(child=one)}
    # The change of legal status only (RNE L) goes on with the same placement.
    assert set(placements) == {"903-900001-20230110", "903-900001-20240915"}
    foster = placements["903-900001-20230110"]
    # DEC 15/09/2024, the next placement's DECOM: the last day there was the 14th.
    assert (foster.start_date, foster.end_date) == (dt.date(2023, 1, 10), dt.date(2024, 9, 14))
    assert (foster.placement_type, foster.place_code, foster.provider_urn) == (
        "foster",
        "U4",
        "SC900001",
    )
    assert placements["903-900001-20240915"].placement_type == "childrens_home"
    assert placements["903-900001-20240915"].end_date is None

    episodes = list(Episode.objects.filter(child=one).order_by("last_seen_at", "local_id"))
    assert all(e.day_precision for e in episodes)
    assert all(e.legal_status == "looked_after" for e in episodes)
    assert [
        (e.category, e.last_seen_at, e.returned_at, e.placement.local_id) for e in episodes
    ] == [
        ("missing", local("2024-05-03"), local("2024-05-04"), "903-900001-20230110"),
        ("away", local("2024-09-20"), local("2024-09-22"), "903-900001-20240915"),
        ("missing", local("2024-09-22"), local("2024-09-22", "00:00:01"), "903-900001-20240915"),
        ("missing", local("2024-09-22"), local("2024-09-22", "00:00:01"), "903-900001-20240915"),
    ]
    # Two on one day are kept apart, each with an id of its own.
    assert [e.local_id for e in episodes[2:]] == [
        "903-900001-M-20240922-1",
        "903-900001-M-20240922-2",
    ]
    still_away = Episode.objects.get(child__local_id="900003")
    assert (still_away.category, still_away.returned_at) == ("away", None)
    assert "episodes.csv: 6 rows, 6 new" in out


def test_the_same_tables_again_change_nothing_and_say_so(tmp_path):
    run(FIXTURE)
    before = sorted(Episode.objects.values_list("local_id", "version", "changed_at"))
    out = run(FIXTURE)
    assert "Nothing changed: every record was already as in the SSDA903 tables for 2025." in out
    assert sorted(Episode.objects.values_list("local_id", "version", "changed_at")) == before


def test_a_child_homeward_knows_keeps_their_names(tmp_path):
    run(FIXTURE)
    child = Child.objects.get(local_id="900002")
    Child.objects.filter(pk=child.pk).update(
        first_name="Fictiona", last_name="Madeup", imported_at=child.changed_at
    )
    out = run(FIXTURE)
    child.refresh_from_db()
    assert (child.first_name, child.last_name) == ("Fictiona", "Madeup")
    assert "2 child(ren) new to Homeward" not in out


def test_the_next_year_closes_a_period_left_open(tmp_path):
    run(FIXTURE)
    later = copy_with(
        tmp_path,
        missing="CHILD,DOB,MISSING,MIS_START,MIS_END\n900003,22/11/2008,A,15/03/2025,02/04/2025\n",
    )
    (later / "episodes.csv").unlink()
    (later / "header.csv").unlink()
    out = run(later, year="2026")
    assert Episode.objects.get(child__local_id="900003").returned_at == local("2025-04-02")
    assert "episodes.csv: 1 rows, 0 new, 1 updated, 0 unchanged" in out


def test_bad_rows_are_refused_with_every_problem_by_file_row_and_column(tmp_path):
    folder = copy_with(
        tmp_path,
        header=text("header.csv").replace("900003,2,", "900003,3,"),
        episodes=text("episodes.csv").replace(
            "900002,01/05/2024,S,V2,N4,U1,PR1,20/12/2024",
            "900002,01/05/2024,S,V2,N4,U1,PR1,20/12/24",
        ),
        missing=text("missing.csv")
        .replace("900002,03/07/2010,M,10/06/2024", "900002,04/07/2010,M,10/06/2024")
        .replace("900003,22/11/2008,A,15/03/2025", "900003,22/11/2008,X,15/04/2025")
        + "900009,01/01/2010,M,01/06/2024,02/06/2024\n"
        + "900001,14/02/2009,M,05/05/2024,01/05/2024\n",
    )
    problems = refused(folder)
    assert problems == [
        "episodes.csv, row 5, dec: '20/12/24' has a two-digit year, which could be in either "
        "century. Write the year in full, for example 14/03/2020.",
        "header.csv, row 4, sex: '3' is not a SEX code the SSDA903 uses. Use one of: "
        "1 (male), 2 (female).",
        "missing.csv, row 6, dob: The date of birth here (04/07/2010) is not the one header.csv "
        "gives child 900002 (03/07/2010). Correct whichever is wrong.",
        "missing.csv, row 7, mis_start: 15/04/2025 is after the collection year 2025 (1 April "
        "2024 to 31 March 2025): check the date, or import this file with the year it "
        "belongs to.",
        "missing.csv, row 7, missing: 'X' is not a MISSING code the SSDA903 uses. Use one of: "
        "M, A.",
        "missing.csv, row 8, child: Child '900009' is not in header.csv nor already recorded "
        "in Homeward.",
    ] + [p for p in problems if p.startswith("missing.csv, row 9, mis_end: The return")]
    assert len(problems) == 7
    assert not Child.objects.exists()
    assert not Episode.objects.exists()


def test_overlapping_periods_of_a_child_are_refused(tmp_path):
    folder = copy_with(
        tmp_path,
        missing=text("missing.csv") + "900001,14/02/2009,A,03/05/2024,10/05/2024\n",
    )
    problems = refused(folder)
    assert len(problems) == 2
    assert all(p.startswith(("missing.csv, row 2,", "missing.csv, row 8,")) for p in problems)
    assert all("overlaps episode" in p for p in problems)


def test_a_folder_without_the_903_tables_is_refused(tmp_path):
    (tmp_path / "none").mkdir()
    assert refused(tmp_path / "none")[0].startswith("The folder")


def test_a_period_sharing_its_day_with_another_can_be_corrected_in_homeward(tmp_path):
    run(FIXTURE)
    first, second = Episode.objects.filter(
        child__local_id="900001", last_seen_at=local("2024-09-22")
    ).order_by("local_id")
    corrected = episode_update(episode=second, expected_version=second.version, risk="high")
    assert corrected.risk == "high"
    # But an episode with its times may not overlap them.
    timed = Episode.objects.get(local_id="903-900001-M-20240503-1")
    with pytest.raises(ValidationError, match="overlaps episode 903-900001-A-20240920-1"):
        Episode.objects.filter(pk=timed.pk).update(day_precision=False)
        timed.refresh_from_db()
        episode_update(
            episode=timed,
            expected_version=timed.version,
            last_seen_at=local("2024-09-21", "20:00"),
            returned_at=local("2024-09-22", "09:00"),
        )


def test_periods_known_to_the_day_count_as_the_dfe_counts_them(tmp_path):
    """By the day they start (and a return by the day it ends), in the collection year."""
    from homeward.reports.engine import build_report

    run(FIXTURE)
    year = build_report(
        council_code="931", period_from=dt.date(2024, 4, 1), period_to=dt.date(2025, 3, 31)
    )
    # Missing: 900001 on 3 May and twice on 22 September, 900002 on 10 June.
    assert (year["missing"]["episodes"], year["missing"]["children"]) == (4, 2)
    assert year["missing"]["repeat_children"] == 1
    # Away: 900001 from 20 September, 900003 from 15 March, still away at the year's end.
    assert (year["away"]["episodes"], year["away"]["children"]) == (2, 2)
    assert year["away"]["open_at_end"] == 1
    # The two periods of 22 September begin and end that day: counted in that day alone.
    september_22 = build_report(
        council_code="931", period_from=dt.date(2024, 9, 22), period_to=dt.date(2024, 9, 22)
    )
    assert september_22["missing"]["episodes"] == 2
    assert september_22["rhi"]["returns"] == 2
    assert september_22["missing"]["duration_hours"]["median"] == 0.0


def test_a_table_saved_as_a_copy_or_as_a_workbook_refuses_the_import(tmp_path):
    folder = copy_with(tmp_path)
    (folder / "missing.csv").rename(folder / "missing (1).csv")
    problems = refused(folder)
    assert problems == [
        "missing (1).csv: This file looks like missing.csv: name it exactly missing.csv to "
        "import it."
    ]
    assert not Episode.objects.exists() and not Child.objects.exists()
    (folder / "missing (1).csv").rename(folder / "missing.xlsx")
    assert refused(folder) == [
        "missing.xlsx: This file looks like missing.csv saved in another format. Save it as "
        "CSV (UTF-8) named missing.csv."
    ]
    shutil.copy(FIXTURE / "missing.csv", folder / "missing.csv")
    (folder / "missing.xlsx").rename(folder / "Copy of missing.csv")
    assert refused(folder) == [
        "Copy of missing.csv: This file looks like a copy of missing.csv, which is also in the "
        "folder. Take the copy out of the folder, or rename it missing.csv in place of the other."
    ]
    (folder / "Copy of missing.csv").unlink()
    run(folder)
    assert Episode.objects.exists()


def test_a_column_the_dfe_layout_does_not_have_is_named_as_not_read(tmp_path):
    lines = text("header.csv").splitlines()
    header = "\n".join([lines[0] + ",Notes", *(line + ",made-up note" for line in lines[1:])])
    out = run(copy_with(tmp_path, header=header + "\n"))
    assert "header.csv: ignored column(s) Homeward does not know: notes" in out


def test_the_summary_names_the_header_names_read_as_the_dfes(tmp_path):
    missing = text("missing.csv").replace(
        "CHILD,DOB,MISSING,MIS_START", "Child,DOB,missing,Mis Start"
    )
    out = run(copy_with(tmp_path, missing=missing))
    assert (
        "missing.csv: read these header names as the documented ones: 'Child' as CHILD, "
        "'missing' as MISSING, 'Mis Start' as MIS_START." in out
    )
    # Written as the DfE writes them: nothing to say.
    assert "header.csv: read these header names" not in out
    assert "episodes.csv: read these header names" not in out


def test_a_cell_garbled_by_excel_is_refused_saying_what_it_probably_should_be(tmp_path):
    episodes = text("episodes.csv").replace("PR1,01/06/2024", "PRÃ©1,01/06/2024", 1)
    problems = refused(copy_with(tmp_path, episodes=episodes))
    assert problems == [
        "episodes.csv, row 2, place_provider: The place_provider 'PRÃ©1' looks garbled: 'Ã©' is "
        "how UTF-8 text shows when it is read as Windows-1252, as Excel does when it opens a "
        "CSV file without a byte-order mark. It probably should be 'PRé1'. Correct it in the "
        "file (or import the file as it was written, not saved again from Excel) and import "
        "again."
    ]
    assert not Child.objects.exists()
