"""What stands between the council's records and a clean statutory return (docs/returns.md,
"Data quality"): one function a check, each returning plain rows that name the record to fix,
the page it is fixed on and a sentence saying what to do.

The checks read the whole council; `visible_rows` keeps only the rows about records a person
may see (access.rules), so the page and the operator's command show the same lines from the
same code.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode

from homeward.access.rules import children_visible_to, episodes_visible_to
from homeward.children.matching import WORD_SIMILARITY, name_key, name_queries, word_similarity
from homeward.children.models import Child, Placement
from homeward.core.clock import LONDON, Period
from homeward.core.codes import Category, LegalStatus, MissingFrom, Sex
from homeward.core.problems import when
from homeward.episodes.models import Episode
from homeward.exchange.ssda903 import Checked903, check_903, collection_year
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.interviews.selectors import owed_among
from homeward.police.models import EpisodeReference

# The checks, in the order the page and the command list them: (name, heading).
LEGAL_STATUS = "legal-status"
POLICE_NOT_IN_RETURN = "police-not-in-return"
PERIOD_WITHOUT_POLICE = "period-without-police"
FAILS_903 = "fails-903"
NO_INTERVIEW_OUTCOME = "no-interview-outcome"
CHILD_DETAILS = "child-details"
DUPLICATES = "duplicates"
CHECKS = {
    LEGAL_STATUS: "Missing or away, against the child's legal status on the day",
    POLICE_NOT_IN_RETURN: "Police episodes the SSDA903 return leaves out",
    PERIOD_WITHOUT_POLICE: "Missing periods in the SSDA903 return with no police reference",
    FAILS_903: "Records the DfE would refuse in the SSDA903 return",
    NO_INTERVIEW_OUTCOME: "Returns with no interview outcome recorded",
    CHILD_DETAILS: "Children with no sex recorded",
    DUPLICATES: "Children who may be recorded twice",
}

AWAY_NOT_LOOKED_AFTER = (
    "Episode {episode} of child {child} (last seen {day}) is recorded as away from placement, "
    "but the child had no placement that day and the episode records legal status "
    "'{status}': away is only for a looked-after child whose whereabouts are known. Correct "
    "the category to missing, or add the placement the child was in."
)
AWAY_WITH_OTHER_STATUS = (
    "Episode {episode} of child {child} (last seen {day}) is recorded as away from placement "
    "but with legal status '{status}': away is only for a looked-after child. Correct the "
    "legal status to looked after, or the category to missing."
)
PLACED_WITH_OTHER_STATUS = (
    "Episode {episode} of child {child} (last seen {day}) records legal status '{status}', but "
    "the child was in placement {placement} that day, so was looked after. Correct the "
    "episode's legal status, or the placement's dates."
)
POLICE_LEFT_OUT = (
    "Episode {episode} of child {child} is known to the police ({refs}) and recorded as "
    "missing from a placement on {day}, but the child has no placement with this council "
    "that day, so the SSDA903 Missing table leaves it out. Add the placement the child was "
    "in, or correct where the child went missing from."
)
NO_POLICE_REFERENCE = (
    "Episode {episode} of child {child} (last seen {day}) is a missing period in the SSDA903 "
    "return but has no police reference: a child is missing when reported to the police. Add "
    "the police reference, or correct the category to away if the child's whereabouts were "
    "known."
)
NO_OUTCOME = (
    "Child {child} returned from episode {episode} on {day} and no interview outcome is "
    "recorded, so the return and Annex A count no interview completed or declined. Record the "
    "interview's outcome, or close the interview owed with the reason."
)
SEX_NOT_KNOWN = (
    "Child {child} has no sex recorded ('Not known'): the SSDA903 header and Annex A need it. "
    "Record the child's sex."
)
MAY_BE_TWICE = (
    "Children {first} and {second} have the same date of birth ({born}) and names alike, as "
    "the check when a child is added finds them: they may be one child recorded twice. If so, "
    "merge the duplicate into the other record; if not, nothing needs doing."
)


@dataclass(frozen=True)
class Row:
    """One record to fix: under which check, what it is, where it is fixed, and what to do."""

    check: str
    kind: str  # "child", "episode", "placement"
    local_id: str
    link: str
    sentence: str
    child_pk: int
    episode_pk: int | None = None  # an episode's row is shown to whoever may see the episode
    other_child_pk: int | None = None  # a suspected duplicate's other record: both must be seen

    @property
    def heading(self) -> str:
        return CHECKS[self.check]


def data_quality(*, council, year: int, now: dt.datetime) -> list[Row]:
    """Every check's rows for the council and the collection year ending 31 March `year`."""
    period = collection_year(year)
    checked = check_903(council=council, year=year)
    episodes = list(_year_episodes(council, period))
    placements = _placements_of(council, episodes)
    return [
        *legal_status_contradictions(episodes=episodes, placements=placements),
        *police_not_in_return(
            council=council, episodes=episodes, placements=placements, checked=checked
        ),
        *periods_without_police(council=council, episodes=episodes, checked=checked),
        *fails_903(checked=checked),
        *returns_without_outcome(council=council, period=period, now=now),
        *children_without_sex(council=council),
        *suspected_duplicates(council=council),
    ]


