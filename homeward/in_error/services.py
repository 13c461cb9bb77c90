"""Putting mistakes right without deleting anything.

A record entered in error is marked (who, when, why) and left out of every list and count;
the mark can be undone. Two records of one child are merged: everything recorded for the
duplicate moves to the surviving record, and the merge can be undone. Each is audited inside
its own transaction, record by record.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from homeward.audit.services import field_values, record_change
from homeward.children.models import Allocation, Child, Placement
from homeward.episodes.models import Companion, Episode
from homeward.exploitation.models import Screening
from homeward.in_error.models import ChildMerge
from homeward.in_error.rules import (
    MERGE_REFUSED,
    dependents,
    mark_problems,
    merge_clashes,
    undo_problems,
)
from homeward.interviews.models import ReturnInterview
from homeward.panel.models import PanelDiscussion

NOT_MERGED = "This record has not been merged into another, so there is nothing to undo."
SURVIVOR_MERGED_SINCE = (
    "The record this one was merged into (child {survivor}) has itself been merged into "
    "another since: undo that merge first."
)

# What a merge moves from the duplicate to the surviving record, and back on undo (an
# episode's interviews go with it). "Seen with" links (Companion) move too, untracked.
MOVED: dict[str, type[models.Model]] = {
    "episodes": Episode,
    "placements": Placement,
    "screenings": Screening,
    "discussions": PanelDiscussion,
    "allocations": Allocation,
}


def _stored(model: type[models.Model]) -> models.Manager:
    """The model's manager that reads every record, those in error or merged away too."""
    return getattr(model, "all_records", model._base_manager)


def _change(record: models.Model, *, by, now, **values) -> None:
    """Save `values` on `record` as a change (new version, who and when), audited."""
    model = type(record)
    before = field_values(record)
    _stored(model).filter(pk=record.pk).update(
        **values, changed_at=now, changed_by=by, version=F("version") + 1
    )
    record_change(record=record, by=by, before=before)


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationError({"__all__": problems})


@transaction.atomic
def in_error_mark(*, record: models.Model, reason: str, by) -> models.Model:
    """Mark a record entered in error, with what goes with it (an episode's interviews, a
    panel meeting's discussions): kept, but left out of every list and count."""
    record = _stored(type(record)).select_for_update().get(pk=record.pk)
    _refuse(mark_problems(record, reason))
    now = timezone.now()
    going = dependents(record)
    going = list(going.filter(entered_in_error_at__isnull=True)) if going is not None else []
    # Marked at the same instant, so that undoing the record brings back exactly these.
    values = {
        "entered_in_error_at": now,
        "entered_in_error_by": by,
        "entered_in_error_reason": reason.strip(),
    }
    for each in [record, *going]:
        _change(each, by=by, now=now, **values)
    return record


@transaction.atomic
def in_error_undo(*, record: models.Model, by) -> models.Model:
    """Take back a mark of entered in error, and the marks that went with it."""
    record = _stored(type(record)).select_for_update().get(pk=record.pk)
    _refuse(undo_problems(record))
    going = dependents(record)
    going = (
        list(going.filter(entered_in_error_at=record.entered_in_error_at))
        if going is not None
        else []
    )
    now = timezone.now()
    values = {
        "entered_in_error_at": None,
        "entered_in_error_by": None,
        "entered_in_error_reason": "",
    }
    for each in [record, *going]:
        _change(each, by=by, now=now, **values)
    return record


def _locked_pair(survivor: Child, duplicate: Child) -> tuple[Child, Child]:
    # Locked in id order, so that two merges of the same pair wait rather than deadlock.
    locked = {
        child.pk: child
        for child in Child.all_records.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    return locked[survivor.pk], locked[duplicate.pk]


@transaction.atomic
def child_merge(*, survivor: Child, duplicate: Child, by) -> Child:
    """Merge a duplicate record of a child into the surviving one: everything recorded for
    the duplicate moves, and the duplicate points at the survivor (returned)."""
    survivor, duplicate = _locked_pair(survivor, duplicate)
    clashes = merge_clashes(survivor, duplicate)
    if clashes:
        raise ValidationError({"__all__": [MERGE_REFUSED.format(clashes="; ".join(clashes))]})
    now = timezone.now()
    moved = {}
    for kind, model in MOVED.items():
        records = list(_stored(model).select_for_update().filter(child=duplicate).order_by("pk"))
        moved[kind] = [record.pk for record in records]
        for record in records:
            _change(record, by=by, now=now, child_id=survivor.pk)
    moved["interviews"] = list(
        ReturnInterview.all_records.filter(episode_id__in=moved["episodes"]).values_list(
            "pk", flat=True
        )
    )
    companions = Companion.objects.filter(child=duplicate)
    moved["seen_with"] = list(companions.values_list("pk", flat=True))
    companions.update(child=survivor)
    _change(duplicate, by=by, now=now, merged_into_id=survivor.pk)
    merge = ChildMerge.objects.create(
        survivor=survivor, duplicate=duplicate, moved=moved, created_by=by, changed_by=by
    )
    record_change(record=merge, by=by)
    return duplicate


@transaction.atomic
def child_unmerge(*, duplicate: Child, by) -> Child:
    """Undo a merge: what moved goes back to the duplicate, which is listed and counted
    again (returned). What was recorded for the survivor since stays with the survivor."""
    merge = (
        ChildMerge.objects.select_for_update()
        .filter(duplicate_id=duplicate.pk, undone_at__isnull=True)
        .select_related("survivor")
        .first()
    )
    if merge is None:
        raise ValidationError({"__all__": [NOT_MERGED]})
    survivor, duplicate = _locked_pair(merge.survivor, duplicate)
    if survivor.merged_into_id is not None:
        raise ValidationError(
            {"__all__": [SURVIVOR_MERGED_SINCE.format(survivor=survivor.local_id)]}
        )
    now = timezone.now()
    for kind, model in MOVED.items():
        records = (
            _stored(model)
            .select_for_update()
            .filter(pk__in=merge.moved.get(kind, []), child=survivor)
        )
        for record in records.order_by("pk"):
            _change(record, by=by, now=now, child_id=duplicate.pk)
    Companion.objects.filter(pk__in=merge.moved.get("seen_with", []), child=survivor).update(
        child=duplicate
    )
    _change(duplicate, by=by, now=now, merged_into_id=None)
    before = field_values(merge)
    ChildMerge.objects.filter(pk=merge.pk).update(
        undone_at=now, undone_by=by, changed_at=now, changed_by=by, version=F("version") + 1
    )
    record_change(record=merge, by=by, before=before)
    return duplicate
