"""A made-up county for demonstrations, written as a data bundle (docs/bundle.md).

The county takes Oxfordshire's code (931) and is shaped on its published figures
(docs/demo-data.md cites them), but every child, carer, worker and provider in it is made up.
Plain Python: no Django models, no database. One `random.Random(seed)` drives everything,
and nothing iterates a set or a dict whose order could change, so a seed and a `today`
always give byte-identical files.
"""

import csv
import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from homeward.councils.reference import council_rows
from homeward.exchange.bundle_spec import FILES

BUNDLE_COLUMNS = {spec.name: spec.header for spec in FILES}

COUNCIL = "931"
LONDON = ZoneInfo("Europe/London")
START = date(2018, 1, 1)
# Windows of missing behaviour start before the data does, so 2018 is not a "quiet" first year.
WINDOWS_FROM = date(2017, 1, 1)

LOCALITIES = (("Oxford", 33_400), ("Cherwell and West", 58_900), ("South and Vale", 62_700))
# Going missing from home is a little more common in the city than in the rural south.
HOME_RATE_BY_LOCALITY = {"Oxford": 1.05, "Cherwell and West": 1.0, "South and Vale": 0.9}

HOURS = timedelta(hours=1)
DAY = timedelta(days=1)
RHI_DUE = timedelta(hours=72)

# (made-up Ofsted URN, made-up name, locality): most homes sit in one locality, as in many counties.
CHILDRENS_HOMES = (
    ("SC990101", "Larkrise House", "Cherwell and West"),
    ("SC990102", "Hawthorn Lodge", "Cherwell and West"),
    ("SC990103", "Kestrel Court", "Cherwell and West"),
    ("SC990104", "The Willows", "Cherwell and West"),
    ("SC990105", "Furze Hill", "Cherwell and West"),
    ("SC990106", "Osney View", "Oxford"),
    ("SC990107", "Chalkdown House", "South and Vale"),
)
FOSTER_PROVIDERS = (
    ("", "County fostering service"),
    ("", "County fostering service"),
    ("SC990201", "Brightpath Fostering"),
    ("SC990202", "Riverside Foster Care Partnership"),
)
SEMI_INDEPENDENT_PROVIDERS = (("", "Stepping Stones Supported Lodgings"), ("", "Harbour Flats"))
PLACE_CODES = {
    "foster": ("U4", "U6"),
    "kinship": ("U1", "U3"),
    "childrens_home": ("K2",),
    "semi_independent": ("H5",),
    "with_parents": ("P1",),
    "secure": ("K1",),
    "other": ("Z1",),
}
# Neighbours, statistical neighbours and London boroughs that place children in the county.
PLACING_COUNCILS = ("825", "869", "872", "871", "867", "916", "937", "941", "304", "306", "210",
                    "209", "208", "315", "212", "823", "330")  # fmt: skip
# Councils where the county's own children are placed out of area.
HOST_COUNCILS = ("825", "869", "872", "916", "937", "941", "850", "886", "330", "873")

MALE_NAMES = ("Alfie", "Callum", "Charlie", "Connor", "Daniel", "Dylan", "Ethan", "Finley",
              "Harvey", "Jack", "Jacob", "Jake", "Jayden", "Josh", "Kai", "Kieran", "Leo",
              "Liam", "Lewis", "Mason", "Max", "Nathan", "Owen", "Reece", "Riley", "Ryan",
              "Sam", "Tyler", "Zac", "Mohammed", "Adam", "Tom")  # fmt: skip
FEMALE_NAMES = ("Abbie", "Amber", "Amelia", "Bethany", "Chloe", "Courtney", "Ellie", "Emily",
                "Grace", "Hannah", "Holly", "Isla", "Jade", "Jasmine", "Keira", "Lacey", "Leah",
                "Lily", "Megan", "Millie", "Molly", "Olivia", "Paige", "Rosie", "Ruby", "Sophie",
                "Summer", "Tia", "Aisha", "Maya")  # fmt: skip
OTHER_NAMES = ("Alex", "Charlie", "Jordan", "Riley", "Sam", "Robin")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Harris", "Lewis", "Cooper", "King", "Baker",
            "Turner", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "Allen", "Scott",
            "Edwards", "Hughes", "Carter", "Mitchell", "Khan", "Ali", "Patel", "Begum",
            "Campbell", "Murphy", "Kelly", "Price", "Bennett", "Shaw")  # fmt: skip
ETHNICITIES = (("WBRI", 68), ("WOTH", 6), ("WIRT", 1), ("WROM", 1), ("MWBC", 5), ("MWBA", 2),
               ("MWAS", 2), ("MOTH", 4), ("AIND", 1), ("APKN", 3), ("ABAN", 1), ("AOTH", 1),
               ("BCRB", 2), ("BAFR", 3), ("BOTH", 1), ("CHNE", 0.5), ("OOTH", 1), ("NOBT", 1),
               ("REFU", 0.5))  # fmt: skip
LONDON_ETHNICITIES = (("WBRI", 30), ("WOTH", 8), ("MWBC", 12), ("MOTH", 6), ("BCRB", 12),
                      ("BAFR", 16), ("BOTH", 5), ("ABAN", 3), ("APKN", 2), ("AOTH", 2),
                      ("OOTH", 3), ("NOBT", 1))  # fmt: skip

# Weights for the hour a child was last seen: few overnight, most in the afternoon and evening.
LAST_SEEN_HOURS = (3, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 6, 8, 9, 9, 10, 10, 10, 9, 7, 5)

