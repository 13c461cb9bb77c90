"""Reads of police notifications: which a person may see, the review queue, and what arrived,
was linked, is held or could not be read, for the Notifications page.

A notification is seen through what it is about: one applied to an episode by whoever may see
that episode, one linked to a child (and no episode yet) by whoever may see the child, and one
not yet linked to any child by whoever may record episodes (someone has to decide which child
it is). Nobody sees another council's.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from homeward.access.rules import (
    ALL_IN_COUNCIL,
    RECORD_EPISODE,
    access_for,
    children_visible_to,
    episodes_visible_to,
)
from homeward.children.matching import fold
from homeward.children.models import Child
from homeward.core.clock import LONDON
from homeward.core.codes import Risk
from homeward.episodes.models import Episode
from homeward.episodes.selectors import RISK_ORDER
from homeward.police import matching
from homeward.police.applying import LABELS, typed
from homeward.police.models import AUTOMATIC_LINKS, LinkMethod, Notification, State
from homeward.police.reading import COLUMNS


def notifications_visible(*, user, council) -> QuerySet[Notification]:
    """The notifications of a council this person may see (the rule above)."""
    access = access_for(user)
    if RECORD_EPISODE not in access.actions or access.council_id != council.pk:
        return Notification.objects.none()
    notifications = Notification.objects.filter(council=council)
    if ALL_IN_COUNCIL in access.scopes:
        return notifications
    episodes = episodes_visible_to(user).values("pk")
    children = children_visible_to(user).values("pk")
    return notifications.filter(
        Q(episode__in=episodes)
        | Q(episode__isnull=True, child__in=children)
        | Q(episode__isnull=True, child__isnull=True)
    )


def _risk_rank() -> Case:
    return Case(
        *(When(risk=risk, then=Value(rank)) for rank, risk in enumerate(RISK_ORDER)),
        default=Value(len(RISK_ORDER)),
        output_field=IntegerField(),
    )


def _listed(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    return notifications.select_related("child", "episode")


def review_queue(*, user, council) -> QuerySet[Notification]:
    """The notifications waiting for a person: high risk first, then the longest waiting."""
    waiting = notifications_visible(user=user, council=council).filter(state=State.REVIEW)
    return _listed(waiting).annotate(risk_rank=_risk_rank()).order_by("risk_rank", "received_at")


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def arrived_on(*, user, council, day: dt.date) -> QuerySet[Notification]:
    """Every notification received on a day (UK time), whatever became of it, latest first."""
    start = _start_of(day)
    received = notifications_visible(user=user, council=council).filter(
        received_at__gte=start, received_at__lt=_start_of(day + dt.timedelta(days=1))
    )
    return _listed(received).order_by("-received_at", "-pk")


def links_to_check(*, user, council) -> QuerySet[Notification]:
    """The notifications applied to a child Homeward chose without a person that nobody has
    checked yet, whenever they were linked: the oldest first."""
    linked = notifications_visible(user=user, council=council).filter(
        state=State.APPLIED, link_method__in=AUTOMATIC_LINKS, link_checked_at__isnull=True
    )
    return _listed(linked).order_by("applied_at", "pk")


def held(*, user, council) -> QuerySet[Notification]:
    """The notifications waiting for an earlier event (a found before its missing): oldest
    first."""
    waiting = notifications_visible(user=user, council=council).filter(state=State.HELD)
    return _listed(waiting).order_by("received_at", "pk")


def problems(*, user, council) -> QuerySet[Notification]:
    """The notifications that could not be read, kept as evidence: latest first."""
    unreadable = notifications_visible(user=user, council=council).filter(state=State.PROBLEM)
    return _listed(unreadable).order_by("-received_at", "-pk")


@dataclass(frozen=True)
class Tabs:
    """The Notifications page's lists."""

    review: QuerySet[Notification]
    today: QuerySet[Notification]
    linked: QuerySet[Notification]
    held: QuerySet[Notification]
    problems: QuerySet[Notification]


