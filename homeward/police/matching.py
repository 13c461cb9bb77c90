"""Which child a police notification is about: Fellegi–Sunter record linkage.

THE INTERFACE the rest of the police app calls (kept stable): `match_child(council=...,
details=PersonDetails(...))` returns a `Match`: its `decision` ("link", "review" or "new"),
the `child` when the decision is "link", and the `candidates`, best first.

How (docs/matching.md has the method, the weights and the measured figures):

1. An exact police id, or the council's own child id, links at once (a duplicate merged
   into another record leads to the record it was merged into).
2. Otherwise the candidates are the council's children born on the notification's date of
   birth or a likely mistyping of it (day and month swapped, one digit off, a year off:
   one indexed `IN` query), those whose folded name is closest to the notification's
   (the trigram index of Find a child, homeward.children.matching), and those living at
   the notification's postcode (so that a brother or sister is shown, and not linked).
3. Each candidate is compared field by field. Each field's comparison falls into one level
   ("exact", "nickname", "close", ...), and each level adds its Fellegi–Sunter weight,
   log2(m / u): m is how often the level is seen when the notification IS about the child,
   u how often when it is about someone else. The m and u below are stated, not trained:
   each can be read and argued with. The total, with the prior odds that a notification
   is about a given child, is the probability shown (0 to 1).
4. The decision: at HOMEWARD_MATCH_AUTO_LINK or above, linked, unless a guard says a
   person must look (the first names do not agree at least closely; a second candidate
   shares the surname and date of birth, as twins do; the second is nearly as likely); at
   HOMEWARD_MATCH_REVIEW or above, or whenever any near match exists, reviewed; otherwise
   a new child is proposed.
"""

import contextlib
import dataclasses
import datetime as dt
import math
import typing
from functools import cache, lru_cache

from django.conf import settings
from django.db import connection, transaction
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from homeward.children.matching import NameMatches, WordSimilarity, fold
from homeward.children.models import Child
from homeward.children.rules import normalise_postcode

LINK = "link"
REVIEW = "review"
NEW = "new"

# The names of the levels, in words a coordinator reads beside each field.
EXACT = "exact"
NICKNAME = "nickname"
CLOSE = "close"
IN_OTHER_NAMES = "in other names"
PART = "part of a double surname"
SWAPPED = "first and last names swapped"
DAY_MONTH_SWAPPED = "day and month swapped"
DIGIT_OFF = "one digit off"
YEAR_OFF = "year off by one"
SECTOR = "same postcode sector"
DISTRICT = "same postcode district"
DISAGREES = "disagrees"
MISSING = "missing"

# (m, u) of each level of each field. m: the share of true pairs (the notification is about
# this child) at that level; u: the share of false pairs. Reasoned from how police and
# council records of the same child differ (typos, nicknames, transposed dates, moves) and
# how often two different children agree by chance (about 1 in 100 share a first name,
# 1 in 200 a surname, 1 in 6,500 a date of birth among 0-to-18-year-olds, 1 in 2,000 a
# postcode in a county). A level "missing" (either side not known) weighs nothing.
M_U = {
    "first_name": {
        EXACT: (0.86, 0.01),
        NICKNAME: (0.05, 0.002),
        CLOSE: (0.05, 0.006),
        IN_OTHER_NAMES: (0.02, 0.004),
        SWAPPED: (0.005, 0.0001),
        DISAGREES: (0.02, 0.975),
    },
    "last_name": {
        EXACT: (0.88, 0.005),
        PART: (0.05, 0.001),
        CLOSE: (0.04, 0.005),
        SWAPPED: (0.005, 0.0001),
        DISAGREES: (0.025, 0.989),
    },
    "date_of_birth": {
        EXACT: (0.92, 0.00015),
        DAY_MONTH_SWAPPED: (0.02, 0.00015),
        DIGIT_OFF: (0.03, 0.004),
        YEAR_OFF: (0.01, 0.00015),
        DISAGREES: (0.02, 0.9955),
    },
    "sex": {
        EXACT: (0.96, 0.5),
        DISAGREES: (0.04, 0.5),
    },
    "postcode": {
        EXACT: (0.6, 0.0005),
        SECTOR: (0.1, 0.01),
        DISTRICT: (0.1, 0.06),
        DISAGREES: (0.2, 0.93),
    },
    "address": {
        EXACT: (0.55, 0.002),
        CLOSE: (0.2, 0.01),
        DISAGREES: (0.25, 0.988),
    },
}
WEIGHTS = {
    field: {level: math.log2(m / u) for level, (m, u) in levels.items()}
    for field, levels in M_U.items()
}
# The prior: before any field is compared, the chance that a notification is about one
# given child of the council's (about 1 in 100,000; a county keeps tens of thousands).
PRIOR = 1e-5
PRIOR_WEIGHT = math.log2(PRIOR / (1 - PRIOR))