FOUND_LOCATIONS = ("Returned of own accord", "Returned of own accord", "Returned of own accord",
                   "Friend's address", "Friend's address", "Boyfriend's address",
                   "Girlfriend's address", "Relative's address", "Town centre",
                   "Railway station", "Bus station", "Park", "Shopping centre",
                   "Fast food restaurant", "Found by police on patrol", "Hospital A&E",
                   "Address in Reading", "Address in London", "Address in Birmingham",
                   "Stopped by British Transport Police", "Address in Swindon")  # fmt: skip
REPORTERS = {
    "home": ("Mother", "Mother", "Father", "Parent", "Grandparent", "Step-parent", "Aunt"),
    "foster": ("Foster carer",),
    "kinship": ("Kinship carer", "Grandparent"),
    "childrens_home": ("Children's home staff", "Residential support worker", "Home manager"),
    "semi_independent": ("Key worker", "Support worker"),
    "with_parents": ("Parent", "Mother"),
    "secure": ("Secure unit staff",),
    "other": ("Carer",),
    "away": ("School", "College", "Youth worker"),
}
PUSH = ("arguments at home", "rules at placement", "conflict with carers", "bullying at school",
        "feeling low", "conflict with other residents", "boredom")  # fmt: skip
PULL = ("seeing friends", "seeing a boyfriend", "seeing a girlfriend", "contact with family",
        "older peers", "a party", "cannabis use")  # fmt: skip
INDICATORS = ("none disclosed", "none disclosed", "none disclosed", "unexplained new phone",
              "unexplained cash", "travelled out of county", "lifts from unknown adults",
              "carrying drugs for others")  # fmt: skip
RHI_WORKERS = ("Dana Fielding", "Priya Shah", "Tom Ashworth", "Kerry Mills", "Marcus Hale",
               "Sian Probert", "Lou Carver")  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A group of children who go missing in a similar way, and how many start each year."""

    name: str
    starts_per_year: float
    months: tuple[int, int]
    # (weight, lowest, highest) episodes a year while the child is in a spell of going missing.
    rates: tuple[tuple[float, float, float], ...]
    age_bands: tuple[float, float, float, float]  # under 10, 10-13, 14-16, 17


HOME = Kind("home", 510, (3, 14), ((62, 0.8, 2), (25, 2, 5), (10, 5, 10), (3, 12, 26)),
            (0.06, 0.23, 0.58, 0.13))  # fmt: skip
CARED_FOR = Kind("cared_for", 52, (4, 20), ((28, 1, 2.5), (32, 2.5, 7), (32, 7, 14), (8, 20, 34)),
                 (0.03, 0.22, 0.62, 0.13))  # fmt: skip
PLACED_OUT = Kind("placed_out", 24, (4, 18), ((30, 1, 2.5), (32, 2.5, 7), (32, 7, 14), (6, 18, 30)),
                  (0.02, 0.2, 0.63, 0.15))  # fmt: skip
PLACED_IN = Kind("placed_in", 25, (3, 14), ((35, 1, 2.5), (30, 2.5, 6), (23, 6, 14), (12, 15, 40)),
                 (0.01, 0.2, 0.64, 0.15))  # fmt: skip
KINDS = (HOME, CARED_FOR, PLACED_OUT, PLACED_IN)
# Children in care who never go missing: about 260 come into care a year and stay about
# two and a half years, so some 1,100 are looked after during a year, as in Oxfordshire.
IN_CARE_QUIETLY = Kind("in_care", 0, (0, 0), ((1, 0, 0),), (0.3, 0.3, 0.3, 0.1))
CARE_ENTRIES_FROM = date(2008, 1, 1)
CARE_ENTRIES_PER_YEAR = 260
CALM_PLACEMENTS = {
    "foster": 72,
    "kinship": 10,
    "with_parents": 6,
    "childrens_home": 6,
    "semi_independent": 4,
    "other": 2,
}


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
        return _add_years(self.dob, 18)


@dataclass
class Bundle:
    """The rows of each bundle file, in the order they are written."""

    files: dict[str, list[dict[str, str]]]


def generate(seed: int, today: date, now: datetime | None = None) -> Bundle:
    """Build the demo county's bundle for a seed, as it stands at `now` (default noon `today`)."""
    return _County(seed, today, now or noon(today)).build()


def write_bundle(bundle: Bundle, out_dir: Path) -> None:
    """Write each file of the bundle as UTF-8 CSV with a header row."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in bundle.files.items():
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=BUNDLE_COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def noon(today: date) -> datetime:
    """The generator's "now": noon in Europe/London on `today`, in UTC."""
    return datetime.combine(today, time(12), tzinfo=LONDON).astimezone(UTC)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _minutes(minutes: float) -> timedelta:
    return timedelta(minutes=max(1, round(minutes)))


def activity(moment: datetime) -> float:
    """How busy the county is at a moment (0-1): a slow rise, and quiet lockdowns."""
    lockdowns = (
        (datetime(2020, 3, 23, tzinfo=UTC), datetime(2020, 7, 1, tzinfo=UTC)),
        (datetime(2021, 1, 5, tzinfo=UTC), datetime(2021, 3, 8, tzinfo=UTC)),
    )
    if any(start <= moment < end for start, end in lockdowns):
        return 0.7
    years = (moment - datetime(2018, 1, 1, tzinfo=UTC)).days / 365.25
    return min(1.0, 0.86 + 0.02 * years)