def notification_tabs(*, user, council, today: dt.date | None = None) -> Tabs:
    """Each list of the Notifications page, for this person."""
    today = today or timezone.localdate()
    return Tabs(
        review=review_queue(user=user, council=council),
        today=arrived_on(user=user, council=council, day=today),
        linked=links_to_check(user=user, council=council),
        held=held(user=user, council=council),
        problems=problems(user=user, council=council),
    )


# One notification's page.


def raw_fields(notification: Notification) -> list[tuple[str, str]]:
    """What arrived, verbatim: the issue's columns in their order, then any others."""
    raw = notification.raw if isinstance(notification.raw, dict) else {}
    known = [(name, raw[name]) for name in COLUMNS if name in raw]
    others = [(name, value) for name, value in raw.items() if name not in COLUMNS]
    return [(name, "" if value is None else str(value)) for name, value in known + others]


@dataclass(frozen=True)
class Agreement:
    field: str
    level: str
    weight: float

    @property
    def label(self) -> str:
        return self.field.replace("_", " ").capitalize()

    @property
    def strength(self) -> str:
        """How strongly the level speaks for (or against) the child, in words."""
        if self.level == "missing":
            return "not compared"
        if self.weight >= 8:
            return "strongly for"
        if self.weight > 0:
            return "for"
        if self.weight <= -4:
            return "strongly against"
        return "against" if self.weight < 0 else "neither way"


@dataclass(frozen=True)
class Candidate:
    """A child the notification might be about, as the review page shows them."""

    child: Child
    score: float
    method: str
    agreements: list[Agreement]
    # How likely, or how linked, in words: shown under the child's name.
    said: str = ""

    @property
    def percent(self) -> str:
        return matching.likelihood(self.score)


# Why a likely candidate was still sent for review (the matcher's guards), in words.
GUARDS = (
    (matching.TWINS, "a twin or sibling matches too"),
    (matching.FIRST_NAME_DIFFERS, "the first name does not agree"),
    (matching.TOO_CLOSE, "another child is nearly as likely"),
)
STRONG_BUT_REVIEWED = "Strong match on details ({percent}), but sent for review because {why}"
SAME_ID = {
    "police_id": "The same police id",
    "local_id": "The council's child id the police gave",
}
LIKELY = "{percent} likely on the details"


FIRST_NAME_DISAGREES = (
    "Strong match on the other details ({percent}), but the first name does not agree: "
    "a twin or sibling?"
)


def _likelihood(notification: Notification, candidate: dict) -> str:
    """What is true of a candidate's likelihood, in words."""
    score, method = float(candidate.get("score") or 0), candidate.get("method", "")
    if method in SAME_ID:
        return SAME_ID[method]
    if score >= settings.HOMEWARD_MATCH_AUTO_LINK:
        levels = {a.get("field"): a.get("level") for a in candidate.get("agreements", [])}
        first = levels.get("first_name", matching.MISSING)
        if first not in matching.FIRST_NAME_LINKS and first != matching.MISSING:
            return FIRST_NAME_DISAGREES.format(percent=matching.likelihood(score))
        why = next((why for guard, why in GUARDS if guard in notification.outcome), "")
        if why:
            return STRONG_BUT_REVIEWED.format(percent=matching.likelihood(score), why=why)
    return LIKELY.format(percent=matching.likelihood(score))


@dataclass(frozen=True)
class Candidates:
    shown: list[Candidate]
    hidden: int  # candidates this person may not see: counted, never named


def candidates_for(*, user, notification: Notification) -> Candidates:
    """The notification's candidates, best first, of the children this person may see."""
    stored = [c for c in notification.candidates or [] if isinstance(c, dict)]
    wanted = [c.get("child_id") for c in stored]
    children = children_visible_to(user).filter(council=notification.council, pk__in=wanted)
    seen = {child.pk: child for child in children.select_related("home_locality")}
    shown = [
        Candidate(
            child=seen[c["child_id"]],
            score=float(c.get("score") or 0),
            method=c.get("method", ""),
            agreements=[
                Agreement(a["field"], a["level"], float(a.get("weight") or 0))
                for a in c.get("agreements", [])
            ],
            said=_likelihood(notification, c),
        )
        for c in stored
        if c.get("child_id") in seen
    ]
    return Candidates(shown=shown, hidden=len(stored) - len(shown))


