"""The list of English councils shipped with Homeward (from DfE and ONS published files)."""

import csv
from pathlib import Path

COUNCILS_CSV = Path(__file__).parent / "data" / "councils.csv"


def council_rows() -> list[dict[str, str]]:
    """Every council in the shipped list, as dicts with code, gss_code, name and region."""
    with COUNCILS_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
