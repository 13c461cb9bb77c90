"""Files as councils really send them (Excel, case-management systems, the DfE's formats):
read correctly, with the summary saying what was read differently from docs/bundle.md."""

import datetime as dt

import pytest
from django.core.management import call_command

from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.exchange import bundle_reading
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.bundle_reading import READ_AS_WINDOWS_1252
from homeward.exchange.tests.bundles import LOCALITIES, child, csv_text, episode, write_file

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def names() -> list[tuple[str, str]]:
    return sorted(Child.objects.values_list("first_name", "last_name"))


def test_windows_1252_from_excel_is_read_and_the_summary_says_so(tmp_path):
    rows = [child("C1", first_name="Siobhán", last_name="Zoë-Madeup"), child("C2")]
    text = csv_text("children.csv", rows).replace("\n", "\r\n")
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES))
    write_file(tmp_path, "children.csv", text.encode("cp1252"))
    result = import_bundle(tmp_path, council_code="931")
    assert names() == [("Madeup", "ChildC2"), ("Siobhán", "Zoë-Madeup")]
    assert result.read_notes == {"children.csv": [READ_AS_WINDOWS_1252]}


def test_a_byte_order_mark_crlf_and_headers_in_any_case_are_read(tmp_path):
    text = csv_text("children.csv", [child("C1", first_name="Zoë")])
    header, rest = text.split("\n", 1)
    header = header.replace("child_id", " Child_ID ").replace("first_name", "First-Name")
    text = f"\ufeff{header}\n{rest}".replace("\n", "\r\n")
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES))
    write_file(tmp_path, "children.csv", text)
    result = import_bundle(tmp_path, council_code="931")
    assert names() == [("Zoë", "ChildC1")]
    assert result.read_notes == {
        "children.csv": [
            "read these header names as the documented ones: ' Child_ID ' as child_id, "
            "'First-Name' as first_name."
        ]
    }
    assert result.ignored_columns == {}


def test_semicolons_between_cells_and_cr_line_ends_are_read(tmp_path):
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES, delimiter=";"))
    children = [child("C1"), child("C2"), child("C3")]
    write_file(tmp_path, "children.csv", csv_text("children.csv", children, delimiter=";"))
    rows = [episode("E1", "C1", seen_with="C2;C3", found_location="Made-up Street, Oxford")]
    text = csv_text("episodes.csv", rows, delimiter=";").replace("\n", "\r")  # Excel for Mac
    write_file(tmp_path, "episodes.csv", text)
    result = import_bundle(tmp_path, council_code="931")
    e1 = Episode.objects.get(local_id="E1")
    assert sorted(c.local_id for c in e1.seen_with.all()) == ["C2", "C3"]
    assert e1.found_location == "Made-up Street, Oxford"
    assert result.read_notes["episodes.csv"] == ["read with ';' between cells instead of ','."]


def test_day_first_dates_and_times_are_read_as_the_uk_writes_them(tmp_path):
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES))
    rows = [child("C1", date_of_birth="03/04/2008"), child("C2", date_of_birth="1/2/2008")]
    write_file(tmp_path, "children.csv", csv_text("children.csv", rows))
    written = {"reported_at": "", "returned_at": ""}
    rows = [
        episode("E1", "C1") | written | {"last_seen_at": "14/03/2020 21:30"},
        episode("E2", "C2") | written | {"last_seen_at": "01/07/2020 21:30:15"},
    ]
    write_file(tmp_path, "episodes.csv", csv_text("episodes.csv", rows))
    import_bundle(tmp_path, council_code="931")
    assert Child.objects.get(local_id="C1").date_of_birth == dt.date(2008, 4, 3)  # 3 April
    assert Child.objects.get(local_id="C2").date_of_birth == dt.date(2008, 2, 1)
    seen = dict(Episode.objects.values_list("local_id", "last_seen_at"))
    assert seen["E1"] == dt.datetime(2020, 3, 14, 21, 30, tzinfo=UTC)  # GMT
    assert seen["E2"] == dt.datetime(2020, 7, 1, 20, 30, 15, tzinfo=UTC)  # BST


def test_files_that_are_not_bundle_files_are_not_read_and_are_named(tmp_path, capsys):
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES))
    write_file(tmp_path, "README.txt", "Made-up notes about this bundle.\n")
    write_file(tmp_path, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write_file(tmp_path, "Thumbs.db", b"\xd0\xcf\x11\xe0")
    (tmp_path / "old").mkdir()
    write_file(tmp_path, ".~lock.children.csv#", "someone,editing\n")
    result = import_bundle(tmp_path, council_code="931")
    assert result.ignored_files == [
        ".DS_Store",
        ".~lock.children.csv#",
        "README.txt",
        "Thumbs.db",
        "old",
    ]
    call_command("import-bundle", str(tmp_path), "--council", "931")
    out = capsys.readouterr().out
    assert "Not read (not bundle files): .DS_Store, .~lock.children.csv#, README.txt" in out


def test_the_command_says_how_a_file_was_read(tmp_path, capsys):
    write_file(tmp_path, "localities.csv", csv_text("localities.csv", LOCALITIES, delimiter=";"))
    call_command("import-bundle", str(tmp_path), "--council", "931")
    out = capsys.readouterr().out
    assert "localities.csv: read with ';' between cells instead of ','." in out


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_read_whole_across_the_blocks_a_file_is_read_in(
    chunk, newline, tmp_path, monkeypatch
):
    monkeypatch.setattr(bundle_reading, "CHUNK_BYTES", chunk)
    rows = [
        ["child_id", "first_name", "notes"],
        ["C1", "Zoë", 'a "quoted" word'],
        ["C2", "Siobhán", f"two{newline}lines"],
        ["C3", "", ""],
    ]
    text = "".join(",".join(_quoted(cell) for cell in row) + newline for row in rows)
    path = tmp_path / "children.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    reading = bundle_reading.CsvFile(bundle_reading.detect_encoding(path))
    with path.open("rb") as f:
        header = reading.header(f)
        records = [(row, cells) for row, cells, _ in reading.records()]
    assert header == rows[0]
    assert records == [(2, rows[1]), (3, rows[2]), (4, rows[3])]


def _quoted(cell: str) -> str:
    return (
        '"' + cell.replace('"', '""') + '"' if '"' in cell or "\n" in cell or "\r" in cell else cell
    )
