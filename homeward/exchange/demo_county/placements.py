"""Placements: where a child in care lives through their spell of going missing."""

import random
from datetime import date, timedelta

from homeward.exchange.demo_county.records import Child, County, Placement
from homeward.exchange.demo_county.shape import (
    CHILDRENS_HOMES,
    COUNCIL,
    DAY,
    FOSTER_PROVIDERS,
    HOST_COUNCILS,
    PLACE_CODES,
    PLACED_IN,
    PLACED_OUT,
    PLACEMENT_TYPES,
    PLACEMENT_WEIGHTS,
    SEMI_INDEPENDENT_PROVIDERS,
    locality_by_population,
)


def give_placements(county: County, child: Child) -> None:
    """A child in care lives in one or more placements covering the spell of going missing."""
    if not child.in_care:
        return
    rng = county.rng
    lead = rng.randint(14, 400) if child.kind is PLACED_IN else rng.randint(60, 1200)
    start = max(child.window_start - timedelta(days=lead), child.dob + timedelta(days=30))
    end = child.window_end + timedelta(days=rng.randint(0, 240))
    end = min(end, child.turns_18 - DAY)
    last_day = end if end < county.today else county.today
    starts = [start] + [start + timedelta(days=d) for d in _move_days(rng, last_day - start)]
    for number, begin in enumerate(starts):
        finish = starts[number + 1] - DAY if number + 1 < len(starts) else end
        child.placements.append(new_placement(county, child, begin, finish))
    if child.kind is not PLACED_OUT:
        child.home_locality = child.placements[-1].locality


def new_placement(county: County, child: Child, start: date, end: date) -> Placement:
    rng = county.rng
    age = (start - child.dob).days / 365.25
    kind_type = _placement_type(rng, child, age)
    urn, provider, locality = provider_for(county, kind_type)
    host = COUNCIL
    if child.kind is PLACED_OUT:
        host = rng.choice(HOST_COUNCILS)
        locality = ""
        provider = f"{provider} ({county.council_names[host]})" if provider else ""
    placement = Placement(
        id=f"OXP{len(county.placements) + 1:06d}",
        start=start,
        end=end if end < county.today else None,
        type=kind_type,
        place_code=rng.choice(PLACE_CODES[kind_type]),
        provider_urn=urn,
        provider_name=provider,
        locality=locality,
        placing_la=child.responsible_la,
        host_la=host,
    )
    county.placements.append(placement)
    return placement


def provider_for(county: County, placement_type: str) -> tuple[str, str, str]:
    rng = county.rng
    if placement_type == "childrens_home":
        return rng.choices(CHILDRENS_HOMES, weights=(5, 5, 4, 4, 4, 2, 1))[0]
    if placement_type == "foster":
        return (*rng.choice(FOSTER_PROVIDERS), locality_by_population(rng))
    if placement_type == "semi_independent":
        return (*rng.choice(SEMI_INDEPENDENT_PROVIDERS), "Oxford")
    return "", "", locality_by_population(rng)


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


def placement_on(child: Child, day: date) -> Placement | None:
    for placement in child.placements:
        if placement.start <= day and (placement.end is None or day <= placement.end):
            return placement
    return None
