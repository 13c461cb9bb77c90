"""The records the county is built from (children, placements, episodes), and the county
being built: one random generator, "today" and "now", and the records so far."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from homeward.councils.reference import council_rows
from homeward.exchange.demo_county.shape import HOME, LAST_SEEN_HOURS, Kind, add_years, cumulate


@dataclass
class Placement:
    id: str
    start: date
    end: date | None
    type: str
    place_code: str
    provider_urn: str
    provider_name: str
    locality: str
    placing_la: str
    host_la: str


@dataclass
class Episode:
    child: "Child"
    category: str
    last_seen: datetime
    returned: datetime | None
    reported: datetime
    risk: str
    missing_from: str
    placement: Placement | None
    locality: str
    legal_status: str
    found_location: str
    reported_by: str
    notified: datetime | None
    companions: list["Child"] = field(default_factory=list)
    id: str = ""


@dataclass
class Child:
    id: str
    kind: Kind
    first_name: str
    last_name: str
    dob: date
    sex: str
    ethnicity: str
    responsible_la: str
    police_id: str
    home_locality: str
    legal_status: str
    rate: float
    window_start: date
    window_end: date
    ce_risk: int  # 0 none .. 3 high: how likely screenings find exploitation
    placements: list[Placement] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)

    @property
    def in_care(self) -> bool:
        return self.kind is not HOME

    @property
    def turns_18(self) -> date:
        return add_years(self.dob, 18)


@dataclass
class Bundle:
    """The rows of each bundle file, in the order they are written."""

    files: dict[str, list[dict[str, str]]]


class County:
    """The county as it is built: everything draws from `rng`, in one fixed order."""

    def __init__(self, seed: int, today: date, now: datetime):
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.now = now.astimezone(UTC).replace(second=0, microsecond=0)
        self.children: list[Child] = []
        self.placements: list[Placement] = []
        self.council_names = {row["code"]: row["name"] for row in council_rows()}
        self.hour_weights = list(cumulate(LAST_SEEN_HOURS))

    def all_episodes(self) -> list[Episode]:
        episodes = [e for c in self.children for e in c.episodes]
        episodes.sort(key=lambda e: (e.last_seen, e.child.id))
        return episodes
