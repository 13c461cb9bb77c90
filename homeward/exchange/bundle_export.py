"""Writing a council's records as a data bundle (docs/bundle.md), streamed from the database."""

import csv
from collections import defaultdict
from pathlib import Path

from homeward.children.models import Child, Placement
from homeward.councils.models import Council, Locality
from homeward.episodes.models import Companion, Episode
from homeward.exchange.bundle_files import FILES
from homeward.exchange.cells import guard_formula, write_date, write_datetime
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview

BATCH = 5_000


def _text(value) -> str:
    return "" if value is None else str(value)


def _locality_rows(council):
    for name, population in (
        Locality.objects.filter(council=council)
        .order_by("name")
        .values_list("name", "population_0_17")
    ):
        yield [name, population]


def _child_rows(council):
    rows = (
        Child.objects.filter(council=council)
        .order_by("local_id")
        .values_list(
            "local_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "responsible_la__code",
            "police_id",
            "home_locality__name",
        )
    )
    for ref, first, last, born, sex, ethnicity, responsible, police, home in rows.iterator(BATCH):
        yield [ref, first, last, write_date(born), sex, ethnicity, responsible, police, _text(home)]


def _placement_rows(council):
    rows = (
        Placement.objects.filter(council=council)
        .order_by("local_id")
        .values_list(
            "local_id",
            "child__local_id",
            "start_date",
            "end_date",
            "placement_type",
            "place_code",
            "provider_urn",
            "provider_name",
            "locality__name",
            "placing_la__code",
            "host_la__code",
        )
    )
    for row in rows.iterator(BATCH):
        ref, child, start, end, kind, code, urn, provider, locality, placing, host = row
        yield [
            ref,
            child,
            write_date(start),
            write_date(end),
            kind,
            code,
            urn,
            provider,
            _text(locality),
            placing,
            host,
        ]


def _companions(council) -> dict[int, list[str]]:
    # Few episodes have companions, so they are gathered once rather than joined per row.
    found = defaultdict(list)
    pairs = Companion.objects.filter(episode__council=council).values_list(
        "episode_id", "child__local_id"
    )
    for episode_id, child in pairs.iterator(BATCH):
        found[episode_id].append(child)
    return found


def _episode_rows(council):
    companions = _companions(council)
    rows = (
        Episode.objects.filter(council=council)
        .order_by("local_id")
        .values_list(
            "id",
            "local_id",
            "child__local_id",
            "category",
            "last_seen_at",
            "reported_at",
            "returned_at",
            "risk",
            "missing_from",
            "placement__local_id",
            "locality__name",
            "legal_status",
            "found_location",
            "reported_by",
            "placing_la_notified_at",
        )
    )
    for row in rows.iterator(BATCH):
        pk, ref, child, category, seen, reported, returned, risk, *rest = row
        missing_from, placement, locality, legal, found, reporter, notified = rest
        yield [
            ref,
            child,
            category,
            write_datetime(seen),
            write_datetime(reported),
            write_datetime(returned),
            risk,
            missing_from,
            _text(placement),
            _text(locality),
            legal,
            found,
            reporter,
            write_datetime(notified),
            ";".join(sorted(companions.get(pk, []))),
        ]


def _interview_rows(council):
    rows = (
        ReturnInterview.objects.filter(council=council)
        .order_by("local_id")
        .values_list(
            "local_id",
            "episode__local_id",
            "offered_at",
            "outcome",
            "completed_at",
            "conducted_by",
            "findings",
        )
    )
    for ref, episode, offered, outcome, completed, by, findings in rows.iterator(BATCH):
        yield [
            ref,
            episode,
            write_datetime(offered),
            outcome,
            write_datetime(completed),
            by,
            findings,
        ]


def _screening_rows(council):
    rows = (
        Screening.objects.filter(council=council)
        .order_by("local_id")
        .values_list(
            "local_id", "child__local_id", "completed_on", "outcome", "concerns", "next_review_on"
        )
    )
    for ref, child, completed, outcome, concerns, review in rows.iterator(BATCH):
        yield [ref, child, write_date(completed), outcome, concerns, write_date(review)]


WRITERS = {
    "localities.csv": _locality_rows,
    "children.csv": _child_rows,
    "placements.csv": _placement_rows,
    "episodes.csv": _episode_rows,
    "interviews.csv": _interview_rows,
    "screenings.csv": _screening_rows,
}


def export_bundle(path: Path | str, *, council: Council) -> dict[str, int]:
    """Write every record of `council` to a bundle in folder `path`; returns rows per file."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    written = {}
    for spec in FILES:
        with (path / spec.name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(spec.columns)
            count = 0
            for row in WRITERS[spec.name](council):
                writer.writerow([guard_formula(cell) for cell in row])
                count += 1
        written[spec.name] = count
    return written
