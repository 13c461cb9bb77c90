"""Reading what a force sends (a JSON body or a CSV row) into Homeward's terms, or saying,
field by field, what could not be read. The API and the CSV import share it, so that the same
event reads the same however it arrives."""

import dataclasses
import datetime as dt
import hashlib
import json

from django.utils import timezone

from homeward.core.codes import MissingFrom, Risk, Sex
from homeward.core.problems import Problem, future_problem, text_problem, when
from homeward.exchange.cells import CellError, read_date, read_datetime

COLUMNS = (
    "force",
    "police_ref",
    "event",
    "event_at",
    "last_seen_at",
    "reported_at",
    "found_at",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "sex",
    "police_id",
    "postcode",
    "address",
    "missing_from",
    "risk",
    "found_location",
    "reported_by",
    "circumstances",
    "la_child_id",
)
TIMES = ("event_at", "last_seen_at", "reported_at", "found_at")
LONGEST = {"circumstances": 4000, "address": 300, "found_location": 200, "reported_by": 200}
LONGEST_OTHERWISE = 100
LONGEST_REFERENCE = 64

# "absent" is the police's older word for away from placement (domain.md, "Words").
EVENTS = {"missing": "missing", "update": "update", "found": "found", "away": "away"}
EVENTS |= {"absent": "away", "located": "found", "returned": "found"}
SEXES = {"m": Sex.MALE, "male": Sex.MALE, "f": Sex.FEMALE, "female": Sex.FEMALE}
SEXES |= {"other": Sex.OTHER, "u": Sex.UNKNOWN, "unknown": Sex.UNKNOWN, "not known": Sex.UNKNOWN}
# A force's own risk words and the grade each maps to; the word itself is always kept.
RISK_WORDS = {
    "high": Risk.HIGH,
    "high risk": Risk.HIGH,
    "h": Risk.HIGH,
    "medium": Risk.MEDIUM,
    "medium risk": Risk.MEDIUM,
    "m": Risk.MEDIUM,
    "low": Risk.LOW,
    "low risk": Risk.LOW,
    "l": Risk.LOW,
    "no apparent risk": Risk.NO_APPARENT_RISK,
    "no_apparent_risk": Risk.NO_APPARENT_RISK,
    "nar": Risk.NO_APPARENT_RISK,
}

REQUIRED = "Give the {what}: a {event} notification cannot be applied without it."
UNKNOWN_EVENT = "'{raw}' is not an event Homeward knows. Use missing, update, found or away."
UNKNOWN_SEX = "'{raw}' is not a sex Homeward knows. Use male, female, other or unknown."
UNKNOWN_FROM = "'{raw}' is not a place missing from. Use home, placement or other."
NO_CHILD = (
    "Say who the child is: give their first and last names, or the police id, or the "
    "council's child id."
)
BORN_LATER = "The date of birth ({born}) is after the {what}. Check both."
REPORTED_BEFORE_SEEN = "The reported time is before the last seen time. Check both."
FOUND_BEFORE_SEEN = "The found time is before the last seen time. Check both."
WHAT = {
    "force": "force",
    "police_ref": "police reference",
    "event_at": "event time",
    "last_seen_at": "last seen time",
    "reported_at": "reported time",
    "found_at": "found time",
    "date_of_birth": "date of birth",
}


@dataclasses.dataclass(frozen=True)
class Reading:
    """What could be read (`values`, typed) and what could not (`problems`)."""

    values: dict
    problems: list[Problem]

    @property
    def risk_grade(self) -> str:
        """The grade the force's risk word maps to; empty if the word is its own."""
        return RISK_WORDS.get(self.values.get("risk", "").lower(), "")

    def as_json(self) -> dict:
        """The values as stored on the notification: dates and times in ISO 8601 (UTC)."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in self.values.items()
        }


def read_notification(data: dict, *, now: dt.datetime | None = None) -> Reading:
    """Read one notification's fields (strings, as a CSV row or the API's JSON holds them)."""
    now = now or timezone.now()
    texts = {name: str(data.get(name) or "").strip() for name in COLUMNS}
    values, problems = {}, []
    for name, raw in texts.items():
        if not raw:
            continue
        try:
            values[name] = _read(name, raw)
        except CellError as error:
            problems.append(Problem(name, str(error)))
            continue
        problem = _text_problem(name, raw) or (
            future_problem(name, WHAT[name], values[name], now) if name in TIMES else None
        )
        if problem:
            problems.append(problem)
            values.pop(name)
    problems += _missing_problems(texts, values)
    problems += _order_problems(values)
    return Reading(values=values, problems=problems)


def _read(name: str, raw: str):
    if name in TIMES:
        return read_datetime(raw)
    if name == "date_of_birth":
        return read_date(raw)
    if name == "event":
        return _code(EVENTS, raw, UNKNOWN_EVENT)
    if name == "sex":
        return _code(SEXES, raw, UNKNOWN_SEX)
    if name == "missing_from":
        return _code({code: code for code in MissingFrom.values}, raw, UNKNOWN_FROM)
    if name == "postcode":
        return " ".join(raw.upper().split())
    return raw


def _code(codes: dict, raw: str, message: str) -> str:
    code = codes.get(raw.lower())
    if code is None:
        raise CellError(message.format(raw=raw))
    return str(code)


def _text_problem(name: str, raw: str) -> Problem | None:
    longest = LONGEST_REFERENCE if name in ("police_ref", "police_id", "la_child_id") else None
    return text_problem(
        name,
        raw,
        what=WHAT.get(name, name.replace("_", " ")),
        max_length=longest or LONGEST.get(name, LONGEST_OTHERWISE),
        multiline=name == "circumstances",
    )


def _missing_problems(texts: dict, values: dict) -> list[Problem]:
    event = values.get("event")
    needed = ["police_ref"] + ([] if texts["event"] else ["event"])
    if event in ("missing", "away"):
        needed.append("last_seen_at")
    problems = [
        Problem(name, REQUIRED.format(what=WHAT.get(name, name), event=event or "police"))
        for name in needed
        if not texts[name]
    ]
    named = texts["first_name"] and texts["last_name"]
    if event in ("missing", "away") and not (named or texts["police_id"] or texts["la_child_id"]):
        problems.append(Problem("last_name", NO_CHILD))
    return problems


def _order_problems(values: dict) -> list[Problem]:
    problems = []
    born = values.get("date_of_birth")
    for name in ("last_seen_at", "reported_at", "found_at"):
        at = values.get(name)
        if born and at and at.date() < born:
            what = WHAT[name]
            problems.append(Problem("date_of_birth", BORN_LATER.format(born=when(born), what=what)))
    seen, found = values.get("last_seen_at"), values.get("found_at")
    if seen and found and found <= seen:
        problems.append(Problem("found_at", FOUND_BEFORE_SEEN))
    reported = values.get("reported_at")
    if seen and reported and reported < seen:
        problems.append(Problem("reported_at", REPORTED_BEFORE_SEEN))
    return problems


def fingerprint(*, force_name: str, reading: Reading, raw: dict) -> str:
    """The same event, however it was written (a date as 14/03/2020 or 2020-03-14), has the
    same fingerprint; an event that could not be read is known by what arrived."""
    content = reading.as_json() if not reading.problems else {k: str(v) for k, v in raw.items()}
    canonical = json.dumps([force_name.strip().lower(), content], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
