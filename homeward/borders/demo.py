"""The demo county across council borders: a made-up contacts directory, homes' notices on
the placed-in register for most placed-in children (a few left off, so that the flag shows),
and the host councils' word for our own children's episodes in their areas.

The register goes through the same CSV loading a coordinator uses (written to a file first,
so the demo shows one); the same seed and the same children give the same register.
"""

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F

from homeward.borders.directory import contacts_load
from homeward.borders.models import EpisodeElsewhere
from homeward.borders.register_file import COLUMNS, register_load
from homeward.children.models import Child, Placement
from homeward.councils.models import Council
from homeward.episodes.models import Episode

DEMO_CONTACTS = Path(__file__).parent / "data" / "demo-contacts.csv"
# One placed-in child in this many, among those who went missing, has no notice on the
# register: nobody told the county they were placed here.
LEFT_OFF_ONE_IN = 8
LEFT_OFF_AT_LEAST = 3
LEGAL_BASES = ["care_order", "care_order", "accommodated", "interim_care_order", "remand"]
FOSTER_HOME = "Made-up foster carers (independent fostering agency)"


@dataclass(frozen=True)
class DemoBorders:
    contacts: str
    register: str
    left_off: int
    elsewhere: int


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def demo_borders_create(*, council: Council, seed: int, out: Path) -> DemoBorders:
    """Load the made-up directory, the register (all but a few placed-in children who went
    missing) from a CSV file written to `out`, and mark our children's episodes elsewhere."""
    contacts = contacts_load(data=DEMO_CONTACTS.read_bytes(), name=DEMO_CONTACTS.name)
    rng = random.Random(seed)
    rows, left_off = _register_rows(council, rng)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_csv(rows))
    loaded = register_load(data=out.read_bytes(), name=out.name, council=council)
    return DemoBorders(str(contacts), str(loaded), left_off, _episodes_elsewhere(council, rng))


def _register_rows(council: Council, rng: random.Random) -> tuple[list[dict], int]:
    placed_in = Child.objects.filter(council=council).exclude(responsible_la=F("council"))
    missing = set(
        Episode.objects.filter(child__in=placed_in).values_list("child_id", flat=True).distinct()
    )
    ordered = sorted(missing)
    count = min(len(ordered), max(LEFT_OFF_AT_LEAST, len(ordered) // LEFT_OFF_ONE_IN))
    left_off = set(rng.sample(ordered, count))
    # One missing now, if any is, so that Missing now shows the flag too.
    open_now = Episode.objects.filter(child__in=placed_in, returned_at__isnull=True)
    left_off |= set(open_now.values_list("child_id", flat=True).order_by("child_id")[:1])
    placements = (
        Placement.objects.filter(child__in=placed_in)
        .exclude(child_id__in=left_off)
        .select_related("child", "placing_la")
        .order_by("child__local_id", "start_date", "pk")
    )
    rows = [_row(placement, rng) for placement in placements]
    return rows, len(left_off)


def _row(placement: Placement, rng: random.Random) -> dict:
    child, placing = placement.child, placement.placing_la
    domain = f"{slug(placing.name)}.example.gov.uk"
    number = rng.randint(1, 40)
    return {
        "child_id": child.local_id,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "placing_council_code": placing.code,
        "legal_basis": rng.choice(LEGAL_BASES),
        "home_name": placement.provider_name or FOSTER_HOME,
        "ofsted_urn": placement.provider_urn,
        "admitted_on": placement.start_date.isoformat(),
        "discharged_on": placement.end_date.isoformat() if placement.end_date else "",
        "notified_on": (placement.start_date + dt.timedelta(days=rng.randint(0, 5))).isoformat(),
        "social_worker_name": f"Made-up social worker {number}",
        "social_worker_email": f"social.worker.{number}@{domain}",
        "iro_name": f"Made-up IRO {number}",
        "iro_email": f"iro.{number}@{domain}",
        "notes": "Made-up notice for the demo.",
    }


def _csv(rows: list[dict]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


@transaction.atomic
def _episodes_elsewhere(council: Council, rng: random.Random) -> int:
    """The demo's placed-out children went missing where they live: their host councils told
    us a few hours after the report."""
    episodes = (
        Episode.objects.filter(council=council, placement__isnull=False)
        .exclude(placement__host_la=F("council"))
        .filter(elsewhere__isnull=True)
        .select_related("placement")
    )
    made = [
        EpisodeElsewhere(
            episode=episode,
            host_council_id=episode.placement.host_la_id,
            told_at=(episode.reported_at or episode.last_seen_at)
            + dt.timedelta(hours=rng.randint(1, 20)),
            notes="Made-up: the host council's missing team emailed the duty inbox.",
        )
        for episode in episodes
    ]
    EpisodeElsewhere.objects.bulk_create(made)
    return len(made)
