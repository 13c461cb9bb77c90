"""Made-up other names, addresses and postcodes for the demo county's children.

Each child's are drawn from a generator seeded by the child's id alone, not from the
county's, so that adding them changed none of the county's other made-up records. The
streets are invented; the postcodes have the shape of the demo county's own (OX outward
codes, by locality) with made-up inward codes.
"""

import random

from homeward.exchange.demo_county.records import Child
from homeward.exchange.demo_county.shape import FEMALE_NAMES, MALE_NAMES, OTHER_NAMES

OUTWARD_BY_LOCALITY = {
    "Oxford": ("OX1", "OX2", "OX3", "OX4"),
    "Cherwell and West": ("OX5", "OX7", "OX15", "OX16", "OX17", "OX18", "OX26", "OX28", "OX29"),
    "South and Vale": ("OX10", "OX11", "OX12", "OX13", "OX14", "OX49"),
}
# Royal Mail leaves C, I, K, M, O and V out of an inward code's letters.
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREETS = ("Mill", "Church", "Station", "Orchard", "Meadow", "Bridge", "Willow", "Chapel",
            "Elm", "Beech", "Manor", "Park", "Victoria", "Kingfisher", "Heron", "Foxglove",
            "Bluebell", "Hawthorn", "Larch", "Badger", "Otter", "Primrose", "Brook",
            "Osier")  # fmt: skip
_KINDS = ("Road", "Lane", "Close", "Street", "Way", "Crescent", "Drive", "Gardens")


def made_up_address(child: Child) -> dict[str, str]:
    """The child's other names, address and postcode, the same for the same child id."""
    rng = random.Random(f"address {child.id}")
    names = {"male": MALE_NAMES, "female": FEMALE_NAMES}.get(child.sex, OTHER_NAMES)
    other = rng.choice(names) if rng.random() < 0.3 else ""
    locality = child.home_locality or rng.choice(tuple(OUTWARD_BY_LOCALITY))
    outward = rng.choice(OUTWARD_BY_LOCALITY[locality])
    unit = "".join(rng.choice(_UNIT_LETTERS) for _ in range(2))
    street = f"{rng.randint(1, 120)} {rng.choice(_STREETS)} {rng.choice(_KINDS)}"
    return {
        "other_names": other if other != child.first_name else "",
        "postcode": f"{outward} {rng.randint(1, 9)}{unit}",
        "address": street,
    }
