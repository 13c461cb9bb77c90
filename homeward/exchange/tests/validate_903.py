"""Run Data to Insight's SSDA903 validator (csc-validator-be-903) over a folder of 903 CSV
files and print, as JSON, each rule's error count and which rules ran, were skipped for
want of a table, or failed to run.

Run by the 903 tests with the validator's own virtual environment (`make validator-903`),
never imported by Homeward: the validator pins pandas below 2.

    .venv-903/bin/python validate_903.py FOLDER YEAR LA_GSS_CODE

Each rule is run on its own fresh copy of the tables ("errors"), as the DfE defines each
rule. The validator's own batch run ("batch_errors") hands every rule a shallow copy of the
same tables, and rule 365 (respite placements) writes the collection's last day into the
DEC of every open episode as it runs: the rules after it then read open episodes as ended
on 31 March, and so flag every missing period still open at the end of the year under 575
and 577. docs/returns.md says more.
"""

import importlib
import json
import logging
import sys
from pathlib import Path


def main(folder: str, year: int, local_authority: str) -> dict:
    logging.disable(logging.CRITICAL)  # the validator logs every rule it runs
    from lac_validator.datastore import create_datastore
    from lac_validator.ingress import read_from_text
    from lac_validator.lac_validator import LacValidator
    from lac_validator.utils import process_uploaded_files

    files = process_uploaded_files(
        {"This year": sorted(str(path) for path in Path(folder).glob("*.csv"))}
    )
    # The DfE names a collection by the years it spans: the one ending March 2024 is 2023/24.
    ruleset = f"lac{year - 1}_{year % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    metadata = {"collectionYear": str(year), "localAuthority": local_authority}
    tables, extras = read_from_text(raw_files=files)
    store = create_datastore(tables, {**metadata, **extras})
    ran, skipped, failed, errors = [], [], [], {}
    for code, rule in registry.items():
        fresh = {k: v if k == "metadata" else v.copy(deep=True) for k, v in store.items()}
        try:
            result = rule.func(fresh)
        except Exception:  # noqa: BLE001 (a rule that cannot run on these tables is reported)
            failed.append(code)
            continue
        (ran if result else skipped).append(code)
        found = sum(len(rows) for rows in result.values())
        if found:
            errors[code] = found
    batch = LacValidator(metadata=dict(metadata), files=files, registry=registry)
    return {
        "ruleset": ruleset,
        "tables": {table: len(frame) for table, frame in tables.items()},
        "ran": sorted(ran),
        "skipped": sorted(skipped),
        "failed": sorted(failed),
        "errors": errors,
        "batch_errors": _flagged(batch.ds_results),
    }


def _flagged(results) -> dict:
    """Each rule's flagged rows in the batch run, as {code: {table: [row numbers]}}."""
    flagged = {}
    for table, frame in results.items():
        if table == "metadata":
            continue
        for column in frame.columns:
            if str(column).startswith("ERR_"):
                rows = [int(i) for i in frame.index[frame[column] == True]]  # noqa: E712
                if rows:
                    flagged.setdefault(str(column)[4:], {})[table] = rows
    return flagged


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), sys.argv[3])))
