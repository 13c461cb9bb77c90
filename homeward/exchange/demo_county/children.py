"""The children: those who start a spell of going missing, and the many in care who never do."""

import random
from datetime import date, timedelta

from homeward.exchange.demo_county.records import Child, County, Placement
from homeward.exchange.demo_county.shape import (
    CALM_PLACEMENTS,
    CARE_ENTRIES_FROM,
    CARE_ENTRIES_PER_YEAR,
    CHILDRENS_HOMES,
    COUNCIL,
    DAY,
    ETHNICITIES,
    FEMALE_NAMES,
    FOSTER_PROVIDERS,
    HOME,
    HOME_RATE_BY_LOCALITY,
    IN_CARE_QUIETLY,
    LOCALITIES,
    LONDON_COUNCILS,
    LONDON_ETHNICITIES,
    MALE_NAMES,
    OTHER_NAMES,
    PLACE_CODES,
    PLACED_IN,
    PLACEMENT_TYPES,
    PLACING_COUNCILS,
    START,
    SURNAMES,
    WINDOWS_FROM,
    Kind,
    add_years,
    locality_by_population,
)


def start_children(county: County, kind: Kind) -> None:
    """Children start a spell of going missing at random through the years."""
    day = float(WINDOWS_FROM.toordinal())
    while True:
        day += county.rng.expovariate(kind.starts_per_year / 365.25)
        start = date.fromordinal(int(day))
        if start >= county.today:
            return
        county.children.append(new_child(county, kind, start))


def new_child(county: County, kind: Kind, start: date) -> Child:
    rng = county.rng
    sex = rng.choices(("male", "female", "other"), weights=(57, 42.5, 0.5))[0]
    age_band = rng.choices(((5, 10), (10, 14), (14, 17), (17, 18)), weights=kind.age_bands)[0]
    dob = start - timedelta(days=rng.randint(age_band[0] * 365 + 1, age_band[1] * 365 - 30))
    _, low, high = rng.choices(kind.rates, weights=[r[0] for r in kind.rates])[0]
    rate = rng.uniform(low, high)
    if age_band[0] < 10:  # young children go missing once, briefly, and are found
        rate = min(rate, 1.5)
    months = rng.randint(*kind.months) + (6 if rate > 12 else 0)
    end = min(start + timedelta(days=months * 30), add_years(dob, 18) - DAY)
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


def add_children_who_never_go_missing(county: County) -> None:
    """Most children in care never go missing: without them, rates of going missing
    among looked-after children would be several times DfE's."""
    # A generator of their own, so that adding them changes none of the other rows.
    rng = random.Random(f"in-care-{county.seed}")
    day = float(CARE_ENTRIES_FROM.toordinal())
    while (start := date.fromordinal(int(day))) < county.today:
        child = child_in_care(county, rng, start)
        if child is not None:
            child.id = f"OX{len(county.children) + 1:06d}"
            county.children.append(child)
        day += rng.expovariate(CARE_ENTRIES_PER_YEAR / 365.25)


def child_in_care(county: County, rng: random.Random, start: date) -> Child | None:
    sex = rng.choices(("male", "female"), weights=(55, 45))[0]
    age = rng.choices((0, 5, 10, 16), weights=(30, 20, 38, 12))[0] + rng.random() * 5
    dob = start - timedelta(days=int(min(age, 17.5) * 365.25))
    end = min(start + timedelta(days=int(rng.expovariate(1 / 880))), add_years(dob, 18) - DAY)
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
        locality = locality_by_population(rng)
    else:
        urn, provider, locality = "", "", locality_by_population(rng)
    placement = Placement(
        id=f"OXP{len(county.placements) + 1:06d}",
        start=start,
        end=end if end < county.today else None,
        type=kind_type,
        place_code=rng.choice(PLACE_CODES[kind_type]),
        provider_urn=urn,
        provider_name=provider,
        locality=locality,
        placing_la=COUNCIL,
        host_la=COUNCIL,
    )
    county.placements.append(placement)
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


def _given_name(rng: random.Random, sex: str) -> str:
    names = {"male": MALE_NAMES, "female": FEMALE_NAMES}.get(sex, OTHER_NAMES)
    return rng.choice(names)


def _ethnicity(rng: random.Random, responsible_la: str) -> str:
    table = LONDON_ETHNICITIES if responsible_la in LONDON_COUNCILS else ETHNICITIES
    return rng.choices([code for code, _ in table], weights=[w for _, w in table])[0]


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
