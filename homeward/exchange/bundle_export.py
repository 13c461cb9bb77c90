"""Writing a council's records as a data bundle (docs/bundle.md), streamed from the database.

Each file's columns, and the model field each comes from, are those declared in bundle_spec.
"""

import csv
from collections import defaultdict
from pathlib import Path

from django.apps import apps

from homeward.councils.models import Council
from homeward.episodes.models import Companion
from homeward.exchange.bundle_spec import FILES, FileSpec
from homeward.exchange.cells import guard_formula

BATCH = 5_000


def _companions(council) -> dict[int, list[str]]:
    # Few episodes have companions, so they are gathered once rather than joined per row.
    found = defaultdict(list)
    pairs = Companion.objects.filter(episode__council=council).values_list(
        "episode_id", "child__local_id"
    )
    for episode_id, child in pairs.iterator(BATCH):
        found[episode_id].append(child)
    return found


def _police_refs(council) -> dict[int, list[str]]:
    # In the order Homeward learnt them, as the episode lists them.
    found = defaultdict(list)
    refs = (
        apps.get_model("police.EpisodeReference")
        .objects.filter(council=council)
        .order_by("episode_id", "added_at", "pk")
        .values_list("episode_id", "police_ref")
    )
    for episode_id, ref in refs.iterator(BATCH):
        found[episode_id].append(ref)
    return found


def _lists(spec: FileSpec, council) -> dict[str, dict[int, list[str]]]:
    """The file's list columns that have no field of their own (an episode's companions and
    police references), by record."""
    if spec.name != "episodes.csv":
        return {}
    companions = {pk: sorted(children) for pk, children in _companions(council).items()}
    return {"seen_with": companions, "police_refs": _police_refs(council)}


def _rows(spec: FileSpec, council):
    """Each record of the file's model for the council, as the file's cells."""
    stored = [column for column in spec.columns if column.field is not None]
    lists = _lists(spec, council)
    rows = (
        apps.get_model(spec.model)
        .objects.filter(council=council)
        .order_by(spec.id_column.field)
        .values_list("id", *(column.field for column in stored))
    )
    for pk, *values in rows.iterator(BATCH):
        stored_values = iter(values)
        yield [
            column.kind.write(next(stored_values))
            if column.field is not None
            else ";".join(lists[column.name].get(pk, []))
            for column in spec.columns
        ]


def export_bundle(path: Path | str, *, council: Council) -> dict[str, int]:
    """Write every record of `council` to a bundle in folder `path`; returns rows per file."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    written = {}
    for spec in FILES:
        # With a byte-order mark, so that Excel opens it as UTF-8 (Zoë, not ZoÃ«).
        with (path / spec.name).open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(spec.header)
            count = 0
            for row in _rows(spec, council):
                writer.writerow([guard_formula(cell) for cell in row])
                count += 1
        written[spec.name] = count
    return written
