"""Reads of missing episodes that more than one page needs."""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.crypto import salted_hmac

from homeward.access.rules import episodes_visible_to
from homeward.children.models import Child, Placement
from homeward.core.clock import LONDON, age_in_years
from homeward.core.codes import LegalStatus, Risk
from homeward.episodes.models import Episode

# A new episode's locality chosen on purpose as none: not known, or outside the council's.
NO_LOCALITY = "none"

# An episode not graded, whose force graded it in a word of its own.
OWN_WORD = 'Not graded: {force} said "{word}"'

# High risk first; an episode not yet graded comes last, after "no apparent risk".
RISK_ORDER = [Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NO_APPARENT_RISK]


@dataclass(frozen=True)
class MissingNow:
    episode_id: int
    episode_ref: str
    child_name: str
    age: int
    category: str
    risk: str
    risk_label: str
    missing_from: str
    locality: str
    last_seen_at: dt.datetime
    hours_missing: int
    placed_in: bool
    placing_council: str
    child_id: int = 0
    locality_id: int | None = None
    last_seen_location: str = ""
    police_reference: str = ""
    risk_reviewed_at: dt.datetime | None = None
    reported_by: str = ""
    # When the placing council was told; only for a child placed here by another council.
    placing_council_told_at: dt.datetime | None = None
    # Recorded by Homeward from a police notification, not by a person.
    from_police: bool = False
    # Every police reference the episode is known by, the first given first.
    police_references: tuple[str, ...] = ()

    @property
    def time_missing(self) -> str:
        """Hours missing in words a coordinator reads at a glance: "3 days 4 hours"."""
        return days_and_hours(self.hours_missing)


def visible_episodes(*, user, council):
    """The episodes of a council this person may see (the rule: access.rules)."""
    return episodes_visible_to(user).filter(council=council)


def episodes_missing_now(
    *, council, now: dt.datetime, user, locality_id: int | None = None
) -> list[MissingNow]:
    """Every open episode for the council, high risk first, then the longest missing."""
    episodes = visible_episodes(user=user, council=council).filter(returned_at__isnull=True)
    if locality_id:
        episodes = episodes.filter(locality_id=locality_id)
    # Only the columns the list shows, as tuples: the whole list is read on every view of
    # the page (it is sorted in Python), and building model instances for it cost more
    # than the rest of the page.
    rows = (
        episodes.annotate(risk_rank=_risk_rank(), notice_told_at=_notice_told_at())
        .order_by("risk_rank", "last_seen_at", "pk")
        .values_list(*_MISSING_NOW_COLUMNS)
    )
    today = now.astimezone(LONDON).date()
    listed = [_missing_now(row, now, today) for row in rows]
    return _with_own_words(_with_police_references(listed, episodes), episodes)


def missing_now_state(*, council, user) -> str:
    """What an open Missing now page asks every second or so: has the list this person sees
    changed? A digest of how many open episodes they may see, the latest change to any of
    them and the sum of their versions: an episode opened, closed, recorded in error or
    changed alters it. One aggregate over the open episodes (the partial index
    `episode_open`), so cheap enough to ask often; the page then fetches the list itself.

    Opaque (keyed with the installation's secret), so that it tells nobody a count or a time.
    A child's own details changed elsewhere do not alter it: the page's full refresh, every
    HOMEWARD_MISSING_NOW_REFRESH_SECONDS, shows those."""
    seen = (
        visible_episodes(user=user, council=council)
        .filter(returned_at__isnull=True)
        .aggregate(open=Count("pk"), latest=Max("changed_at"), versions=Sum("version"))
    )
    latest = seen["latest"].isoformat() if seen["latest"] else ""
    value = f"{seen['open']}|{latest}|{seen['versions'] or 0}"
    return salted_hmac("homeward.missing-now-state", value).hexdigest()[:32]


def _with_police_references(listed: list[MissingNow], episodes) -> list[MissingNow]:
    """Each row with the references the police know the episode by, and whether Homeward
    recorded it from a police notification (no person created it; a notification brought
    its reference): read in one query for the whole list."""
    refs = (
        episodes.filter(police_refs__isnull=False)
        .order_by("pk", "police_refs__added_at", "police_refs__pk")
        .values_list("pk", "created_by_id", "police_refs__police_ref", "police_refs__notification")
    )
    known, from_police = {}, set()
    for pk, created_by, ref, notification in refs:
        known.setdefault(pk, []).append(ref)
        if created_by is None and notification is not None:
            from_police.add(pk)
    return [
        dataclasses.replace(
            row,
            from_police=row.episode_id in from_police,
            police_references=_references(row.police_reference, known.get(row.episode_id, [])),
        )
        for row in listed
    ]


