"""The analyses in the paper: each its section, findings, chart and table, the table holding
the report JSON's own figures, in draft and publication (the county of test_analyses)."""

import datetime as dt
import io
import json

import docx
import pytest

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.reports import tables
from homeward.reports.analyses import providers
from homeward.reports.documents import analyses as sections
from homeward.reports.documents import build, render
from homeward.reports.engine import build_report
from homeward.reports.publication import SUPPRESSED
from homeward.reports.tests.test_analyses import county  # noqa: F401 - the fixture
from homeward.reports.tests.test_documents import docx_table, headings, row_values, under

H1_2020 = {
    "council_code": "931",
    "period_from": dt.date(2020, 1, 1),
    "period_to": dt.date(2020, 6, 30),
}
ANALYSES = [
    "Frequently missing adolescents",
    "Providers compared",
    "Children placed in and out of the area",
    "The return home interview service",
    "What children say",
    "Children missing by ethnic group",
    "The panel",
    "How far to trust the figures",
]


def read(report: dict):
    return docx.Document(io.BytesIO(render(report, "docx")))


def test_each_analysis_has_its_section_findings_and_tables(county):  # noqa: F811
    report = build_report(**H1_2020)
    document = read(report)

    assert sections.HEADING in headings(document, 1)
    assert [h for h in headings(document, 2) if h in ANALYSES] == ANALYSES
    found = report["analyses"]
    for heading, name in zip(ANALYSES, found, strict=True):
        said = under(document, heading)
        assert found[name]["findings"][0] in said, heading
    panel = row_values(docx_table(document, "Agency", "Education"))
    assert panel["All agencies"] == ["2", "1", "1"]
    quality = row_values(docx_table(document, "Measure", "Episodes in the period"))
    assert quality["Episodes in the period"] == [str(found["data_quality"]["episodes"])]
    held = docx_table(document, "Group", "Held by")
    assert [c.text for c in held.rows[1].cells] == [
        "Held by",
        "Commissioned provider",
        "1",
        "100% (1 of 1)",
        "0% (0 of 1)",
    ]
    assert len(document.inline_shapes) >= 8


def test_in_the_published_paper_small_analyses_show_c(county):  # noqa: F811
    report = build_report(publication=True, **H1_2020)
    document = read(report)

    # Home One (2 children placed) and Far Foster (1) in their localities' tables.
    for first in ("c",):
        providers = docx_table(document, "Provider", first)
        assert [c.text for c in providers.rows[1].cells][1:] == [
            "Children's home",
            "c",
            "c",
            "c",
            "c to c",
            "c",
        ]
    assert report["analyses"]["providers"]["findings"] == [
        "No provider's missing episodes per child placed lies outside the limits for "
        "providers of its type and size, in any locality."
    ]
    panel = row_values(docx_table(document, "Agency", "Education"))
    assert panel["Education"] == ["c", "0", "c"]


QUERY = {
    "period_from_day": "1",
    "period_from_month": "1",
    "period_from_year": "2020",
    "period_to_day": "30",
    "period_to_month": "6",
    "period_to_year": "2020",
}


@pytest.mark.parametrize(
    ("role", "named"),
    [
        (roles.MISSING_COORDINATOR, True),
        (roles.EXPLOITATION_LEAD, True),
        (roles.ANALYST, True),
        (roles.SCRUTINY, False),
    ],
)
def test_only_the_roles_reading_the_whole_report_see_a_small_providers_name(
    client,
    county,  # noqa: F811
    role,
    named,
):
    client.force_login(UserFactory(roles=[role]))

    report = json.loads(client.get("/reports/download.json", QUERY).content)

    (home,) = report["analyses"]["providers"]["by_type"]["childrens_home"]["points"]
    assert (home["name"] == "Home One") is named
    assert (home["name"] == SUPPRESSED) is not named


def test_a_practitioner_cannot_download_the_report(client, county):  # noqa: F811
    client.force_login(UserFactory(roles=[roles.PRACTITIONER]))

    assert client.get("/reports/download.json", QUERY).status_code == 403


def test_each_provider_finding_agrees_with_its_localitys_table(county):  # noqa: F811
    report = build_report(**H1_2020)
    data = report["analyses"]["providers"]
    # Home One's 6 episodes from 2 children against made-up limits that it lies above.
    (home_one,) = data["by_locality"]["North"]["points"]
    home_one |= {"upper_998": 2.5, "upper_95": 2.0, "flag": "above", "flag_95": "above"}
    data["findings"] = providers.findings(data)
    paper = build(report)

    (said,) = data["findings"]
    table = next(
        t for t in paper.tables if t.caption == tables.chart_table(sections.provider_title("North"))
    )
    row = next(r for r in table.rows if r[0] == "Home One (SC1)")
    assert row[table.header.index(tables.FUNNEL_STANDING)] == "Higher: outside the 99.8% limits"
    for column in ("Children placed", "Episodes", "Per child"):
        assert row[table.header.index(column)] in said
    assert row[table.header.index("99.8% limits for its type and size")].endswith("to 2.50")
    assert "higher than the 99.8% limit of 2.50" in said
    assert "Home One" in said and "In North" in said