# Jaro-Winkler similarity (0 to 1) at which two names are "close"; token-set ratio (0 to
# 100) at which two addresses are exact and close.
NAME_CLOSE = 0.9
ADDRESS_EXACT = 95
ADDRESS_CLOSE = 80
# Guards on an automatic link: the best candidate's total weight must exceed the second's
# by this many bits (2**6 = 64 times as likely).
MARGIN_BITS = 6.0
# A candidate with a probability below this, and no near match of name or date of birth,
# is not shown.
SHOWN_FROM = 0.001
# A candidate at least this likely is a near match (a sibling at the same address is).
NEAR = 0.01
SHOWN_AT_MOST = 5
# The name query reads at most this many of the closest names.
NAME_BLOCK = 30
# And at most this many of the children living at the notification's postcode (a brother
# or sister with another name and birthday is found by no other block).
POSTCODE_BLOCK = 20
# Only the best this many candidates are read whole (and can be shown or guard a link).
READ_AT_MOST = 10
# Agreements on the first name that let a link be made without a person.
FIRST_NAME_LINKS = {EXACT, NICKNAME, CLOSE, SWAPPED}

# Common English nicknames and their full names (and spellings of one name), one group a
# line: two first names agree as "nickname" when they are in one group.
NICKNAMES = """
abigail abbie abby abi
alexander alex xander
alexandra alex lexi alexa
alfred alfie alf
andrew andy drew
anthony tony ant
benjamin ben benji
bethany beth
callum cal
catherine katherine kate katie cath kathryn kathy
charles charlie chas chuck
charlotte charlie lottie
christopher chris kit
daniel dan danny
david dave davey
edward ed eddie ted ned
eleanor ellie ella elle nell
elizabeth beth liz lizzie eliza betty libby
emily emmy em
frederick fred freddie freddy
harold harry
henry harry hal
isabella isabel izzy bella issy
jacob jake jay
james jim jimmy jamie
jennifer jen jenny
jessica jess jessie
john jack johnny jon
jonathan jon jonny
joseph joe joey
joshua josh
katherine kat
kieran kiernan
margaret maggie meg peggy
matthew matt matty
megan meg
michael mike mikey mick
mohammed muhammad mohammad mohamed mo
nathan nate
nathaniel nate nat
nicholas nick nicky
oliver ollie
olivia liv livvy
patrick pat paddy
peter pete
rebecca becky becca
richard rich richie rick
robert rob robbie bob bobby
samantha sam sammy
samuel sam sammy
sophie sophia
stephen steve stevie
steven steve stevie
theodore theo ted
thomas tom tommy
victoria vicky tori
william will bill billy liam
zachary zac zack zach
amelia millie amy
finley finn
"""
_GROUPS: dict[str, set[int]] = {}
for _number, _line in enumerate(NICKNAMES.strip().splitlines()):
    for _name in _line.split():
        _GROUPS.setdefault(_name, set()).add(_number)


