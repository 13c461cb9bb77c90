"""A labelled set of made-up children and police notifications about them, with the traps
record linkage meets: typos, nicknames, double surnames, swapped names, day and month
swapped, a digit off, moves, missing fields, twins, siblings, and common names sharing a
date of birth. The test suite (police/tests/test_matching.py) and the benchmark
(bench/notification_matching.py) generate it from a seed, and docs/matching.md reports how
the matcher does on it.

Every notification knows the child it is truly about (`truth`: the index of a child in
`children`, or None for a child the council does not know) and the trap it sets (`kind`).
"""

import dataclasses
import datetime as dt
import random

from homeward.police.matching import PersonDetails

FIRST = {
    "male": ["Jack", "Joshua", "Thomas", "William", "James", "Oliver", "Harry", "Daniel",
             "Samuel", "Mohammed", "Callum", "Kieran", "Liam", "Ethan", "Reece", "Tyler",
             "Nathan", "Connor", "Matthew", "Alfie", "Leon", "Kai", "Owen", "Zachary",
             "Benjamin", "Michael", "Robert", "Dylan", "Jayden", "Lewis"],
    "female": ["Chloe", "Emily", "Olivia", "Jessica", "Rebecca", "Megan", "Abigail", "Amelia",
               "Sophie", "Charlotte", "Elizabeth", "Grace", "Holly", "Jade", "Paige", "Ruby",
               "Lacey", "Ellie", "Katie", "Bethany", "Leah", "Amber", "Millie", "Isla",
               "Aisha", "Maya", "Summer", "Tia", "Courtney", "Victoria"],
}  # fmt: skip
NICKNAME_OF = {"Joshua": "Josh", "Thomas": "Tom", "William": "Will", "James": "Jamie",
               "Oliver": "Ollie", "Daniel": "Danny", "Samuel": "Sam", "Matthew": "Matt",
               "Benjamin": "Ben", "Michael": "Mike", "Robert": "Rob", "Zachary": "Zac",
               "Jack": "John", "Jessica": "Jess", "Rebecca": "Becky", "Abigail": "Abbie",
               "Charlotte": "Lottie", "Elizabeth": "Beth", "Victoria": "Vicky",
               "Amelia": "Millie", "Alfie": "Alfred", "Mohammed": "Muhammad"}  # fmt: skip
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Harris", "Lewis", "Cooper", "King", "Baker",
            "Turner", "Hill", "Ward", "Morris", "Moore", "Khan", "Ali", "Patel", "Begum",
            "Campbell", "Murphy", "Kelly", "Price", "Bennett", "Shaw", "Okafor", "Nowak",
            "Kowalski", "Hussain", "Ahmed", "Mensah", "Fraser", "Pearce", "Lloyd",
            "Barnes"]  # fmt: skip
STREETS = ["Mill", "Church", "Station", "Orchard", "Meadow", "Bridge", "Willow", "Chapel",
           "Elm", "Beech", "Manor", "Park", "Kingfisher", "Heron", "Foxglove", "Hawthorn",
           "Larch", "Otter", "Primrose", "Brook"]  # fmt: skip
ROADS = ["Road", "Lane", "Close", "Street", "Way", "Drive"]
OUTWARD = ["OX1", "OX2", "OX3", "OX4", "OX5", "OX7", "OX10", "OX11", "OX12", "OX14", "OX16"]
UNIT = "ABDEFGHJLNPQRSTUWXYZ"


@dataclasses.dataclass(frozen=True)
class MadeUpChild:
    local_id: str
    first_name: str
    last_name: str
    other_names: str
    date_of_birth: dt.date
    sex: str
    postcode: str
    address: str


@dataclasses.dataclass(frozen=True)
class Notification:
    details: PersonDetails
    truth: int | None  # index into children, or None: a child the council does not know
    kind: str  # the variation
    # Children it must never be linked to automatically (the twin, the siblings).
    never: tuple[int, ...] = ()
    trap: str = ""  # the trap it sets, if any (TRAPS)


@dataclasses.dataclass
class LabelledSet:
    children: list[MadeUpChild]
    notifications: list[Notification]


TRAPS = ("twin", "sibling", "same name and birthday", "unknown sibling")


def _household(rng: random.Random) -> tuple[str, str, str]:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.08:
        surname = f"{surname}-{rng.choice(SURNAMES)}"
    postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(UNIT)}{rng.choice(UNIT)}"
    address = f"{rng.randint(1, 150)} {rng.choice(STREETS)} {rng.choice(ROADS)}"
    return surname, postcode, address


def _born(rng: random.Random, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randint(365 * 5, 365 * 18))


