"""Every finding the rules write agrees with the paper's own tables: each figure it quotes is
the cell it cites, and it calls a difference significant only where the table marks it so."""

import datetime as dt
import re

import pytest

from homeward.reports import tables
from homeward.reports.documents import build
from homeward.reports.engine import build_report
from homeward.reports.findings import AUTHORED, apply_edits, find
from homeward.reports.funnel import WITHIN
from homeward.reports.tests.made_up import import_made_up_county
from homeward.reports.tests.sample_report import sample_report

H1_2020 = {"period_from": dt.date(2020, 1, 1), "period_to": dt.date(2020, 6, 30)}
LIMIT_CLAIM = re.compile(r"outside the (99\.8|95)% limit")


def cell(paper, cited: dict) -> str:
    """The text of the table cell a finding cites (failing if the paper has no such cell)."""
    by_caption = {table.caption: table for table in paper.tables}
    assert cited["table"] in by_caption, f"No table {cited['table']!r} in the paper"
    table = by_caption[cited["table"]]
    rows = [row for row in table.rows if row[0] == cited["row"]]
    assert len(rows) == 1, f"No single row {cited['row']!r} in {cited['table']!r}"
    return rows[0][table.header.index(cited["column"])]


def check_agreement(report: dict) -> int:
    """Check every finding of `report` against the paper's tables; the number checked."""
    paper = build(report)
    for found in report["findings"]:
        if found["rule"] == AUTHORED:
            # The author's own: it cites nothing, and the paper says it was not generated.
            assert not found["cites"], found["id"]
            assert any(
                found["text"] in b.text and "not generated from the tables" in b.text
                for b in paper.paragraphs
            ), found["id"]
            continue
        assert found["cites"], f"{found['id']} quotes no figure from the paper's tables"
        marks = []
        for cited in found["cites"]:
            shown = cell(paper, cited)
            assert shown == cited["shown"], (found["id"], cited, shown)
            if cited["column"] == tables.FUNNEL_STANDING:
                marks.append(shown)
            else:
                assert shown in found["text"], (found["id"], shown, found["text"])
        claims = LIMIT_CLAIM.findall(found["text"])
        if marks:
            (mark,) = marks
            assert mark != WITHIN, f"{found['id']} is about a place its table marks within limits"
            assert claims == [re.search(r"(99\.8|95)%", mark).group(1)], (found["id"], mark)
            assert ("higher" in found["text"]) == mark.startswith("Higher")
        else:
            assert not claims, f"{found['id']} claims a limit its table does not mark"
    return len(report["findings"])


def places_outside(report: dict) -> set[str]:
    """The rows the funnel tables mark outside their limits (homes only when higher)."""
    paper = build(report)
    marked = set()
    for title, homes in ((tables.LOCALITY_FUNNEL, False), (tables.HOME_FUNNEL, True)):
        table = next(t for t in paper.tables if t.caption == tables.chart_table(title))
        column = table.header.index(tables.FUNNEL_STANDING)
        for row in table.rows:
            if row[column].startswith("Higher") or (row[column].startswith("Lower") and not homes):
                marked.add(row[0])
    return marked


@pytest.mark.parametrize("publication", [False, True])
def test_every_finding_of_the_sample_county_agrees_with_its_tables(publication):
    report = sample_report(publication=publication)
    report["findings"] = find(report)
    assert check_agreement(report) >= 3
    cited = {
        c["row"]
        for f in report["findings"]
        for c in f["cites"]
        if c["column"] == tables.FUNNEL_STANDING
    }
    assert cited == places_outside(report) - ({"c"} if publication else set())


def test_a_place_beyond_only_its_95_limit_is_marked_so_in_the_table_and_the_finding():
    report = sample_report()
    point = report["funnel"]["localities"]["points"][0]
    point |= {"flag": "within", "flag_95": "above"}
    report["findings"] = find(report)
    (found,) = [f for f in report["findings"] if f["evidence"].get("name") == point["name"]]
    assert "outside the 95% limit" in found["text"]
    table = next(
        t for t in build(report).tables if t.caption == tables.chart_table(tables.LOCALITY_FUNNEL)
    )
    row = next(r for r in table.rows if r[0] == point["name"])
    assert row[-1] == "Higher: outside the 95% limits"
    check_agreement(report)


@pytest.mark.parametrize("publication", [False, True])
def test_every_finding_of_the_made_up_county_agrees_with_its_tables(db, tmp_path, publication):
    import_made_up_county(tmp_path)
    report = build_report(council_code="931", publication=publication, **H1_2020)
    assert check_agreement(report) >= 1


def test_the_check_fails_when_a_finding_drifts_from_its_table():
    report = sample_report()
    report["findings"] = find(report)
    drifted = report["findings"][0]
    drifted["cites"][0]["shown"] += "1"
    with pytest.raises(AssertionError):
        check_agreement(report)


def test_a_change_on_a_year_earlier_quotes_the_headline_table():
    report = sample_report()
    report["previous_year"]["change_pct"]["missing_episodes"] = 12.0
    report["findings"] = find(report)
    assert any(f["rule"] == "year_on_year" for f in report["findings"])
    check_agreement(report)


def test_an_authors_own_finding_cites_nothing_and_the_paper_says_so():
    report = sample_report()
    added = {"id": "author-1", "add": True, "by": "Jo Bloggs", "text": "A finding of my own."}
    report["findings"] = apply_edits(find(report), [added])

    check_agreement(report)
    (found,) = [f for f in report["findings"] if f["rule"] == AUTHORED]
    assert found["added_by"] == "Jo Bloggs"
