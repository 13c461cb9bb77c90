"""Writing the bundle: the rows of localities.csv, children.csv, placements.csv and
episodes.csv, and each file as UTF-8 CSV with the columns bundle_spec declares."""

import csv
from pathlib import Path

from homeward.exchange.bundle_spec import FILES
from homeward.exchange.demo_county.addresses import made_up_address
from homeward.exchange.demo_county.records import Bundle, County
from homeward.exchange.demo_county.shape import (
    COUNCIL,
    LOCALITIES,
    stamp,
)

BUNDLE_COLUMNS = {spec.name: spec.header for spec in FILES}
# The made-up county's episodes have no police references yet: the column is left out.
BUNDLE_COLUMNS["episodes.csv"] = tuple(
    c for c in BUNDLE_COLUMNS["episodes.csv"] if c != "police_refs"
)


def write_bundle(bundle: Bundle, out_dir: Path) -> None:
    """Write each file of the bundle as UTF-8 CSV with a header row."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in bundle.files.items():
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=BUNDLE_COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def children_file(county: County) -> list[dict[str, str]]:
    rows = [
        {
            "child_id": c.id,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "date_of_birth": c.dob.isoformat(),
            "sex": c.sex,
            "ethnicity": c.ethnicity,
            "responsible_la": c.responsible_la,
            "police_id": c.police_id,
            "home_locality": c.home_locality,
        }
        | made_up_address(c)
        for c in county.children
    ]
    return rows


def placements_file(county: County) -> list[dict[str, str]]:
    rows = []
    for child in county.children:
        for p in child.placements:
            rows.append(
                {
                    "placement_id": p.id,
                    "child_id": child.id,
                    "start_date": p.start.isoformat(),
                    "end_date": p.end.isoformat() if p.end else "",
                    "placement_type": p.type,
                    "place_code": p.place_code,
                    "provider_urn": p.provider_urn,
                    "provider_name": p.provider_name,
                    "locality": p.locality,
                    "placing_la": p.placing_la,
                    "host_la": p.host_la if p.host_la != COUNCIL else "",
                }
            )
    rows.sort(key=lambda r: r["placement_id"])
    return rows


def episodes_file(county: County) -> list[dict[str, str]]:
    rows = [
        {
            "episode_id": e.id,
            "child_id": e.child.id,
            "category": e.category,
            "last_seen_at": stamp(e.last_seen),
            "reported_at": stamp(e.reported),
            "returned_at": stamp(e.returned),
            "risk": e.risk,
            "missing_from": e.missing_from,
            "placement_id": e.placement.id if e.placement else "",
            "locality": e.locality,
            "legal_status": e.legal_status,
            "found_location": e.found_location,
            "reported_by": e.reported_by,
            "placing_la_notified_at": stamp(e.notified),
            "seen_with": ";".join(sorted(c.id for c in e.companions)),
        }
        for e in county.all_episodes()
    ]
    return rows


def localities_file() -> list[dict[str, str]]:
    rows = [{"locality": name, "population_0_17": str(pop)} for name, pop in LOCALITIES]
    return rows