def nicknames_agree(one: str, other: str) -> bool:
    """Whether two folded first names are one name (Josh and Joshua, Jack and John)."""
    return bool(_GROUPS.get(one, set()) & _GROUPS.get(other, set()))


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
    weight: float = 0.0  # the total log2 weight, the prior included

    def as_json(self) -> dict:
        return {
            "child_id": self.child.pk,
            "local_id": self.child.local_id,
            "score": round(self.score, 4),
            "method": self.method,
            "agreements": [dataclasses.asdict(a) for a in self.agreements],
        }

    def level(self, field: str) -> str:
        """The level at which `field` agreed ("missing" when it was not compared)."""
        return next((a.level for a in self.agreements if a.field == field), MISSING)

    @property
    def near(self) -> bool:
        """A near match: at least NEAR likely, or the names agree (at least closely), or the
        date of birth does (at least nearly) with the surname or the first name: a person
        should see it before a new child is made."""
        if self.score >= NEAR:
            return True
        first, last = self.level("first_name"), self.level("last_name")
        born = self.level("date_of_birth")
        names = first not in (DISAGREES, MISSING) and last not in (DISAGREES, MISSING)
        born_near = born not in (DISAGREES, MISSING)
        return names or (born_near and (first in FIRST_NAME_LINKS or last != DISAGREES))


@dataclasses.dataclass(frozen=True)
class Match:
    decision: str
    candidates: tuple[Candidate, ...]
    child: Child | None = None
    reason: str = ""  # why a person must look, when the decision is "review"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


# Why a notification waits for a person, in words shown in the review queue.
TWINS = "Another child has the same surname and date of birth (a twin?): a person must choose."
FIRST_NAME_DIFFERS = "The first name does not agree: a sibling? A person must check."
TOO_CLOSE = "Two children are nearly as likely as each other: a person must choose."
NOT_SURE = "The best candidate is not likely enough to link without a person."
NEAR_MATCH = "No child is likely, but some are near: a person must check before a new child."


def match_child(*, council, details: PersonDetails) -> Match:
    """The child of `council` a notification is about, or the candidates for a person to
    choose from, or none (a new child is proposed)."""
    for wanted, lookup, method in (
        (details.police_id.strip(), "police_id", "police_id"),
        (details.la_child_id.strip(), "local_id", "local_id"),
    ):
        if wanted:
            child = _exact(council, lookup, wanted)
            if child is not None:
                return linked_by_id(child, method)
    candidates = scored_candidates(council=council, details=details)
    return decide(candidates)


def linked_by_id(child: Child, method: str) -> Match:
    """The match of a child found by an id (the police's, or the council's)."""
    candidate = Candidate(child=child, score=1.0, method=method)
    return Match(decision=LINK, candidates=(candidate,), child=child)


def _exact(council, lookup: str, wanted: str) -> Child | None:
    """The one child with this id (a merged duplicate's survivor), or None."""
    return one_survivor(list(Child.all_records.filter(council=council, **{lookup: wanted})[:2]))


def one_survivor(found: list[Child]) -> Child | None:
    """The one child these (read by an id) are, merged duplicates followed; or None."""
    survivors = {_survivor(child).pk: _survivor(child) for child in found}
    return next(iter(survivors.values())) if len(survivors) == 1 else None


def _survivor(child: Child) -> Child:
    seen = set()
    while child.merged_into_id is not None and child.pk not in seen:
        seen.add(child.pk)
        child = Child.all_records.get(pk=child.merged_into_id)
    return child


def decide(candidates: list[Candidate]) -> Match:
    """Link, review or new, from the candidates best first (the guards in the docstring)."""
    shown = tuple(c for c in candidates if c.score >= SHOWN_FROM or c.near)[:SHOWN_AT_MOST]
    if not shown:
        return Match(decision=NEW, candidates=())
    best = shown[0]
    second = shown[1] if len(shown) > 1 else None
    if best.score >= settings.HOMEWARD_MATCH_AUTO_LINK:
        reason = _link_guard(best, shown[1:], second)
        if not reason:
            return Match(decision=LINK, candidates=shown, child=best.child)
        return Match(decision=REVIEW, candidates=shown, reason=reason)
    if best.score >= settings.HOMEWARD_MATCH_REVIEW:
        return Match(decision=REVIEW, candidates=shown, reason=NOT_SURE)
    if any(c.near for c in shown):
        return Match(decision=REVIEW, candidates=shown, reason=NEAR_MATCH)
    return Match(decision=NEW, candidates=shown)


