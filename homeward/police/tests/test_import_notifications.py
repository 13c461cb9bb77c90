"""`homeward import-notifications`: a force's CSV file, each row kept as its own notification,
every problem named by file, row, column and reason, the same file twice changing nothing."""

import codecs
import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.core.problems import GARBLED
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.police import notification_file
from homeward.police.models import Notification, Source, State
from homeward.police.notification_file import (
    FORCES_DISAGREE,
    NO_FORCE_COLUMN,
    NOT_KEPT,
    NOT_THIS_COUNCILS,
    REGISTERED,
    UNKNOWN_FORCE,
    WRONG_CELL_COUNT,
)
from homeward.police.tokens import force_create

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
FORCE = "Made-up Shire Police"
HEADER = "force,police_ref,event,event_at,last_seen_at,first_name,last_name,date_of_birth,police_id"
# Three made-up children's notifications: a report linked by police id, a found for it, and a
# report about nobody the council knows (left for review, a new child proposed).
GOOD_ROWS = [
    f"{FORCE},MS-0001,missing,09/03/2026 22:00,09/03/2026 21:30,Jordan,Madeupson,03/04/2011,"
    "PID-1001",
    f"{FORCE},MS-0001,found,10/03/2026 08:00,,Jordan,Madeupson,03/04/2011,PID-1001",
    f"{FORCE},MS-0002,missing,09/03/2026 20:00,09/03/2026 19:00,Avery,Notknown,01/01/2012,",
]


@pytest.fixture(autouse=True)
def registered():
    """The made-up force is registered to send notifications for the council."""
    return force_create(name=FORCE, councils=[council()], by=None)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def child():
    return ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        sex="male",
        police_id="PID-1001",
    )


def write(tmp_path, rows, *, header=HEADER, name="notifications.csv", encoding="utf-8", end="\n"):
    path = tmp_path / name
    path.write_bytes((end.join([header, *rows]) + end).encode(encoding))
    return path


def run(path, *args, capsys):
    """Run the command; (stdout, stderr, the CommandError's message or "")."""
    failed = ""
    try:
        call_command("import-notifications", str(path), "--council", "931", *args)
    except CommandError as error:
        failed = str(error)
    out, err = capsys.readouterr()
    return out, err, failed


def test_a_good_file_is_applied_row_by_row_and_summed_up_in_words(tmp_path, capsys, child):
    out, err, failed = run(write(tmp_path, GOOD_ROWS), capsys=capsys)
    assert not failed and not err
    assert "3 rows read from notifications.csv for" in out
    assert "- 2 notifications applied" in out
    assert "- 1 waiting for review" in out
    assert "- 0 could not be read" in out
    assert "- 0 already received" in out
    assert "notifications.csv: read as UTF-8 text." in out
    episode = Episode.objects.get(child=child)
    assert episode.returned_at == dt.datetime(2026, 3, 10, 8, 0, tzinfo=LONDON)
    kept = Notification.objects.order_by("source_row")
    assert [(n.source, n.source_name, n.source_row) for n in kept] == [
        (Source.CSV, "notifications.csv", 2),
        (Source.CSV, "notifications.csv", 3),
        (Source.CSV, "notifications.csv", 4),
    ]
    assert [n.force_name for n in kept] == [FORCE] * 3


def test_bad_rows_are_kept_as_problems_and_do_not_stop_the_others(tmp_path, capsys, child):
    rows = [
        GOOD_ROWS[0],
        f"{FORCE},MS-0003,missing,31/02/2026 10:00,09/03/2026 09:00,Sam,Madeup,01/01/2012,",
        f"{FORCE},MS-0004,vanished,09/03/2026 10:00,09/03/2026 09:00,Sam,Madeup,01/01/2012,",
        # An address with a comma, not in quotes: one cell too many.
        f"{FORCE},MS-0005,missing,09/03/2026 10:00,09/03/2026 09:00,Sam,Made,up,01/01/2012,",
        GOOD_ROWS[2],
    ]
    out, err, failed = run(write(tmp_path, rows), capsys=capsys)
    assert "- 1 notification applied" in out
    assert "- 1 waiting for review" in out
    assert "- 3 could not be read" in out
    assert "3 row(s) of notifications.csv could not be read" in failed
    lines = err.splitlines()
    assert any(
        line.startswith("notifications.csv, row 3, column event_at: '31/02/2026 10:00'")
        for line in lines
    ), lines
    assert any(
        line.startswith("notifications.csv, row 4, column event: 'vanished' is not an event")
        for line in lines
    ), lines
    cells = WRONG_CELL_COUNT.format(found=10, expected=9)
    assert f"notifications.csv, row 5: {cells}" in lines
    problems = Notification.objects.filter(state=State.PROBLEM).order_by("source_row")
    assert [n.source_row for n in problems] == [3, 4, 5]
    assert problems[2].raw["last_name"] == "Made" and problems[2].raw["cell_10"] == ""
    assert Notification.objects.count() == 5


