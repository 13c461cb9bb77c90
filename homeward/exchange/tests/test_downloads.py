"""Downloading interviews, screenings and panel actions (and episodes) as CSV or Excel: the
rule's rows only, audited, never cached, dates as dates, formulas never run."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Allocation
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelActionFactory, PanelDiscussionFactory

LONDON = ZoneInfo("Europe/London")
PERIOD = {
    "period_from_day": 1,
    "period_from_month": 1,
    "period_from_year": 2020,
    "period_to_day": 30,
    "period_to_month": 6,
    "period_to_year": 2020,
}

pytestmark = pytest.mark.django_db


def get(client, user, name, fmt):
    client.force_login(user)
    response = client.get(reverse(name), PERIOD | {"format": fmt})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    return response


def csv_rows(response) -> list[dict]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


@pytest.fixture
def zoe():
    """A made-up child with an accent and a name a spreadsheet would run as a formula."""
    child = ChildFactory(first_name="Zoë", last_name="=1+2", local_id="C-ZOE")
    episode = EpisodeFactory(
        child=child,
        returned_at=dt.datetime(2020, 3, 3, 9, 0, tzinfo=LONDON),
        last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON),
    )
    ReturnInterviewFactory(
        episode=episode,
        local_id="I-ZOE",
        conducted_by="@made-up worker",
        findings="Made-up findings",
        outcome="declined",
    )
    ScreeningFactory(child=child, local_id="S-ZOE", concerns="cse;cce")
    PanelActionFactory(discussion=PanelDiscussionFactory(child=child), local_id="PA-ZOE")
    return child


@pytest.fixture
def other():
    child = ChildFactory(first_name="Made-up", last_name="Other", local_id="C-OTHER")
    ReturnInterviewFactory(episode=EpisodeFactory(child=child), local_id="I-OTHER")
    ScreeningFactory(child=child, local_id="S-OTHER")
    PanelActionFactory(discussion=PanelDiscussionFactory(child=child), local_id="PA-OTHER")
    return child


def test_interviews_as_csv_have_the_bom_words_guarded_formulas_and_an_audit_entry(
    client, zoe, other
):
    response = get(client, staff(roles.MISSING_COORDINATOR), "exchange:interviews", "csv")
    rows = {row["interview_id"]: row for row in csv_rows(response)}
    assert set(rows) == {"I-ZOE", "I-OTHER"}
    row = rows["I-ZOE"]
    assert (row["first_name"], row["last_name"]) == ("Zoë", "'=1+2")
    assert (row["outcome"], row["conducted_by"]) == ("Declined", "'@made-up worker")
    assert row["returned_at"] == "2020-03-03T09:00:00+00:00"
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["rows"] == 2 and entry.details["format"] == "csv"
    assert entry.details["filters"]["period_from_year"] == "2020"
    assert "Zoë" not in str(entry.details) and "findings" not in str(entry.details)


def test_screenings_as_excel_have_dates_as_dates_and_codes_as_words(client, zoe, other):
    response = get(client, staff(roles.MISSING_COORDINATOR), "exchange:screenings", "xlsx")
    heading, *rows = xlsx_rows(response)
    assert heading[0].value == "screening_id"
    [zoes] = [row for row in rows if row[0].value == "S-ZOE"]
    values = dict(zip([cell.value for cell in heading], zoes, strict=True))
    assert values["completed_on"].is_date and values["completed_on"].value.date() == dt.date(
        2020, 4, 1
    )
    assert values["concerns"].value == "Child sexual exploitation; Child criminal exploitation"
    assert values["outcome"].value == "Medium"
    assert values["last_name"].value == "'=1+2" and values["last_name"].data_type == "s"
    assert AuditEntry.objects.get(action=Action.EXPORT).details["format"] == "xlsx"


def test_a_practitioner_downloads_only_their_allocated_children(client, zoe, other):
    practitioner = staff(roles.PRACTITIONER)
    Allocation.objects.create(child=zoe, worker=practitioner, allocated_on=dt.date(2019, 1, 1))
    interviews = csv_rows(get(client, practitioner, "exchange:interviews", "csv"))
    assert [row["interview_id"] for row in interviews] == ["I-ZOE"]
    # Not recorded by them: what the child said is not theirs to read.
    assert interviews[0]["findings"] == "Not shown to your role"
    assert interviews[0]["factors"] == "Not shown to your role"
    screenings = csv_rows(get(client, practitioner, "exchange:screenings", "csv"))
    assert [row["screening_id"] for row in screenings] == ["S-ZOE"]
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 2


def test_panel_actions_for_the_panel_only(client, zoe, other):
    lead = staff(roles.EXPLOITATION_LEAD)
    heading, *rows = xlsx_rows(get(client, lead, "exchange:panel-actions", "xlsx"))
    # The lead sees children discussed at the panel: both.
    assert sorted(row[0].value for row in rows) == ["PA-OTHER", "PA-ZOE"]
    assert rows[0][7].is_date
    client.force_login(staff(roles.PRACTITIONER))
    assert client.get(reverse("exchange:panel-actions"), PERIOD).status_code == 403


def test_episodes_are_offered_as_excel_too(client, zoe):
    response = get(client, staff(roles.MISSING_COORDINATOR), "exchange:exports", "xlsx")
    heading, row = xlsx_rows(response)
    values = dict(zip([cell.value for cell in heading], row, strict=True))
    assert values["last_seen_at"].is_date
    assert values["last_seen_at"].value == dt.datetime(2020, 3, 2, 18, 0)  # UK time
    assert values["category"].value == "Missing"
    assert values["first_name"].value == "Zoë"