def _link_guard(best: Candidate, others, second: Candidate | None) -> str:
    """Why the best candidate must not be linked without a person, or ""."""
    if best.level("first_name") not in FIRST_NAME_LINKS:
        return FIRST_NAME_DIFFERS
    child = best.child
    surname = fold(child.last_name)
    if any(
        o.child.date_of_birth == child.date_of_birth and fold(o.child.last_name) == surname
        for o in others
    ):
        return TWINS
    if second is not None and best.weight - second.weight < MARGIN_BITS:
        return TOO_CLOSE
    return ""


# Finding the candidates.


def date_variants(born: dt.date) -> set[dt.date]:
    """The date of birth and its likely mistypings: day and month swapped, any one digit
    of DDMMYYYY off, the year off by one."""
    variants = {born}
    digits = born.strftime("%d%m%Y")
    for at in range(8):
        for digit in "0123456789":
            typed = digits[:at] + digit + digits[at + 1 :]
            variants.add(_date(typed[4:], typed[2:4], typed[:2]))
    variants.add(_date(str(born.year), str(born.day), str(born.month)))
    for year in (born.year - 1, born.year + 1):
        variants.add(_date(str(year), str(born.month), str(born.day)))
    variants.discard(None)
    return {d for d in variants if abs(d.year - born.year) <= 10}


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


_FIELDS = (
    "pk",
    "local_id",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
)


class _Row(typing.NamedTuple):
    """A candidate as read for scoring (its Child is read only if it is shown)."""

    pk: int
    local_id: str
    first_name: str
    last_name: str
    other_names: str
    date_of_birth: dt.date
    sex: str
    postcode: str
    address: str


def scored_candidates(*, council, details: PersonDetails) -> list[Candidate]:
    """The council's children blocked on date of birth, name or postcode, each scored, best
    first. Rows are read as plain values and scored; only the best few are read as Child
    records (a thousand children may share a mistyped birthday's variants)."""
    wanted = _Wanted.of(details)
    rows = _blocked(council, details, wanted)
    scored = [score(wanted, row) for row in rows if _hopeful(wanted, row)]
    scored.sort(key=lambda c: (-c.weight, c.child.pk))
    best = scored[:READ_AT_MOST]
    read = Child.objects.in_bulk([c.child.pk for c in best])
    return [dataclasses.replace(c, child=read[c.child.pk]) for c in best if c.child.pk in read]


def _blocked(council, details: PersonDetails, wanted: "_Wanted") -> list[_Row]:
    """The rows of the children in any block, each once. Where the database can limit a part
    of a union (PostgreSQL), the blocks are read in one query, the parts of a UNION ALL, each
    planned as if alone; SQLite reads them one after another."""
    children = Child.objects.filter(council=council).order_by()
    blocks = []
    if details.date_of_birth is not None:
        blocks.append(children.filter(date_of_birth__in=_sorted_variants(details.date_of_birth)))
    query = fold(f"{details.first_name} {details.last_name}")
    if query:
        # The matches ranked by similarity, not read nearest first from the GiST index:
        # that index holds every council's children, and when this council has few near
        # names it reads through all the others' (minutes, measured, beside 300,000).
        named = children.filter(NameMatches(query)).annotate(similar=WordSimilarity(query))
        blocks.append(named.order_by("-similar", "pk")[:NAME_BLOCK])
    if wanted.postcode and " " in wanted.postcode:
        blocks.append(children.filter(postcode=wanted.postcode)[:POSTCODE_BLOCK])
    reads = [block.values_list(*_FIELDS) for block in blocks]
    if len(reads) > 1 and connection.features.supports_slicing_ordering_in_compound:
        reads = [reads[0].union(*reads[1:], all=True)]
    rows: dict[int, _Row] = {}
    with _name_index() if query else contextlib.nullcontext():
        for read in reads:
            for values in read:
                rows.setdefault(values[0], _Row(*values))
    return list(rows.values())