def test_a_row_garbled_by_excel_is_kept_as_a_problem_saying_what_it_should_be(
    tmp_path, capsys, child
):
    """Evidence is kept: the row garbled by Excel (Zoë as ZoÃ«) is a problem of its own, with
    what the name probably should be, and the rows around it are applied."""
    garbled = GOOD_ROWS[2].replace("Avery,Notknown", "ZoÃ«,Notknown")
    out, err, failed = run(write(tmp_path, [GOOD_ROWS[0], garbled]), capsys=capsys)
    assert "- 1 notification applied" in out
    assert "- 1 could not be read" in out
    assert "1 row(s) of notifications.csv could not be read" in failed
    assert (
        "notifications.csv, row 3, column first_name: "
        + GARBLED.format(what="first_name", value="ZoÃ«", garbled="Ã«", fixed="Zoë")
        in err.splitlines()
    )
    kept = Notification.objects.get(source_row=3)
    assert kept.state == State.PROBLEM
    assert kept.raw["first_name"] == "ZoÃ«"  # kept as it arrived
    assert not Episode.objects.filter(child__first_name__startswith="Zo").exists()


def test_the_same_file_twice_changes_nothing_and_says_so(tmp_path, capsys, child):
    path = write(tmp_path, GOOD_ROWS)
    run(path, capsys=capsys)
    episode = Episode.objects.get(child=child)
    before = (Notification.objects.count(), Episode.objects.count(), episode.version)
    out, err, failed = run(path, capsys=capsys)
    assert not failed and not err
    assert "- 0 notifications applied" in out
    assert "- 3 already received (the same event): nothing changed" in out
    episode.refresh_from_db()
    assert (Notification.objects.count(), Episode.objects.count(), episode.version) == before


def test_a_bad_row_sent_again_still_fails_the_run(tmp_path, capsys, child):
    rows = [GOOD_ROWS[0], f"{FORCE},MS-0003,missing,,,Sam,Madeup,01/01/2012,"]
    path = write(tmp_path, rows)
    run(path, capsys=capsys)
    out, err, failed = run(path, capsys=capsys)
    assert "- 2 already received (the same event): nothing changed; 1 of them could not" in out
    assert "row 3, column last_seen_at: Give the last seen time" in err
    assert "1 row(s) of notifications.csv could not be read" in failed
    assert Notification.objects.count() == 2


def test_a_byte_order_mark_crlf_and_headers_in_any_case_are_read(tmp_path, capsys, child):
    header = " Force ,Police Ref,EVENT,Event At,last_seen_at,First Name,last_name,Date of birth"
    header += ",police_id"
    path = tmp_path / "excel.csv"
    text = "\r\n".join([header, *GOOD_ROWS]) + "\r\n"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    out, err, failed = run(path, capsys=capsys)
    assert not failed and not err
    assert "excel.csv: read as UTF-8 text (it starts with a byte-order mark" in out
    assert "' Force ' as force" in out and "'Date of birth' as date_of_birth" in out
    assert "- 2 notifications applied" in out


def test_windows_1252_is_read_and_said(tmp_path, capsys, child):
    rows = [GOOD_ROWS[0], f"{FORCE},MS-0009,missing,,09/03/2026 09:00,Zoë,Madeupová,01/01/2012,"]
    path = write(tmp_path, rows, encoding="cp1252", end="\r\n")
    out, err, failed = run(path, capsys=capsys)
    assert not failed and not err
    assert "read as Windows-1252 text" in out
    assert Notification.objects.get(police_ref="MS-0009").fields["first_name"] == "Zoë"


def test_blank_rows_are_skipped_and_said(tmp_path, capsys, child):
    rows = [GOOD_ROWS[0], "", ",,,,,,,,", GOOD_ROWS[2]]
    out, err, failed = run(write(tmp_path, rows), capsys=capsys)
    assert "notifications.csv: Rows 3 and 4 are blank: skipped." in out
    assert "2 rows read" in out
    assert Notification.objects.count() == 2


