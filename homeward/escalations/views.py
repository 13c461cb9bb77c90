"""Pages for escalations: the list, one escalation, changing, closing and referring it."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    NO_PANEL_PAGES,
    RECORD_PANEL,
    access_for,
    check_escalations,
    episodes_visible_to,
    escalation_owners,
    escalations_visible_to,
    may,
    panel_meetings_visible_to,
)
from homeward.audit.services import audit_refused, record_look, record_looks, record_search
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.escalations import services
from homeward.escalations.forms import (
    EscalationCloseForm,
    EscalationEditForm,
    EscalationReferForm,
    EscalationsFilter,
)
from homeward.escalations.rules import rule_words
from homeward.escalations.selectors import OPEN, SHOWING, escalations_counts, escalations_list
from homeward.web.edits import change_page, edit_record, plain_values
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

EDIT_PAGE = change_page(EscalationEditForm, purpose="escalation-edit")
CLOSE_PAGE = change_page(EscalationCloseForm, purpose="escalation-close")
REFERRED = "{child} is added to the panel meeting on {held_on}, and the referral recorded here."
ALREADY_ON_THE_LIST = (
    "{child} was already on the list of the panel meeting on {held_on}: the referral is "
    "recorded here, pointing to that discussion."
)
NO_MEETING_PLANNED = (
    "No panel meeting is planned. Ask the panel chair to record the next meeting on the "
    "Panel page, then refer the child."
)
REFER_CHANGED = (
    "Someone else changed this escalation while you were referring it, so the referral was not "
    "made. Check the escalation, then refer the child again."
)


def _escalation(request, pk: int):
    escalations = escalations_visible_to(request.user).select_related("child", "owner")
    # 404, not 403, for an escalation this person may not see, as for its child.
    return get_object_or_404(escalations, pk=pk)


def _owners(request):
    return escalation_owners(access_for(request.user).council_id)


@login_required
def index(request):
    """Escalations open, due this week, overdue or closed; by kind and owner; oldest due first."""
    check_escalations(request.user)
    today = timezone.localdate()
    filters = EscalationsFilter(request.GET or None, owners=_owners(request))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    showing = chosen.get("showing") or OPEN
    if chosen.get("owner"):
        record_search(request=request)  # a search by a person
    rows = escalations_list(
        user=request.user,
        today=today,
        showing=showing,
        kind=chosen.get("kind", ""),
        owner=chosen.get("owner", ""),
    )
    page, query = paginate(request, rows)
    record_looks(request=request, children=[row.child for row in page.object_list])
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "showing": SHOWING[showing],
        "counts": escalations_counts(user=request.user, today=today),
        "today": today,
    }
    return render(request, "escalations/index.html", context)


@login_required
def detail(request, pk: int):
    """One escalation: the child, the rule, why (its episodes), owner, due date, outcome."""
    check_escalations(request.user)
    escalation = _escalation(request, pk)
    record_look(request=request, child=escalation.child)
    # The child's own: an episode moved to another child since (a wrong link undone) is theirs.
    episodes = episodes_visible_to(request.user).filter(
        pk__in=escalation.episodes.all(), child_id=escalation.child_id
    )
    context = {
        "escalation": escalation,
        "rule": rule_words(escalation.rule),
        "episodes": episodes.order_by("last_seen_at"),
        "today": timezone.localdate(),
        "may_refer": _may_refer(request.user),
    }
    return render(request, "escalations/detail.html", context)


def _may_refer(user) -> bool:
    return access_for(user).panel and may(user, RECORD_PANEL)


def _edit(request, page, escalation, update, **options):
    return edit_record(
        request,
        page,
        record=escalation,
        update=update,
        refused=partial(audit_refused, request=request, obj=escalation),
        may_see=lambda record: escalations_visible_to(request.user).filter(pk=record.pk).exists(),
        **options,
    )


def _update(*, record, **save):
    return services.escalation_update(escalation=record, **save)


def _close(*, record, expected_version: int, by, **changes):
    return services.escalation_close(
        escalation=record,
        outcome=changes.get("outcome", ""),
        notes=changes.get("outcome_notes", ""),
        expected_version=expected_version,
        by=by,
    )


def _change(request, pk: int, page, update, template: str, done_words: str, **options):
    """A change page of an escalation through the one edit flow: saved, or shown again."""
    check_escalations(request.user)
    escalation = _escalation(request, pk)
    done = _edit(request, page, escalation, update, **options)
    if done.saved:
        messages.success(request, f"{done.record} {done_words}.")
        return redirect("escalations:detail", pk=escalation.pk)
    context = {"form": done.form, "escalation": done.record, "conflict": done.conflict}
    record_look(request=request, child=escalation.child)
    return render(request, template, context)


@login_required
def edit(request, pk: int):
    """Change the owner or the due date; refused, with their values, if someone saved first."""
    owners = {"owners": _owners(request)}
    return _change(
        request, pk, EDIT_PAGE, _update, "escalations/edit.html", "saved", form_kwargs=owners
    )


@login_required
def close(request, pk: int):
    """Close the escalation with an outcome and a sentence."""
    return _change(request, pk, CLOSE_PAGE, _close, "escalations/close.html", "closed")


@login_required
def refer(request, pk: int):
    """Refer the escalation's child to a coming panel meeting, and record it on the escalation."""
    check_escalations(request.user)
    if not _may_refer(request.user):
        raise PermissionDenied(NO_PANEL_PAGES)
    escalation = _escalation(request, pk)
    meetings = panel_meetings_visible_to(request.user).filter(held_on__gte=timezone.localdate())
    initial = {"version": escalation.version, "reason": _reason(escalation)}
    form = EscalationReferForm(
        request.POST or None, meetings=meetings.order_by("held_on"), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        referred = _referred(request, escalation, form)
        if referred:
            return referred
    context = {"form": form, "escalation": escalation, "no_meeting": not meetings.exists()}
    context["no_meeting_text"] = NO_MEETING_PLANNED
    record_look(request=request, child=escalation.child)
    return render(request, "escalations/refer.html", context)


def _reason(escalation) -> str:
    return f"{escalation.get_kind_display()}: {rule_words(escalation.rule).lower()}."


def _referred(request, escalation, form):
    values = form.cleaned_data
    meeting = values["meeting"]
    already = meeting.discussions.filter(child_id=escalation.child_id).exists()
    try:
        services.escalation_refer_to_panel(
            escalation=escalation,
            meeting=meeting,
            risk=values["risk"],
            reason=values["reason"],
            expected_version=values["version"],
            by=request.user,
        )
    except ChangedByAnotherUser:
        audit_refused(request=request, obj=escalation, told=REFER_CHANGED)
        form.add_error(None, REFER_CHANGED)
        return None
    except ValidationError as error:
        audit_refused(
            request=request, obj=escalation, told=error.message_dict, tried=plain_values(values)
        )
        add_service_errors(form, error)
        return None
    said = ALREADY_ON_THE_LIST if already else REFERRED
    messages.success(
        request, said.format(child=escalation.child, held_on=f"{meeting.held_on:%-d %B %Y}")
    )
    return redirect("escalations:detail", pk=escalation.pk)
