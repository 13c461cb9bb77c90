"""Pages that put mistakes right: mark a record entered in error (or undo it), cancel a panel
meeting, merge two records of one child (or undo the merge). Each shows what will happen
and asks to confirm; the services refuse what would break a rule, with a sentence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from homeward.access.rules import CORRECT_ERRORS, check_action, children_visible_to
from homeward.audit.services import audit_refused
from homeward.councils.installation import installation_council
from homeward.in_error.forms import ConfirmForm, DuplicateForm, MarkInErrorForm
from homeward.in_error.rules import mark_blockers, merge_clashes, undo_problems
from homeward.in_error.selectors import (
    child_for_merge,
    child_of,
    describe,
    duplicate_for_unmerge,
    going_with,
    merge_preview,
    record_for_marking,
    record_for_undo,
)
from homeward.in_error.services import child_merge, child_unmerge, in_error_mark, in_error_undo
from homeward.panel.models import PanelMeeting
from homeward.web.forms import add_service_errors

MARKED = "{record} is marked entered in error. It no longer appears in lists or counts."
MEETING_CANCELLED = "{record} is cancelled. It no longer appears in the panel's lists."
UNDONE = "{record} is no longer marked entered in error: it is listed and counted again."
MERGED = "Child {duplicate} is merged into this record: everything recorded for them is here."
UNMERGED = "The merge is undone: child {duplicate} has their own record again."
NO_SUCH_CHILD = "There is no child with local id {local_id} that you may see."


def _back(record):
    """Where a person goes after a change to this record: the child's page, or the panel's."""
    child = child_of(record)
    return ("children:detail", child.pk) if child is not None else ("panel:index", None)


def _go_back(record):
    name, pk = _back(record)
    return redirect(name, pk=pk) if pk is not None else redirect(name)


def _done(request, form, record, change, tried: dict | None = None) -> bool:
    """Make the change; if the service refuses it, audit the refusal and put it on the form."""
    try:
        change()
    except ValidationError as error:
        audit_refused(request=request, obj=record, told=error.message_dict, tried=tried)
        add_service_errors(form, error)
        return False
    return True


@login_required
def mark(request, kind: str, pk: int):
    """Mark a record entered in error (a panel meeting: cancel it), with a reason."""
    check_action(request.user, CORRECT_ERRORS)
    record = record_for_marking(user=request.user, kind=kind, pk=pk)
    form = MarkInErrorForm(request.POST or None)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if form.is_valid() and _done(
        request, form, record, lambda: in_error_mark(record=record, reason=reason, by=request.user)
    ):
        said = MEETING_CANCELLED if isinstance(record, PanelMeeting) else MARKED
        messages.success(request, said.format(record=describe(record)))
        return _go_back(record)
    context = {
        "record": record,
        "kind": kind,
        "description": describe(record),
        "going": [describe(other) for other in going_with(record)],
        "problems": mark_blockers(record),
        "is_meeting": isinstance(record, PanelMeeting),
        "form": form,
        "back": _back(record),
    }
    return render(request, "in_error/mark.html", context)


@login_required
def undo(request, kind: str, pk: int):
    """Take back a mark of entered in error (a cancelled meeting: hold it again)."""
    check_action(request.user, CORRECT_ERRORS)
    record = record_for_undo(user=request.user, kind=kind, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _done(
        request, form, record, lambda: in_error_undo(record=record, by=request.user)
    ):
        messages.success(request, UNDONE.format(record=describe(record)))
        return _go_back(record)
    context = {
        "record": record,
        "description": describe(record),
        "problems": undo_problems(record),
        "form": form,
        "back": _back(record),
    }
    return render(request, "in_error/undo.html", context)


@login_required
def merge(request, pk: int):
    """Merge another record of this child into this one: pick it, compare, confirm."""
    check_action(request.user, CORRECT_ERRORS)
    survivor = get_object_or_404(children_visible_to(request.user), pk=pk)
    pick = DuplicateForm(request.GET if "other" in request.GET else None)
    duplicate = None
    if pick.is_valid():
        duplicate = child_for_merge(
            user=request.user,
            council=installation_council(),
            local_id=pick.cleaned_data["other"],
        )
        if duplicate is None:
            pick.add_error("other", NO_SUCH_CHILD.format(local_id=pick.cleaned_data["other"]))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if (
        duplicate is not None
        and form.is_valid()
        and _done(
            request,
            form,
            survivor,
            lambda: child_merge(survivor=survivor, duplicate=duplicate, by=request.user),
            tried={"duplicate": duplicate.local_id},
        )
    ):
        messages.success(request, MERGED.format(duplicate=duplicate.local_id))
        return redirect("children:detail", pk=survivor.pk)
    context = {
        "survivor": survivor,
        "pick": pick,
        "form": form,
        "preview": merge_preview(survivor=survivor, duplicate=duplicate) if duplicate else None,
        "clashes": merge_clashes(survivor, duplicate) if duplicate else [],
    }
    return render(request, "in_error/merge.html", context)


@login_required
def unmerge(request, pk: int):
    """Undo the merge of this (merged-away) child into another record."""
    check_action(request.user, CORRECT_ERRORS)
    duplicate = duplicate_for_unmerge(user=request.user, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _done(
        request, form, duplicate, lambda: child_unmerge(duplicate=duplicate, by=request.user)
    ):
        messages.success(request, UNMERGED.format(duplicate=duplicate.local_id))
        return redirect("children:detail", pk=duplicate.pk)
    return render(request, "in_error/unmerge.html", {"duplicate": duplicate, "form": form})
