"""Writing small made-up bundles for tests."""

import csv
import datetime as dt
import io
from pathlib import Path

from homeward.exchange.bundle_spec import FILES

COLUMNS = {spec.name: spec.header for spec in FILES}


def write_bundle(folder: Path, **files: list[dict]) -> Path:
    """Write each keyword (e.g. episodes=[{...}]) as <name>.csv with the documented columns."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, rows in files.items():
        name = f"{stem}.csv"
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def child(ref="C1", **values) -> dict:
    return {
        "child_id": ref,
        "first_name": "Madeup",
        "last_name": f"Child{ref}",
        "date_of_birth": "2006-05-01",
        "sex": "male",
        "ethnicity": "WBRI",
        "responsible_la": "931",
        "home_locality": "Oxford",
    } | values


def _later(local: str, hours: int) -> str:
    return (dt.datetime.fromisoformat(local) + dt.timedelta(hours=hours)).isoformat()


def episode(ref="E1", child_ref="C1", **values) -> dict:
    """A made-up episode; unless given, reported 2 hours and back 15 hours after last seen."""
    seen = values.get("last_seen_at", "2020-03-02T18:00")
    return {
        "episode_id": ref,
        "child_id": child_ref,
        "category": "missing",
        "last_seen_at": seen,
        "reported_at": _later(seen, 2),
        "returned_at": _later(seen, 15),
        "risk": "medium",
        "missing_from": "home",
        "locality": "Oxford",
        "legal_status": "child_in_need",
    } | values


def interview(ref="I1", episode_ref="E1", **values) -> dict:
    return {
        "interview_id": ref,
        "episode_id": episode_ref,
        "offered_at": "2020-03-03T12:00",
        "outcome": "completed",
        "completed_at": "2020-03-05T10:00",
        "conducted_by": "Made-up worker",
    } | values


def screening(ref="S1", child_ref="C1", **values) -> dict:
    return {
        "screening_id": ref,
        "child_id": child_ref,
        "completed_on": "2020-03-10",
        "outcome": "high",
        "concerns": "missing;cse",
        "next_review_on": "2020-06-10",
    } | values


LOCALITIES = [
    {"locality": "Oxford", "population_0_17": "30000"},
    {"locality": "South and Vale", "population_0_17": "60000"},
]


def csv_text(name: str, rows: list[dict], leave_out=(), delimiter: str = ",") -> str:
    """The rows as the text of bundle file `name`, with its documented columns."""
    out = io.StringIO()
    columns = [column for column in COLUMNS[name] if column not in leave_out]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    """A file exactly as given: text is written as UTF-8, bytes as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    return folder
