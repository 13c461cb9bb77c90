"""The county's shape: its localities, the kinds of children who go missing and how often,
providers, names, and the calendar helpers every part uses. Numbers only; no records."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
# The last three work for the made-up commissioned provider, the others in the council's team.
COMMISSIONED_WORKERS = ("Marcus Hale", "Sian Probert", "Lou Carver")
# Each push, pull and indicator above as the interview's factor code (InterviewFactor).
FACTOR_CODES = {
    "arguments at home": "push_conflict_home",
    "rules at placement": "push_placement",
    "conflict with carers": "push_conflict_home",
    "bullying at school": "push_bullying",
    "feeling low": "push_mental_health",
    "conflict with other residents": "push_placement",
    "boredom": "push_boredom",
    "seeing friends": "pull_friends",
    "seeing a boyfriend": "pull_partner",
    "seeing a girlfriend": "pull_partner",
    "contact with family": "pull_family",
    "older peers": "pull_older_adults",
    "a party": "pull_friends",
    "cannabis use": "expl_substances",
    "unexplained new phone": "expl_gifts",
    "unexplained cash": "expl_gifts",
    "travelled out of county": "expl_travel",
    "lifts from unknown adults": "expl_travel",
    "carrying drugs for others": "expl_drug_running",
}
# Why an interview declined or with no contact was not held, and how often (NotHeldReason).
NOT_HELD_REASONS = {
    "declined": (("child_declined", 6), ("parent_declined", 1), ("spoke_to_other", 2)),
    "no_contact": (("no_response", 5), ("missing_again", 2), ("moved", 1), ("other", 1)),
}


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


# Calendar and small helpers ------------------------------------------------------------


def noon(today: date) -> datetime:
    """The generator's "now": noon in Europe/London on `today`, in UTC."""
    return datetime.combine(today, time(12), tzinfo=LONDON).astimezone(UTC)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def minutes_of(minutes: float) -> timedelta:
    return timedelta(minutes=max(1, round(minutes)))


def cumulate(weights: tuple[float, ...]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def stamp(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).isoformat(timespec="seconds") if moment else ""


def locality_by_population(rng: random.Random) -> str:
    return rng.choices([n for n, _ in LOCALITIES], weights=[p for _, p in LOCALITIES])[0]