def _with_own_words(listed: list[MissingNow], episodes) -> list[MissingNow]:
    """An episode not graded whose force's latest grading is a word of its own ("Grade 2",
    "Amber"), which Homeward does not map to high, medium, low or no apparent risk, says that
    word rather than only "Not graded": read in one query, for the ungraded episodes only."""
    ungraded = {row.episode_id for row in listed if not row.risk}
    if not ungraded:
        return listed
    gradings = (
        episodes.filter(pk__in=ungraded, risk_gradings__isnull=False)
        .order_by("pk", "risk_gradings__graded_at", "risk_gradings__pk")
        .values_list(
            "pk", "risk_gradings__verbatim", "risk_gradings__mapped", "risk_gradings__force_name"
        )
    )
    latest = {pk: (word, mapped, force) for pk, word, mapped, force in gradings}  # last wins
    said = {
        pk: OWN_WORD.format(force=force or "the police", word=word)
        for pk, (word, mapped, force) in latest.items()
        if not mapped
    }
    return [
        dataclasses.replace(row, risk_label=said[row.episode_id]) if row.episode_id in said else row
        for row in listed
    ]


def _references(typed: str, known: list[str]) -> tuple[str, ...]:
    """The reference on the episode (as a coordinator or the first report gave it), then the
    others the police know it by."""
    first = [typed] if typed else []
    return tuple(first + [ref for ref in known if ref != typed])


_MISSING_NOW_COLUMNS = (
    "pk",
    "local_id",
    "category",
    "risk",
    "missing_from",
    "last_seen_at",
    "locality_id",
    "locality__name",
    "child_id",
    "child__first_name",
    "child__last_name",
    "child__date_of_birth",
    "child__council_id",
    "child__responsible_la_id",
    "child__responsible_la__name",
    "last_seen_location",
    "police_reference",
    "risk_reviewed_at",
    "reported_by",
    "notice_told_at",
)


def _notice_told_at():
    """When the placing council was told of the episode by its missing notice (first email
    sent, or told another way): homeward/notices, looked up by name, as it sits above."""
    notices = apps.get_model("notices", "PlacingCouncilNotice")
    # Of the episode's child now: one moved from another child was told of that child.
    recorded = notices.objects.filter(episode=OuterRef("pk"), kind="missing")
    missing = recorded.filter(child=OuterRef("child"))
    sent = (
        notices.emails.through.objects.filter(
            placingcouncilnotice__episode=OuterRef("pk"),
            placingcouncilnotice__kind="missing",
            placingcouncilnotice__child=OuterRef("child"),
            email__status="sent",
        )
        .order_by("email__sent_at")
        .values("email__sent_at")[:1]
    )
    told = Coalesce(Subquery(missing.values("told_at")[:1]), Subquery(sent))
    # A notice recorded (of any child) and not yet sent to this child's placing council: not
    # told, whatever was typed (as the report counts).
    return Case(
        When(Exists(recorded), then=told),
        default=F("placing_la_notified_at"),
        output_field=DateTimeField(),
    )


