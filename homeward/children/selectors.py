"""Reads of children: finding a child, their headline facts, and their story in one timeline."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Greatest, Lower

from homeward.access.rules import (
    FINDINGS_HIDDEN,
    can_see_findings,
    children_visible_to,
    episodes_visible_to,
)
from homeward.children.matching import (
    NameDistance,
    NameMatches,
    WordSimilarity,
    find_date,
    name_queries,
)
from homeward.children.models import Child, Placement
from homeward.core.clock import age_in_years
from homeward.core.codes import concerns_in_words
from homeward.core.problems import LONDON
from homeward.episodes.models import Companion, Episode
from homeward.exploitation.models import Screening
from homeward.interviews.models import InterviewClosure, ReturnInterview
from homeward.panel.models import PanelDiscussion
from homeward.panel.selectors import ChildPanelAction, panel_discussions_for_child


def visible_children(*, user, council) -> QuerySet[Child]:
    """The children of a council this person may see (the rule: access.rules)."""
    return children_visible_to(user).filter(council=council)


def children_search(
    *,
    user,
    council,
    text: str = "",
    date_of_birth: dt.date | None = None,
    locality_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Child]:
    """Children matching what was typed: a name, even misspelt or without its accents and
    apostrophes (the closest first); part of a local or police id; a date of birth in any
    common form. Only children this person may see (access.rules), never merged duplicates."""
    children = visible_children(user=user, council=council).select_related(
        "home_locality", "responsible_la"
    )
    typed_date, ids, name = _typed(text, today)
    for word in ids:
        children = children.filter(_has_id(word))
    for day in {typed_date, date_of_birth} - {None}:
        children = children.filter(date_of_birth=day)
    if locality_id:
        children = children.filter(home_locality_id=locality_id)
    queries = name_queries(name)
    if not queries:
        # In lower case, which the name index cannot give: PostgreSQL then reads the few
        # children an id or a date matched and sorts them, rather than walking every child
        # in name order to find them.
        return children.order_by(Lower("last_name"), Lower("first_name"), "pk")
    matches = Q()
    for query in queries:
        matches |= Q(NameMatches(query))
    if " " not in name.strip():  # one word, which may be an id without digits ("C-TWIN")
        matches |= _has_id(name.strip())
    score = (
        Greatest(*map(WordSimilarity, queries)) if len(queries) > 1 else WordSimilarity(queries[0])
    )
    return (
        children.filter(matches)
        .annotate(closeness=score)
        .order_by("-closeness", "last_name", "first_name", "pk")
    )


# A name search looks at no more than HOMEWARD_SEARCH_CAP of the closest children: counting
# and ranking the thousands of children a common name alone matches would keep a coordinator
# waiting. The page says when there were more.
CAPPED = (
    "More than {cap} children match ‘{typed}’: the {cap} closest are shown. "
    "Add a first name or a date of birth to narrow it down."
)


@dataclass(frozen=True)
class ChildSearch:
    """What a search found: the children, the closest first, and whether a name matched more
    children than are looked at (then only the closest, and the page says so)."""

    children: QuerySet[Child] | list[Child]
    capped: bool = False
    typed: str = ""

    @property
    def cap(self) -> int:
        return search_cap()

    @property
    def capped_message(self) -> str:
        return CAPPED.format(cap=self.cap, typed=self.typed) if self.capped else ""


def search_cap() -> int:
    return settings.HOMEWARD_SEARCH_CAP


def find_children(
    *,
    user,
    council,
    text: str = "",
    date_of_birth: dt.date | None = None,
    locality_id: int | None = None,
    today: dt.date | None = None,
) -> ChildSearch:
    """children_search as the pages show it: a name search is read up to the cap (the closest
    first, among the children this person may see), and says whether there were more; any
    other search (an id, a date of birth, a locality, nothing) lists every child it matched."""
    found = children_search(
        user=user,
        council=council,
        text=text,
        date_of_birth=date_of_birth,
        locality_id=locality_id,
        today=today,
    )
    if "closeness" not in found.query.annotations:
        return ChildSearch(children=found)
    with transaction.atomic():
        _plan_each_search()
        return _closest(found, text=text, today=today)


def _plan_each_search() -> None:
    """PostgreSQL plans this transaction's queries for the name typed: a plan made once for
    any name (a prepared statement's generic plan) cannot tell a rare name from a common one,
    and for a rare name may walk every child in order of closeness."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")