def rhi_on_time_share(moment: datetime) -> float:
    """Share of returns with an interview completed within 72 hours, drifting as staffing did."""
    months = (moment.year - 2018) * 12 + moment.month - 1
    if 44 <= months < 56:  # a vacancy-hit year from September 2021: on-time interviews dip
        return 0.47
    if 56 <= months < 62:  # recovery while new workers start
        return 0.56
    return 0.66 + 0.03 * math.sin(months / 4)


class _County:
    def __init__(self, seed: int, today: date, now: datetime):
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.now = now.astimezone(UTC).replace(second=0, microsecond=0)
        self.children: list[Child] = []
        self.placements: list[Placement] = []
        self.council_names = {row["code"]: row["name"] for row in council_rows()}
        self.hour_weights = list(_cumulate(LAST_SEEN_HOURS))

    def build(self) -> Bundle:
        for kind in KINDS:
            self._start_children(kind)
        self.children.sort(key=lambda c: (c.window_start, c.kind.name, c.dob))
        for child in self.children:
            self._give_placements(child)
            self._give_episodes(child)
        self.children = [c for c in self.children if c.episodes]
        self._link_companions()
        self._keep_some_missing_now()
        self._number()
        self._add_children_who_never_go_missing()
        return Bundle(
            files={
                "localities.csv": _localities_file(),
                "children.csv": self._children_file(),
                "placements.csv": self._placements_file(),
                "episodes.csv": self._episodes_file(),
                "interviews.csv": self._interviews_file(),
                "screenings.csv": self._screenings_file(),
            }
        )

    # Children -----------------------------------------------------------------------------

    def _start_children(self, kind: Kind) -> None:
        """Children start a spell of going missing at random through the years."""
        day = float(WINDOWS_FROM.toordinal())
        while True:
            day += self.rng.expovariate(kind.starts_per_year / 365.25)
            start = date.fromordinal(int(day))
            if start >= self.today:
                return
            self.children.append(self._new_child(kind, start))

    def _new_child(self, kind: Kind, start: date) -> Child:
        rng = self.rng
        sex = rng.choices(("male", "female", "other"), weights=(57, 42.5, 0.5))[0]
        age_band = rng.choices(((5, 10), (10, 14), (14, 17), (17, 18)), weights=kind.age_bands)[0]
        dob = start - timedelta(days=rng.randint(age_band[0] * 365 + 1, age_band[1] * 365 - 30))
        _, low, high = rng.choices(kind.rates, weights=[r[0] for r in kind.rates])[0]
        rate = rng.uniform(low, high)
        if age_band[0] < 10:  # young children go missing once, briefly, and are found
            rate = min(rate, 1.5)
        months = rng.randint(*kind.months) + (6 if rate > 12 else 0)
        end = min(start + timedelta(days=months * 30), _add_years(dob, 18) - DAY)
        responsible = rng.choice(PLACING_COUNCILS) if kind is PLACED_IN else COUNCIL
        return Child(
            id="",
            kind=kind,
            first_name=_given_name(rng, sex),
            last_name=rng.choice(SURNAMES),
            dob=dob,
            sex=sex,
            ethnicity=_ethnicity(rng, responsible),
            responsible_la=responsible,
            police_id=f"TV{rng.randrange(10**6, 10**7)}",
            home_locality=_home_locality(rng) if kind is HOME else "",
            legal_status=_legal_status(rng, kind, rate),
            rate=rate,
            window_start=start,
            window_end=end,
            ce_risk=_ce_risk(rng, rate, age_band[0]),
        )

    # Placements ---------------------------------------------------------------------------

    def _give_placements(self, child: Child) -> None:
        """A child in care lives in one or more placements covering the spell of going missing."""
        if not child.in_care:
            return
        rng = self.rng
        lead = rng.randint(14, 400) if child.kind is PLACED_IN else rng.randint(60, 1200)
        start = max(child.window_start - timedelta(days=lead), child.dob + timedelta(days=30))
        end = child.window_end + timedelta(days=rng.randint(0, 240))
        end = min(end, child.turns_18 - DAY)
        last_day = end if end < self.today else self.today
        starts = [start] + [start + timedelta(days=d) for d in _move_days(rng, last_day - start)]
        for number, begin in enumerate(starts):
            finish = starts[number + 1] - DAY if number + 1 < len(starts) else end
            child.placements.append(self._placement(child, begin, finish))
        if child.kind is not PLACED_OUT:
            child.home_locality = child.placements[-1].locality

    def _placement(self, child: Child, start: date, end: date) -> Placement:
        rng = self.rng
        age = (start - child.dob).days / 365.25
        kind_type = _placement_type(rng, child, age)
        urn, provider, locality = self._provider(kind_type)
        host = COUNCIL
        if child.kind is PLACED_OUT:
            host = rng.choice(HOST_COUNCILS)
            locality = ""
            provider = f"{provider} ({self.council_names[host]})" if provider else ""
        placement = Placement(
            id=f"OXP{len(self.placements) + 1:06d}",
            start=start,
            end=end if end < self.today else None,
            type=kind_type,
            place_code=rng.choice(PLACE_CODES[kind_type]),
            provider_urn=urn,
            provider_name=provider,
            locality=locality,
            placing_la=child.responsible_la,
            host_la=host,
        )
        self.placements.append(placement)
        return placement

    def _provider(self, placement_type: str) -> tuple[str, str, str]:
        rng = self.rng
        if placement_type == "childrens_home":
            return rng.choices(CHILDRENS_HOMES, weights=(5, 5, 4, 4, 4, 2, 1))[0]
        if placement_type == "foster":
            return (*rng.choice(FOSTER_PROVIDERS), _locality_by_population(rng))
        if placement_type == "semi_independent":
            return (*rng.choice(SEMI_INDEPENDENT_PROVIDERS), "Oxford")
        return "", "", _locality_by_population(rng)

    # Episodes -----------------------------------------------------------------------------

    def _give_episodes(self, child: Child) -> None:
        """Episodes arrive at the child's own rate through the spell, one after another."""
        rng = self.rng
        cursor = _utc_midnight(child.window_start)
        last_end = cursor
        first = True
        while True:
            if not first:
                cursor += timedelta(days=rng.expovariate(child.rate / 365.25))
            first = False
            last_seen = self._last_seen_on(cursor.date())
            if last_seen <= last_end + HOURS:
                last_seen = last_end + _minutes(rng.uniform(120, 1800))
            if _local_date(last_seen) > child.window_end or last_seen >= self.now:
                return
            cursor = last_seen
            if _local_date(last_seen) < START or rng.random() > activity(last_seen):
                continue
            category = self._category(child)
            episode = self._episode(child, category, last_seen, self._return(category, last_seen))
            if episode is None:
                continue
            child.episodes.append(episode)
            if episode.returned is None:
                return
            cursor = last_end = episode.returned

    def _last_seen_on(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), cum_weights=self.hour_weights)[0]
        return _utc_midnight(day) + timedelta(hours=hour, minutes=self.rng.randrange(0, 60, 5))

    def _category(self, child: Child) -> str:
        return "away" if child.in_care and self.rng.random() < 0.11 else "missing"

    def _return(self, category: str, last_seen: datetime) -> datetime | None:
        """Mostly hours, with a long tail of days and weeks; open only if still recent."""
        median_hours = 4 if category == "away" else 9
        hours = min(self.rng.lognormvariate(math.log(median_hours), 1.25), 24 * 45)
        returned = last_seen + _minutes(max(30, hours * 60))
        if returned <= self.now:
            return returned
        if self.now - last_seen < timedelta(days=20):
            return None
        return last_seen + (self.now - last_seen) * self.rng.uniform(0.2, 0.9)

    def _episode(
        self, child: Child, category: str, last_seen: datetime, returned: datetime | None
    ) -> Episode | None:
        """The episode as it would be recorded for this child at that moment, if it can be."""
        rng = self.rng
        placement = _placement_on(child, _local_date(last_seen))
        if child.in_care and placement is None:
            return None
        returned = returned.replace(second=0, microsecond=0) if returned else None
        if returned is not None and returned <= last_seen:
            returned = last_seen + timedelta(minutes=30)
        setting = placement.type if placement else "home"
        away = category == "away"
        missing_from = "placement" if placement else "home"
        if rng.random() < 0.04:
            missing_from = "other"
        reported = self._reported(last_seen, returned)
        return Episode(
            child=child,
            category=category,
            last_seen=last_seen,
            returned=returned,
            reported=reported,
            risk=_risk(rng, child, away),
            missing_from=missing_from,
            placement=placement,
            locality=placement.locality if placement else child.home_locality,
            legal_status=child.legal_status,
            found_location=rng.choice(FOUND_LOCATIONS) if returned else "",
            reported_by=rng.choice(REPORTERS["away" if missing_from == "other" else setting]),
            notified=self._notified(reported) if child.kind is PLACED_IN else None,
        )

    def _reported(self, last_seen: datetime, returned: datetime | None) -> datetime:
        reported = last_seen + _minutes(self.rng.lognormvariate(math.log(75), 0.9) + 5)
        if returned is not None and reported > returned:
            reported = last_seen + (returned - last_seen) * self.rng.uniform(0.2, 0.9)
        return min(reported, self.now).replace(second=0, microsecond=0)

    def _notified(self, reported: datetime) -> datetime | None:
        """Placing councils are mostly told within a day; sometimes late, sometimes never."""
        draw = self.rng.random()
        if draw < 0.80:
            notified = reported + _minutes(min(self.rng.lognormvariate(math.log(180), 0.9), 1400))
        elif draw < 0.92:
            notified = reported + _minutes(self.rng.uniform(25 * 60, 120 * 60))
        else:
            return None
        return notified if notified <= self.now else None

    # Missing together ---------------------------------------------------------------------

    def _link_companions(self) -> None:
        """A few children go missing together: the same episode is recorded for each of them."""
        by_locality: dict[str, list[Child]] = {}
        for child in self.children:
            if child.home_locality and len(child.episodes) >= 3:
                by_locality.setdefault(child.home_locality, []).append(child)
        years = (self.today - START).days / 365.25
        for _ in range(round(7 * years)):
            locality = self.rng.choice([name for name, _ in LOCALITIES])
            self._link_group(by_locality.get(locality, []))

    def _link_group(self, candidates: list[Child]) -> None:
        if len(candidates) < 2:
            return
        leader = self.rng.choice(candidates)
        friends = [
            c
            for c in candidates
            if c is not leader
            and c.window_start <= leader.window_end
            and leader.window_start <= c.window_end
            and abs((c.dob - leader.dob).days) < 800
        ]
        if not friends:
            return
        group = [leader, *self.rng.sample(friends, min(len(friends), self.rng.choice((1, 1, 2))))]
        closed = [e for e in leader.episodes if e.returned and e.category == "missing"]
        for episode in self.rng.sample(closed, min(len(closed), self.rng.randint(1, 4))):
            self._go_missing_together(episode, group)

    def _go_missing_together(self, lead: Episode, group: list[Child]) -> None:
        together = [lead]
        for friend in group[1:]:
            last_seen = lead.last_seen + timedelta(minutes=self.rng.randrange(0, 35, 5))
            returned = lead.returned + timedelta(minutes=self.rng.randrange(0, 65, 5))
            day = _local_date(last_seen)
            if not friend.window_start <= day < friend.turns_18:
                continue
            if returned > self.now or not _is_free(friend, last_seen, returned):
                continue
            episode = self._episode(friend, "missing", last_seen, returned)
            if episode is not None:
                friend.episodes.append(episode)
                friend.episodes.sort(key=lambda e: e.last_seen)
                together.append(episode)
        if len(together) < 2:
            return
        for episode in together:
            episode.companions.extend(e.child for e in together if e is not episode)

    # Missing now --------------------------------------------------------------------------

    def _keep_some_missing_now(self) -> None:
        """The live pages need a handful of children missing right now, gone in the last days."""
        target = self.rng.randint(5, 8)
        open_now = sum(1 for c in self.children if c.episodes[-1].returned is None)
        recent = [
            c
            for c in self.children
            if c.episodes[-1].returned is not None
            and self.now - c.episodes[-1].returned < timedelta(days=60)
            and c.turns_18 > self.today + DAY
        ]
        for child in self.rng.sample(recent, min(len(recent), max(0, target - open_now))):
            earliest = max(child.episodes[-1].returned + 6 * HOURS, self.now - timedelta(days=6))
            if earliest >= self.now - HOURS:
                continue
            span = (self.now - HOURS - earliest).total_seconds()
            last_seen = earliest + timedelta(seconds=self.rng.uniform(0, span))
            last_seen = last_seen.replace(second=0, microsecond=0)
            episode = self._episode(child, "missing", last_seen, None)
            if episode is not None:
                episode.risk = self.rng.choice(("high", "medium", "medium", "medium"))
                child.episodes.append(episode)

    # Ids ----------------------------------------------------------------------------------

    def _number(self) -> None:
        """Ids in order of first appearance, so they read like a real system's."""
        self.children.sort(key=lambda c: (c.episodes[0].last_seen, c.window_start, c.dob))
        for number, child in enumerate(self.children, start=1):
            child.id = f"OX{number:06d}"
        for number, episode in enumerate(self._all_episodes(), start=1):
            episode.id = f"OXE{number:07d}"

    def _add_children_who_never_go_missing(self) -> None:
        """Most children in care never go missing: without them, rates of going missing
        among looked-after children would be several times DfE's."""
        # A generator of their own, so that adding them changes none of the other rows.
        rng = random.Random(f"in-care-{self.seed}")
        day = float(CARE_ENTRIES_FROM.toordinal())
        while (start := date.fromordinal(int(day))) < self.today:
            child = self._child_in_care(rng, start)
            if child is not None:
                child.id = f"OX{len(self.children) + 1:06d}"
                self.children.append(child)
            day += rng.expovariate(CARE_ENTRIES_PER_YEAR / 365.25)

    def _child_in_care(self, rng: random.Random, start: date) -> Child | None:
        sex = rng.choices(("male", "female"), weights=(55, 45))[0]
        age = rng.choices((0, 5, 10, 16), weights=(30, 20, 38, 12))[0] + rng.random() * 5
        dob = start - timedelta(days=int(min(age, 17.5) * 365.25))
        end = min(start + timedelta(days=int(rng.expovariate(1 / 880))), _add_years(dob, 18) - DAY)
        if end < START:
            return None
        kind_type = rng.choices(
            PLACEMENT_TYPES, weights=[CALM_PLACEMENTS.get(t, 0) for t in PLACEMENT_TYPES]
        )[0]
        if kind_type == "semi_independent" and age < 16:
            kind_type = "foster"
        if kind_type == "childrens_home":
            urn, provider, locality = rng.choice(CHILDRENS_HOMES)
        elif kind_type == "foster":
            urn, provider = rng.choice(FOSTER_PROVIDERS)
            locality = _locality_by_population(rng)
        else:
            urn, provider, locality = "", "", _locality_by_population(rng)
        placement = Placement(
            id=f"OXP{len(self.placements) + 1:06d}",
            start=start,
            end=end if end < self.today else None,
            type=kind_type,
            place_code=rng.choice(PLACE_CODES[kind_type]),
            provider_urn=urn,
            provider_name=provider,
            locality=locality,
            placing_la=COUNCIL,
            host_la=COUNCIL,
        )
        self.placements.append(placement)
        return Child(
            id="",
            kind=IN_CARE_QUIETLY,
            first_name=_given_name(rng, sex),
            last_name=rng.choice(SURNAMES),
            dob=dob,
            sex=sex,
            ethnicity=_ethnicity(rng, COUNCIL),
            responsible_la=COUNCIL,
            police_id="",
            home_locality=locality,
            legal_status="looked_after",
            rate=0,
            window_start=start,
            window_end=end,
            ce_risk=0,
            placements=[placement],
        )

    def _all_episodes(self) -> list[Episode]:
        episodes = [e for c in self.children for e in c.episodes]
        episodes.sort(key=lambda e: (e.last_seen, e.child.id))
        return episodes

    # Files --------------------------------------------------------------------------------

    def _children_file(self) -> list[dict[str, str]]:
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
            for c in self.children
        ]
        return rows

    def _placements_file(self) -> list[dict[str, str]]:
        rows = []
        for child in self.children:
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

    def _episodes_file(self) -> list[dict[str, str]]:
        rows = [
            {
                "episode_id": e.id,
                "child_id": e.child.id,
                "category": e.category,
                "last_seen_at": _stamp(e.last_seen),
                "reported_at": _stamp(e.reported),
                "returned_at": _stamp(e.returned),
                "risk": e.risk,
                "missing_from": e.missing_from,
                "placement_id": e.placement.id if e.placement else "",
                "locality": e.locality,
                "legal_status": e.legal_status,
                "found_location": e.found_location,
                "reported_by": e.reported_by,
                "placing_la_notified_at": _stamp(e.notified),
                "seen_with": ";".join(sorted(c.id for c in e.companions)),
            }
            for e in self._all_episodes()
        ]
        return rows

    def _interviews_file(self) -> list[dict[str, str]]:
        rows = []
        for episode in self._all_episodes():
            row = self._interview(episode)
            if row is not None:
                rows.append(
                    {"interview_id": f"OXI{len(rows) + 1:07d}", "episode_id": episode.id, **row}
                )
        return rows

    def _interview(self, episode: Episode) -> dict[str, str] | None:
        """The return home interview after a missing episode, if one is recorded by now."""
        if episode.returned is None or episode.category != "missing":
            return None
        rng, returned = self.rng, episode.returned
        on_time = rhi_on_time_share(returned)
        draw = rng.random()
        if draw < on_time:
            outcome, completed = "completed", _working_hours(rng, returned, (6, 70, 26))
        elif draw < on_time + 0.11:
            outcome, completed = "completed", _working_hours(rng, returned, (74, 288, 100))
        elif draw < on_time + 0.22:
            outcome, completed = "declined", None
        elif draw < on_time + 0.29:
            outcome, completed = "no_contact", None
        elif draw < on_time + 0.33 and self.now - returned > RHI_DUE:
            return {
                "offered_at": "",
                "outcome": "not_offered",
                "completed_at": "",
                "conducted_by": "",
                "findings": "",
            }
        else:
            return None  # nothing recorded: shows as due, then overdue
        if completed:
            offered = returned + (completed - returned) * rng.uniform(0.05, 0.5)
        else:
            offered = returned + _minutes(rng.uniform(60, 26 * 60))
        offered = offered.replace(second=0, microsecond=0)
        if (completed or offered) > self.now:
            return None  # not held yet: the interview is still due
        return {
            "offered_at": _stamp(offered),
            "outcome": outcome,
            "completed_at": _stamp(completed),
            "conducted_by": rng.choice(RHI_WORKERS),
            "findings": _findings(rng) if completed else "",
        }

    def _screenings_file(self) -> list[dict[str, str]]:
        screenings = []
        for child in self.children:
            screenings.extend(self._screenings(child))
        screenings.sort(key=lambda s: (s["completed_on"], s["child_id"]))
        rows = [{"screening_id": f"OXS{n:06d}", **s} for n, s in enumerate(screenings, start=1)]
        return rows

    def _screenings(self, child: Child) -> list[dict[str, str]]:
        """A child who goes missing again is screened, and screened again while it continues."""
        rows: list[dict[str, str]] = []
        seen: list[date] = []
        review_after: date | None = None
        for episode in child.episodes:
            day = _local_date(episode.last_seen)
            seen.append(day)
            repeat = len([d for d in seen if (day - d).days < 365]) >= 2
            if not repeat or (review_after is not None and day <= review_after):
                continue
            completed = min(day + timedelta(days=self.rng.randint(1, 20)), self.today)
            if rows and completed.isoformat() <= rows[-1]["completed_on"]:
                continue
            outcome = _screening_outcome(self.rng, child.ce_risk)
            months = {"high": 3, "medium": 3, "low": 6, "no_concerns": 12}[outcome]
            review = completed + timedelta(days=30 * months)
            rows.append(
                {
                    "child_id": child.id,
                    "completed_on": completed.isoformat(),
                    "outcome": outcome,
                    "concerns": _concerns(self.rng, child, outcome),
                    "next_review_on": review.isoformat(),
                }
            )
            review_after = review
        return rows


