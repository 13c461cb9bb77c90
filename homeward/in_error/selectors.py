"""Reads for records entered in error and merged children, through the one access rule."""

from dataclasses import dataclass

from django.db import models
from django.http import Http404

from homeward.access.rules import (
    access_for,
    children_visible_to,
    episodes_visible_to,
    panel_discussions_visible_to,
    panel_meetings_visible_to,
    sees_every_episode_of_their_children,
)
from homeward.children.models import Child, Placement
from homeward.core.problems import when
from homeward.episodes.models import Episode
from homeward.exploitation.models import Screening
from homeward.in_error.models import ChildMerge
from homeward.in_error.rules import KINDS, dependents
from homeward.interviews.models import ReturnInterview
from homeward.panel.models import PanelDiscussion, PanelMeeting


def _in_use_visible(user, kind: str) -> models.QuerySet:
    """The records of a kind in use that this person may see (the rule: access.rules)."""
    children = children_visible_to(user).values("pk")
    return {
        "episodes": lambda: episodes_visible_to(user),
        "interviews": lambda: ReturnInterview.objects.filter(
            episode__in=episodes_visible_to(user).values("pk")
        ),
        "placements": lambda: Placement.objects.filter(child__in=children),
        "screenings": lambda: Screening.objects.filter(child__in=children),
        "discussions": lambda: panel_discussions_visible_to(user),
        "meetings": lambda: panel_meetings_visible_to(user),
    }[kind]()


def _all_visible(user, kind: str) -> models.QuerySet:
    """The same, with the records entered in error: those of a child this person may see (a
    meeting: their council's, for the panel's roles)."""
    model = KINDS[kind]
    access = access_for(user)
    if kind == "meetings":
        if not access.panel:
            return model.all_records.none()
        return model.all_records.filter(council_id=access.council_id)
    children = children_visible_to(user).values("pk")
    if kind == "interviews":
        return model.all_records.filter(episode__child__in=children)
    return model.all_records.filter(child__in=children)


def _one(records, user, kind: str, pk: int) -> models.Model:
    record = records(user, kind).filter(pk=pk).first() if kind in KINDS else None
    if record is None:
        raise Http404
    return record


def record_for_marking(*, user, kind: str, pk: int) -> models.Model:
    """A record in use this person may see, to mark entered in error (404 otherwise)."""
    return _one(_in_use_visible, user, kind, pk)


def record_for_undo(*, user, kind: str, pk: int) -> models.Model:
    """A record, in error or not, this person may see, to undo its mark (404 otherwise)."""
    return _one(_all_visible, user, kind, pk)


def going_with(record: models.Model) -> list[models.Model]:
    """The records in use that would be marked entered in error along with `record`."""
    found = dependents(record)
    return list(found.filter(entered_in_error_at__isnull=True)) if found is not None else []


def child_of(record: models.Model) -> Child | None:
    """The child a record is about (None for a panel meeting)."""
    if isinstance(record, ReturnInterview):
        return Episode.all_records.select_related("child").get(pk=record.episode_id).child
    if isinstance(record, PanelMeeting):
        return None
    return record.child


def describe(record: models.Model) -> str:
    """A record as the confirmation pages and the child's history name it."""
    if isinstance(record, Episode):
        seen = when(record.last_seen_at)
        return f"{record.get_category_display()} episode {record.local_id}, last seen {seen}"
    if isinstance(record, ReturnInterview):
        return f"Return home interview {record.local_id} ({record.get_outcome_display().lower()})"
    if isinstance(record, Placement):
        return f"Placement {record.local_id}: {record}"
    if isinstance(record, Screening):
        return f"Exploitation screening {record.local_id} of {when(record.completed_on)}"
    if isinstance(record, PanelDiscussion):
        meeting = PanelMeeting.all_records.get(pk=record.meeting_id)
        return f"Panel discussion at the meeting of {when(meeting.held_on)}"
    return f"{record} (chaired by {record.chair})"


@dataclass(frozen=True)
class InErrorRecord:
    kind: str
    pk: int
    description: str
    marked_at: object
    marked_by: str
    reason: str


