import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.reports.tests.made_up import import_made_up_county

PERIOD = ["--from", "2020-01-01", "--to", "2020-06-30"]


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path / "county")


def test_it_writes_the_report_as_json(county, tmp_path):
    out = tmp_path / "out" / "report.json"
    call_command("report", *PERIOD, "--format", "json", "--out", str(out))
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["meta"]["council"]["code"] == "931"
    assert report["missing"]["episodes"] == 9
    assert report["rhi"]["completed_within_72h"] == {"n": 3, "of": 8, "pct": 37.5}


def test_it_takes_the_council_locality_and_publication_mode(county, tmp_path):
    out = tmp_path / "oxford.json"
    call_command("report", *PERIOD, "--out", str(out), "--council", "931", "--locality", "Oxford")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["meta"]["locality"] == "Oxford"
    assert report["meta"]["publication"] is False
    out = tmp_path / "council.json"
    call_command("report", *PERIOD, "--out", str(out), "--council", "931", "--publication")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["meta"]["publication"] is True
    assert report["missing"]["by_sex"]["male"] == {"children": "c", "episodes": "c"}


def test_a_published_report_about_fewer_than_5_children_is_refused(county, tmp_path):
    # Oxford's children missing in the half-year are fewer than 5: it would describe them.
    out = tmp_path / "oxford.json"
    with pytest.raises(CommandError, match="fewer than 5 children"):
        call_command("report", *PERIOD, "--out", str(out), "--locality", "Oxford", "--publication")
    assert not out.exists()


def test_it_applies_the_authors_edits_to_the_findings(county, tmp_path):
    edits = tmp_path / "edits.json"
    edits.write_text(
        json.dumps(
            [
                {"id": "rhi-72h-below-target", "text": "Interviews were too slow."},
                {"id": "repeat-unscreened", "drop": True},
            ]
        )
    )
    out = tmp_path / "report.json"
    call_command("report", *PERIOD, "--out", str(out), "--findings", str(edits))
    findings = {f["id"]: f for f in json.loads(out.read_text())["findings"]}
    assert findings["rhi-72h-below-target"]["text"] == "Interviews were too slow."
    assert "repeat-unscreened" not in findings


def test_an_edit_for_a_finding_that_is_not_there_is_refused(county, tmp_path):
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([{"id": "no-such-finding", "drop": True}]))
    with pytest.raises(CommandError, match="no finding 'no-such-finding'"):
        call_command("report", *PERIOD, "--out", str(tmp_path / "r.json"), "--findings", str(edits))


def test_a_document_format_needs_the_documents(county, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "homeward.reports.documents", None)
    with pytest.raises(CommandError, match="docx format is not available yet"):
        call_command("report", *PERIOD, "--format", "docx", "--out", str(tmp_path / "r.docx"))


def test_it_refuses_an_unknown_locality_and_a_bad_date(county, tmp_path):
    out = str(tmp_path / "r.json")
    with pytest.raises(CommandError, match="no locality called 'Banbury'"):
        call_command("report", *PERIOD, "--out", out, "--locality", "Banbury")
    with pytest.raises(CommandError, match="--to must be a date like 2020-06-30"):
        call_command("report", "--from", "2020-01-01", "--to", "30/06/2020", "--out", out)
    with pytest.raises(CommandError, match="ends before it starts"):
        call_command("report", "--from", "2020-06-30", "--to", "2020-01-01", "--out", out)