# Small choices --------------------------------------------------------------------------------

LONDON_COUNCILS = ("304", "306", "210", "209", "208", "315", "212")
PLACEMENT_WEIGHTS = {
    # foster, childrens_home, semi_independent, kinship, with_parents, secure, other
    "cared_for": (50, 28, 10, 6, 3, 1, 2),
    "placed_out": (35, 50, 10, 0, 0, 2, 3),
    "placed_in": (22, 70, 8, 0, 0, 0, 0),
}
PLACEMENT_TYPES = (
    "foster",
    "childrens_home",
    "semi_independent",
    "kinship",
    "with_parents",
    "secure",
    "other",
)


def _cumulate(weights: tuple[float, ...]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _localities_file() -> list[dict[str, str]]:
    rows = [{"locality": name, "population_0_17": str(pop)} for name, pop in LOCALITIES]
    return rows


def _stamp(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).isoformat(timespec="seconds") if moment else ""


def _given_name(rng: random.Random, sex: str) -> str:
    names = {"male": MALE_NAMES, "female": FEMALE_NAMES}.get(sex, OTHER_NAMES)
    return rng.choice(names)


def _ethnicity(rng: random.Random, responsible_la: str) -> str:
    table = LONDON_ETHNICITIES if responsible_la in LONDON_COUNCILS else ETHNICITIES
    return rng.choices([code for code, _ in table], weights=[w for _, w in table])[0]


def _locality_by_population(rng: random.Random) -> str:
    return rng.choices([n for n, _ in LOCALITIES], weights=[p for _, p in LOCALITIES])[0]


def _home_locality(rng: random.Random) -> str:
    weights = [pop * HOME_RATE_BY_LOCALITY[name] for name, pop in LOCALITIES]
    return rng.choices([n for n, _ in LOCALITIES], weights=weights)[0]


def _legal_status(rng: random.Random, kind: Kind, rate: float) -> str:
    if kind is not HOME:
        return "looked_after"
    statuses = ("none", "early_help", "child_in_need", "child_protection")
    weights = (34, 22, 30, 14) if rate < 5 else (10, 20, 42, 28)
    return rng.choices(statuses, weights=weights)[0]


def _ce_risk(rng: random.Random, rate: float, youngest_age: int) -> int:
    if youngest_age < 10:
        return 0
    weights = (60, 25, 12, 3) if rate < 2 else (35, 30, 25, 10) if rate < 6 else (12, 23, 37, 28)
    return rng.choices((0, 1, 2, 3), weights=weights)[0]


def _placement_type(rng: random.Random, child: Child, age: float) -> str:
    weights = list(PLACEMENT_WEIGHTS[child.kind.name])
    if child.rate >= 12:  # children who go missing most often are mostly in children's homes
        weights[1] *= 3
    chosen = rng.choices(PLACEMENT_TYPES, weights=weights)[0]
    if chosen == "semi_independent" and age < 16:
        return "foster"
    return chosen


def _move_days(rng: random.Random, span: timedelta) -> list[int]:
    """Days into a spell in care on which the child moves placement: about one a year or so."""
    moves = min(4, span.days // rng.randint(200, 500))
    return sorted({rng.randint(1, max(1, span.days)) for _ in range(moves)})


def _placement_on(child: Child, day: date) -> Placement | None:
    for placement in child.placements:
        if placement.start <= day and (placement.end is None or day <= placement.end):
            return placement
    return None


def _is_free(child: Child, last_seen: datetime, returned: datetime) -> bool:
    """The child has no episode within an hour of this period (an open one runs for ever)."""
    for episode in child.episodes:
        ends = episode.returned + HOURS if episode.returned else datetime.max.replace(tzinfo=UTC)
        if episode.last_seen < returned + HOURS and last_seen < ends:
            return False
    return True


def _risk(rng: random.Random, child: Child, away: bool) -> str:
    grades = ("high", "medium", "low", "no_apparent_risk")
    if away:
        return rng.choices(grades, weights=(0, 10, 30, 60))[0]
    young = (child.window_start - child.dob).days < 10 * 365
    weights = (22, 60, 14, 4) if young or child.ce_risk >= 2 else (6, 64, 22, 8)
    return rng.choices(grades, weights=weights)[0]


def _working_hours(rng: random.Random, returned: datetime, hours: tuple[float, float, float]):
    """A time about `hours` (low, high, mode) after the return, moved into the working day."""
    low, high, mode = hours
    moment = returned + _minutes(rng.triangular(low, high, mode) * 60)
    local = moment.astimezone(LONDON)
    if 9 <= local.hour < 19:
        return moment
    day = datetime.combine(local.date(), time(rng.randint(10, 17), rng.randrange(0, 60, 5)), LONDON)
    moved = day.astimezone(UTC)
    return moved if low * HOURS <= moved - returned <= high * HOURS else moment


def _findings(rng: random.Random) -> str:
    indicator = rng.choice(INDICATORS)
    text = (
        f"Push: {rng.choice(PUSH)}. Pull: {rng.choice(PULL)}. Exploitation indicators: {indicator}."
    )
    if indicator != "none disclosed":
        text += " Information passed to police."
    return text


def _screening_outcome(rng: random.Random, ce_risk: int) -> str:
    level = min(3, max(0, ce_risk + rng.choice((-1, 0, 0, 0, 1))))
    return ("no_concerns", "low", "medium", "high")[level]


def _concerns(rng: random.Random, child: Child, outcome: str) -> str:
    """Concern codes in the order Homeward lists them: cse, cce, trafficking, gangs, missing."""
    if outcome == "no_concerns":
        return ""
    female = child.sex == "female"
    cse = rng.random() < (0.55 if female else 0.12)
    cce = rng.random() < (0.25 if female else 0.6)
    if outcome == "high" and not (cse or cce):
        cse, cce = female, not female
    trafficking = outcome in ("medium", "high") and rng.random() < 0.06
    gangs = cce and not female and rng.random() < 0.35
    flags = (("cse", cse), ("cce", cce), ("trafficking", trafficking), ("gangs", gangs))
    return ";".join([code for code, on in flags if on] + ["missing"])


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date


def summary_periods(today: date) -> list[Period]:
    """Years ending 31 March, then calendar half-years, from 2018 up to today (the last partial)."""
    periods = []
    for year in range(2019, today.year + 2):
        first = date(year - 1, 4, 1)
        if first <= today:
            periods.append(Period(f"YE 31 Mar {year}", first, date(year, 3, 31)))
    for year in range(START.year, today.year + 1):
        for half, (first, last) in enumerate(
            ((date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))), start=1
        ):
            if first <= today:
                periods.append(Period(f"{year} H{half}", first, last))
    return periods


def read_bundle(out_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Every file of a bundle folder, as lists of row dicts."""
    files = {}
    for name in ("localities", "children", "placements", "episodes", "interviews", "screenings"):
        with (out_dir / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            files[name] = list(csv.DictReader(f))
    return files


def summarise(out_dir: Path, today: date, now: datetime | None = None) -> str:
    """The bundle's own figures, counted as domain.md counts them, as a plain-text table."""
    figures = BundleFigures(read_bundle(out_dir), today, now or noon(today))
    header = (
        f"{'period':<17}{'LAC inc':>8}{'LAC ch':>7}{'away':>5}{'home ch':>8}{'home ep':>8}"
        f"{'repeat':>15}{'RHI<=72h':>20}{'screened':>15}{'placed-in':>10}"
    )
    lines = [header]
    for period in summary_periods(today):
        lines.append(figures.line(period))
    lines.append("")
    lines.extend(figures.now_lines())
    return "\n".join(lines)


class BundleFigures:
    """Counts over a bundle's rows: episodes by last seen in a period, `missing` unless stated."""

    def __init__(self, files: dict[str, list[dict[str, str]]], today: date, now: datetime):
        self.today = today
        self.now = now
        self.children = {row["child_id"]: row for row in files["children"]}
        self.episodes = [self._parsed(row) for row in files["episodes"]]
        self.episodes.sort(key=lambda e: e["seen"])
        self.seen_keys = [e["seen_day"] for e in self.episodes]
        self.interviews: dict[str, list[dict[str, str]]] = {}
        for row in files["interviews"]:
            self.interviews.setdefault(row["episode_id"], []).append(row)
        self.screened: dict[str, date] = {}
        for row in files["screenings"]:
            day = date.fromisoformat(row["completed_on"])
            self.screened[row["child_id"]] = min(day, self.screened.get(row["child_id"], day))

    def _parsed(self, row: dict[str, str]) -> dict:
        seen = datetime.fromisoformat(row["last_seen_at"])
        returned = datetime.fromisoformat(row["returned_at"]) if row["returned_at"] else None
        own = self.children[row["child_id"]]["responsible_la"] == COUNCIL
        return {**row, "seen": seen, "seen_day": seen.date(), "returned": returned, "own": own}

    def in_period(self, period: Period, category: str = "missing") -> list[dict]:
        lo = bisect_right(self.seen_keys, period.first - DAY)
        hi = bisect_right(self.seen_keys, period.last)
        return [e for e in self.episodes[lo:hi] if e["category"] == category]

    def line(self, period: Period) -> str:
        missing = self.in_period(period)
        looked_after = [e for e in missing if e["own"] and e["legal_status"] == "looked_after"]
        away = [e for e in self.in_period(period, "away") if e["own"]]
        home = [e for e in missing if e["legal_status"] != "looked_after"]
        placed_in = {e["child_id"] for e in missing if not e["own"]}
        repeat = _repeat_children(missing)
        children = {e["child_id"] for e in missing}
        screened = sum(1 for c in repeat if self.screened.get(c, date.max) <= period.last)
        on_time, returns = self.rhi_on_time(period)
        partial = "*" if period.last >= self.today else " "
        return (
            f"{period.label + partial:<17}{len(looked_after):>8}"
            f"{len({e['child_id'] for e in looked_after}):>7}{len(away):>5}"
            f"{len({e['child_id'] for e in home}):>8}{len(home):>8}"
            f"{_share(len(repeat), len(children)):>15}{_share(on_time, returns):>20}"
            f"{_share(screened, len(repeat)):>15}{len(placed_in):>10}"
        )

    def rhi_on_time(self, period: Period) -> tuple[int, int]:
        """Returns in the period (missing episodes), and those with an interview within 72h."""
        returns = on_time = 0
        for episode in self.episodes:
            returned = episode["returned"]
            if episode["category"] != "missing" or returned is None:
                continue
            if not period.first <= returned.date() <= period.last:
                continue
            returns += 1
            on_time += any(
                i["outcome"] == "completed"
                and datetime.fromisoformat(i["completed_at"]) - returned <= RHI_DUE
                for i in self.interviews.get(episode["episode_id"], [])
            )
        return on_time, returns

    def now_lines(self) -> list[str]:
        open_now = [e for e in self.episodes if e["returned"] is None]
        due = overdue = 0
        for e in self.episodes:
            returned = e["returned"]
            if e["category"] != "missing" or returned is None:
                continue
            if self.now - returned > timedelta(days=30):
                continue
            if any(i["outcome"] == "completed" for i in self.interviews.get(e["episode_id"], [])):
                continue
            if self.now - returned <= RHI_DUE:
                due += 1
            elif e["episode_id"] not in self.interviews:
                overdue += 1
        placed_in = {c for c, row in self.children.items() if row["responsible_la"] != COUNCIL}
        return [
            f"Missing now (open episodes): {len(open_now)}",
            f"Interviews due now (returned in the last 72 hours, none completed): {due}",
            f"Interviews overdue (returned 72 hours to 30 days ago, nothing recorded): {overdue}",
            f"Children: {len(self.children)}, of whom placed in by other councils: "
            f"{len(placed_in)}; episodes: {len(self.episodes)}",
            "Columns: LAC = the council's own looked-after children (missing incidents, children),",
            "away = their away-from-placement incidents; home = children not looked after;",
            "repeat = children missing 2+ times / children missing; RHI <=72h = returns with an",
            "interview completed within 72 hours / returns; screened = repeat children with a CE",
            "screening on or before the period's end; * = period still running.",
            "Every child in this bundle is made up.",
        ]


def _repeat_children(episodes: list[dict]) -> list[str]:
    counts: dict[str, int] = {}
    for episode in episodes:
        counts[episode["child_id"]] = counts.get(episode["child_id"], 0) + 1
    return sorted(child for child, n in counts.items() if n >= 2)


def _share(part: int, whole: int) -> str:
    percent = f"{round(100 * part / whole)}%" if whole else "-"
    return f"{percent} ({part}/{whole})"