@lru_cache(maxsize=10_000)
def _sorted_variants(born: dt.date) -> tuple[dt.date, ...]:
    return tuple(sorted(date_variants(born)))


@contextlib.contextmanager
def _name_index():
    """PostgreSQL reads the name block from the trigram index, never by reading every child:
    it costs the similarity test on each row as nothing, so for a council of some tens of
    thousands it chose to read them all, ten times slower (about 500 ms against 50 ms
    beside 50,000, measured: most of the API's time a report). The setting is put back after,
    for the rest of the caller's transaction; outside one, the setting is made in a
    transaction of the block's own, whose end puts it back."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.get_autocommit():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        (before, _) = cursor.fetchone()
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


@dataclasses.dataclass(frozen=True)
class _Wanted:
    """The notification's details, folded once for comparing with every candidate."""

    first: str
    last: str
    last_parts: frozenset[str]
    others: frozenset[str]
    born: dt.date | None
    sex: str
    postcode: str
    address: str

    @classmethod
    def of(cls, details: PersonDetails) -> "_Wanted":
        last = fold(details.last_name)
        return cls(
            first=_first_word(details.first_name),
            last=last,
            last_parts=frozenset(last.split()),
            others=frozenset(fold(details.other_names).split()),
            born=details.date_of_birth,
            sex=details.sex if details.sex in ("male", "female") else "",
            postcode=normalise_postcode(details.postcode) or "",
            address=_address(details.address),
        )


# Folding is the slowest part of comparing; the same names come round again and again.
_fold = lru_cache(maxsize=100_000)(fold)


@lru_cache(maxsize=50_000)
def _first_word(name: str) -> str:
    folded = _fold(name)
    return folded.split()[0] if folded else ""


def _address(text: str) -> str:
    return _fold(text)


def _hopeful(wanted: _Wanted, row: _Row) -> bool:
    """Whether a row can be shown at all: both names disagreeing, with the date of birth
    only nearly the same and another postcode, it cannot (at most -11 bits, 0.0005, and not
    a near match), and most of a mistyped birthday's thousand children are such."""
    if row.date_of_birth == wanted.born or (wanted.postcode and row.postcode == wanted.postcode):
        return True
    first, last = _first_word(row.first_name), _fold(row.last_name)
    # As _names says, without making its agreements: the names are swapped only when both
    # disagree.
    return (
        _first_level(wanted, first, row) != DISAGREES
        or _last_level(wanted, last) != DISAGREES
        or _swapped(wanted, first, last)
    )


def score(wanted: _Wanted, child) -> Candidate:
    """One candidate (a Child, or its row), compared field by field, with its weights and
    probability."""
    first = _first_word(child.first_name)
    last = _fold(child.last_name)
    agreements = [*_names(wanted, first, last, child)]
    agreements.append(_born(wanted.born, child.date_of_birth))
    agreements.append(_sex(wanted.sex, child.sex))
    agreements.append(_postcode(wanted.postcode, child.postcode))
    agreements.append(_address_level(wanted.address, _address(child.address)))
    weight = PRIOR_WEIGHT + sum(a.weight for a in agreements)
    return Candidate(
        child=child,
        score=_probability(weight),
        agreements=tuple(agreements),
        weight=weight,
    )


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds = 2.0**weight
    return odds / (1 + odds)


@cache
def _agreement(field: str, level: str) -> Agreement:
    return Agreement(field, level, round(WEIGHTS[field].get(level, 0.0), 2))


