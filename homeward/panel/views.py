"""Pages for the multi-agency panel: meetings, the children discussed, and the actions agreed."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    RECORD_PANEL,
    access_for,
    check_action,
    check_panel,
    panel_actions_visible_to,
    panel_discussions_visible_to,
    panel_meetings_visible_to,
)
from homeward.audit.services import audit_refused, record_look, record_looks, record_search
from homeward.children.selectors import find_children, visible_children
from homeward.councils.models import Council
from homeward.exploitation.selectors import REPEAT_DAYS, REPEAT_EPISODES, repeat_missing_children
from homeward.panel import services
from homeward.panel.forms import (
    ActionsFilter,
    PanelActionDoneForm,
    PanelActionEditForm,
    PanelActionForm,
    PanelChildSearchForm,
    PanelDiscussionEditForm,
    PanelDiscussionForm,
    PanelMeetingEditForm,
    PanelMeetingForm,
)
from homeward.panel.selectors import (
    panel_candidates,
    panel_meeting_discussions,
    panel_meetings,
    panel_open_actions,
)
from homeward.web.edits import Edit, EditPage, edit_record, plain_values
from homeward.web.forms import add_service_errors
from homeward.web.kept import posted_or_kept
from homeward.web.paging import paginate

CANDIDATES_SHOWN = 25


def _check_record(user) -> None:
    check_panel(user)
    check_action(user, RECORD_PANEL)


def _meeting(request, pk: int):
    return get_object_or_404(panel_meetings_visible_to(request.user), pk=pk)


@login_required
def panel(request):
    """Upcoming and past meetings, and every open action, the overdue ones marked."""
    check_panel(request.user)
    filters = ActionsFilter(request.GET or None)
    owner = filters.cleaned_data["owner"] if filters.is_valid() else ""
    if owner.strip():
        record_search(request=request)  # a search by a person's name
    today = timezone.localdate()
    actions = list(panel_open_actions(user=request.user, owner=owner))
    page, query = paginate(request, actions)
    context = {
        "filters": filters,
        "meetings": panel_meetings(user=request.user, today=today),
        "page": page,
        "query": query,
        "today": today,
        "total": len(actions),
        "overdue": sum(1 for action in actions if action.due_on < today),
    }
    return render(request, "panel/index.html", context)


@login_required
def meeting(request, pk: int):
    """A meeting: who came, the children discussed with their risk rating and actions."""
    check_panel(request.user)
    held = _meeting(request, pk)
    discussions = panel_meeting_discussions(user=request.user, meeting=held)
    record_looks(request=request, children=[discussion.child for discussion in discussions])
    context = {"meeting": held, "discussions": discussions, "today": timezone.localdate()}
    return render(request, "panel/meeting.html", context)


@login_required
def meeting_record(request):
    """Record a meeting of the panel, held or planned."""
    _check_record(request.user)
    form = PanelMeetingForm(posted_or_kept(request))
    if request.method == "POST" and form.is_valid():
        council = get_object_or_404(Council, pk=access_for(request.user).council_id)
        try:
            held = services.panel_meeting_record(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, None, error, form)
            add_service_errors(form, error)
        else:
            messages.success(request, f"{held} recorded.")
            return redirect("panel:meeting", pk=held.pk)
    return render(request, "panel/meeting_form.html", {"form": form})


def _refused(request, record, error: ValidationError, form) -> None:
    """Audit a new panel record that was refused: what the person was told and tried."""
    told, tried = error.message_dict, plain_values(form.cleaned_data)
    audit_refused(request=request, obj=record, told=told, tried=tried)


def _page(form_class, fields: set[str], purpose: str) -> EditPage:
    """A panel change page: the record's fields in the form's order."""
    ordered = tuple(name for name in form_class.base_fields if name in fields)
    return EditPage(form_class=form_class, fields=ordered, purpose=purpose)


MEETING_PAGE = _page(PanelMeetingEditForm, services.MEETING_FIELDS, "panel-meeting-edit")
DISCUSSION_PAGE = _page(
    PanelDiscussionEditForm, services.DISCUSSION_FIELDS, "panel-discussion-edit"
)
ACTION_PAGE = _page(PanelActionEditForm, services.ACTION_FIELDS, "panel-action-edit")
ACTION_DONE_PAGE = _page(PanelActionDoneForm, {"completed_on"}, "panel-action-done")


def _edit(request, page: EditPage, record, update, **options) -> Edit:
    """The panel's change pages go through the one edit flow (web/edits.py)."""
    return edit_record(
        request,
        page,
        record=record,
        update=update,
        refused=partial(audit_refused, request=request, obj=record),
        **options,
    )


@login_required
def meeting_edit(request, pk: int):
    """Change a meeting's details; refused, with their values, if someone else saved first."""
    _check_record(request.user)
    held = _meeting(request, pk)
    done = _edit(request, MEETING_PAGE, held, _meeting_update)
    if done.saved:
        messages.success(request, f"{held} saved.")
        return redirect("panel:meeting", pk=held.pk)
    context = {"form": done.form, "meeting": done.record, "conflict": done.conflict}
    return render(request, "panel/meeting_form.html", context)


def _meeting_update(*, record, **save):
    return services.panel_meeting_update(meeting=record, **save)


