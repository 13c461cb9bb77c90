"""What may be marked entered in error, and which merges of two children would break a rule.

Shared by the services (which refuse) and the pages (which say so before anyone confirms).
"""

import datetime as dt

from django.db import models
from django.db.models import Q

from homeward.children.models import Child, Placement
from homeward.core.problems import when
from homeward.episodes.models import Companion, Episode
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview
from homeward.panel.models import PanelDiscussion, PanelMeeting

# The kinds of record that can be marked entered in error, by the name their pages use.
KINDS: dict[str, type[models.Model]] = {
    "episodes": Episode,
    "interviews": ReturnInterview,
    "placements": Placement,
    "screenings": Screening,
    "discussions": PanelDiscussion,
    "meetings": PanelMeeting,
}

REASON_REQUIRED = (
    "Enter why this record was entered in error: the reason stays in the child's history."
)
ALREADY_IN_ERROR = "This record was already marked entered in error on {when}."
NOT_IN_ERROR = "This record is not marked entered in error, so there is nothing to undo."
PLACEMENT_IN_USE = (
    "Episode(s) {episodes} say the child went missing from this placement. Change those "
    "episodes, or mark them entered in error, before marking the placement."
)
PARENT_IN_ERROR = (
    "The {parent} this record belongs to is marked entered in error: undo that first, and "
    "this record comes back with it."
)
UNDO_WOULD_CLASH = (
    "This episode cannot come back: it would overlap episode {other} of the same child "
    "({seen} to {returned}). Correct or mark one of them entered in error first."
)

MERGE_REFUSED = (
    "These two records cannot be merged: {clashes}. Correct the records that clash (or mark "
    "them entered in error), then merge again."
)
SAME_CHILD = "a record cannot be merged with itself"
ALREADY_MERGED = "child {child} has already been merged into another record"
OTHER_COUNCIL = "child {duplicate} belongs to another council than child {survivor}"
BOTH_OPEN = "both children are missing now (episodes {first} and {second} are open)"
EPISODES_OVERLAP = "episode {first} ({first_when}) overlaps episode {second} ({second_when})"
SAME_MEETING = "both were discussed at the panel meeting of {held_on}"
MISSING_TOGETHER = "episode {episode} lists both children as missing together"
SEEN_WITH_ITSELF = "episode {episode} of one lists the other as missing with them"

FAR_FUTURE = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def dependents(record: models.Model) -> models.QuerySet | None:
    """The records that go with this one when it is entered in error: an episode's
    interviews, a meeting's discussions (None for the other kinds)."""
    if isinstance(record, Episode):
        return ReturnInterview.all_records.filter(episode=record)
    if isinstance(record, PanelMeeting):
        return PanelDiscussion.all_records.filter(meeting=record)
    return None


def parent(record: models.Model) -> tuple[str, models.Model] | None:
    """The record this one goes with (an interview's episode, a discussion's meeting)."""
    if isinstance(record, ReturnInterview):
        return "episode", Episode.all_records.get(pk=record.episode_id)
    if isinstance(record, PanelDiscussion):
        return "panel meeting", PanelMeeting.all_records.get(pk=record.meeting_id)
    return None


def mark_problems(record: models.Model, reason: str) -> list[str]:
    """Why this record cannot be marked entered in error now with this reason (empty: it can)."""
    return ([] if reason.strip() else [REASON_REQUIRED]) + mark_blockers(record)


def mark_blockers(record: models.Model) -> list[str]:
    """Why this record cannot be marked entered in error now, whatever the reason."""
    problems = []
    if record.entered_in_error_at is not None:
        problems.append(ALREADY_IN_ERROR.format(when=when(record.entered_in_error_at)))
    if isinstance(record, Placement):
        using = Episode.objects.filter(placement=record).order_by("last_seen_at")
        ids = list(using.values_list("local_id", flat=True)[:10])
        if ids:
            problems.append(PLACEMENT_IN_USE.format(episodes=", ".join(ids)))
    return problems