# The child's details a notification carries, each beside the candidates' on the review page:
# (the notification's field, the child's, the label).
PERSON_FIELDS = (
    ("first_name", "first_name", "First name"),
    ("last_name", "last_name", "Last name"),
    ("other_names", "other_names", "Other names"),
    ("date_of_birth", "date_of_birth", "Date of birth"),
    ("sex", "sex", "Sex"),
    ("police_id", "police_id", "Police id"),
    ("la_child_id", "local_id", "Council's child id"),
    ("postcode", "postcode", "Postcode"),
    ("address", "address", "Address"),
)


@dataclass(frozen=True)
class Cell:
    value: str
    agreement: Agreement | None


@dataclass(frozen=True)
class Comparison:
    """One field: what the notification says, and what each candidate's record says."""

    label: str
    police: str
    cells: list[Cell]


def _child_value(child: Child, name: str) -> str:
    value = getattr(child, name)
    if name == "sex":
        return child.get_sex_display()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return value or ""


def side_by_side(notification: Notification, candidates: list[Candidate]) -> list[Comparison]:
    """The notification's details beside each candidate's, field by field, with how each
    agreed and how strongly."""
    raw = notification.raw if isinstance(notification.raw, dict) else {}
    rows = []
    for ours, theirs, label in PERSON_FIELDS:
        cells = []
        for candidate in candidates:
            agreement = next((a for a in candidate.agreements if a.field == ours), None)
            cells.append(Cell(_child_value(candidate.child, theirs), agreement))
        rows.append(Comparison(label, str(raw.get(ours) or ""), cells))
    return rows


@dataclass(frozen=True)
class Conflict:
    """One episode value a coordinator corrected that the police's notification disagrees with."""

    label: str
    coordinator: str
    police: str
    field: str = ""


def _conflict_value(field: str, value) -> str:
    if value in (None, ""):
        return "Not recorded"
    if field.endswith("_at"):
        try:
            at = dt.datetime.fromisoformat(str(value)).astimezone(LONDON)
        except ValueError:
            return str(value)
        return f"{at.day} {at:%b %Y, %H:%M}"
    if field == "risk" and value in Risk.values:
        return Risk(value).label
    return str(value)


def conflicts_of(notification: Notification) -> list[Conflict]:
    """The notification's conflicts in words: each field, the coordinator's and the police's."""
    return [
        Conflict(
            label=LABELS.get(c["field"], c["field"]).capitalize(),
            coordinator=_conflict_value(c["field"], c.get("coordinator")),
            police=_conflict_value(c["field"], c.get("police")),
            field=c["field"],
        )
        for c in notification.conflicts or []
        if isinstance(c, dict) and "field" in c
    ]


def linked_child(notification: Notification) -> Candidate | None:
    """The child the notification is linked to, as a candidate (with how each field agreed,
    when the matcher compared them), so that the link can be checked field by field."""
    child = notification.child
    if child is None:
        return None
    stored = next((c for c in notification.candidates or [] if c.get("child_id") == child.pk), {})
    return Candidate(
        child=child,
        score=float(stored.get("score") or 0),
        method=notification.link_method,
        agreements=[
            Agreement(a["field"], a["level"], float(a.get("weight") or 0))
            for a in stored.get("agreements", [])
        ],
        said=how_linked(notification, float(stored.get("score") or 0)),
    )


LINKED_BY_PERSON = "Linked by {who}, {when}: a person chose this child"
LINKED_BY_MATCHING = "Linked automatically, {when}: {percent} likely on the details"
LINKED_BY_ID = "Linked automatically, {when}: {how}"
LINKED_BY_REFERENCE = "Linked by its police reference, already known for the episode, {when}"