def _discussion_update(*, record, **save):
    return services.panel_discussion_update(discussion=record, **save)


def _action_update(*, record, **save):
    return services.panel_action_update(action=record, **save)


def _action_complete(*, record, expected_version: int, by, **changes):
    completed_on = changes.get("completed_on", record.completed_on)
    return services.panel_action_complete(
        action=record, completed_on=completed_on, expected_version=expected_version, by=by
    )


@login_required
def discussion_start(request, meeting_pk: int):
    """Adding a child to a meeting begins by finding them; repeat-missing children first."""
    _check_record(request.user)
    held = _meeting(request, meeting_pk)
    form = PanelChildSearchForm(request.GET or None)
    page = query = None
    capped = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = find_children(user=request.user, council=held.council, text=form.cleaned_data["q"])
        record_search(request=request)
        page, query = paginate(request, found.children, per_page=20)
        capped = found.capped_message
    repeat = repeat_missing_children(user=request.user, council=held.council, now=timezone.now())
    candidates = panel_candidates(meeting=held, children=repeat)
    context = {
        "meeting": held,
        "form": form,
        "page": page,
        "query": query,
        "capped": capped,
        "candidates": candidates[:CANDIDATES_SHOWN],
        "more_candidates": max(0, len(candidates) - CANDIDATES_SHOWN),
        "episodes": REPEAT_EPISODES,
        "days": REPEAT_DAYS,
    }
    return render(request, "panel/add_child.html", context)


@login_required
def discussion_record(request, meeting_pk: int, child_pk: int):
    """Record a child's discussion at a meeting: why, the risk rating, the decisions."""
    _check_record(request.user)
    held = _meeting(request, meeting_pk)
    children = visible_children(user=request.user, council=held.council)
    child = get_object_or_404(children, pk=child_pk)
    form = PanelDiscussionForm(posted_or_kept(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_discussion_record(
                meeting=held, child=child, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, child, error, form)
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child} added to the {held.held_on:%-d %B %Y} meeting.")
            return redirect("panel:meeting", pk=held.pk)
    context = {"form": form, "meeting": held, "child": child}
    record_look(request=request, child=child)
    return render(request, "panel/discussion_form.html", context)


def _discussion(request, pk: int):
    discussions = panel_discussions_visible_to(request.user).select_related("meeting", "child")
    return get_object_or_404(discussions, pk=pk)


@login_required
def discussion_edit(request, pk: int):
    """Change a child's discussion (a new risk rating, decisions, review date)."""
    _check_record(request.user)
    discussion = _discussion(request, pk)
    done = _edit(request, DISCUSSION_PAGE, discussion, _discussion_update)
    if done.saved:
        messages.success(request, f"The discussion of {discussion.child} saved.")
        return redirect("panel:meeting", pk=discussion.meeting_id)
    context = {
        "form": done.form,
        "meeting": discussion.meeting,
        "child": discussion.child,
        "discussion": discussion,
        "conflict": done.conflict,
    }
    record_look(request=request, child=discussion.child)
    return render(request, "panel/discussion_form.html", context)


@login_required
def action_record(request, discussion_pk: int):
    """Record an action the panel agreed for a child."""
    _check_record(request.user)
    discussion = _discussion(request, discussion_pk)
    form = PanelActionForm(posted_or_kept(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_action_record(
                discussion=discussion, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(request, discussion, error, form)
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action for {discussion.child} recorded.")
            return redirect("panel:meeting", pk=discussion.meeting_id)
    context = {"form": form, "discussion": discussion, "child": discussion.child}
    record_look(request=request, child=discussion.child)
    return render(request, "panel/action_form.html", context)


def _action(request, pk: int):
    actions = panel_actions_visible_to(request.user)
    return get_object_or_404(
        actions.select_related("discussion__meeting", "discussion__child"), pk=pk
    )


def _back_from_action(request, action):
    """Back to the panel's open actions if the person came from there, else to the meeting."""
    if request.GET.get("back") == "panel":
        return redirect("panel:index")
    return redirect("panel:meeting", pk=action.discussion.meeting_id)


@login_required
def action_edit(request, pk: int):
    """Change an action (what, owner, due date, date done); emptying the date done reopens it."""
    _check_record(request.user)
    action = _action(request, pk)
    done = _edit(request, ACTION_PAGE, action, _action_update)
    if done.saved:
        messages.success(request, f"Action for {action.discussion.child} saved.")
        return _back_from_action(request, action)
    context = {
        "form": done.form,
        "action": action,
        "discussion": action.discussion,
        "child": action.discussion.child,
        "conflict": done.conflict,
    }
    record_look(request=request, child=action.discussion.child)
    return render(request, "panel/action_form.html", context)


@login_required
def action_complete(request, pk: int):
    """Mark an action done."""
    _check_record(request.user)
    action = _action(request, pk)
    initial = {"completed_on": action.completed_on or timezone.localdate()}
    done = _edit(request, ACTION_DONE_PAGE, action, _action_complete, initial=initial)
    if done.saved:
        messages.success(request, f"Action for {action.discussion.child} marked done.")
        return _back_from_action(request, action)
    context = {"form": done.form, "action": action, "child": action.discussion.child}
    context["conflict"] = done.conflict
    record_look(request=request, child=action.discussion.child)
    return render(request, "panel/action_done.html", context)
