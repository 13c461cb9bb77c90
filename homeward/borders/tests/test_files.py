"""The contacts and register CSV files: all or nothing, every problem named by row and column."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.borders.csvfile import FileProblem, FileRejected
from homeward.borders.directory import UNKNOWN_COUNCIL, contacts_load
from homeward.borders.models import ChildContact, CouncilContact, PlacedInEntry
from homeward.borders.register_file import UNKNOWN_CHILD, register_load
from homeward.borders.rules import BAD_EMAIL, BAD_PURPOSE
from homeward.children.tests.factories import ChildFactory
from homeward.core.problems import GARBLED
from homeward.councils.tests.factories import council

pytestmark = pytest.mark.django_db

CONTACTS = b"""council_code,purpose,email,name
202,missing,Missing@camden.example.gov.uk,Missing team
202,iro,iro@camden.example.gov.uk,
203,out_of_hours,edt@greenwich.example.gov.uk,Duty team
"""


def test_contacts_are_added_then_left_unchanged_then_renamed():
    assert str(contacts_load(data=CONTACTS, name="c.csv")) == (
        "Added 3 address(es), changed the name of 0, left 0 unchanged. Nothing was removed."
    )
    assert CouncilContact.objects.filter(email="missing@camden.example.gov.uk").exists()
    again = contacts_load(data=CONTACTS, name="c.csv")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    renamed = contacts_load(data=CONTACTS.replace(b"Duty team", b"EDT"), name="c.csv")
    assert (renamed.added, renamed.changed, renamed.unchanged) == (0, 1, 2)
    assert CouncilContact.objects.get(purpose="out_of_hours").name == "EDT"


def test_a_contacts_file_with_problems_loads_nothing_and_lists_every_one():
    bad = b"council_code,purpose,email,name\n202,missing,ok@camden.example.gov.uk,\n999,fax,nope,\n"
    with pytest.raises(FileRejected) as rejected:
        contacts_load(data=bad, name="c.csv")
    assert rejected.value.problems == [
        FileProblem("c.csv", 3, "council_code", UNKNOWN_COUNCIL.format(value="999")),
        FileProblem("c.csv", 3, "purpose", BAD_PURPOSE.format(value="fax")),
        FileProblem("c.csv", 3, "email", BAD_EMAIL.format(value="nope")),
    ]
    assert not CouncilContact.objects.exists()  # not even the good row


def test_a_contacts_file_without_the_columns_is_refused_naming_them():
    with pytest.raises(FileRejected) as rejected:
        contacts_load(data=b"code,email\n202,a@b.example\n", name="c.csv")
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column) == (1, "council_code")


def test_the_command_says_what_it_did_and_refuses_with_every_problem(tmp_path, capsys):
    good = tmp_path / "contacts.csv"
    good.write_bytes(CONTACTS)
    call_command("load-contacts", str(good))
    assert "Added 3 address(es)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"council_code,purpose,email\n999,missing,a@b.example\n")
    with pytest.raises(CommandError, match="Nothing was loaded: 1 problem"):
        call_command("load-contacts", str(bad))
    assert "bad.csv, row 2, column council_code" in capsys.readouterr().err


def test_the_demo_directory_loads_and_uses_example_domains_only():
    from pathlib import Path

    import homeward.borders

    path = Path(homeward.borders.__file__).parent / "data" / "demo-contacts.csv"
    loaded = contacts_load(data=path.read_bytes(), name=path.name)
    assert loaded.added > 400
    emails = CouncilContact.objects.values_list("email", flat=True)
    assert all(email.endswith(".example.gov.uk") for email in emails)


REGISTER_HEADER = (
    "child_id,first_name,last_name,date_of_birth,placing_council_code,legal_basis,home_name,"
    "ofsted_urn,admitted_on,discharged_on,notified_on,social_worker_name,social_worker_email,"
    "iro_name,iro_email,notes\n"
)


def register_file(*rows: str) -> bytes:
    return (REGISTER_HEADER + "".join(row + "\n" for row in rows)).encode()


def test_a_register_file_adds_admissions_and_then_records_discharges():
    child = ChildFactory(first_name="Keira", last_name="Notreal", responsible_la=council("202"))
    row = (
        ",Keira,Notreal,17/05/2006,202,care_order,Made-up House,SC000001,01/02/2020,,"
        "03/02/2020,Sam Madeup,sam@camden.example.gov.uk,Jo Madeup,jo@camden.example.gov.uk,"
    )
    loaded = register_load(data=register_file(row), name="r.csv", council=council())
    assert (loaded.added, loaded.linked) == (1, 1)
    entry = PlacedInEntry.objects.get()
    assert entry.child == child and entry.discharged_on is None
    assert set(ChildContact.objects.values_list("role", flat=True)) == {"iro", "social_worker"}
    discharged = row.replace("01/02/2020,,", "01/02/2020,30/04/2020,")
    loaded = register_load(data=register_file(discharged), name="r.csv", council=council())
    assert (loaded.added, loaded.changed) == (0, 1)
    entry.refresh_from_db()
    assert entry.discharged_on == dt.date(2020, 4, 30)


def test_a_register_file_with_problems_loads_nothing_and_names_each_cell():
    good = ",Ruby,Sample,01/01/2007,202,,Made-up House,,01/02/2020,,,,,,,"
    bad = "NOPE,Tyler,Madeup,31/02/2007,931,care_order,,,01/02/2020,01/01/2020,,,,,bad,"
    with pytest.raises(FileRejected) as rejected:
        register_load(data=register_file(good, bad), name="r.csv", council=council())
    where = [(p.row, p.column) for p in rejected.value.problems]
    assert where == [(3, "child_id"), (3, "date_of_birth"), (3, "home_name")]
    assert rejected.value.problems[0].reason == UNKNOWN_CHILD.format(value="NOPE")
    assert not PlacedInEntry.objects.exists()


def test_rules_are_checked_once_the_cells_are_read():
    bad = ",Tyler,Madeup,01/01/2007,931,care_order,Home,,01/02/2020,01/01/2020,,,,,bad,"
    with pytest.raises(FileRejected) as rejected:
        register_load(data=register_file(bad), name="r.csv", council=council())
    where = {(p.row, p.column) for p in rejected.value.problems}
    assert where == {(2, "placing_council_code"), (2, "discharged_on"), (2, "iro_email")}


def test_load_register_loads_for_the_installations_council(tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(register_file(",Ruby,Sample,01/01/2007,202,,Made-up House,,01/02/2020,,,,,,,"))
    call_command("load-register", str(path))
    assert "Added 1 register entry" in capsys.readouterr().out
    assert PlacedInEntry.objects.get().council == council("931")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load-register", str(tmp_path / "nowhere.csv"))


def test_a_contacts_file_without_the_name_column_leaves_the_names_as_they_are():
    contacts_load(data=CONTACTS, name="c.csv")
    without_names = b"council_code,purpose,email\r\n202,missing,missing@camden.example.gov.uk\r\n"
    loaded = contacts_load(data=without_names, name="c.csv")
    assert (loaded.added, loaded.changed, loaded.unchanged) == (0, 0, 1)
    assert CouncilContact.objects.get(purpose="missing").name == "Missing team"


def test_a_register_file_leaving_columns_out_keeps_what_the_entry_holds():
    row = (
        ",Keira,Notreal,17/05/2006,202,care_order,Made-up House,SC000001,01/02/2020,,"
        "03/02/2020,Sam Madeup,sam@camden.example.gov.uk,Jo Madeup,jo@camden.example.gov.uk,A note"
    )
    register_load(data=register_file(row), name="r.csv", council=council())
    discharge = (
        b"first_name,last_name,date_of_birth,placing_council_code,home_name,admitted_on,"
        b"discharged_on\r\nKeira,Notreal,17/05/2006,202,Made-up House,01/02/2020,30/04/2020\r\n"
    )
    loaded = register_load(data=discharge, name="r.csv", council=council())
    assert (loaded.added, loaded.changed, loaded.unchanged) == (0, 1, 0)
    entry = PlacedInEntry.objects.get()
    assert entry.discharged_on == dt.date(2020, 4, 30)
    assert (entry.legal_basis, entry.provider_urn, entry.notified_on) == (
        "care_order",
        "SC000001",
        dt.date(2020, 2, 3),
    )
    assert (entry.social_worker_email, entry.iro_name, entry.notes) == (
        "sam@camden.example.gov.uk",
        "Jo Madeup",
        "A note",
    )
    again = register_load(data=discharge, name="r.csv", council=council())
    assert (again.changed, again.unchanged) == (0, 1)


def test_a_new_register_entry_from_a_file_without_optional_columns_takes_the_defaults():
    only_required = (
        b"first_name,last_name,date_of_birth,placing_council_code,home_name,admitted_on\n"
        b"Ruby,Sample,01/01/2007,202,Made-up House,01/02/2020\n"
    )
    assert register_load(data=only_required, name="r.csv", council=council()).added == 1
    entry = PlacedInEntry.objects.get()
    assert (entry.legal_basis, entry.notified_on, entry.discharged_on) == (
        "other",
        dt.date(2020, 2, 1),
        None,
    )


def test_a_register_file_as_excel_saves_it_loads_and_says_how_it_was_read():
    header = REGISTER_HEADER.replace("_", " ").title().replace(",Notes\n", ",Notes,Key Worker\r\n")
    row = ",Zoë,Madeup,17/05/2008,202,care_order,Made-up House,,01/02/2020,,,Siân Madeup,,,,£20,"
    row += "Al\r\n"
    loaded = register_load(
        data=(header + row + "\r\n").encode("cp1252"), name="r.csv", council=council()
    )
    assert loaded.added == 1
    entry = PlacedInEntry.objects.get()
    assert (entry.first_name, entry.social_worker_name, entry.notes) == (
        "Zoë",
        "Siân Madeup",
        "£20",
    )
    said = str(loaded)
    assert "r.csv: read as Windows-1252 text" in said
    assert "'Date Of Birth' as date_of_birth" in said
    assert "r.csv: ignored column(s) Homeward does not know: Key Worker" in said


def test_a_contacts_file_with_a_column_twice_or_empty_is_refused_saying_so():
    twice = b"council_code,purpose,email,Email\n202,missing,a@camden.example.gov.uk,b@c.example\n"
    with pytest.raises(FileRejected) as rejected:
        contacts_load(data=twice, name="c.csv")
    assert [(p.row, p.column) for p in rejected.value.problems] == [(1, "email")]
    assert "more than once" in rejected.value.problems[0].reason
    with pytest.raises(FileRejected) as rejected:
        contacts_load(data=b"\xef\xbb\xbf\r\n", name="c.csv")
    assert "empty" in rejected.value.problems[0].reason


def test_a_workbook_loaded_instead_of_a_csv_file_is_refused_saying_what_it_is():
    workbook = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" * 10
    with pytest.raises(FileRejected) as rejected:
        register_load(data=workbook, name="notices.xlsx", council=council())
    assert rejected.value.problems == [
        FileProblem(
            "notices.xlsx",
            1,
            "",
            "This file is an Excel workbook (or another zipped file), not a CSV file. Save it "
            "as 'CSV UTF-8 (Comma delimited)' and import it again.",
        )
    ]


def test_a_date_excel_wrote_as_a_day_count_is_refused_saying_which_date_it_may_be():
    row = ",Ruby,Sample,01/01/2007,202,,Made-up House,,43862,,,,,,,"
    with pytest.raises(FileRejected) as rejected:
        register_load(data=register_file(row), name="r.csv", council=council())
    assert rejected.value.problems == [
        FileProblem(
            "r.csv",
            2,
            "admitted_on",
            "'43862' is a date as a spreadsheet stores it, a count of days (43862 is 01/02/2020 "
            "counted as Excel for Windows counts). Format the column as a date (DD/MM/YYYY) in "
            "the spreadsheet, save it as CSV again, and check the dates.",
        )
    ]


def test_rows_short_of_cells_are_read_with_their_last_cells_empty_and_said():
    short = b"council_code,purpose,email,name\r\n202,missing,a@camden.example.gov.uk\r\n"
    loaded = contacts_load(data=short, name="c.csv")
    assert loaded.added == 1
    assert (
        "c.csv: Row 2 is shorter than the header: the cells missing at the end were read as "
        "empty." in str(loaded)
    )


def test_codes_in_a_contacts_or_register_file_are_read_in_any_case():
    contacts = CONTACTS.replace(b"202,iro,", b"202, IRO ,").replace(
        b",out_of_hours,", b",Out_Of_Hours,"
    )
    assert contacts_load(data=contacts, name="c.csv").added == 3
    assert set(CouncilContact.objects.values_list("purpose", flat=True)) == {
        "missing",
        "iro",
        "out_of_hours",
    }
    row = ",Keira,Notreal,17/05/2006,202,Care_Order,Made-up House,,01/02/2020,,,,,,,"
    assert register_load(data=register_file(row), name="r.csv", council=council()).added == 1
    assert PlacedInEntry.objects.get().legal_basis == "care_order"


def test_text_garbled_by_excel_refuses_a_register_or_contacts_file_saying_what_it_should_be():
    """Excel opening a UTF-8 file without a byte-order mark turns Zoë into ZoÃ«: such a row
    is refused at its cell, with what the text probably should be, and nothing is written."""
    row = ",ZoÃ«,Notreal,17/05/2006,202,care_order,Made-up House,,01/02/2020,,,,,,,"
    with pytest.raises(FileRejected) as rejected:
        register_load(data=register_file(row), name="r.csv", council=council())
    assert [str(p) for p in rejected.value.problems] == [
        "r.csv, row 2, column first_name: "
        + GARBLED.format(what="first_name", value="ZoÃ«", garbled="Ã«", fixed="Zoë")
    ]
    assert not PlacedInEntry.objects.exists()

    garbled = CONTACTS.replace(b"Duty team", "RenÃ©e's duty team".encode())
    with pytest.raises(FileRejected) as rejected:
        contacts_load(data=garbled, name="c.csv")
    assert [(p.row, p.column) for p in rejected.value.problems] == [(4, "name")]
    assert "It probably should be 'Renée's duty team'." in rejected.value.problems[0].reason
    assert not CouncilContact.objects.exists()