def make_set(
    *, seed: int = 12, households: int = 1200, today: dt.date = dt.date(2026, 12, 1)
) -> LabelledSet:
    """Children in households (some with twins and siblings), and notifications about
    them and about children the council does not know."""
    rng = random.Random(seed)
    children: list[MadeUpChild] = []
    families: list[list[int]] = []

    def add(first, last, born, sex, postcode, address, other="") -> int:
        children.append(
            MadeUpChild(f"LS{len(children):05d}", first, last, other, born, sex, postcode, address)
        )
        return len(children) - 1

    for _ in range(households):
        surname, postcode, address = _household(rng)
        family = []
        size = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        for _ in range(size):
            sex = rng.choice(("male", "female"))
            other = rng.choice(FIRST[sex]) if rng.random() < 0.25 else ""
            family.append(
                add(
                    rng.choice(FIRST[sex]),
                    surname,
                    _born(rng, today),
                    sex,
                    postcode,
                    address,
                    other,
                )
            )
        if rng.random() < 0.06:  # twins: same surname, birthday and address
            born = children[family[0]].date_of_birth
            sex = rng.choice(("male", "female"))
            taken = {children[i].first_name for i in family}
            first = rng.choice([n for n in FIRST[sex] if n not in taken])
            family.append(add(first, surname, born, sex, postcode, address))
        families.append(family)
    # Common names sharing a birthday, in different homes.
    for _ in range(households // 40):
        sex = rng.choice(("male", "female"))
        first, last, born = rng.choice(FIRST[sex][:5]), rng.choice(SURNAMES[:5]), _born(rng, today)
        pair = []
        for _ in range(2):
            _, postcode, address = _household(rng)
            pair.append(add(first, last, born, sex, postcode, address))
        families.append(pair)
    notifications = [
        _notification(rng, children, families, index) for index in _sample(rng, children)
    ]
    notifications += [_unknown(rng, children, families, today) for _ in range(len(children) // 10)]
    return LabelledSet(children, notifications)


def _sample(rng: random.Random, children) -> list[int]:
    return rng.sample(range(len(children)), k=len(children) // 2)


VARIATIONS = (
    ("as recorded", 30),
    ("first name typo", 8),
    ("nickname", 8),
    ("surname typo", 6),
    ("one part of a double surname", 4),
    ("first and last swapped", 3),
    ("day and month swapped", 4),
    ("one digit off", 5),
    ("year off by one", 2),
    ("no postcode or address", 8),
    ("moved home", 8),
    ("known by another name", 3),
    ("no date of birth", 2),
    ("no sex", 2),
)


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name + rng.choice("aeiy")
    at = rng.randint(1, len(name) - 2)
    how = rng.choice(("swap", "drop", "double"))
    if how == "swap":
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if how == "drop":
        return name[:at] + name[at + 1 :]
    return name[:at] + name[at] + name[at:]


def _digit_off(rng: random.Random, born: dt.date) -> dt.date:
    while True:
        digits = born.strftime("%d%m%Y")
        at = rng.choice((0, 1, 3, 7))
        typed = digits[:at] + rng.choice("0123456789") + digits[at + 1 :]
        try:
            changed = dt.date(int(typed[4:]), int(typed[2:4]), int(typed[:2]))
        except ValueError:
            continue
        if changed != born:
            return changed


def _notification(rng, children, families, index) -> Notification:
    child = children[index]
    kind = rng.choices([v[0] for v in VARIATIONS], weights=[v[1] for v in VARIATIONS])[0]
    values = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth,
        "sex": child.sex,
        "postcode": child.postcode if rng.random() < 0.8 else "",
        "address": child.address if rng.random() < 0.7 else "",
    }
    if kind == "first name typo":
        values["first_name"] = _typo(rng, child.first_name)
    elif kind == "nickname":
        values["first_name"] = NICKNAME_OF.get(child.first_name, child.first_name)
    elif kind == "surname typo":
        values["last_name"] = _typo(rng, child.last_name)
    elif kind == "one part of a double surname":
        values["last_name"] = rng.choice(child.last_name.split("-"))
    elif kind == "first and last swapped":
        values["first_name"], values["last_name"] = child.last_name, child.first_name
    elif kind == "day and month swapped" and child.date_of_birth.day <= 12:
        born = child.date_of_birth
        values["date_of_birth"] = dt.date(born.year, born.day, born.month)
    elif kind == "one digit off":
        values["date_of_birth"] = _digit_off(rng, child.date_of_birth)
    elif kind == "year off by one":
        born = child.date_of_birth
        values["date_of_birth"] = born.replace(year=born.year + rng.choice((-1, 1)))
    elif kind == "no postcode or address":
        values["postcode"] = values["address"] = ""
    elif kind == "moved home":
        _, values["postcode"], values["address"] = _household(rng)
    elif kind == "known by another name" and child.other_names:
        values["first_name"] = child.other_names
    elif kind == "no date of birth":
        values["date_of_birth"] = None
    elif kind == "no sex":
        values["sex"] = ""
    family = next(f for f in families if index in f)
    never = tuple(i for i in family if i != index)
    trap = _trap(children, index, never)
    return Notification(PersonDetails(**values), index, kind, never, trap)


def _trap(children, index, others) -> str:
    child = children[index]
    for other in (children[i] for i in others):
        if other.date_of_birth == child.date_of_birth and other.last_name == child.last_name:
            return "twin" if other.address == child.address else "same name and birthday"
    return "sibling" if others else ""


def _unknown(rng, children, families, today) -> Notification:
    """A child the council does not know: half of them a sibling of a known child (same
    surname and home, another first name and birthday)."""
    sex = rng.choice(("male", "female"))
    if rng.random() < 0.5:
        family = rng.choice(families)
        known = children[family[0]]
        taken = {children[i].first_name for i in family}
        first = rng.choice([n for n in FIRST[sex] if n not in taken])
        details = PersonDetails(
            first_name=first,
            last_name=known.last_name,
            date_of_birth=_born(rng, today),
            sex=sex,
            postcode=known.postcode,
            address=known.address,
        )
        return Notification(details, None, "unknown child", tuple(family), "unknown sibling")
    surname, postcode, address = _household(rng)
    details = PersonDetails(
        first_name=rng.choice(FIRST[sex]),
        last_name=surname,
        date_of_birth=_born(rng, today),
        sex=sex,
        postcode=postcode,
        address=address,
    )
    return Notification(details, None, "unknown child")


@dataclasses.dataclass
class Figures:
    """How the matcher did: automatic links right and wrong, reviews, new."""

    notifications: int = 0
    linked_right: int = 0
    linked_wrong: int = 0
    reviewed: int = 0
    new: int = 0
    known: int = 0  # notifications about a child the council knows
    review_has_truth: int = 0  # reviews whose candidates include the right child
    review_known: int = 0  # reviews of notifications about a child the council knows
    wrong: list = dataclasses.field(default_factory=list)
    trap_links_wrong: int = 0
    trap_links: int = 0
    # Per variation and per trap: how many, linked right, linked wrong, review, new.
    by_kind: dict = dataclasses.field(default_factory=dict)
    by_trap: dict = dataclasses.field(default_factory=dict)

    @property
    def precision(self) -> float:
        links = self.linked_right + self.linked_wrong
        return self.linked_right / links if links else 1.0

    @property
    def recall(self) -> float:
        return self.linked_right / self.known if self.known else 0.0

    @property
    def review_share(self) -> float:
        return self.reviewed / self.notifications if self.notifications else 0.0


def save_children(labelled: LabelledSet, council) -> list[int]:
    """Store the set's children in `council`, in the set's order: their ids, for evaluate()."""
    from homeward.children.models import Child

    made = Child.objects.bulk_create(
        Child(
            council=council,
            responsible_la=council,
            local_id=c.local_id,
            first_name=c.first_name,
            last_name=c.last_name,
            other_names=c.other_names,
            date_of_birth=c.date_of_birth,
            sex=c.sex,
            postcode=c.postcode,
            address=c.address,
        )
        for c in labelled.children
    )
    return [child.pk for child in made]


def evaluate(labelled: LabelledSet, match, ids: list[int]) -> Figures:
    """Run `match(details)` on every notification; `ids[i]` is the stored pk of child i."""
    from homeward.police.matching import LINK, NEW, REVIEW

    figures = Figures()
    index_of = {pk: i for i, pk in enumerate(ids)}
    for notification in labelled.notifications:
        result = match(notification.details)
        figures.notifications += 1
        figures.known += notification.truth is not None
        trap = bool(notification.trap)
        outcome = {NEW: "new", REVIEW: "review"}.get(result.decision, "")
        if result.decision == LINK:
            right = index_of.get(result.child.pk) == notification.truth
            figures.linked_right += right
            figures.linked_wrong += not right
            outcome = "right" if right else "wrong"
            figures.trap_links += trap
            if not right:
                figures.wrong.append(notification)
                figures.trap_links_wrong += trap
        elif result.decision == REVIEW:
            figures.reviewed += 1
            figures.review_known += notification.truth is not None
            picked = {index_of.get(c.child.pk) for c in result.candidates}
            figures.review_has_truth += notification.truth in picked
        else:
            figures.new += 1
        for table, key in (
            (figures.by_kind, notification.kind),
            (figures.by_trap, notification.trap),
        ):
            if key:
                counts = table.setdefault(
                    key, dict.fromkeys(("all", "right", "wrong", "review", "new"), 0)
                )
                counts["all"] += 1
                counts[outcome] += 1
    return figures