def _closest(found: QuerySet[Child], *, text: str, today: dt.date | None) -> ChildSearch:
    cap = search_cap()
    # First whether more than the cap match, unranked: the database stops at cap + 1.
    matching = list(found.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(matching) <= cap:
        closest = list(found.filter(pk__in=matching))
        return ChildSearch(children=closest, typed=text.strip())
    queries = name_queries(_typed(text, today)[2])
    if len(queries) == 1:
        # Thousands match: the closest cap + 1 by distance alone, which PostgreSQL reads
        # nearest first from its GiST index (migration 0008) rather than ranking every
        # match, put in the page's order here.
        found = found.order_by(NameDistance(queries[0]))
    closest = sorted(
        found[: cap + 1],
        key=lambda child: (-child.closeness, child.last_name, child.first_name, child.pk),
    )
    return ChildSearch(children=closest[:cap], capped=len(closest) > cap, typed=text.strip())


def _typed(text: str, today: dt.date | None) -> tuple[dt.date | None, list[str], str]:
    """What was typed: a date of birth, ids (words with a digit) and the rest, a name."""
    typed_date, text = find_date(text, today or dt.date.today())
    ids = [word for word in text.split() if any(char.isdigit() for char in word)]
    name = " ".join(word for word in text.replace(",", " ").split() if word not in ids)
    return typed_date, ids, name


def _has_id(word: str) -> Q:
    """Part of the child's local or police id, or the whole id of a record merged into them.
    The merged records are looked up first, so that the database can answer each part from
    its own index (an EXISTS among ORs would read every child)."""
    merged = Child.all_records.filter(merged_into__isnull=False).filter(
        Q(local_id__iexact=word) | Q(police_id__iexact=word)
    )
    survivors = list(merged.values_list("merged_into_id", flat=True))
    return Q(local_id__icontains=word) | Q(police_id__icontains=word) | Q(pk__in=survivors)


@dataclass(frozen=True)
class Found:
    """A child in search results, with what tells children of the same name apart."""

    child: Child
    age: int
    legal_status: str
    missing_now: bool
    last_episode: Episode | None
    missing_since: dt.datetime | None = None  # when last seen, if missing now


def search_results(*, user, children: list[Child], today: dt.date) -> list[Found]:
    """The page's children with their age, legal status (from their latest episode), whether
    they are missing now and their last episode: one query for the page's episodes this
    person may see."""
    latest: dict[int, Episode] = {}
    missing: dict[int, dt.datetime] = {}  # the latest episode they have not returned from
    episodes = (
        episodes_visible_to(user)
        .filter(child__in=[child.pk for child in children])
        .only("child_id", "local_id", "last_seen_at", "returned_at", "legal_status")
        .order_by("child_id", "-last_seen_at")
    )
    for episode in episodes:
        latest.setdefault(episode.child_id, episode)
        if episode.returned_at is None:
            missing.setdefault(episode.child_id, episode.last_seen_at)
    return [
        Found(
            child=child,
            age=age_in_years(child.date_of_birth, today),
            legal_status=(
                latest[child.pk].get_legal_status_display()
                if child.pk in latest
                else "Not recorded"
            ),
            missing_now=child.pk in missing,
            last_episode=latest.get(child.pk),
            missing_since=missing.get(child.pk),
        )
        for child in children
    ]


LIKELY_MATCHES_SHOWN = 10
LIKELY_MATCH_FIELDS = ("first_name", "last_name", "date_of_birth")


@dataclass(frozen=True)
class LikelyMatches:
    """Children already recorded who may be the child about to be added: those this person
    may see, and how many more they may not."""

    shown: list[Child]
    hidden: int

    def __bool__(self) -> bool:
        return bool(self.shown) or self.hidden > 0

    @property
    def keys(self) -> str:
        """What the person was shown, so that a confirmation covers exactly these."""
        return ",".join(str(child.pk) for child in self.shown) + f";{self.hidden}"


def likely_matches(
    *, user, council, first_name: str, last_name: str, date_of_birth: dt.date
) -> LikelyMatches:
    """Children of the council with the same or a similar name (as the search matches names)
    and the same date of birth, the closest first. Searched among all the council's children,
    as a duplicate is a duplicate whether or not this person may see it; only those they may
    see are named."""
    queries = name_queries(f"{first_name} {last_name}")
    if not queries:
        return LikelyMatches(shown=[], hidden=0)
    found = list(
        Child.objects.filter(council=council, date_of_birth=date_of_birth)
        .filter(NameMatches(queries[0]))
        .annotate(closeness=WordSimilarity(queries[0]))
        .select_related("home_locality")
        .order_by("-closeness", "last_name", "first_name", "pk")
    )
    visible = set(
        children_visible_to(user)
        .filter(pk__in=[child.pk for child in found])
        .values_list("pk", flat=True)
    )
    shown = [child for child in found if child.pk in visible]
    return LikelyMatches(shown=shown[:LIKELY_MATCHES_SHOWN], hidden=len(found) - len(shown))


@dataclass(frozen=True)
class Headline:
    age: int
    legal_status: str
    placement: Placement | None
    responsible_council: str
    placed_in: bool
    open_episode: Episode | None


@dataclass(frozen=True)
class ChildRecords:
    """A child's records this person may see, read once for the headline and the timeline."""

    child: Child
    user: object
    episodes: list[Episode]  # the latest first (Episode's own order)
    placements: list[Placement]  # the earliest first


# What the headline and the timeline show of an episode: reading only these, not who made
# and changed each record and when, saves a fifth of the reading for a child with thirty.
EPISODE_SHOWN = (
    "child_id",
    "local_id",
    "category",
    "last_seen_at",
    "returned_at",
    "risk",
    "missing_from",
    "locality",
    "legal_status",
    "reported_by",
    "found_location",
    "reported_at",
    "placing_la_notified_at",
    "last_seen_location",
    "police_reference",
)


def with_record_flags(children: QuerySet[Child]) -> QuerySet[Child]:
    """The children, each knowing whether they have any placements, screenings and panel
    discussions: asked in the query that reads the child, so that a child's page does not
    ask again, a query each, for records most children do not have."""
    return children.annotate(
        has_placements=Exists(Placement.objects.filter(child=OuterRef("pk"))),
        has_screenings=Exists(Screening.objects.filter(child=OuterRef("pk"))),
        has_panel_discussions=Exists(PanelDiscussion.objects.filter(child=OuterRef("pk"))),
    )


def _has(child: Child, records: str) -> bool:
    # A child read without with_record_flags may have any of them: ask.
    return getattr(child, f"has_{records}", True)


def child_records(*, user, child: Child) -> ChildRecords:
    """The child's episodes this person may see, with the children seen with them, and the
    child's placements: a query each, and none for what the child has none of."""
    episodes = list(
        episodes_visible_to(user)
        .filter(child=child)
        .select_related("locality")
        .only(*EPISODE_SHOWN, "locality__name")
        .annotate(has_companions=Exists(Companion.objects.filter(episode=OuterRef("pk"))))
    )
    prefetch_related_objects(
        [episode for episode in episodes if episode.has_companions],
        Prefetch(
            "companions",
            queryset=Companion.objects.select_related("child").only(
                "episode_id", "child__first_name", "child__last_name"
            ),
        ),
    )
    # The police references each episode is known by, and its risk gradings (police app).
    prefetch_related_objects(episodes, "police_refs", "risk_gradings")
    placements = (
        list(child.placements.select_related("placing_la", "locality").order_by("start_date", "pk"))
        if _has(child, "placements")
        else []
    )
    return ChildRecords(child=child, user=user, episodes=episodes, placements=placements)


def _companions(episode: Episode) -> list[Companion]:
    return list(episode.companions.all()) if episode.has_companions else []


def child_headline(*, records: ChildRecords, today: dt.date) -> Headline:
    """What a coordinator needs first: age, legal status, placement, the responsible council."""
    child, episodes = records.child, records.episodes
    latest = episodes[0] if episodes else None
    current = [
        placement
        for placement in records.placements
        if placement.start_date <= today
        and (placement.end_date is None or placement.end_date >= today)
    ]
    return Headline(
        age=age_in_years(child.date_of_birth, today),
        legal_status=latest.get_legal_status_display() if latest else "Not recorded",
        # The latest to begin, when placements overlap.
        placement=max(current, key=lambda placement: placement.start_date, default=None),
        responsible_council=child.responsible_la.name,
        placed_in=child.is_placed_in,
        open_episode=next((episode for episode in episodes if episode.returned_at is None), None),
    )


@dataclass(frozen=True)
class Event:
    """One thing that happened to a child, as the timeline shows it."""

    at: dt.datetime
    kind: str
    title: str
    details: list[tuple[str, str]] = field(default_factory=list)
    companions: list[Child] = field(default_factory=list)
    episode: Episode | None = None
    meeting_id: int | None = None  # a panel discussion's meeting
    is_date_only: bool = False
    # The record the event is about, for the links to correct it and read its history
    # (children/timeline_corrections.html); None where the event offers none.
    record: object | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def _episode_events(records: ChildRecords) -> list[Event]:
    episodes, user = records.episodes, records.user
    # Of the children seen with this child, those this person may see (asked only about
    # them, not by reading every child this person may see).
    companion_ids = {
        companion.child_id for episode in episodes for companion in _companions(episode)
    }
    companions_seen = (
        set(children_visible_to(user).filter(pk__in=companion_ids).values_list("pk", flat=True))
        if companion_ids
        else set()
    )
    borders = _borders_details(records)
    events = []
    for episode in episodes:
        events.append(
            Event(
                at=episode.last_seen_at,
                kind="episode",
                title=f"{episode.get_category_display()} (episode {episode.local_id})",
                details=[
                    ("Where last seen", episode.last_seen_location or "Not recorded"),
                    ("Police reference", episode.police_reference or "Not recorded"),
                    ("Risk", episode.get_risk_display() or "Not graded"),
                    ("Missing from", episode.get_missing_from_display()),
                    ("Locality", episode.locality.name if episode.locality else "Not recorded"),
                    ("Legal status", episode.get_legal_status_display()),
                    ("Reported by", episode.reported_by or "Not recorded"),
                    ("Reported to police", _when(episode.reported_at)),
                    *_placing_council_told(records.child, episode),
                    *borders.get(episode.pk, []),
                    *_from_the_police(episode),
                ],
                # Only the companions this person may see are named.
                companions=[
                    companion.child
                    for companion in _companions(episode)
                    if companion.child_id in companions_seen
                ],
                episode=episode,
                record=episode,
            )
        )
        if episode.returned_at:
            events.append(
                Event(
                    at=episode.returned_at,
                    kind="return",
                    title=f"Returned (episode {episode.local_id})",
                    details=[("Found at", episode.found_location or "Not recorded")],
                    episode=episode,
                )
            )
    return events


def _from_the_police(episode: Episode) -> list[tuple[str, str]]:
    """The police references the episode is known by, and each risk grading the police gave
    it (their own word, the grade it maps to, when and by which force): where there are any."""
    rows = []
    refs = list(episode.police_refs.all())
    if refs:
        lines = [
            f"{ref.police_ref} ({ref.force_name})" if ref.force_name else ref.police_ref
            for ref in refs
        ]
        rows.append(("Police references", "\n".join(lines)))
    gradings = list(episode.risk_gradings.all())
    if gradings:
        lines = [
            f"“{g.verbatim}” ({g.get_mapped_display() or 'not mapped'}), {_when(g.graded_at)}"
            + (f", {g.force_name}" if g.force_name else "")
            for g in gradings
        ]
        rows.append(("Risk gradings", "\n".join(lines)))
    return rows


def _borders_details(records: ChildRecords) -> dict[int, list[tuple[str, str]]]:
    """Across council borders, by episode: where one of our children's episodes happened in
    another council's area, and which of a placed-in child's were on no register entry."""
    from homeward.borders.selectors import episodes_elsewhere, unregistered_episode_ids

    ids = [episode.pk for episode in records.episodes]
    details: dict[int, list[tuple[str, str]]] = {}
    if not ids:
        return details
    for pk, elsewhere in episodes_elsewhere(episode_ids=ids).items():
        told = f"In {elsewhere.host_council.name}'s area: they told us {_when(elsewhere.told_at)}"
        details[pk] = [("Where", told)] + (
            [("Host's notes", elsewhere.notes)] if elsewhere.notes else []
        )
    if records.child.is_placed_in:
        for pk in unregistered_episode_ids(episode_ids=ids):
            details.setdefault(pk, []).append(("Placed-in register", NOT_ON_REGISTER))
    return details


NOT_ON_REGISTER = "Not on the register that day: nobody told us the child was placed here"


def _placing_council_told(child: Child, episode: Episode) -> list[tuple[str, str]]:
    """When the placing council was told: asked of every placed-in child's episode, and
    shown for any other where it was recorded."""
    if child.is_placed_in or episode.placing_la_notified_at:
        return [("Placing council told", _when(episode.placing_la_notified_at))]
    return []


def _interview_events(records: ChildRecords) -> list[Event]:
    # The interviews after the episodes already read: this person may see those episodes.
    episodes = {episode.pk: episode for episode in records.episodes}
    if not episodes:
        return []
    interviews = ReturnInterview.objects.filter(episode_id__in=episodes).only(
        "episode_id",
        "offered_at",
        "completed_at",
        "outcome",
        "conducted_by",
        "findings",
        "created_by_id",  # whose findings they are (access.rules.can_see_findings)
        "local_id",
    )
    for interview in interviews:
        interview.episode = episodes[interview.episode_id]
    user = records.user
    return [
        Event(
            at=interview.completed_at or interview.offered_at or interview.episode.returned_at,
            kind="interview",
            title=f"Return home interview: {interview.get_outcome_display().lower()}",
            details=[
                ("After episode", interview.episode.local_id),
                ("Offered", _when(interview.offered_at)),
                ("Completed", _when(interview.completed_at)),
                ("By", interview.conducted_by or "Not recorded"),
                ("Findings", _findings(interview, user)),
            ],
            record=interview,
        )
        for interview in interviews
    ]


def _closure_events(records: ChildRecords) -> list[Event]:
    """Returns closed by a coordinator without an interview, and closures undone."""
    episodes = {episode.pk: episode for episode in records.episodes}
    if not episodes:
        return []
    closures = InterviewClosure.objects.filter(episode_id__in=episodes).select_related(
        "created_by", "undone_by"
    )
    events = []
    for closure in closures:
        closure.episode = episodes[closure.episode_id]
        after = ("After episode", closure.episode.local_id)
        events.append(
            Event(
                at=closure.created_at,
                kind="closure",
                title="Return home interview closed without an outcome",
                details=[
                    after,
                    ("Why", closure.reason),
                    ("Closed by", _person(closure.created_by)),
                ],
                record=None if closure.undone_at else closure,  # the link to undo it
            )
        )
        if closure.undone_at:
            events.append(
                Event(
                    at=closure.undone_at,
                    kind="closure-undone",
                    title="Closure undone: the return home interview is owed again",
                    details=[after, ("Undone by", _person(closure.undone_by))],
                )
            )
    return events


def _person(user) -> str:
    return user.get_username() if user is not None else "Not recorded"


def _findings(interview: ReturnInterview, user) -> str:
    if not can_see_findings(user, interview):
        return FINDINGS_HIDDEN
    return interview.findings or "None recorded"


def _screenings(child: Child) -> QuerySet[Screening]:
    return child.screenings.all() if _has(child, "screenings") else Screening.objects.none()


def _screening_events(records: ChildRecords) -> list[Event]:
    return [
        Event(
            at=_day_start(screening.completed_on),
            kind="screening",
            title=f"Exploitation screening: {screening.get_outcome_display().lower()}",
            details=[
                ("Concerns", concerns_in_words(screening.concerns)),
                ("Next review", _day(screening.next_review_on)),
            ],
            is_date_only=True,
            record=screening,
        )
        for screening in _screenings(records.child).only(
            "child_id", "completed_on", "outcome", "concerns", "next_review_on", "local_id"
        )
    ]


def _placement_events(records: ChildRecords) -> list[Event]:
    events = []
    for placement in records.placements:
        where = placement.provider_name or (placement.locality.name if placement.locality else "")
        details = [("Placed by", placement.placing_la.name), ("Where", where or "Not recorded")]
        events.append(
            Event(
                at=_day_start(placement.start_date),
                kind="placement",
                title=f"Placement began: {placement.get_placement_type_display()}",
                details=details,
                is_date_only=True,
                record=placement,
            )
        )
        if placement.end_date:
            events.append(
                Event(
                    at=_day_start(placement.end_date),
                    kind="placement",
                    title=f"Placement ended: {placement.get_placement_type_display()}",
                    is_date_only=True,
                )
            )
    return events


def _panel_events(records: ChildRecords) -> list[Event]:
    return [
        Event(
            at=_day_start(discussion.held_on),
            kind="panel",
            title=f"Discussed at the panel: {discussion.risk_display.lower()} risk",
            details=[
                ("Why", discussion.reason or "Not recorded"),
                ("Summary", discussion.summary or "None recorded"),
                ("Next review", _day(discussion.next_review_on)),
                ("Actions", "\n".join(map(_action_line, discussion.actions)) or "None"),
            ],
            meeting_id=discussion.meeting_id,
            is_date_only=True,
        )
        for discussion in (
            panel_discussions_for_child(user=records.user, child=records.child)
            if _has(records.child, "panel_discussions")
            else []
        )
    ]


def _action_line(action: ChildPanelAction) -> str:
    """'Call the school. Owner: Education. Due 20 May 2020, overdue.' as one sentence each."""
    what = action.description.strip()
    if not what.endswith((".", "!", "?")):
        what += "."
    if action.completed_on:
        state = f"Done {_day(action.completed_on)}."
    else:
        state = f"Due {_day(action.due_on)}" + (", overdue." if action.is_overdue else ".")
    return f"{what} Owner: {action.owner}. {state}"


def _day(value: dt.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else "Not set"


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(LONDON).strftime("%-d %b %Y %H:%M") if value else "Not recorded"


# Each source adds its own events.
TIMELINE_SOURCES: list[Callable[[ChildRecords], list[Event]]] = [
    _episode_events,
    _interview_events,
    _closure_events,
    _screening_events,
    _placement_events,
    _panel_events,
]


def child_timeline(*, records: ChildRecords) -> list[Event]:
    """Everything that happened to a child, the most recent first."""
    events = [event for source in TIMELINE_SOURCES for event in source(records)]
    return sorted(events, key=lambda event: event.at, reverse=True)
