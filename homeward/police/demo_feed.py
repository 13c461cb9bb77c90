"""A made-up police force's feed for the demo (`homeward demo-police-feed`): realistic
notifications about the demo county's made-up children, posted to the API as a force's
system would, so that Missing now moves and the review queue has work in it.

Each round sends, about children who are not missing now:
- a high-risk report of one child, their first name as the police wrote it (a nickname or
  a typo), which Homeward links to them by their details;
- a medium-risk report of another (with their police id, where the police have one), then
  its regrading to the force's own "HIGH RISK";
- a second force's report of the first child (a neighbouring force's log): it joins the
  episode already open instead of making another;
- a third child's being found, sent before the report of them (a mistyped surname) that it
  closes: held, then applied when the report arrives;
- a report of a brother or sister nobody has recorded (the same surname, date of birth and
  address as a known child, another first name), which must wait for a person;
- a report of a child the council does not know, and one that cannot be read.
Once the feed has more than six children missing, those missing longest are found.
"""

import dataclasses
import datetime as dt
import json
import random
import urllib.error
import urllib.request
from collections import deque

from django.db.models import Q

from homeward.children.models import Child
from homeward.core.clock import LONDON, age_in_years
from homeward.episodes.models import Episode
from homeward.police.matching import NICKNAMES

FORCE = "Made-up Shire Constabulary"
SECOND_FORCE = "Made-up Vale Police"
FOUND_AT = ["Made-up bus station", "A friend's house, Made-up Street", "Made-up retail park"]
UNKNOWN_FIRST = ["Zebedee", "Ottoline", "Barnaby", "Persephone", "Crispin", "Marigold"]
UNKNOWN_LAST = ["Quillfeather", "Nowhereson", "Inkwell", "Thistlewood", "Pennyfarthing"]
OTHER_FIRST = {
    "male": ["Kian", "Rory", "Ashton", "Brody", "Caleb", "Elliot"],
    "female": ["Skye", "Imogen", "Freya", "Poppy", "Esme", "Willow"],
}
OTHER_FIRST_ANY = ["Ash", "Robin", "Jordan", "Sasha"]
# Children aged this old to this old (at the round) are reported missing.
AGES = range(10, 18)
# A child back within this long is not reported missing again by the feed.
RESTING = dt.timedelta(hours=12)
# How many children the feed keeps missing at once: those missing longest are then found.
KEPT_MISSING = 6

_NICKNAMES = [line.split() for line in NICKNAMES.strip().splitlines()]


@dataclasses.dataclass(frozen=True)
class Post:
    """One notification to send: what it is, in words, and its fields as the API takes them."""

    what: str
    payload: dict
    # The second force sends it (with its own token, when the feed has one).
    second_force: bool = False
    # What the API should answer: 2xx, or 400 for the one that cannot be read.
    readable: bool = True


@dataclasses.dataclass(frozen=True)
class Known:
    """A demo child as the police know them."""

    local_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    police_id: str
    postcode: str
    address: str


def children_to_report(council, now: dt.datetime) -> list[Known]:
    """The council's children who could be reported missing now: aged 10 to 17, not missing
    now, and not back within the last 12 hours."""
    today = now.astimezone(LONDON).date()
    oldest = dt.date(today.year - AGES.stop, today.month, 1)
    busy = Episode.objects.filter(council=council).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=now - RESTING)
    )
    rows = (
        Child.objects.filter(council=council, date_of_birth__gte=oldest)
        .exclude(pk__in=busy.values("child_id"))
        .order_by("local_id")
        .values_list(*(f.name for f in dataclasses.fields(Known)))
    )
    children = [Known(*row) for row in rows]
    return [c for c in children if age_in_years(c.date_of_birth, today) in AGES]