def test_an_unknown_column_is_said_to_be_unread_and_kept_as_it_arrived(tmp_path, capsys, child):
    header = HEADER + ",Officer in case"
    rows = [GOOD_ROWS[0] + ",DC Madeup"]
    out, err, failed = run(write(tmp_path, rows, header=header), capsys=capsys)
    assert not failed
    assert "the column 'Officer in case' was not read" in out
    notification = Notification.objects.get()
    assert notification.state == State.APPLIED
    assert notification.raw["officer_in_case"] == "DC Madeup"


@pytest.mark.parametrize(
    "header, said",
    [
        ("force,event,first_name", "its header has no police_ref column"),
        ("force,police_ref,first_name", "its header has no event column"),
        ("name;date;place", "its header has no police_ref or event column"),
        ("force,police_ref,event,Event", "The column 'event' is in the header more than once"),
    ],
)
def test_a_file_without_the_required_columns_is_refused_before_anything_is_kept(
    tmp_path, capsys, header, said
):
    path = write(tmp_path, ["a,b,c", "d,e,f"], header=header)
    out, err, failed = run(path, capsys=capsys)
    assert said in err
    assert "notifications.csv, row 1" in err
    assert failed == "Nothing was kept from notifications.csv."
    assert not Notification.objects.exists()


def test_a_workbook_is_refused_as_not_csv(tmp_path, capsys):
    path = tmp_path / "notifications.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    out, err, failed = run(path, capsys=capsys)
    assert "This file is an Excel workbook (or another zipped file), not a CSV file." in err
    assert failed == "Nothing was kept from notifications.xlsx."
    assert not Notification.objects.exists()


def test_a_quote_never_closed_refuses_the_whole_file(tmp_path, capsys, child):
    rows = [GOOD_ROWS[0], f'{FORCE},MS-0003,missing,"09/03/2026 10:00,,,,,']
    out, err, failed = run(write(tmp_path, rows), capsys=capsys)
    assert "row 3" in err and "never closed" in err
    assert failed == "Nothing was kept from notifications.csv."
    assert not Notification.objects.exists()


def test_text_after_a_closing_quote_is_a_row_not_kept_and_the_others_are(tmp_path, capsys, child):
    rows = [GOOD_ROWS[0], f'{FORCE},"MS-0003"x,missing,,,,,,']
    out, err, failed = run(write(tmp_path, rows), capsys=capsys)
    assert "notifications.csv, row 3, column police_ref: This cell has text after" in err
    assert f"notifications.csv, row 3: {NOT_KEPT}" in err
    assert "1 row(s) of notifications.csv could not be read" in failed
    assert Notification.objects.count() == 1


def test_the_force_option_serves_rows_without_a_force_and_a_disagreement_is_a_problem(
    tmp_path, capsys, child
):
    header = HEADER
    rows = [GOOD_ROWS[0].replace(FORCE, ""), GOOD_ROWS[2].replace(FORCE, "Other Made-up Police")]
    out, err, failed = run(write(tmp_path, rows, header=header), "--force", FORCE, capsys=capsys)
    applied = Notification.objects.get(police_ref="MS-0001")
    assert applied.force_name == FORCE and applied.state == State.APPLIED
    disagreed = Notification.objects.get(police_ref="MS-0002")
    assert disagreed.state == State.PROBLEM
    message = FORCES_DISAGREE.format(row="Other Made-up Police", given=FORCE)
    assert f"notifications.csv, row 3, column force: {message}" in err
    assert failed


def test_a_force_not_registered_for_the_council_is_a_problem_of_its_row_alone(
    tmp_path, capsys, child, registered
):
    force_create(name="Made-up Faraway Police", councils=[council("202")], by=None)
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[2].replace(FORCE, "Made-up Shyre Police"),
        GOOD_ROWS[2].replace(FORCE, "Made-up Faraway Police").replace("MS-0002", "MS-0003"),
    ]
    out, err, failed = run(write(tmp_path, rows), capsys=capsys)
    name = council().name
    listed = REGISTERED.format(council=name, forces=f"'{FORCE}'")
    unknown = UNKNOWN_FORCE.format(force="Made-up Shyre Police", council=name, registered=listed)
    assert f"notifications.csv, row 3, column force: {unknown}" in err
    elsewhere = NOT_THIS_COUNCILS.format(
        force="Made-up Faraway Police", council=name, registered=listed
    )
    assert f"notifications.csv, row 4, column force: {elsewhere}" in err
    assert "- 1 notification applied" in out and "- 2 could not be read" in out
    states = dict(Notification.objects.values_list("police_ref", "state"))
    assert states == {"MS-0001": State.APPLIED, "MS-0002": State.PROBLEM, "MS-0003": State.PROBLEM}
    assert Notification.objects.get(police_ref="MS-0001").force == registered
    assert not Episode.objects.exclude(child=child).exists()
    assert failed


