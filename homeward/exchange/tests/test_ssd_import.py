"""`homeward import-ssd`: a hand-written Standard Safeguarding Dataset extract (made-up
children only) read into children, placements, episodes, interviews and allocations."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import AuditEntry
from homeward.children.models import Allocation, Child, Placement
from homeward.core.clock import LONDON
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.exchange.annex_a import RHI_ACCEPTED, RHI_OFFERED, list_8
from homeward.interviews.models import ReturnInterview

pytestmark = pytest.mark.django_db

# The SSD's tables as a council's extract writes them (SQL Server times, mixed case codes).
EXTRACT = {
    "ssd_person.csv": """\
pers_legacy_id,pers_person_id,pers_upn,pers_forename,pers_surname,pers_sex,pers_gender,pers_ethnicity,pers_dob,pers_upn_unknown
,SSD1,A123456789012,Madeup,Childone,M,01,WBRI,2008-04-15 00:00:00.000,
,SSD2,,Fictiona,Childtwo,F,02,mwbc,15/09/2009,UN5
,SSD3,,Invented,Childthree,U,00,NOBT,2010-01-20,
""",
    "ssd_legal_status.csv": """\
lega_legal_status_id,lega_person_id,lega_legal_status,lega_legal_status_start_date,lega_legal_status_end_date
L1,SSD1,C2,2022-01-10,
L2,SSD2,V2,2023-05-01,2023-12-31
L3,SSD3,SGO,2021-06-01,
""",
    "ssd_cla_episodes.csv": """\
clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,clae_cla_episode_start_reason,clae_cla_episode_ceased,clae_cla_episode_ceased_reason,clae_cla_id,clae_cla_placement_id
CE1,SSD1,2022-01-10,S,2023-06-01,X1,CLA1,
CE2,SSD1,2023-06-01,P,,,CLA1,
CE3,SSD2,2023-05-01,S,2023-12-31,E4A,CLA2,PL3
""",
    "ssd_cla_placement.csv": """\
clap_cla_placement_id,clap_cla_episode_id,clap_cla_placement_start_date,clap_cla_placement_type,clap_cla_placement_urn,clap_cla_placement_la,clap_cla_placement_provider,clap_cla_placement_postcode,clap_cla_placement_end_date,clap_cla_placement_change_reason,clap_cla_id
PL1,CE1,2022-01-10,U4,SC000001,931,PR1,OX4 1AA,2023-06-01,CARPL,CLA1
PL2,CE2,2023-06-01,K2,SC000002,825,PR4,HP1 1AA,,,CLA1
PL3,,2023-05-01,u3,,,PR0,,2023-12-31,,
""",
    "ssd_missing.csv": """\
miss_table_id,miss_la_person_id,miss_mis_epi_start,miss_mis_epi_type,miss_mis_epi_end,miss_mis_epi_rhi_offered,miss_mis_epi_rhi_accepted
M1,SSD1,2023-02-03 21:30:00.000,M,2023-02-04 09:15:00.000,Y,Y
M2,SSD1,2023-07-10,A,2023-07-12,Y,N
M3,SSD1,2023-07-12,M,2023-07-12,N,
M4,SSD1,2023-07-12,M,2023-07-12,,
M5,SSD2,2023-08-01,M,,,
M6,SSD3,2024-03-05,M,2024-03-06,Yes,
""",
    "ssd_linked_identifiers.csv": """\
link_table_id,link_person_id,link_identifier_type,link_identifier_value,link_valid_from_date,link_valid_to_date
K1,SSD1,Police National Computer ID,PNC-00001,2020-01-01,
K2,SSD1,Unique Pupil Number,A123456789012,2015-09-01,
K3,SSD2,Police ID,TVP-OLD,2019-01-01,2020-01-01
K4,SSD2,Police ID,TVP-22,2021-01-01,
""",
    "ssd_involvements.csv": """\
invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_involvement_start_date,invo_involvement_end_date,invo_worker_change_reason,invo_person_id,invo_referral_id
V1,PR1,Allocated Case Worker,Children in Care Team North,2022-01-10,,,SSD1,
V2,PR2,Allocated Case Worker,,2023-05-01,2023-12-31,,SSD2,
""",
    "ssd_professionals.csv": """\
prof_professional_id,prof_staff_id,prof_professional_name,prof_social_worker_registration_no,prof_professional_job_title,prof_professional_department
PR1,mw1,Made-up Worker,SW000001,Social Worker,Children in Care Team North
PR2,nobody-here,Other Made-up Worker,SW000002,Social Worker,Leaving Care Team
""",
}


def write_extract(folder: Path, **changes: str | None) -> Path:
    """The extract, with any table replaced (text) or left out (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (EXTRACT | {f"ssd_{k}.csv": v for k, v in changes.items()}).items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("import-ssd", str(folder), "--council", "931", *extra, stdout=out)
    return out.getvalue()


def refused(folder: Path) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-ssd", str(folder), "--council", "931", stderr=err)
    return err.getvalue().splitlines()


def local(day: str, time: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def test_the_extract_imports_children_placements_episodes_interviews_and_allocations(
    tmp_path,
):
    worker = UserFactory(username="MW1")
    out = run(write_extract(tmp_path / "ssd"))

    one, two, three = (Child.objects.get(local_id=ref) for ref in ("SSD1", "SSD2", "SSD3"))
    assert (one.first_name, one.last_name, one.sex, one.ethnicity) == (
        "Madeup",
        "Childone",
        "male",
        "WBRI",
    )
    assert one.date_of_birth == dt.date(2008, 4, 15)
    assert (two.sex, two.ethnicity, two.date_of_birth) == ("female", "MWBC", dt.date(2009, 9, 15))
    assert three.sex == "unknown"
    # Police ids from the linked identifiers: the one in force, never the UPN.
    assert (one.police_id, two.police_id, three.police_id) == ("PNC-00001", "TVP-22", "")

    placements = {p.local_id: p for p in Placement.objects.all()}
    assert placements["PL1"].child == one
    assert (placements["PL1"].placement_type, placements["PL1"].place_code) == ("foster", "U4")
    # Ended on 1 June, as the SSD writes it (the next placement's start): Homeward keeps
    # the last day the child lived there.
    assert placements["PL1"].end_date == dt.date(2023, 5, 31)
    assert placements["PL2"].placement_type == "childrens_home"
    assert placements["PL2"].host_la.code == "825"  # placed out of the county
    # No episode link of its own: found through the CLA episode that names it (CLAE013A).
    assert placements["PL3"].child == two
    assert (placements["PL3"].placement_type, placements["PL3"].place_code) == ("kinship", "U3")

    episodes = {e.local_id: e for e in Episode.objects.all()}
    timed = episodes["M1"]
    assert not timed.day_precision
    assert (timed.last_seen_at, timed.returned_at) == (
        local("2023-02-03", "21:30"),
        local("2023-02-04", "09:15"),
    )
    assert (timed.legal_status, timed.missing_from, timed.placement.local_id) == (
        "looked_after",
        "placement",
        "PL1",
    )
    away = episodes["M2"]
    assert (away.category, away.day_precision) == ("away", True)
    assert (away.last_seen_at, away.returned_at) == (local("2023-07-10"), local("2023-07-12"))
    assert away.placement.local_id == "PL2"
    # Two missing periods on the day the away one ended: kept apart, with the same dates.
    for ref in ("M3", "M4"):
        assert episodes[ref].last_seen_at == local("2023-07-12")
        assert episodes[ref].returned_at == local("2023-07-12", "00:00:01")
    assert episodes["M5"].returned_at is None
    assert episodes["M5"].legal_status == "looked_after"
    # A special guardianship order is not looked after: missing from home.
    assert (episodes["M6"].legal_status, episodes["M6"].missing_from) == ("none", "home")

    interviews = {i.episode.local_id: i for i in ReturnInterview.objects.all()}
    assert set(interviews) == {"M1", "M2", "M3", "M6"}
    assert interviews["M1"].outcome == "completed"
    assert interviews["M1"].completed_at == timed.returned_at
    assert interviews["M1"].conducted_by == "Not recorded in the SSD"
    assert interviews["M2"].outcome == "declined"
    assert interviews["M3"].outcome == "not_offered"

    allocations = {a.allocated_on: a for a in Allocation.objects.all()}
    assert allocations[dt.date(2022, 1, 10)].worker == worker
    assert allocations[dt.date(2022, 1, 10)].team == "Children in Care Team North"
    assert allocations[dt.date(2022, 1, 10)].ended_on is None
    # A professional who is not a Homeward user: allocated to their team.
    assert allocations[dt.date(2023, 5, 1)].worker is None
    assert allocations[dt.date(2023, 5, 1)].team == "Leaving Care Team"
    assert allocations[dt.date(2023, 5, 1)].ended_on == dt.date(2023, 12, 31)

    assert "children.csv: 3 rows, 3 new, 0 updated, 0 unchanged" in out
    assert "episodes.csv: 6 rows, 6 new" in out
    assert "ssd_involvements.csv: 2 allocations, 2 new, 0 updated, 0 unchanged" in out
    assert "does not keep a child's UPN (PERS006A): 1 were not read" in out
    assert "1 episode(s) began when the child was in no looked-after period" in out
    assert (
        "ssd_missing.csv, row 7: the return interview is given as offered (MISS006A) with no "
        "answer to whether it was accepted (MISS007A): interview M6-RHI is recorded as offered "
        "at the return (the SSD gives no time of the offer), its outcome not yet known (no "
        "contact made yet), and the return is still owed an interview until its outcome is "
        "recorded." in out
    )
    assert AuditEntry.objects.filter(details__folder=str(tmp_path / "ssd")).exists()
    audited = AuditEntry.objects.filter(action="change", object_type__icontains="allocation")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Allocation.objects.values_list("pk", flat=True)
    )


def test_the_same_extract_again_changes_nothing_and_says_so(tmp_path):
    UserFactory(username="mw1")
    folder = write_extract(tmp_path / "ssd")
    run(folder)
    versions = {
        model: sorted(model.objects.values_list("version", "changed_at"))
        for model in (Child, Placement, Episode, ReturnInterview, Allocation)
    }
    out = run(folder)
    assert "Nothing changed: every record was already as in the SSD." in out
    assert "children.csv: 3 rows, 0 new, 0 updated, 3 unchanged" in out
    assert "ssd_involvements.csv: 2 allocations, 0 new, 0 updated, 2 unchanged" in out
    for model, before in versions.items():
        assert sorted(model.objects.values_list("version", "changed_at")) == before


def test_a_later_extract_updates_what_changed(tmp_path):
    run(write_extract(tmp_path / "first"))
    later = write_extract(
        tmp_path / "later",
        missing=EXTRACT["ssd_missing.csv"].replace(
            "M5,SSD2,2023-08-01,M,,,", "M5,SSD2,2023-08-01,M,2023-08-03,Y,N"
        ),
        involvements=EXTRACT["ssd_involvements.csv"].replace(
            "2022-01-10,,,SSD1", "2022-01-10,2024-01-31,,SSD1"
        ),
    )
    out = run(later)
    closed = Episode.objects.get(local_id="M5")
    assert closed.returned_at == local("2023-08-03")
    assert ReturnInterview.objects.get(episode=closed).outcome == "declined"
    assert Allocation.objects.get(allocated_on=dt.date(2022, 1, 10)).ended_on == dt.date(
        2024, 1, 31
    )
    assert "episodes.csv: 6 rows, 0 new, 1 updated, 5 unchanged" in out
    assert "ssd_involvements.csv: 2 allocations, 0 new, 1 updated, 1 unchanged" in out
    ended = AuditEntry.objects.filter(action="change", object_type__icontains="allocation")
    assert ended.count() == 3  # two made, one ended
    assert "Nothing changed" not in out


def test_bad_rows_are_refused_by_ssd_file_row_and_column_and_nothing_is_written(tmp_path):
    folder = write_extract(
        tmp_path / "ssd",
        person=EXTRACT["ssd_person.csv"].replace(
            ",SSD3,,Invented,Childthree,U,", ",SSD3,,Invented,Childthree,X,"
        ),
        missing=EXTRACT["ssd_missing.csv"]
        .replace("M2,SSD1,2023-07-10,A,2023-07-12", "M2,SSD1,2023-07-10,A,2023-07-09")
        .replace("M6,SSD3,2024-03-05,M", "M6,SSD3,2024-03-05,Q")
        + "M7,SSD9,2023-01-01,M,2023-01-02,,\nM8,SSD2,2023-08-09,M,,Y,\n",
        cla_placement=EXTRACT["ssd_cla_placement.csv"] + "PL4,CE99,2023-01-01,K2,,,,,,,\n",
    )
    problems = refused(folder)
    assert problems[0] == (
        "ssd_cla_placement.csv, row 5, clap_cla_episode_id: This placement names no "
        "looked-after episode in ssd_cla_episodes.csv (CLAP002A, CLAP012A), and no episode "
        "names it (CLAE013A): whose placement it is cannot be told."
    )
    assert any(
        p.startswith("ssd_missing.csv, row 3, miss_mis_epi_end: The return") for p in problems
    )
    assert (
        "ssd_missing.csv, row 7, miss_mis_epi_type: 'Q' is not one of the episode type codes "
        "the SSD uses (MISS004A). Use one of: A, M." in problems
    )
    assert (
        "ssd_missing.csv, row 8, miss_la_person_id: Person 'SSD9' is not in ssd_person.csv "
        "nor already recorded in Homeward." in problems
    )
    assert any(p.startswith("ssd_missing.csv, row 9, miss_mis_epi_rhi_offered:") for p in problems)
    assert (
        "ssd_person.csv, row 4, pers_sex: 'X' is not one of the sex codes the SSD uses (PERS002A). "
        "Use one of: F, M, U." in problems
    )
    assert not Child.objects.exists()
    assert not Episode.objects.exists()
    assert not Allocation.objects.exists()


def test_a_table_without_a_column_the_ssd_requires_is_refused_by_name(tmp_path):
    folder = write_extract(
        tmp_path / "ssd",
        person=EXTRACT["ssd_person.csv"].replace("pers_forename", "pers_first"),
    )
    problems = refused(folder)
    # One cause, one problem: the rows naming its people are counted, not each refused.
    assert problems == [
        "ssd_cla_episodes.csv: 3 row(s) name a person that is not already recorded; they "
        "could not be checked, because ssd_person.csv could not be read (see its problem).",
        "ssd_legal_status.csv: 3 row(s) name a person that is not already recorded; they "
        "could not be checked, because ssd_person.csv could not be read (see its problem).",
        "ssd_linked_identifiers.csv: 3 row(s) name a person that is not already recorded; "
        "they could not be checked, because ssd_person.csv could not be read (see its "
        "problem).",
        "ssd_missing.csv: 6 row(s) name a person that is not already recorded; they could "
        "not be checked, because ssd_person.csv could not be read (see its problem).",
        "ssd_person.csv, row 1, pers_forename: The column 'pers_forename' (PERS015A) is "
        "missing from the header. Add it (it may be empty).",
    ]
    assert not Child.objects.exists()


def changed_in_homeward(record, **changes):
    """The imported record, changed in Homeward after the import (a local change)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.changed_at = record.imported_at + dt.timedelta(minutes=5)
    record.version += 1
    record.save()
    return record


def test_an_episode_corrected_in_homeward_is_not_silently_reverted(tmp_path):
    folder = write_extract(tmp_path / "ssd")
    run(folder)
    # A coordinator knew the child's whereabouts were not.
    corrected = changed_in_homeward(Episode.objects.get(local_id="M2"), category="missing")
    problems = refused(folder)
    assert problems[0].startswith(
        "ssd_missing.csv, row 3, miss_mis_epi_type: This episode was changed in Homeward"
    )
    assert problems[1].startswith("1 row(s) would change records corrected in Homeward")
    assert len(problems) == 2
    out = run(folder, "--keep-local-changes")
    corrected.refresh_from_db()
    assert corrected.category == "missing"
    assert "1 not applied" in out
    assert "ssd_missing.csv, row 3, miss_mis_epi_type: not applied: episode M2" in out


def test_no_ssd_files_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    problems = refused(tmp_path / "empty")
    assert problems[0].startswith("The folder")


def test_a_table_misnamed_or_a_row_with_stray_cells_is_refused_and_other_files_are_named(
    tmp_path,
):
    folder = write_extract(
        tmp_path / "ssd",
        missing=EXTRACT["ssd_missing.csv"] + "M9,SSD1,2023-09-01,M,2023-09-02,N,,extra\n",
    )
    (folder / "SSD_Legal_Status.csv").write_text("lega_person_id\n", encoding="utf-8")
    problems = refused(folder)
    assert problems == [
        "SSD_Legal_Status.csv: This file looks like ssd_legal_status.csv: name it exactly "
        "ssd_legal_status.csv to import it.",
        "ssd_missing.csv, row 8: This row has 8 cells but the header has 7. Check for stray "
        "commas.",
    ]
    (folder / "SSD_Legal_Status.csv").rename(folder / "notes.txt")
    (folder / "ssd_missing.csv").write_text(EXTRACT["ssd_missing.csv"], encoding="utf-8")
    out = run(folder)
    assert "Not read (not SSD tables): notes.txt" in out


def test_a_column_twice_in_a_table_is_refused_not_read_from_one_of_them(tmp_path):
    missing = EXTRACT["ssd_missing.csv"].splitlines()
    missing[0] += ",miss_mis_epi_end"  # an extract with the column twice, the second empty
    folder = write_extract(
        tmp_path / "ssd", missing="\n".join([missing[0], *(row + "," for row in missing[1:])])
    )
    problems = refused(folder)
    assert problems == [
        "ssd_missing.csv, row 1, miss_mis_epi_end: The column 'miss_mis_epi_end' is in the "
        "header more than once. Keep only one."
    ]
    assert not Episode.objects.exists()


def test_a_table_saved_as_windows_1252_is_read_and_the_summary_says_so(tmp_path):
    folder = write_extract(tmp_path / "ssd")
    person = EXTRACT["ssd_person.csv"].replace("Fictiona", "Zoë")
    (folder / "ssd_person.csv").write_bytes(person.replace("\n", "\r\n").encode("cp1252"))
    out = run(folder)
    assert Child.objects.get(local_id="SSD2").first_name == "Zoë"
    assert "ssd_person.csv: read as Windows-1252 text" in out


def without(text: str, *columns: str) -> str:
    """A table's text with columns taken out of its header and rows."""
    rows = [line.split(",") for line in text.splitlines()]
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    return "".join(",".join(row[i] for i in keep) + "\n" for row in rows)


def test_a_column_the_ssd_may_leave_out_leaves_what_homeward_holds_when_it_is_left_out(
    tmp_path,
):
    run(write_extract(tmp_path / "ssd"))
    later = write_extract(
        tmp_path / "later",
        person=without(EXTRACT["ssd_person.csv"], "pers_ethnicity"),
        cla_placement=without(
            EXTRACT["ssd_cla_placement.csv"], "clap_cla_placement_urn", "clap_cla_placement_la"
        ),
    )
    out = run(later)
    assert Child.objects.get(local_id="SSD1").ethnicity == "WBRI"
    moved_out = Placement.objects.get(local_id="PL2")
    assert (moved_out.host_la.code, moved_out.provider_urn) == ("825", "SC000002")
    assert "children.csv: not in the file, so left as Homeward has them: ethnicity" in out
    assert "Nothing changed" in out


def test_an_extract_without_identifiers_does_not_change_how_the_next_one_is_read(tmp_path):
    run(write_extract(tmp_path / "first", linked_identifiers=None))
    assert Child.objects.get(local_id="SSD1").police_id == ""
    run(write_extract(tmp_path / "second"))  # in the same process, as a server would
    one = Child.objects.get(local_id="SSD1")
    assert (one.police_id, one.ethnicity) == ("PNC-00001", "WBRI")


def test_null_as_sql_server_writes_an_empty_value_is_read_as_empty_and_said(tmp_path):
    missing = EXTRACT["ssd_missing.csv"].replace(
        "M5,SSD2,2023-08-01,M,,,", "M5,SSD2,2023-08-01,M,NULL,NULL,NULL"
    )
    person = EXTRACT["ssd_person.csv"].replace("10-01-20,\n", "10-01-20,NULL\n")
    out = run(write_extract(tmp_path / "ssd", missing=missing, person=person))
    assert Episode.objects.get(local_id="M5").returned_at is None
    assert (
        "ssd_missing.csv: 3 cell(s) held NULL, as SQL Server writes an empty value: read as empty."
        in out
    )
    assert "ssd_person.csv: 1 cell(s) held NULL" in out


def test_an_interview_offered_with_no_answer_is_kept_as_offered_and_annex_a_says_so(tmp_path):
    missing = EXTRACT["ssd_missing.csv"].replace(
        "M4,SSD1,2023-07-12,M,2023-07-12,,", "M4,SSD1,2023-07-12,M,2023-07-12,Y,"
    )
    out = run(write_extract(tmp_path / "ssd", missing=missing))
    returned = Episode.objects.get(local_id="M4")
    interview = ReturnInterview.objects.get(episode=returned)
    # Offered, its outcome awaited: Homeward's "no contact made yet", which the interview's
    # page records the outcome on; offered at the return, as the SSD gives no time.
    assert (interview.local_id, interview.outcome) == ("M4-RHI", "no_contact")
    assert interview.offered_at == returned.returned_at
    assert interview.completed_at is None
    assert "ssd_missing.csv, row 5: the return interview is given as offered" in out
    assert "still owed an interview until its outcome is recorded." in out
    # M4 is SSD1's last missing episode in the 12 months: offered, not (yet) accepted.
    table = list_8(council=council("931"), as_at=dt.date(2024, 3, 31))
    row = dict(zip(table.columns, table.rows[0], strict=True))
    assert (row[RHI_OFFERED], row[RHI_ACCEPTED]) == ("Y", "N")
    # The answer in a later extract goes on the same interview.
    answered = missing.replace("2023-07-12,M,2023-07-12,Y,\n", "2023-07-12,M,2023-07-12,Y,Y\n")
    out = run(write_extract(tmp_path / "later", missing=answered))
    interview.refresh_from_db()
    assert (interview.outcome, interview.completed_at) == ("completed", returned.returned_at)
    assert "interviews.csv: 5 rows, 0 new, 1 updated, 4 unchanged" in out


def test_where_one_offer_is_all_the_council_requires_the_summary_says_the_return_is_settled(
    tmp_path, settings
):
    settings.HOMEWARD_RHI_ATTEMPTS_REQUIRED = 1
    out = run(write_extract(tmp_path / "ssd"))
    assert (
        "interview M6-RHI is recorded as offered at the return (the SSD gives no time of the "
        "offer), its outcome not yet known (no contact made yet), which is the one offer with no "
        "contact made that the council requires: the return is no longer owed an interview." in out
    )


def test_a_later_extract_blanking_an_interviews_answers_keeps_it_and_says_so_row_by_row(
    tmp_path,
):
    run(write_extract(tmp_path / "first"))
    blanked = (
        EXTRACT["ssd_missing.csv"]
        .replace("M2,SSD1,2023-07-10,A,2023-07-12,Y,N", "M2,SSD1,2023-07-10,A,2023-07-12,,")
        .replace("M3,SSD1,2023-07-12,M,2023-07-12,N,", "M3,SSD1,2023-07-12,M,2023-07-12,,N")
    )
    out = run(write_extract(tmp_path / "later", missing=blanked))
    outcomes = dict(ReturnInterview.objects.values_list("local_id", "outcome"))
    assert (outcomes["M2-RHI"], outcomes["M3-RHI"]) == ("declined", "not_offered")
    assert (
        "ssd_missing.csv, row 3: the return interview's answers (MISS006A, MISS007A) are empty, "
        "but interview M2-RHI (Declined), recorded from an earlier extract, is kept as it was: "
        "an import never deletes a record. If it should not stand, mark it entered in error "
        "on the child's page." in out
    )
    assert "ssd_missing.csv, row 4: the return interview's answers" in out
    assert "interview M3-RHI (Not offered), recorded from an earlier extract" in out
    # An interview entered in error is not said to be kept.
    ReturnInterview.objects.filter(local_id="M2-RHI").update(
        entered_in_error_at=dt.datetime.now(LONDON)
    )
    out = run(write_extract(tmp_path / "again", missing=blanked))
    assert "ssd_missing.csv, row 3: the return interview's answers" not in out
    assert "ssd_missing.csv, row 4: the return interview's answers" in out


def test_the_summary_names_the_header_names_read_as_the_documented_ones(tmp_path):
    missing = EXTRACT["ssd_missing.csv"].replace(
        "miss_table_id,miss_la_person_id", "MISS_TABLE_ID,Miss La Person Id"
    )
    out = run(write_extract(tmp_path / "ssd", missing=missing))
    assert (
        "ssd_missing.csv: read these header names as the documented ones: 'MISS_TABLE_ID' as "
        "miss_table_id, 'Miss La Person Id' as miss_la_person_id." in out
    )
    assert "ssd_person.csv: read these header names" not in out


def test_a_name_garbled_by_excel_is_refused_saying_what_it_probably_should_be(tmp_path):
    person = EXTRACT["ssd_person.csv"].replace("Fictiona", "ZoÃ«")
    problems = refused(write_extract(tmp_path / "ssd", person=person))
    assert problems == [
        "ssd_person.csv, row 3, pers_forename: The pers_forename 'ZoÃ«' looks garbled: 'Ã«' is "
        "how UTF-8 text shows when it is read as Windows-1252, as Excel does when it opens a "
        "CSV file without a byte-order mark. It probably should be 'Zoë'. Correct it in the "
        "file (or import the file as it was written, not saved again from Excel) and import "
        "again."
    ]
    assert not Child.objects.exists()


def test_an_outcome_recorded_in_homeward_on_an_offered_interview_is_not_reverted(tmp_path):
    folder = write_extract(tmp_path / "ssd")
    run(folder)
    # The coordinator recorded the answer the SSD has not yet.
    offered = changed_in_homeward(
        ReturnInterview.objects.get(local_id="M6-RHI"), outcome="declined"
    )
    problems = refused(folder)
    assert problems[0].startswith(
        "ssd_missing.csv, row 7, miss_mis_epi_rhi_offered: This interview was changed in Homeward"
    )
    run(folder, "--keep-local-changes")
    offered.refresh_from_db()
    assert offered.outcome == "declined"