def _names(wanted: _Wanted, first: str, last: str, child: Child) -> list[Agreement]:
    first_level = _first_level(wanted, first, child)
    last_level = _last_level(wanted, last)
    if first_level == DISAGREES and last_level == DISAGREES and _swapped(wanted, first, last):
        first_level = last_level = SWAPPED
    return [_agreement("first_name", first_level), _agreement("last_name", last_level)]


def _first_level(wanted: _Wanted, first: str, child: Child) -> str:
    if not wanted.first or not first:
        return MISSING
    if wanted.first == first:
        return EXACT
    if nicknames_agree(wanted.first, first):
        return NICKNAME
    if JaroWinkler.similarity(wanted.first, first) >= NAME_CLOSE:
        return CLOSE
    child_others = _fold(child.other_names).split()
    if wanted.first in child_others or first in wanted.others:
        return IN_OTHER_NAMES
    return DISAGREES


def _last_level(wanted: _Wanted, last: str) -> str:
    if not wanted.last or not last:
        return MISSING
    if wanted.last == last:
        return EXACT
    parts = frozenset(last.split())
    if (len(parts) > 1 or len(wanted.last_parts) > 1) and parts & wanted.last_parts:
        return PART
    if JaroWinkler.similarity(wanted.last, last) >= NAME_CLOSE:
        return CLOSE
    return DISAGREES


def _swapped(wanted: _Wanted, first: str, last: str) -> bool:
    close = NAME_CLOSE
    return (
        JaroWinkler.similarity(wanted.first, last) >= close
        and JaroWinkler.similarity(wanted.last, first) >= close
    )


def _born(wanted: dt.date | None, born: dt.date | None) -> Agreement:
    if wanted is None or born is None:
        return _agreement("date_of_birth", MISSING)
    if wanted == born:
        return _agreement("date_of_birth", EXACT)
    if (wanted.day, wanted.month, wanted.year) == (born.month, born.day, born.year):
        return _agreement("date_of_birth", DAY_MONTH_SWAPPED)
    if (wanted.day, wanted.month) == (born.day, born.month) and abs(wanted.year - born.year) == 1:
        return _agreement("date_of_birth", YEAR_OFF)
    if sum(a != b for a, b in zip(_digits(wanted), _digits(born), strict=True)) == 1:
        return _agreement("date_of_birth", DIGIT_OFF)
    return _agreement("date_of_birth", DISAGREES)


@lru_cache(maxsize=10_000)
def _digits(born: dt.date) -> str:
    return born.strftime("%d%m%Y")


def _sex(wanted: str, sex: str) -> Agreement:
    if not wanted or sex not in ("male", "female"):
        return _agreement("sex", MISSING)
    return _agreement("sex", EXACT if wanted == sex else DISAGREES)


def _postcode(wanted: str, postcode: str) -> Agreement:
    if not wanted or not postcode:
        return _agreement("postcode", MISSING)
    if wanted == postcode:
        return _agreement("postcode", EXACT)
    one, other = wanted.split(" "), postcode.split(" ")
    if one[0] != other[0]:
        return _agreement("postcode", DISAGREES)
    if len(one) == 2 and len(other) == 2 and one[1][0] == other[1][0]:
        return _agreement("postcode", SECTOR)
    return _agreement("postcode", DISTRICT)


def _address_level(wanted: str, address: str) -> Agreement:
    if not wanted or not address:
        return _agreement("address", MISSING)
    ratio = fuzz.token_set_ratio(wanted, address)
    if ratio >= ADDRESS_EXACT:
        return _agreement("address", EXACT)
    if ratio >= ADDRESS_CLOSE:
        return _agreement("address", CLOSE)
    return _agreement("address", DISAGREES)


def likelihood(score: float) -> str:
    """A likelihood as a person reads it: never "100%" nor "0%", which no matcher can know."""
    if score >= 0.995:
        return "over 99%"
    if score < 0.01:
        return "under 1%"
    return f"{score * 100:.0f}%"
