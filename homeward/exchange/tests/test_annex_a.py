"""Ofsted's Annex A List 8 against made-up children counted by hand, cell by cell."""

import datetime as dt

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.exchange.annex_a import COLUMNS, last_12_months
from homeward.exchange.tests.awkward_903 import at, date, episode
from homeward.interviews.tests.factories import ReturnInterviewFactory

pytestmark = pytest.mark.django_db

AS_AT = "2024-03-31"


def test_the_last_12_months_end_on_the_as_at_date():
    months = last_12_months(dt.date(2024, 3, 31))
    assert (months.first, months.last) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    leap = last_12_months(dt.date(2024, 2, 29))
    assert (leap.first, leap.last) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))


def make_children():
    # ANX1: in care all the 12 months, two placements (the second out of the area); three
    # missing episodes and one away in the 12 months; the last one's interview declined.
    one = ChildFactory(
        local_id="ANX1", date_of_birth=date("2008-06-15"), sex="female", ethnicity="MWBC"
    )
    PlacementFactory(
        child=one, start_date=date("2022-05-01"), end_date=date("2023-06-30"), place_code="K2",
        provider_urn="SC111111",
    )  # fmt: skip
    PlacementFactory(
        child=one, start_date=date("2023-07-01"), place_code="U4", provider_urn="SC222222",
        host_la=council("872"),
    )  # fmt: skip
    episode(one, "missing", "2023-03-31 22:00", "2023-04-01 00:10")  # a day too early
    first = episode(one, "missing", "2023-04-01 00:30", "2023-04-01 09:00")  # the first day
    ReturnInterviewFactory(episode=first, outcome="completed")
    episode(one, "away", "2023-05-10 15:00", "2023-05-10 20:00")
    episode(one, "missing", "2023-07-01 21:00", "2023-07-02 08:00")
    last = episode(one, "missing", "2024-03-20 21:00", "2024-03-21 08:00")
    ReturnInterviewFactory(episode=last, outcome="declined", completed_at=None)
    wrong = episode(one, "missing", "2024-03-25 21:00", "2024-03-26 08:00")
    wrong.entered_in_error_at = at("2024-03-27")
    wrong.save()
    episode(one, "missing", "2024-04-01 01:00", "2024-04-01 09:00")  # after the as-at date
    worker = UserFactory(first_name="Made-up", last_name="Worker")
    child_allocate(child=one, worker=worker, allocated_on=date("2023-01-01"))
    child_allocate(child=one, team="Made-up Team A", allocated_on=date("2023-02-01"))
    # ANX2: two periods in care in the 12 months, the second ended; missing from home in the
    # gap between them (not from placement); 17 on the as-at date, 18 the day after.
    two = ChildFactory(local_id="ANX2", date_of_birth=date("2006-04-01"), sex="male")
    PlacementFactory(child=two, start_date=date("2021-01-01"), end_date=date("2023-05-31"))
    PlacementFactory(child=two, start_date=date("2023-09-01"), end_date=date("2023-12-31"))
    episode(two, "missing", "2023-06-15 20:00", "2023-06-16 08:00", legal_status="none")
    back = episode(two, "missing", "2023-10-10 20:00", "2023-10-11 08:00")
    ReturnInterviewFactory(episode=back, outcome="completed")
    # ANX3: in care, never missing; cells a spreadsheet would run as formulas.
    three = ChildFactory(local_id="ANX3", date_of_birth=date("2010-10-10"), sex="unknown")
    PlacementFactory(child=three, start_date=date("2023-04-01"), provider_urn="=1+1")
    child_allocate(child=three, team="@SUM(A1)", allocated_on=date("2023-04-01"))
    # ANX4: left care before the 12 months; ANX5: another council's child placed here.
    four = ChildFactory(local_id="ANX4")
    PlacementFactory(child=four, start_date=date("2020-01-01"), end_date=date("2023-03-31"))
    five = ChildFactory(local_id="ANX5", responsible_la=council("872"))
    PlacementFactory(child=five, start_date=date("2020-01-01"))
    # ANX6: still missing at the as-at date: no interview yet.
    six = ChildFactory(local_id="ANX6", date_of_birth=date("2009-01-01"), sex="other")
    PlacementFactory(child=six, start_date=date("2020-01-01"))
    episode(six, "missing", "2024-03-30 23:00", None)


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# Counted by hand: the cells Homeward fills, by heading; every other cell is empty.
MISSING, ABSENT = COLUMNS[28], COLUMNS[29]
OFFERED, ACCEPTED = COLUMNS[30], COLUMNS[31]
SECOND_PERIOD = COLUMNS[9]
EXPECTED = [
    {
        "Child Unique ID": "ANX1",
        "Gender": "b) Female",
        "Ethnicity": "MWBC",
        "Date of Birth": day("2008-06-15"),
        "Age of Child (Years)": 15,
        "Date Started to be Looked After": day("2022-05-01"),
        SECOND_PERIOD: "N",
        "Number of Placements in the Last 12 months": 2,
        "Start Date of Most Recent Placement": day("2023-07-01"),
        "Placement Type": "U4",
        "URN of Placement": "SC222222",
        "Placement Location": "Out",
        "LA of Placement": "Wokingham",
        MISSING: 3,
        ABSENT: 1,
        OFFERED: "Y",
        ACCEPTED: "N",
        "Allocated Team": "Made-up Team A",
        "Allocated Worker": "Made-up Worker",
    },
    {
        "Child Unique ID": "ANX2",
        "Gender": "a) Male",
        "Ethnicity": "WBRI",
        "Date of Birth": day("2006-04-01"),
        "Age of Child (Years)": 17,
        "Date Started to be Looked After": day("2023-09-01"),
        SECOND_PERIOD: "Y",
        "Number of Placements in the Last 12 months": 2,
        "Date Ceased to be Looked After": day("2024-01-01"),
        "Start Date of Most Recent Placement": day("2023-09-01"),
        "Placement Location": "In",
        "LA of Placement": "Oxfordshire",
        MISSING: 1,
        ABSENT: 0,
        OFFERED: "Y",
        ACCEPTED: "Y",
    },
    {
        "Child Unique ID": "ANX3",
        "Gender": "c) Not stated/recorded",
        "Ethnicity": "WBRI",
        "Date of Birth": day("2010-10-10"),
        "Age of Child (Years)": 13,
        "Date Started to be Looked After": day("2023-04-01"),
        SECOND_PERIOD: "N",
        "Number of Placements in the Last 12 months": 1,
        "Start Date of Most Recent Placement": day("2023-04-01"),
        "URN of Placement": "'=1+1",
        "Placement Location": "In",
        "LA of Placement": "Oxfordshire",
        MISSING: 0,
        ABSENT: 0,
        "Allocated Team": "'@SUM(A1)",
    },
    {
        "Child Unique ID": "ANX6",
        "Gender": "d) Neither",
        "Ethnicity": "WBRI",
        "Date of Birth": day("2009-01-01"),
        "Age of Child (Years)": 15,
        "Date Started to be Looked After": day("2020-01-01"),
        SECOND_PERIOD: "N",
        "Number of Placements in the Last 12 months": 1,
        "Start Date of Most Recent Placement": day("2020-01-01"),
        "Placement Location": "In",
        "LA of Placement": "Oxfordshire",
        MISSING: 1,
        ABSENT: 0,
        OFFERED: "N",
        ACCEPTED: "N",
    },
]


def test_list_8_matches_the_hand_count_cell_by_cell(tmp_path):
    make_children()
    path = tmp_path / "annex-a.xlsx"
    call_command("export-annex-a", str(path), "--as-at", AS_AT)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["List 8"]
    rows = list(book["List 8"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert rows[0][28:32] == (
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 "
        "months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    )
    assert len(rows) == 1 + len(EXPECTED)
    for row, expected in zip(rows[1:], EXPECTED, strict=True):
        for heading, cell in zip(COLUMNS, row, strict=True):
            assert cell == expected.get(heading), (expected["Child Unique ID"], heading)
    # Never "NA": a child with a missing episode has Y or N, one without has neither.
    assert {row[30] for row in rows[1:]} | {row[31] for row in rows[1:]} == {"Y", "N", None}
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["rows"] == 4 and entry.details["as_at"] == AS_AT


def test_a_date_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(CommandError, match="'31/03/2024' is not a date. Write it as YYYY-MM-DD"):
        call_command("export-annex-a", str(tmp_path / "a.xlsx"), "--as-at", "31/03/2024")
