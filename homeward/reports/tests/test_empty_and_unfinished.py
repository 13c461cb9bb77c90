"""A report for a period with no data, and for one that has not ended yet: in JSON, HTML,
DOCX, PDF and on the page, each says so instead of failing or drawing conclusions."""

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone

from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.core.clock import Period, london_midnight
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.reports import engine
from homeward.reports.documents import build, front, html, render
from homeward.reports.engine import build_report
from homeward.reports.tests.made_up import import_made_up_county

H1_2010 = {"period_from": dt.date(2010, 1, 1), "period_to": dt.date(2010, 6, 30)}
DECEMBER_2017 = {"period_from": dt.date(2017, 12, 1), "period_to": dt.date(2017, 12, 31)}


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path / "county")


def first_pdf_page(report: dict) -> str:
    """The words laid out on the PDF's first page."""
    page = html.pdf_document(build(report)).pages[0]
    words = [box.text for box in page._page_box.descendants() if hasattr(box, "text")]
    return " ".join(" ".join(words).split())


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("period", [H1_2010, DECEMBER_2017], ids=["2010", "december-2017"])
def test_a_period_with_no_data_is_a_report_that_says_so(county, period):
    report = build_report(council_code="931", **period)
    assert report["meta"]["no_data"] is True
    assert report["missing"]["episodes"] == 0
    json.dumps(report)
    html = render(report, "html").decode()
    assert front.NO_DATA.split(":")[0] in html
    assert front.NO_DATA.split(":")[0] in docx_text(render(report, "docx"))
    assert render(report, "pdf").startswith(b"%PDF")
    assert "No data for this period" in first_pdf_page(report)


def test_an_empty_database_gives_a_report_that_says_so(db):
    report = build_report(council_code=None, **H1_2010)
    assert report["meta"]["no_data"] is True
    for fmt in ("html", "docx", "pdf"):
        assert render(report, fmt)


def test_a_period_with_data_is_not_called_empty(county):
    report = build_report(
        council_code="931", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 6, 30)
    )
    assert report["meta"]["no_data"] is False
    assert front.NO_DATA.split(":")[0] not in render(report, "html").decode()


def test_the_page_for_a_period_with_no_data_says_so(client, county):
    client.force_login(UserFactory(roles=["missing coordinator"]))
    query = {
        "period_from_day": "1",
        "period_from_month": "1",
        "period_from_year": "2010",
        "period_to_day": "30",
        "period_to_month": "6",
        "period_to_year": "2010",
    }
    response = client.get("/reports/", query)
    assert response.status_code == 200
    assert front.NO_DATA.split(":")[0] in response.text
    download = client.get("/reports/download.docx", query)
    assert download.status_code == 200
    assert front.NO_DATA.split(":")[0] in docx_text(download.content)


@pytest.fixture
def this_year(db):
    """Made-up episodes last month, and fewer a year before: a rise that would be a finding."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for hours, year_before in [(h, False) for h in range(12)] + [(h, True) for h in range(3)]:
        day = engine.year_earlier(Period(first, first)).first if year_before else first
        seen = london_midnight(day) + dt.timedelta(hours=hours)
        EpisodeFactory(child=ChildFactory(), last_seen_at=seen, returned_at=None)
    return first, today


def unfinished(first: dt.date, today: dt.date) -> dict:
    return {"period_from": first, "period_to": today + dt.timedelta(days=40)}


def test_a_period_that_has_not_ended_says_so_on_its_first_page(this_year):
    first, today = this_year
    report = build_report(council_code=None, **unfinished(first, today))
    assert report["meta"]["unfinished"] == {"to": today.isoformat()}
    notice = front.UNFINISHED.split(":")[0]
    to = f"figures are to {today.day} {today:%B %Y}"
    paper_html = render(report, "html").decode()
    assert notice in paper_html and to in paper_html
    assert paper_html.index(notice) < paper_html.index("Executive summary")
    assert to in docx_text(render(report, "docx"))
    assert render(report, "pdf").startswith(b"%PDF")
    assert to in first_pdf_page(report)


def test_a_period_that_has_not_ended_makes_no_comparison_or_recommendation(this_year):
    first, today = this_year
    report = build_report(council_code=None, **unfinished(first, today))
    finished = build_report(council_code=None, period_from=first, period_to=first)
    assert "year_on_year" in {f["rule"] for f in finished["findings"]}
    rules = {f["rule"] for f in report["findings"]}
    assert "year_on_year" not in rules
    assert (
        "There are no recommendations: the period has not ended" in render(report, "html").decode()
    )
    assert all(f["recommendation"] == "" for f in report["findings"])
    assert report["previous_year"]["change"] == {k: None for k in report["previous_year"]["change"]}


def test_the_page_for_a_period_that_has_not_ended_says_so(client, this_year):
    first, today = this_year
    client.force_login(UserFactory(roles=["missing coordinator"]))
    last = today + dt.timedelta(days=40)
    query = {
        "period_from_day": first.day,
        "period_from_month": first.month,
        "period_from_year": first.year,
        "period_to_day": last.day,
        "period_to_month": last.month,
        "period_to_year": last.year,
    }
    response = client.get("/reports/", query)
    assert response.status_code == 200
    assert "This period has not ended" in response.text


def test_the_report_command_writes_a_word_paper_for_a_period_with_no_data(county, tmp_path):
    out = tmp_path / "2010.docx"
    call_command(
        "report",
        "--from",
        "2010-01-01",
        "--to",
        "2010-06-30",
        "--format",
        "docx",
        "--out",
        str(out),
    )
    assert "No data for this period" in docx_text(out.read_bytes())