def choice_labels(model, name: str) -> dict:
    """A choice field's labels by value, as `get_<name>_display` shows them."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


_CATEGORY = choice_labels(Episode, "category")
_RISK = choice_labels(Episode, "risk")
_MISSING_FROM = choice_labels(Episode, "missing_from")


def _risk_rank() -> Case:
    return Case(
        *(When(risk=risk, then=Value(rank)) for rank, risk in enumerate(RISK_ORDER)),
        default=Value(len(RISK_ORDER)),
        output_field=IntegerField(),
    )


def _missing_now(row: tuple, now: dt.datetime, today: dt.date) -> MissingNow:
    (
        pk,
        local_id,
        category,
        risk,
        missing_from,
        last_seen_at,
        locality_id,
        locality_name,
        child_id,
        first_name,
        last_name,
        date_of_birth,
        council_id,
        responsible_la_id,
        responsible_la_name,
        last_seen_location,
        police_reference,
        risk_reviewed_at,
        reported_by,
        notice_told_at,
    ) = row
    placed_in = responsible_la_id != council_id  # Child.is_placed_in
    return MissingNow(
        episode_id=pk,
        episode_ref=local_id,
        child_name=f"{first_name} {last_name}",  # str(Child)
        age=age_in_years(date_of_birth, today),
        category=_CATEGORY.get(category, category),
        risk=risk,
        risk_label=_RISK.get(risk, risk) if risk else "Not graded",
        missing_from=_MISSING_FROM.get(missing_from, missing_from),
        locality=locality_name or "",
        last_seen_at=last_seen_at,
        hours_missing=whole_hours(now - last_seen_at),
        placed_in=placed_in,
        placing_council=responsible_la_name if placed_in else "",
        child_id=child_id,
        locality_id=locality_id,
        last_seen_location=last_seen_location,
        police_reference=police_reference,
        risk_reviewed_at=risk_reviewed_at,
        reported_by=reported_by,
        placing_council_told_at=notice_told_at if placed_in else None,
    )


def whole_hours(duration: dt.timedelta) -> int:
    """Completed hours in a duration: 71 hours 59 minutes is 71."""
    return int(duration.total_seconds() // 3600)


@dataclass(frozen=True)
class Suggestion:
    """A value a new episode's form fills in from what Homeward knows, and where it came from,
    so that the person sees it and can change it: never a guess saved unseen."""

    value: object
    source: str


@dataclass(frozen=True)
class EpisodeSuggestions:
    legal_status: Suggestion | None = None
    placement: Suggestion | None = None
    locality: Suggestion | None = None

    def initial(self) -> dict:
        """The form's starting values."""
        found = {
            "legal_status": self.legal_status,
            "placement": self.placement,
            "locality": self.locality,
        }
        return {name: suggestion.value for name, suggestion in found.items() if suggestion}


def _current_placement(child: Child, today: dt.date) -> Placement | None:
    """The child's placement today: the latest to begin, when placements overlap."""
    return (
        Placement.objects.filter(child=child, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("locality")
        .order_by("-start_date", "-pk")
        .first()
    )


def episode_suggestions(*, user, child: Child, today: dt.date) -> EpisodeSuggestions:
    """What a new episode of `child` may start from: the legal status of their latest
    episode (or looked after, from a placement begun since), their current placement, and its
    locality or else their home locality. Nothing where Homeward knows nothing."""
    latest = (
        episodes_visible_to(user)
        .filter(child=child)
        .only("local_id", "last_seen_at", "legal_status")
        .order_by("-last_seen_at")
        .first()
    )
    return suggestions_after(child=child, latest=latest, today=today)


def suggestions_after(
    *, child: Child, latest: Episode | None, today: dt.date
) -> EpisodeSuggestions:
    """What a new episode of `child` may start from, given their `latest` episode (or None)."""
    placement = _current_placement(child, today)
    if placement is None:
        return EpisodeSuggestions(
            legal_status=latest and _from_episode(child, latest),
            locality=_home_locality(child),
        )
    name, began = child.first_name, _long_day(placement.start_date)
    kind = placement.get_placement_type_display().lower()
    placed = f"{kind}, which began on {began}"
    if latest is None or placement.start_date > _local_day(latest.last_seen_at):
        legal_status = Suggestion(
            LegalStatus.LOOKED_AFTER,
            f"{name} has a current placement ({placed}). Check this is still right.",
        )
    else:
        legal_status = _from_episode(child, latest)
    if placement.locality:
        locality = Suggestion(placement.locality, f"From {name}'s current placement ({placed}).")
    elif placement.host_la_id != child.council_id:
        locality = Suggestion(
            NO_LOCALITY, f"{name}'s current placement ({placed}) is in another council's area."
        )
    else:
        locality = _home_locality(child)
    return EpisodeSuggestions(
        legal_status=legal_status,
        placement=Suggestion(placement, f"{name}'s current placement, which began on {began}."),
        locality=locality,
    )


def _from_episode(child: Child, episode: Episode) -> Suggestion:
    seen = _long_day(_local_day(episode.last_seen_at))
    return Suggestion(
        episode.legal_status,
        f"From {child.first_name}'s last episode, {episode.local_id}, last seen on {seen}. "
        "Check this is still right.",
    )


def _home_locality(child: Child) -> Suggestion | None:
    if child.home_locality_id is None:
        return None
    return Suggestion(
        child.home_locality, f"{child.first_name}'s home locality, from their details."
    )


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _long_day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def days_and_hours(hours: int) -> str:
    """Whole hours in days and hours: 76 is "3 days 4 hours", 24 is "1 day"."""
    if hours < 1:
        return "Less than 1 hour"
    days, hours = divmod(hours, 24)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts)
