"""The paper for a report the engine counts from the made-up county (made_up.py): the DOCX
read back holds the JSON's own figures, in draft and in publication mode."""

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import call_command

from homeward.reports.documents import analyses, render
from homeward.reports.engine import build_report
from homeward.reports.tests.made_up import import_made_up_county
from homeward.reports.tests.test_documents import SECTIONS, docx_table, headings, row_values

H1_2020 = {"period_from": dt.date(2020, 1, 1), "period_to": dt.date(2020, 6, 30)}


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path / "county")


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_the_docx_holds_the_reports_headline_figures(county):
    report = build_report(council_code="931", **H1_2020)
    document = read(render(report, "docx"))
    assert headings(document, 1) == [*SECTIONS[:3], analyses.HEADING, *SECTIONS[3:]]
    figures = row_values(docx_table(document, "Figure", "Missing episodes"))
    missing, rhi = report["missing"], report["rhi"]
    assert int(figures["Missing episodes"][0]) == missing["episodes"]
    assert int(figures["Children missing"][0]) == missing["children"]
    assert int(figures["Children missing more than once"][0]) == missing["repeat_children"]
    assert int(figures["Returns from missing"][0]) == rhi["returns"]
    within = rhi["completed_within_72h"]
    assert figures["Return interview completed within 72 hours"][0] == (
        f"{within['pct']:.0f}% ({within['n']} of {within['of']})"
    )
    assert int(figures["Away from placement: episodes"][0]) == report["away"]["episodes"]
    assert len(document.inline_shapes) >= 6


def test_in_publication_mode_the_small_groups_show_c(county):
    report = build_report(council_code="931", publication=True, **H1_2020)
    document = read(render(report, "docx"))
    sexes = row_values(docx_table(document, "Sex", "Boys"))
    assert report["missing"]["by_sex"]["male"]["children"] == "c"
    assert sexes["Boys"] == ["c", "c"]
    figures = row_values(docx_table(document, "Figure", "Missing episodes"))
    # Headline totals are not suppressed.
    assert int(figures["Missing episodes"][0]) == report["missing"]["episodes"]


def test_the_report_command_writes_every_format(county, tmp_path):
    for fmt in ("json", "html", "docx", "pdf"):
        out = tmp_path / f"report.{fmt}"
        call_command(
            "report", "--from", "2020-01-01", "--to", "2020-06-30", "--format", fmt,
            "--council", "931", "--out", str(out), stdout=io.StringIO(),
        )  # fmt: skip
    report = json.loads((tmp_path / "report.json").read_text())
    figures = row_values(
        docx_table(read((tmp_path / "report.docx").read_bytes()), "Figure", "Missing episodes")
    )
    assert int(figures["Missing episodes"][0]) == report["missing"]["episodes"]
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert '<h2 id="analysis">' in (tmp_path / "report.html").read_text()