def by_check(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """The rows under each check, in the order of CHECKS; every check, even with none."""
    grouped = {check: [] for check in CHECKS}
    for row in rows:
        grouped[row.check].append(row)
    return list(grouped.items())


def visible_rows(rows: list[Row], *, user) -> list[Row]:
    """The rows about records this person may see: two queries, whatever the rows."""
    episode_pks = {row.episode_pk for row in rows if row.episode_pk is not None}
    child_pks = ({row.child_pk for row in rows} | {row.other_child_pk for row in rows}) - {None}
    seen_episodes = set(
        episodes_visible_to(user).filter(pk__in=episode_pks).values_list("pk", flat=True)
    )
    seen_children = set(
        children_visible_to(user).filter(pk__in=child_pks).values_list("pk", flat=True)
    )
    return [
        row
        for row in rows
        if row.child_pk in seen_children
        and (row.episode_pk is None or row.episode_pk in seen_episodes)
        and (row.other_child_pk is None or row.other_child_pk in seen_children)
    ]


def _year_episodes(council, period: Period):
    """The council's episodes open at some time in the year, as the export chooses them."""
    return (
        Episode.objects.filter(
            council=council, child__merged_into__isnull=True, last_seen_at__lt=period.ends_before
        )
        .exclude(returned_at__lt=period.starts_at)
        .select_related("child")
        .annotate(known_to_police=Exists(EpisodeReference.objects.filter(episode=OuterRef("pk"))))
        .order_by("child__local_id", "last_seen_at", "pk")
    )


def _placements_of(council, episodes: list[Episode]) -> dict[int, list[Placement]]:
    by_child = defaultdict(list)
    children = {episode.child_id for episode in episodes}
    for placement in Placement.objects.filter(council=council, child__in=children).order_by(
        "start_date", "pk"
    ):
        by_child[placement.child_id].append(placement)
    return by_child


def _day(episode: Episode) -> dt.date:
    return episode.last_seen_at.astimezone(LONDON).date()


def _covering(placements: list[Placement], day: dt.date) -> Placement | None:
    return next(
        (
            p
            for p in placements
            if p.start_date <= day and (p.end_date is None or day <= p.end_date)
        ),
        None,
    )


def _episode_row(check: str, episode: Episode, template: str, **values) -> Row:
    sentence = template.format(
        episode=episode.local_id, child=episode.child.local_id, day=when(_day(episode)), **values
    )
    link = reverse("episodes:edit", args=[episode.pk])
    return Row(check, "episode", episode.local_id, link, sentence, episode.child_id, episode.pk)


def legal_status_contradictions(*, episodes, placements) -> list[Row]:
    """Away recorded for a child not looked after that day, and a legal status other than
    looked after for a child in a placement that day (any council's placement: a child placed
    here by another council is looked after too)."""
    rows = []
    for episode in episodes:
        placed = _covering(placements.get(episode.child_id, []), _day(episode))
        status = episode.get_legal_status_display()
        looked_after = episode.legal_status == LegalStatus.LOOKED_AFTER
        if episode.category == Category.AWAY and placed is None and not looked_after:
            rows.append(_episode_row(LEGAL_STATUS, episode, AWAY_NOT_LOOKED_AFTER, status=status))
        elif episode.category == Category.AWAY and not looked_after:
            rows.append(_episode_row(LEGAL_STATUS, episode, AWAY_WITH_OTHER_STATUS, status=status))
        elif placed is not None and not looked_after:
            row = _episode_row(
                LEGAL_STATUS, episode, PLACED_WITH_OTHER_STATUS, status=status,
                placement=placed.local_id,
            )  # fmt: skip
            rows.append(row)
    return rows


def police_not_in_return(*, council, episodes, placements, checked: Checked903) -> list[Row]:
    """Episodes of the council's own children known to the police by a reference, recorded
    as missing from a placement, that the year's Missing table does not carry because the
    child has no placement with the council that day (those the export refuses outright are
    under `fails_903`)."""
    refused = {fix.record for fix in checked.fixes}
    candidates = [
        e
        for e in episodes
        if _known_to_police(e)
        and e.child.responsible_la_id == council.pk
        and e.missing_from == MissingFrom.PLACEMENT
        and e.pk not in checked.written
        and f"episode {e.local_id}" not in refused
    ]
    refs = _references([e.pk for e in candidates])
    rows = []
    for episode in candidates:
        theirs = [p for p in placements.get(episode.child_id, []) if p.placing_la_id == council.pk]
        if _covering(theirs, _day(episode)) is None:
            known = ", ".join(refs.get(episode.pk) or [episode.police_reference])
            rows.append(_episode_row(POLICE_NOT_IN_RETURN, episode, POLICE_LEFT_OUT, refs=known))
    return rows


def _known_to_police(episode: Episode) -> bool:
    return episode.known_to_police or bool(episode.police_reference)


def _references(episode_pks: list[int]) -> dict[int, list[str]]:
    refs = defaultdict(list)
    for episode_pk, ref in EpisodeReference.objects.filter(episode__in=episode_pks).values_list(
        "episode", "police_ref"
    ):
        refs[episode_pk].append(ref)
    return refs


def periods_without_police(*, council, episodes, checked: Checked903) -> list[Row]:
    """Missing (not away) periods the year's Missing table carries whose episode has no
    police reference."""
    return [
        _episode_row(PERIOD_WITHOUT_POLICE, episode, NO_POLICE_REFERENCE)
        for episode in episodes
        if episode.pk in checked.written
        and episode.category == Category.MISSING
        and not _known_to_police(episode)
    ]


def fails_903(*, checked: Checked903) -> list[Row]:
    """The records the SSDA903 export refuses, as it words them (exchange.ssda903)."""
    return [
        Row(
            FAILS_903,
            fix.record.split(" ", 1)[0],
            fix.record.split(" ", 1)[1],
            fix.link,
            fix.message,
            fix.child_pk,
        )
        for fix in checked.fixes
    ]


def returns_without_outcome(*, council, period: Period, now: dt.datetime) -> list[Row]:
    """Returns from missing in the year still owed an interview (interviews.selectors) more
    than 72 hours after the child came back: no outcome recorded in time."""
    returned = Episode.objects.filter(
        council=council,
        child__merged_into__isnull=True,
        returned_at__gte=period.starts_at,
        returned_at__lt=min(period.ends_before, now - RHI_DUE_WITHIN),
    )
    owed = owed_among(returned, now=now).select_related("child").order_by("returned_at", "pk")
    rows = []
    for episode in owed:
        day = when(episode.returned_at.astimezone(LONDON).date())
        sentence = NO_OUTCOME.format(
            episode=episode.local_id, child=episode.child.local_id, day=day
        )
        link = reverse("interviews:record", args=[episode.pk])
        rows.append(
            Row(
                NO_INTERVIEW_OUTCOME,
                "episode",
                episode.local_id,
                link,
                sentence,
                episode.child_id,
                episode.pk,
            )
        )
    return rows


def children_without_sex(*, council) -> list[Row]:
    """Children whose sex is not known (a date of birth Homeward always has)."""
    children = Child.objects.filter(council=council).filter(Q(sex=Sex.UNKNOWN) | Q(sex=""))
    return [
        Row(
            CHILD_DETAILS,
            "child",
            child.local_id,
            reverse("children:edit", args=[child.pk]),
            SEX_NOT_KNOWN.format(child=child.local_id),
            child.pk,
        )
        for child in children.order_by("local_id").only("pk", "local_id")
    ]


def suspected_duplicates(*, council) -> list[Row]:
    """Pairs of children with one date of birth and names alike by the rule that warns of a
    likely match when a child is added (children.selectors.likely_matches): the same
    word similarity, in either direction, among children sharing a date of birth."""
    shared = (
        Child.objects.filter(council=council)
        .values("date_of_birth")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("date_of_birth")
    )
    by_day = defaultdict(list)
    # Plain tuples: a council shares thousands of birthdays, and model instances cost more.
    for child in (
        Child.objects.filter(council=council, date_of_birth__in=shared)
        .order_by("local_id")
        .values_list("pk", "local_id", "first_name", "last_name", "date_of_birth", named=True)
    ):
        by_day[child.date_of_birth].append(child)
    rows = []
    for born, children in sorted(by_day.items()):
        # Each name folded once, as the add-a-child check folds what is typed and what is kept.
        names = {
            c.pk: (
                name_queries(f"{c.first_name} {c.last_name}"),
                name_key(c.first_name, c.last_name),
            )
            for c in children
        }
        for first, second in combinations(children, 2):
            if _alike(names[first.pk], names[second.pk]) or _alike(
                names[second.pk], names[first.pk]
            ):
                sentence = MAY_BE_TWICE.format(
                    first=first.local_id, second=second.local_id, born=when(born)
                )
                # The merge page, with the other record picked: the two side by side.
                link = reverse("in_error:merge", args=[first.pk])
                link += "?" + urlencode({"other": second.local_id})
                rows.append(
                    Row(
                        DUPLICATES,
                        "child",
                        second.local_id,
                        link,
                        sentence,
                        second.pk,
                        other_child_pk=first.pk,
                    )  # fmt: skip
                )
    return rows


def _alike(query: tuple[list[str], str], other: tuple[list[str], str]) -> bool:
    """Whether `query`'s name finds `other`'s as likely_matches does (NameMatches)."""
    queries, key = query[0], other[1]
    return bool(queries) and word_similarity(queries[0], key) >= WORD_SIMILARITY