def test_a_file_with_no_force_needs_the_force_option(tmp_path, capsys, child):
    header = HEADER.removeprefix("force,")
    rows = [row.removeprefix(f"{FORCE},") for row in GOOD_ROWS]
    path = write(tmp_path, rows, header=header)
    out, err, failed = run(path, capsys=capsys)
    assert NO_FORCE_COLUMN.format(how="give --force") in err and not Notification.objects.exists()
    out, err, failed = run(path, "--force", FORCE, capsys=capsys)
    assert not failed
    assert Notification.objects.filter(force_name=FORCE).count() == 3


def test_the_import_is_audited_with_what_became_of_the_rows(tmp_path, capsys, child):
    coordinator = UserFactory(roles=[roles.MISSING_COORDINATOR])
    run(write(tmp_path, GOOD_ROWS), "--by", coordinator.username, capsys=capsys)
    entry = AuditEntry.objects.filter(action=Action.IMPORT).get()
    assert entry.user == coordinator
    assert entry.details["file"] == "notifications.csv"
    assert entry.details["rows"] == 3
    assert entry.details["states"]["applied"] == 2
    assert Notification.objects.filter(created_by=coordinator).count() == 3


def test_an_unknown_council_or_file_is_refused_in_a_sentence(tmp_path, capsys):
    with pytest.raises(CommandError, match="no council with the DfE code '999'"):
        call_command("import-notifications", "x.csv", "--council", "999")
    with pytest.raises(CommandError, match="could not be opened"):
        call_command("import-notifications", str(tmp_path / "none.csv"), "--council", "931")


def test_a_file_for_a_council_other_than_this_homewards_is_refused_before_it_is_read(
    tmp_path, capsys
):
    council("316")
    path = write(tmp_path, GOOD_ROWS)
    with pytest.raises(CommandError, match="keeps the notifications of Oxfordshire"):
        call_command("import-notifications", str(path), "--council", "316")
    assert not Notification.objects.exists()


def test_a_row_short_of_cells_is_read_with_its_last_cells_empty_and_said(tmp_path, capsys, child):
    header = HEADER + ",circumstances"
    out, err, failed = run(write(tmp_path, GOOD_ROWS[:2], header=header), capsys=capsys)
    assert not failed and not err
    assert "Rows 2 and 3 are shorter than the header: the cells missing at the end" in out
    assert Notification.objects.filter(state=State.APPLIED).count() == 2


def test_an_empty_file_is_refused_in_a_sentence_about_notifications(tmp_path, capsys):
    path = tmp_path / "notifications.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    out, err, failed = run(path, capsys=capsys)
    assert err.strip() == (
        "notifications.csv, row 1: The file is empty: it has no header row. A file of police "
        "notifications starts with a row naming its columns (docs/notifications-csv.md)."
    )
    assert failed == "Nothing was kept from notifications.csv."


def test_a_big_file_brings_the_statistics_of_the_tables_it_grows_up_to_date(
    tmp_path, capsys, child, monkeypatch
):
    # Plans made for the tables as they were before the file (nearly empty, say) would read
    # every row of them for each notification once the file has grown them.
    monkeypatch.setattr(notification_file, "ANALYZE_EVERY_ROWS", 2)
    with CaptureQueriesContext(connection) as seen:
        out, err, failed = run(write(tmp_path, GOOD_ROWS), capsys=capsys)
    assert not failed and not err
    analyzed = [q["sql"] for q in seen.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        # Three rows, one lot: brought up to date once, after the lot, every table it grows.
        assert len(analyzed) == 1
        for table in ("police_notification", "police_episodereference", "episodes_episode"):
            assert f'"{table}"' in analyzed[0]
    else:
        assert analyzed == []


def test_a_row_the_episode_rules_refuse_is_listed_with_its_row_column_and_reason(
    tmp_path, capsys, child
):
    EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    overlapping = (
        f"{FORCE},MS-0009,missing,06/03/2026 10:00,06/03/2026 09:00,Jordan,Madeupson,"
        "03/04/2011,PID-1001"
    )
    out, err, failed = run(write(tmp_path, [overlapping]), capsys=capsys)
    assert "- 1 could not be read" in out
    assert "notifications.csv, row 2, column last_seen_at:" in err
    assert "overlaps episode" in err
    assert failed