def in_error_for_child(*, user, child: Child) -> list[InErrorRecord]:
    """The child's records entered in error that this person may see, the latest marked first."""
    episodes = Episode.all_records.filter(child=child)
    if not sees_every_episode_of_their_children(user):
        # Police liaison: the episodes of their localities only, as everywhere else.
        episodes = episodes.filter(locality_id__in=access_for(user).locality_ids)
    found = {
        "episodes": episodes,
        "interviews": ReturnInterview.all_records.filter(episode__in=episodes.values("pk")),
        "placements": Placement.all_records.filter(child=child),
        "screenings": Screening.all_records.filter(child=child),
        "discussions": PanelDiscussion.all_records.filter(child=child),
    }
    records = []
    for kind, queryset in found.items():
        marked = queryset.filter(entered_in_error_at__isnull=False).select_related(
            "entered_in_error_by"
        )
        for record in marked:
            by = record.entered_in_error_by
            records.append(
                InErrorRecord(
                    kind=kind,
                    pk=record.pk,
                    description=describe(record),
                    marked_at=record.entered_in_error_at,
                    marked_by=by.get_username() if by else "Unknown",
                    reason=record.entered_in_error_reason,
                )
            )
    return sorted(records, key=lambda r: (r.marked_at, r.kind, r.pk), reverse=True)


def survivor_of(*, user, pk: int) -> Child | None:
    """For a child merged into another, the record they live on in (if this person may see
    it), following merges of merges; None for a child not merged."""
    child = Child.all_records.filter(pk=pk, merged_into__isnull=False).first()
    seen = set()
    while child is not None and child.merged_into_id is not None and child.pk not in seen:
        seen.add(child.pk)
        child = Child.all_records.filter(pk=child.merged_into_id).first()
    if child is None or not seen:
        return None
    return children_visible_to(user).filter(pk=child.pk).first()


def merged_into_child(*, child: Child) -> list[ChildMerge]:
    """The merges into this child still in force, the latest first (the child's page lists
    the duplicates' ids)."""
    return list(
        ChildMerge.objects.filter(survivor=child, undone_at__isnull=True).select_related(
            "duplicate", "created_by"
        )
    )


def duplicate_for_unmerge(*, user, pk: int) -> Child:
    """A merged-away child whose survivor this person may see (404 otherwise)."""
    child = Child.all_records.filter(pk=pk).first()
    if child is None:
        raise Http404
    if child.merged_into_id is None:
        visible = children_visible_to(user).filter(pk=child.pk).exists()
    else:
        visible = children_visible_to(user).filter(pk=child.merged_into_id).exists()
    if not visible:
        raise Http404
    return child


@dataclass(frozen=True)
class MergePreview:
    """Two records of one child side by side, and what would move from one to the other."""

    survivor: Child
    duplicate: Child
    moving: dict[str, int]  # kind of record: how many would move


def merge_preview(*, survivor: Child, duplicate: Child) -> MergePreview:
    moving = {
        "episodes": Episode.all_records.filter(child=duplicate).count(),
        "return home interviews": ReturnInterview.all_records.filter(
            episode__child=duplicate
        ).count(),
        "placements": Placement.all_records.filter(child=duplicate).count(),
        "screenings": Screening.all_records.filter(child=duplicate).count(),
        "panel discussions": PanelDiscussion.all_records.filter(child=duplicate).count(),
        "allocations": duplicate.allocations.count(),
    }
    return MergePreview(survivor=survivor, duplicate=duplicate, moving=moving)


def child_for_merge(*, user, council, local_id: str) -> Child | None:
    """The child in use with this local id that this person may see."""
    return children_visible_to(user).filter(council=council, local_id=local_id.strip()).first()


def records_to_mark(*, user, child: Child) -> list[tuple[str, models.Model]]:
    """The child's records in use this person may see and mark entered in error."""
    found = []
    for kind in ("episodes", "interviews", "placements", "screenings", "discussions"):
        records = _in_use_visible(user, kind)
        if kind == "interviews":
            records = records.filter(episode__child=child).order_by("pk")
        else:
            records = records.filter(child=child).order_by("pk")
        found += [(kind, record) for record in records]
    return found


def cancelled_panel_meetings(*, user) -> list[PanelMeeting]:
    """The panel meetings of this person's council that were cancelled, the latest first."""
    meetings = _all_visible(user, "meetings").filter(entered_in_error_at__isnull=False)
    return list(meetings.select_related("entered_in_error_by").order_by("-held_on", "-pk"))