class Feed:
    """The made-up force's feed: rounds of notifications, each different, remembering whom it
    reported missing so that it can report them found."""

    def __init__(self, *, council_code: str, started: dt.datetime, seed: int = 0):
        self.council_code = council_code
        self.number = 0
        self.seed = seed
        # Refs are unique to this run: the same run restarted sends new events, not repeats.
        self.stamp = started.astimezone(LONDON).strftime("%y%m%d%H%M%S")
        self.missing: deque[tuple[str, str, Known]] = deque()  # (ref, force, child)

    def next_round(self, children: list[Known], now: dt.datetime) -> list[Post]:
        """The next round of notifications about `children` (those free to go missing)."""
        rng = random.Random(f"{self.seed}-{self.number}")
        self.number += 1
        posts = self._found(now)
        if len(children) < 4:
            return posts + [self._unknown(rng, now), self._unreadable(now)]
        first, second, third, fourth = rng.sample(children, 4)
        posts += self._reports(rng, now, first, second, third)
        posts += [self._sibling(rng, now, fourth), self._unknown(rng, now)]
        return posts + [self._unreadable(now)]

    def _ref(self, letter: str, force: str = FORCE) -> str:
        initials = "".join(word[0] for word in force.split() if word[0].isupper())
        return f"{initials}-{self.stamp}-{self.number:03d}{letter}"

    def _reports(self, rng, now, first: Known, second: Known, third: Known) -> list[Post]:
        seen_first = now - dt.timedelta(hours=2)
        first_ref, neighbour_ref = self._ref("A"), self._ref("N", SECOND_FORCE)
        second_ref, third_ref = self._ref("B"), self._ref("C")
        self.missing.append((first_ref, FORCE, first))
        self.missing.append((second_ref, FORCE, second))
        shown_as = as_written(rng, first.first_name)
        said = "a nickname" if shown_as.lower() in nicknames_of(first.first_name) else "a typo"
        return [
            Post(
                f"a high-risk report of {first.local_id}, first name with {said} "
                f"({shown_as} for {first.first_name})",
                self._report(first, first_ref, seen_first, risk="high", first_name=shown_as),
            ),
            Post(
                f"a medium-risk report of {second.local_id}, "
                + ("with their police id" if second.police_id else "by name and date of birth"),
                self._report(
                    second,
                    second_ref,
                    now - dt.timedelta(hours=5),
                    risk="medium",
                    police_id=second.police_id,
                    missing_from="placement",
                ),
            ),
            Post(
                f"{second.local_id} regraded to the force's own 'HIGH RISK'",
                self._event(second_ref, "update", now, risk="HIGH RISK"),
            ),
            Post(
                f"{SECOND_FORCE}'s own report of {first.local_id} (a second reference for the "
                "same episode)",
                self._report(first, neighbour_ref, seen_first, risk="high", force=SECOND_FORCE)
                | {"date_of_birth": first.date_of_birth.isoformat()},
                second_force=True,
            ),
            # Out of order: the found arrives first, and is held until its report is applied.
            Post(
                f"{third.local_id} found, sent before the report it closes (held until then)",
                self._event(
                    third_ref,
                    "found",
                    now - dt.timedelta(minutes=10),
                    found_at=_when(now - dt.timedelta(minutes=10)),
                    found_location=rng.choice(FOUND_AT),
                ),
            ),
            Post(
                f"a low-risk report of {third.local_id}, surname mistyped",
                self._report(
                    third,
                    third_ref,
                    now - dt.timedelta(hours=26),
                    risk="low",
                    last_name=typo(rng, third.last_name),
                ),
            ),
        ]

    def _found(self, now: dt.datetime) -> list[Post]:
        """The children the feed reported missing longest ago, found, when it has more than
        KEPT_MISSING missing."""
        posts = []
        while len(self.missing) > KEPT_MISSING:
            ref, force, child = self.missing.popleft()
            at = now - dt.timedelta(minutes=20)
            posts.append(
                Post(
                    f"{child.local_id} found ({ref})",
                    self._event(ref, "found", at, force=force, found_at=_when(at)),
                    second_force=force != FORCE,
                )
            )
        return posts

    def _sibling(self, rng, now: dt.datetime, known: Known) -> Post:
        names = OTHER_FIRST.get(known.sex, OTHER_FIRST_ANY)
        first = rng.choice([n for n in names if n != known.first_name])
        payload = self._report(
            known, self._ref("S"), now - dt.timedelta(hours=3), risk="medium", first_name=first
        )
        del payload["sex"]  # the police did not say
        return Post(
            f"a report of {first} {known.last_name}, whose surname, date of birth and address "
            f"are {known.local_id}'s (a brother or sister nobody has recorded): for review",
            payload,
        )

    def _unknown(self, rng, now: dt.datetime) -> Post:
        first, last = rng.choice(UNKNOWN_FIRST), rng.choice(UNKNOWN_LAST)
        born = now.astimezone(LONDON).date().replace(day=1) - dt.timedelta(days=365 * 14)
        stranger = Known("", first, last, born, "unknown", "", "OX9 9ZZ", "1 Nowhere Lane")
        payload = self._report(stranger, self._ref("U"), now - dt.timedelta(hours=1), "medium")
        return Post(f"a report of {first} {last}, a child the council does not know", payload)

    def _unreadable(self, now: dt.datetime) -> Post:
        payload = self._event(self._ref("X"), "vanished", now)
        payload |= {"date_of_birth": "31/02/2012", "last_seen_at": "teatime yesterday"}
        return Post("a notification that cannot be read", payload, readable=False)

    def _report(self, child: Known, ref: str, seen: dt.datetime, risk: str, **given) -> dict:
        values = {
            "event": "missing",
            "event_at": _when(seen + dt.timedelta(minutes=45)),
            "last_seen_at": _when(seen),
            "reported_at": _when(seen + dt.timedelta(minutes=45)),
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
            "sex": child.sex,
            "postcode": child.postcode,
            "address": child.address,
            "missing_from": "home",
            "risk": risk,
            "reported_by": "Made-up parent" if "missing_from" not in given else "Made-up carer",
        }
        force = given.pop("force", FORCE)
        return self._payload(ref, force, values | given)

    def _event(self, ref: str, event: str, at: dt.datetime, force: str = FORCE, **given) -> dict:
        return self._payload(ref, force, {"event": event, "event_at": _when(at)} | given)

    def _payload(self, ref: str, force: str, values: dict) -> dict:
        fields = {"force": force, "police_ref": ref} | values
        return {"council": self.council_code} | {k: str(v) for k, v in fields.items() if v}