def how_linked(notification: Notification, score: float) -> str:
    """Who linked the notification to its child and how, in words (not a likelihood: a
    person's link has none)."""
    at = notification.applied_at or notification.changed_at
    when = f"{timezone.localtime(at):%-d %b %Y %H:%M}" if at else "when it arrived"
    method = notification.link_method
    if method == LinkMethod.PERSON:
        who = getattr(notification.changed_by, "username", "") or "a person"
        return LINKED_BY_PERSON.format(who=who, when=when)
    if method == LinkMethod.AUTOMATIC:
        return LINKED_BY_MATCHING.format(when=when, percent=matching.likelihood(score))
    if method in SAME_ID:
        return LINKED_BY_ID.format(when=when, how=SAME_ID[method].lower())
    return LINKED_BY_REFERENCE.format(when=when)


# Linking a child by local id, and moving an episode: what a person confirms first.

CHECKED = (
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("date_of_birth", "date of birth"),
    ("sex", "sex"),
)
UNKNOWN_SEX = ("", "unknown")


def disagreements(notification: Notification, child: Child) -> list[str]:
    """The details (names, date of birth, sex) the notification gives that the child's record
    disagrees with, in words; a detail either leaves out is not a disagreement."""
    values = typed(notification.fields or {})
    differ = []
    for name, label in CHECKED:
        theirs, ours = values.get(name) or "", getattr(child, name) or ""
        if name == "sex" and (theirs in UNKNOWN_SEX or ours in UNKNOWN_SEX):
            continue
        if name.endswith("_name"):
            theirs, ours = fold(str(theirs)), fold(str(ours))
        if theirs and ours and theirs != ours:
            differ.append(label)
    return differ


CHOSE = "The child you chose"
CHOSE_BY_LOCAL_ID = "The child you chose by local id"


def chosen(notification: Notification, child: Child, *, by_local_id: bool = True) -> Candidate:
    """A child a person chose (by local id, or with a candidate's button), to show beside the
    notification."""
    stored = next((c for c in notification.candidates or [] if c.get("child_id") == child.pk), {})
    return Candidate(
        child=child,
        score=float(stored.get("score") or 0),
        method="",
        agreements=[
            Agreement(a["field"], a["level"], float(a.get("weight") or 0))
            for a in stored.get("agreements", [])
        ],
        said=CHOSE_BY_LOCAL_ID if by_local_id else CHOSE,
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def what_moves(episode: Episode, child: Child) -> tuple[list[str], list[str]]:
    """Everything that moves with an episode to `child`, and what changes or stays, in words
    a person reads before confirming the move."""
    old = episode.child
    back = (
        f"returned {timezone.localtime(episode.returned_at):%-d %b %Y %H:%M}"
        if episode.returned_at
        else "still missing"
    )
    seen = f"{timezone.localtime(episode.last_seen_at):%-d %b %Y %H:%M}"
    moves = [f"Episode {episode.local_id} (last seen {seen}, {back}) and all recorded on it"]
    interviews = episode.interviews.count()
    records = _plural(interviews, "return home interview record", "return home interview records")
    moves.append(
        f"Its {records} (offers and outcomes)"
        if interviews
        else "Its return home interview, when one is recorded (none is yet)"
    )
    closures = episode.interview_closures.filter(undone_at__isnull=True).count()
    if closures:
        moves.append("The closure of its interview, with the coordinator's reason")
    gradings = list(episode.risk_gradings.all())
    if gradings:
        graded = _plural(len(gradings), "grading", "gradings")
        latest = gradings[-1].verbatim
        moves.append(f"Its police risk grading history: {graded}, the latest “{latest}”")
    refs = list(episode.police_refs.values_list("police_ref", flat=True))
    if refs:
        things = "reference" if len(refs) == 1 else "references"
        moves.append(f"Its police {things}: {', '.join(refs)}")
    notifications = episode.notifications.count()
    moves.append(
        f"{_plural(notifications, 'police notification', 'police notifications')} about it, "
        f"this one included: each will say it is about {child}"
    )
    changes = []
    if episode.placement_id:
        changes.append(f"The episode's placement is taken off it: it was {old}'s placement")
    if episode.companions.filter(child=child).exists():
        changes.append(f"{child} is taken off the children it says were missing with them")
    changes.append(f"{old} keeps their record, their other episodes and their screenings")
    return moves, changes
