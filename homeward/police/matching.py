"""Which child a police notification is about.

THE INTERFACE the rest of the police app calls (kept stable): `match_child(council=...,
details=PersonDetails(...))` returns a `Match`: its `decision` ("link", "review" or "new"),
the `child` when the decision is "link", and the `candidates`, best first.

This first version links only on an exact police id, the council's own child id, or the
same folded name and date of birth; the probabilistic linkage replaces `_scored`.
"""

import dataclasses
import datetime as dt

from homeward.children.matching import name_key
from homeward.children.models import Child

LINK = "link"
REVIEW = "review"
NEW = "new"


@dataclasses.dataclass(frozen=True)
class PersonDetails:
    """What a notification says about the child."""

    first_name: str = ""
    last_name: str = ""
    other_names: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    police_id: str = ""
    postcode: str = ""
    address: str = ""
    la_child_id: str = ""


@dataclasses.dataclass(frozen=True)
class Agreement:
    """How one field of the notification agreed with the child's record."""

    field: str
    level: str  # in words: "exact", "close", "day and month swapped", "disagrees", "missing"
    weight: float  # the Fellegi–Sunter log2 weight this level adds


@dataclasses.dataclass(frozen=True)
class Candidate:
    child: Child
    score: float  # from 0 to 1: how likely this child is the one
    agreements: tuple[Agreement, ...] = ()
    method: str = "automatic"  # police_id | local_id | automatic

    def as_json(self) -> dict:
        return {
            "child_id": self.child.pk,
            "local_id": self.child.local_id,
            "score": round(self.score, 4),
            "method": self.method,
            "agreements": [dataclasses.asdict(a) for a in self.agreements],
        }


@dataclasses.dataclass(frozen=True)
class Match:
    decision: str
    candidates: tuple[Candidate, ...]
    child: Child | None = None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def match_child(*, council, details: PersonDetails) -> Match:
    """The child of `council` a notification is about, or the candidates for a person to
    choose from, or none (a new child is proposed)."""
    children = Child.objects.filter(council=council)
    for field, method in (("police_id", "police_id"), ("la_child_id", "local_id")):
        wanted = getattr(details, field)
        if wanted:
            lookup = {"police_id": wanted} if field == "police_id" else {"local_id": wanted}
            found = list(children.filter(**lookup)[:2])
            if len(found) == 1:
                candidate = Candidate(child=found[0], score=1.0, method=method)
                return Match(decision=LINK, candidates=(candidate,), child=found[0])
    candidates = _scored(children, details)
    if not candidates:
        return Match(decision=NEW, candidates=())
    if len(candidates) == 1 and candidates[0].score >= 1.0:
        return Match(decision=LINK, candidates=candidates, child=candidates[0].child)
    return Match(decision=REVIEW, candidates=candidates)


def _scored(children, details: PersonDetails) -> tuple[Candidate, ...]:
    if details.date_of_birth is None:
        return ()
    key = name_key(details.first_name, details.last_name)
    same_day = children.filter(date_of_birth=details.date_of_birth)
    return tuple(
        Candidate(
            child=child, score=1.0 if name_key(child.first_name, child.last_name) == key else 0.5
        )
        for child in same_day[:10]
    )