def _when(at: dt.datetime) -> str:
    """A time as police systems write it: dd/mm/yyyy HH:MM, London time."""
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def nicknames_of(first_name: str) -> set[str]:
    """The names `first_name` is also written as (Josh for Joshua), lower case."""
    name = first_name.lower()
    return {other for group in _NICKNAMES if name in group for other in group} - {name}


def as_written(rng: random.Random, first_name: str) -> str:
    """A first name as a force might write it: a nickname where there is one, else a typo."""
    others = sorted(nicknames_of(first_name))
    if others:
        return rng.choice(others).capitalize()
    return typo(rng, first_name)


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: two letters swapped, or one doubled, past the first."""
    if len(name) < 3:
        return name + name[-1]
    at = rng.randint(1, len(name) - 2)
    if name[at] != name[at + 1] and rng.random() < 0.5:
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return name[: at + 1] + name[at] + name[at + 1 :]


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int  # 0 when the server could not be reached
    said: str  # what the server answered (its outcome or problems), in short
    retry_after: float = 0.0  # seconds, when the server said to wait (429)


def send(url: str, token: str, payload: dict, *, timeout: float = 10.0) -> Answer:
    """POST one notification to the API; what it answered (never raises for an HTTP error)."""
    if not url.startswith(("http://", "https://")):
        return Answer(0, f"{url} is not a web address: give one starting http:// or https://")
    request = urllib.request.Request(  # noqa: S310 (http or https only, checked above)
        url.rstrip("/") + "/api/v1/notifications",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        # http or https only (checked above), to the operator's own --url.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 # nosec B310
            return Answer(response.status, _said(response.read()))
    except urllib.error.HTTPError as error:
        wait = error.headers.get("Retry-After", "") if error.headers else ""
        seconds = float(wait) if wait.replace(".", "", 1).isdigit() else 1.0
        return Answer(error.code, _said(error.read()), retry_after=seconds)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(0, f"could not reach {url}: {reason}")


def _said(body: bytes) -> str:
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        return body.decode(errors="replace")[:200]
    if isinstance(answer, dict):
        parts = [f"{answer['state']}:"] if answer.get("state") else []
        parts += [str(answer[k]) for k in ("outcome", "detail") if answer.get(k)]
        problems = answer.get("problems") or answer.get("errors") or []
        parts += [
            (f"{p['field']}: " if p.get("field") else "") + str(p.get("message", ""))
            if isinstance(p, dict)
            else str(p)
            for p in problems
        ]
        # One line a notification, however the server wrote its sentences.
        return " ".join(" ".join(parts).split()) or json.dumps(answer)[:200]
    return json.dumps(answer)[:200]