def undo_problems(record: models.Model) -> list[str]:
    """Why this record's mark cannot be undone now (empty: it can)."""
    if record.entered_in_error_at is None:
        return [NOT_IN_ERROR]
    above = parent(record)
    if above is not None and above[1].entered_in_error_at is not None:
        return [PARENT_IN_ERROR.format(parent=above[0])]
    if isinstance(record, Episode):
        clash = _clashing(Episode.objects.filter(child_id=record.child_id), record)
        if clash is not None:
            return [
                UNDO_WOULD_CLASH.format(
                    other=clash.local_id,
                    seen=when(clash.last_seen_at),
                    returned=when(clash.returned_at) if clash.returned_at else "still missing",
                )
            ]
    return []


def _clashing(others: models.QuerySet, episode: Episode) -> Episode | None:
    """Of `others`, the first episode whose period overlaps `episode`'s."""
    overlapping = others.exclude(pk=episode.pk).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=episode.last_seen_at)
    )
    if episode.returned_at is not None:
        overlapping = overlapping.filter(last_seen_at__lt=episode.returned_at)
    return overlapping.order_by("last_seen_at").first()


def merge_clashes(survivor: Child, duplicate: Child) -> list[str]:
    """Every rule merging `duplicate` into `survivor` would break, as phrases for a sentence.

    Episodes entered in error are left out: they are not counted, so they cannot clash.
    """
    if survivor.pk == duplicate.pk:
        return [SAME_CHILD]
    clashes = [
        ALREADY_MERGED.format(child=child.local_id)
        for child in (survivor, duplicate)
        if child.merged_into_id is not None
    ]
    if survivor.council_id != duplicate.council_id:
        clashes.append(
            OTHER_COUNCIL.format(duplicate=duplicate.local_id, survivor=survivor.local_id)
        )
    return clashes + _episode_clashes(survivor, duplicate) + _link_clashes(survivor, duplicate)


def _period(episode: Episode) -> str:
    returned = when(episode.returned_at) if episode.returned_at else "still missing"
    return f"{when(episode.last_seen_at)} to {returned}"


def _episode_clashes(survivor: Child, duplicate: Child) -> list[str]:
    kept = list(Episode.objects.filter(child=survivor).order_by("last_seen_at"))
    moving = list(Episode.objects.filter(child=duplicate).order_by("last_seen_at"))
    clashes = []
    open_kept = [e for e in kept if e.returned_at is None]
    open_moving = [e for e in moving if e.returned_at is None]
    if open_kept and open_moving:
        first, second = open_kept[0].local_id, open_moving[0].local_id
        clashes.append(BOTH_OPEN.format(first=first, second=second))
    for first in kept:
        for second in moving:
            if first.returned_at is None and second.returned_at is None:
                continue  # said once above
            first_end = first.returned_at or FAR_FUTURE
            second_end = second.returned_at or FAR_FUTURE
            if first.last_seen_at < second_end and second.last_seen_at < first_end:
                clashes.append(
                    EPISODES_OVERLAP.format(
                        first=first.local_id,
                        first_when=_period(first),
                        second=second.local_id,
                        second_when=_period(second),
                    )
                )
    return clashes


def _link_clashes(survivor: Child, duplicate: Child) -> list[str]:
    """Links the database allows once per child: a meeting's discussion, an episode's
    companion; and a child cannot be missing with themselves."""
    clashes = []
    meetings = PanelDiscussion.all_records.filter(child=survivor).values("meeting")
    for discussion in (
        PanelDiscussion.all_records.filter(child=duplicate, meeting__in=meetings)
        .select_related("meeting")
        .order_by("meeting__held_on")
    ):
        clashes.append(SAME_MEETING.format(held_on=when(discussion.meeting.held_on)))
    both = Companion.objects.filter(child=survivor).values("episode")
    for companion in Companion.objects.filter(child=duplicate, episode__in=both).select_related(
        "episode"
    ):
        clashes.append(MISSING_TOGETHER.format(episode=companion.episode.local_id))
    for companion in Companion.objects.filter(
        Q(child=duplicate, episode__child=survivor) | Q(child=survivor, episode__child=duplicate)
    ).select_related("episode"):
        clashes.append(SEEN_WITH_ITSELF.format(episode=companion.episode.local_id))
    return clashes
