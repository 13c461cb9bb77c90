"""Homeward's SSDA903 export passes Data to Insight's validator (csc-validator-be-903, the
checks the sector runs before sending the DfE its return) with no error on any rule of the
Missing table: the demo county's and the awkward fixture's, for collection years from
2022/23 on, whose rules the validator carries.

Each rule is run on fresh tables (validate_903.py says why): in the validator's own batch run
one rule rewrites open episodes as ended on 31 March, and the only Missing-table errors that
adds are 575 and 577 on periods still open at the end of the year, which the DfE's guidance
says to leave open. The tests check that too, so that any other error in the batch run fails.

The validator pins pandas below 2, so it lives in a virtual environment of its own,
`.venv-903`, which `make install` (and so `make test`) creates; it runs in a subprocess.
"""

import csv
import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from homeward.councils.tests.factories import council
from homeward.exchange.demo_county import generate, write_bundle
from homeward.exchange.tests.awkward_903 import YEAR, make_awkward_children

ROOT = Path(__file__).resolve().parents[3]
VALIDATOR_PYTHON = ROOT / ".venv-903" / "bin" / "python"
RUNNER = Path(__file__).with_name("validate_903.py")
# The DfE's rules on the Missing table, and the cross-checks against the header and episodes
# (INT04: every child in Missing is in Header; INT13: the same date of birth; 1012: every
# child in Missing has an episode in the year).
MISSING_RULES = [
    "564", "565", "566", "567", "570", "571", "574", "575", "577", "578", "580", "581",
    "586", "1004", "1005", "1006", "INT04", "INT13", "1012",
]  # fmt: skip
# 576 compares with last year's Missing table, which a one-year export does not carry.
NEEDS_LAST_YEAR = "576"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not VALIDATOR_PYTHON.exists(),
        reason=(
            "SKIPPED LOUDLY: Data to Insight's 903 validator is not installed in .venv-903, "
            "so Homeward's SSDA903 export was NOT checked against the DfE's rules. "
            "Run `make validator-903` (make install and make test do it)."
        ),
    ),
]


def validate(folder: Path, year: int) -> dict:
    gss = council().gss_code
    done = subprocess.run(  # noqa: S603 (our own interpreter and script, no shell)
        [str(VALIDATOR_PYTHON), str(RUNNER), str(folder), str(year), gss],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # Some of the validator's rules print to stdout themselves ("{}"): the runner's JSON is
    # the last line.
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_clean(result: dict, tables: dict, folder: Path) -> None:
    assert result["tables"] == tables
    for rule in MISSING_RULES:
        assert rule in result["ran"], f"rule {rule} did not run: {result}"
        assert result["errors"].get(rule, 0) == 0, f"rule {rule}: {result['errors'][rule]} errors"
    assert NEEDS_LAST_YEAR in result["skipped"]
    assert not set(result["failed"]) & set(MISSING_RULES), result["failed"]
    # The batch run's only Missing-table errors: 575 and 577 on the periods left open.
    with (folder / "missing.csv").open(encoding="utf-8", newline="") as f:
        still_open = [i for i, row in enumerate(csv.DictReader(f)) if not row["MIS_END"]]
    batch = {rule: rows for rule, rows in result["batch_errors"].items() if rule in MISSING_RULES}
    expected = {rule: {"Missing": still_open} for rule in ("575", "577") if still_open}
    assert batch == expected


def exported(folder: Path, year: int) -> dict:
    call_command("export-903", str(folder), "--year", str(year))
    return {
        name: sum(1 for _ in (folder / f"{name.lower()}.csv").open()) - 1
        for name in ("Header", "Episodes", "Missing")
    }


@pytest.mark.slow
def test_the_demo_countys_return_passes_every_missing_table_rule(tmp_path):
    bundle = tmp_path / "bundle"
    write_bundle(generate(931, date(2024, 5, 31)), bundle)
    call_command("import-bundle", str(bundle), "--council", "931")
    for year in (2023, 2024):
        rows = exported(tmp_path / str(year), year)
        assert rows["Missing"] > 300  # the county's children go missing: a real test
        check_clean(validate(tmp_path / str(year), year), rows, tmp_path / str(year))


def test_the_awkward_cases_pass_every_missing_table_rule(tmp_path):
    make_awkward_children()
    rows = exported(tmp_path, YEAR)
    assert rows == {"Header": 5, "Episodes": 7, "Missing": 12}
    check_clean(validate(tmp_path, YEAR), rows, tmp_path)


def test_the_validator_finds_the_errors_it_is_there_to_find(tmp_path):
    """The harness is not blind: the same files, spoiled, fail the rules they break."""
    make_awkward_children()
    exported(tmp_path, YEAR)
    missing = tmp_path / "missing.csv"
    lines = missing.read_text().splitlines()
    # An end before its start (567); an open period with another after it (574).
    lines[1] = "AWKA,01/05/2008,M,30/03/2023,29/03/2023"
    lines[6] = "AWKA,01/05/2008,M,30/08/2023,"
    missing.write_text("\r\n".join(lines) + "\r\n")
    errors = validate(tmp_path, YEAR)["errors"]
    assert set(errors) >= {"567", "574"}
    assert errors["567"] == 1
    assert errors["574"] >= 1


def test_imported_903_tables_come_out_as_they_went_in_and_pass_every_missing_table_rule(
    tmp_path,
):
    """A year's 903 tables imported (tests/ssda903_2025, made up by hand) and exported again:
    the same missing and away periods, day for day, and a return the validator passes."""
    fixture = Path(__file__).with_name("ssda903_2025")
    call_command("import-903", str(fixture), "--year", "2025", "--council", "931")
    rows = exported(tmp_path, 2025)
    assert rows["Missing"] == 6

    def periods(path: Path) -> list[tuple]:
        with path.open(encoding="utf-8", newline="") as f:
            return sorted(tuple(row[c] for c in sorted(row)) for row in csv.DictReader(f))

    assert periods(tmp_path / "missing.csv") == periods(fixture / "missing.csv")
    check_clean(validate(tmp_path, 2025), rows, tmp_path)
