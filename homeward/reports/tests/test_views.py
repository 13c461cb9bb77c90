"""The scrutiny report page and its downloads, for each kind of person."""

import io

import pytest
from docx import Document

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.reports.tests.made_up import import_made_up_county

H1_2020 = {
    "period_from_day": "1",
    "period_from_month": "1",
    "period_from_year": "2020",
    "period_to_day": "30",
    "period_to_month": "6",
    "period_to_year": "2020",
}


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path)


def signed_in(client, *roles):
    user = UserFactory(roles=list(roles))
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("role", "edits"), [("missing coordinator", True), ("analyst", False), ("scrutiny", False)]
)
def test_the_page_says_what_it_offers_each_reader(client, db, role, edits):
    # Findings are edited on the web by the paper's authors, not in a downloaded Word file.
    signed_in(client, role)
    page = client.get("/reports/").text
    assert "download it as Word, PDF or its JSON data" in page
    assert "to edit the findings" not in page
    assert ("choose <strong>Edit and issue this paper</strong>" in page) is edits


def test_it_asks_for_a_period_first(client, county):
    signed_in(client, "missing coordinator")
    response = client.get("/reports/")
    assert response.status_code == 200
    assert "January to June 2020" in response.text
    assert "Executive summary" not in response.text


def test_a_coordinator_reads_the_paper_for_a_half_year(client, county):
    signed_in(client, "missing coordinator")
    response = client.get("/reports/", {"half_year": "2020-01-01/2020-06-30"})
    assert response.status_code == 200
    text = response.text
    for heading in ("Recommendation", "Executive summary", "Analysis", "Data annex"):
        assert heading in text
    assert 'src="data:image/svg+xml;base64,' in text
    assert "reports/download.docx?" in text


def test_a_scrutiny_member_sees_only_the_publication_version(client, county):
    signed_in(client, "scrutiny")
    response = client.get("/reports/", {"half_year": "2020-01-01/2020-06-30"})
    assert response.status_code == 200
    assert "You see the publication version" in response.text
    assert "publication=on" in response.text


@pytest.mark.parametrize("role", ["practitioner", "police liaison", None])
def test_case_workers_without_a_reporting_role_are_refused(client, county, role):
    signed_in(client, *([role] if role else []))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/download.docx", H1_2020).status_code == 403


def test_signing_in_comes_first(client, county):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client, county):
    signed_in(client, "analyst")
    response = client.get("/reports/", H1_2020 | {"period_to_year": "2019"})
    assert "The end of the period must be on or after its start." in response.text
    assert "Executive summary" not in response.text


def test_the_word_download_opens_and_is_recorded_in_the_audit_log(client, county):
    user = signed_in(client, "analyst")
    response = client.get("/reports/download.docx", H1_2020)
    assert response.status_code == 200
    assert (
        'filename="missing-children-2020-01-01-to-2020-06-30.docx"'
        in (response["Content-Disposition"])
    )
    document = Document(io.BytesIO(response.content))
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    entry = AuditEntry.objects.filter(action="report_download").get()
    assert entry.user == user and entry.details["format"] == "docx"


def test_reading_the_report_on_its_page_is_recorded_in_the_audit_log(client, county):
    analyst = signed_in(client, "analyst")
    assert client.get("/reports/").status_code == 200  # the form only: no figures shown
    assert not AuditEntry.objects.filter(action=Action.VIEW_REPORT).exists()
    response = client.get("/reports/", {"half_year": "2020-01-01/2020-06-30"})
    assert "Executive summary" in response.text
    entry = AuditEntry.objects.get(action=Action.VIEW_REPORT)
    assert (entry.user, entry.object_id) == (analyst, "")
    assert entry.label == "scrutiny report 2020-01-01 to 2020-06-30"
    assert "half_year=2020-01-01" in entry.details["query"]
    assert not AuditEntry.objects.filter(action=Action.VIEW_CHILD).exists()


def test_the_json_download_is_the_engine_report(client, county):
    signed_in(client, "missing coordinator")
    response = client.get("/reports/download.json", H1_2020)
    assert response.status_code == 200
    period = response.json()["meta"]["period"]
    assert (period["from"], period["to"]) == ("2020-01-01", "2020-06-30")


def test_an_unknown_format_is_refused(client, county):
    signed_in(client, "missing coordinator")
    assert client.get("/reports/download.xls", H1_2020).status_code == 400
