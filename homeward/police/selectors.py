"""Reads of police notifications: which a person may see, the review queue, and what arrived,
was linked, is held or could not be read, for the Notifications page.

A notification is seen through what it is about: one applied to an episode by whoever may see
that episode, one linked to a child (and no episode yet) by whoever may see the child, and one
not yet linked to any child by whoever may record episodes (someone has to decide which child
it is). Nobody sees another council's.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from homeward.access.rules import (
    ALL_IN_COUNCIL,
    RECORD_EPISODE,
    access_for,
    children_visible_to,
    episodes_visible_to,
)
from homeward.children.models import Child
from homeward.core.clock import LONDON
from homeward.core.codes import Risk
from homeward.episodes.selectors import RISK_ORDER
from homeward.police.applying import LABELS
from homeward.police.models import LinkMethod, Notification, State
from homeward.police.reading import COLUMNS

# Links made without a person: "check the link" is offered for each.
AUTOMATIC_LINKS = (LinkMethod.AUTOMATIC, LinkMethod.POLICE_ID, LinkMethod.LOCAL_ID)


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


def linked_automatically_on(*, user, council, day: dt.date) -> QuerySet[Notification]:
    """The notifications applied on a day to a child Homeward chose without a person, for a
    person to check: latest first."""
    start = _start_of(day)
    linked = notifications_visible(user=user, council=council).filter(
        state=State.APPLIED,
        link_method__in=AUTOMATIC_LINKS,
        applied_at__gte=start,
        applied_at__lt=_start_of(day + dt.timedelta(days=1)),
    )
    return _listed(linked).order_by("-applied_at", "-pk")


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
        linked=linked_automatically_on(user=user, council=council, day=today),
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

    @property
    def percent(self) -> str:
        return f"{self.score * 100:.1f}%"


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
        score=float(stored.get("score") or notification.match_score or 0),
        method=notification.link_method,
        agreements=[
            Agreement(a["field"], a["level"], float(a.get("weight") or 0))
            for a in stored.get("agreements", [])
        ],
    )
