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
from homeward.audit.services import field_values
from homeward.children.selectors import children_search, visible_children
from homeward.children.views import audit_search
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.models import Council
from homeward.episodes.views import audit_change
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
    form_data,
)
from homeward.panel.selectors import (
    panel_candidates,
    panel_meeting_discussions,
    panel_meetings,
    panel_open_actions,
)
from homeward.web.forms import add_service_errors
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
        audit_search(request)  # a search by a person's name
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
    context = {"meeting": held, "discussions": discussions, "today": timezone.localdate()}
    return render(request, "panel/meeting.html", context)


@login_required
def meeting_record(request):
    """Record a meeting of the panel, held or planned."""
    _check_record(request.user)
    form = PanelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        council = get_object_or_404(Council, pk=access_for(request.user).council_id)
        try:
            held = services.panel_meeting_record(
                council=council, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit_change(request, held, {})
            messages.success(request, f"{held} recorded.")
            return redirect("panel:meeting", pk=held.pk)
    return render(request, "panel/meeting_form.html", {"form": form})


@login_required
def meeting_edit(request, pk: int):
    """Change a meeting's details; refused, with their values, if someone else saved first."""
    _check_record(request.user)
    held = _meeting(request, pk)
    form, saved = _edit(
        request,
        held,
        PanelMeetingEditForm,
        services.MEETING_FIELDS,
        partial(services.panel_meeting_update, meeting=held),
    )
    if saved:
        messages.success(request, f"{held} saved.")
        return redirect("panel:meeting", pk=held.pk)
    return render(request, "panel/meeting_form.html", {"form": form, "meeting": held})


def _edit(request, record, form_class, fields, update) -> tuple:
    """The change form for a panel record, and whether the change was saved.

    The form starts from the record and its version; `update` (the record's update service,
    its record given) saves only what changed. If someone else saved first the form comes
    back with their values and says so; a saved change is audited before and after.
    """
    before = field_values(record)
    initial = {name: getattr(record, name) for name in fields} | {"version": record.version}
    form = form_class(request.POST or None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return form, False
    values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        update(
            expected_version=form.cleaned_data["version"],
            by=request.user,
            **_changed(record, values),
        )
    except ChangedByAnotherUser as refused:
        return _theirs(form_class, refused, fields), False
    except ValidationError as error:
        add_service_errors(form, error)
        return form, False
    audit_change(request, record, before)
    return form, True


def _changed(record, values: dict) -> dict:
    return {name: value for name, value in values.items() if getattr(record, name) != value}


def _theirs(form_class, refused: ChangedByAnotherUser, fields: set[str]):
    """The record as the other person saved it, to check before changing it again."""
    current = refused.record
    values = {name: getattr(current, name) for name in fields} | {"version": current.version}
    form = form_class(form_data(form_class, values))
    form.is_valid()
    form.add_error(None, str(refused))
    return form


@login_required
def discussion_start(request, meeting_pk: int):
    """Adding a child to a meeting begins by finding them; repeat-missing children first."""
    _check_record(request.user)
    held = _meeting(request, meeting_pk)
    form = PanelChildSearchForm(request.GET or None)
    page = query = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = children_search(
            user=request.user, council=held.council, text=form.cleaned_data["q"]
        )
        audit_search(request)
        page, query = paginate(request, list(found[:200]), per_page=20)
    repeat = repeat_missing_children(user=request.user, council=held.council, now=timezone.now())
    candidates = panel_candidates(meeting=held, children=repeat)
    context = {
        "meeting": held,
        "form": form,
        "page": page,
        "query": query,
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
    form = PanelDiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.panel_discussion_record(
                meeting=held, child=child, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit_change(request, discussion, {})
            messages.success(request, f"{child} added to the {held.held_on:%-d %B %Y} meeting.")
            return redirect("panel:meeting", pk=held.pk)
    context = {"form": form, "meeting": held, "child": child}
    return render(request, "panel/discussion_form.html", context)


def _discussion(request, pk: int):
    discussions = panel_discussions_visible_to(request.user).select_related("meeting", "child")
    return get_object_or_404(discussions, pk=pk)


@login_required
def discussion_edit(request, pk: int):
    """Change a child's discussion (a new risk rating, decisions, review date)."""
    _check_record(request.user)
    discussion = _discussion(request, pk)
    form, saved = _edit(
        request,
        discussion,
        PanelDiscussionEditForm,
        services.DISCUSSION_FIELDS,
        partial(services.panel_discussion_update, discussion=discussion),
    )
    if saved:
        messages.success(request, f"The discussion of {discussion.child} saved.")
        return redirect("panel:meeting", pk=discussion.meeting_id)
    context = {
        "form": form,
        "meeting": discussion.meeting,
        "child": discussion.child,
        "discussion": discussion,
    }
    return render(request, "panel/discussion_form.html", context)


@login_required
def action_record(request, discussion_pk: int):
    """Record an action the panel agreed for a child."""
    _check_record(request.user)
    discussion = _discussion(request, discussion_pk)
    form = PanelActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.panel_action_record(
                discussion=discussion, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit_change(request, action, {})
            messages.success(request, f"Action for {discussion.child} recorded.")
            return redirect("panel:meeting", pk=discussion.meeting_id)
    context = {"form": form, "discussion": discussion, "child": discussion.child}
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
    form, saved = _edit(
        request,
        action,
        PanelActionEditForm,
        services.ACTION_FIELDS,
        partial(services.panel_action_update, action=action),
    )
    if saved:
        messages.success(request, f"Action for {action.discussion.child} saved.")
        return _back_from_action(request, action)
    context = {
        "form": form,
        "action": action,
        "discussion": action.discussion,
        "child": action.discussion.child,
    }
    return render(request, "panel/action_form.html", context)


@login_required
def action_complete(request, pk: int):
    """Mark an action done."""
    _check_record(request.user)
    action = _action(request, pk)
    before = field_values(action)
    initial = {"completed_on": action.completed_on or timezone.localdate()}
    form = PanelActionDoneForm(request.POST or None, initial=initial | {"version": action.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_action_complete(
                action=action,
                completed_on=form.cleaned_data["completed_on"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ChangedByAnotherUser as refused:
            form = _theirs(PanelActionDoneForm, refused, {"completed_on"})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit_change(request, action, before)
            messages.success(request, f"Action for {action.discussion.child} marked done.")
            return _back_from_action(request, action)
    context = {"form": form, "action": action, "child": action.discussion.child}
    return render(request, "panel/action_done.html", context)
