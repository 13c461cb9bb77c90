"""Pages for return home interviews: who is waiting, recording an offer and its outcome,
correcting an interview, and an interview's change history."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
    CLOSE_INTERVIEW,
    FINDINGS_HIDDEN,
    RECORD_INTERVIEW,
    can_see_episode,
    can_see_findings,
    check_action,
    check_case_pages,
)
from homeward.audit.history import change_history
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.councils.installation import installation_council
from homeward.episodes.selectors import visible_episodes
from homeward.interviews.forms import (
    CloseForm,
    InterviewEditForm,
    InterviewForm,
    InterviewsFilter,
    UndoCloseForm,
)
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.interviews.selectors import (
    AWAITING_OUTCOME,
    attempts_required,
    interview_due_row,
    open_closure,
    open_interview,
    owed_counts,
    owed_returns,
    owed_rows,
)
from homeward.interviews.services import (
    interview_close,
    interview_closure_undo,
    interview_record,
    interview_update,
)
from homeward.web.edits import change_page, edit_record, page_labels, plain_values
from homeward.web.forms import add_service_errors
from homeward.web.kept import posted_or_kept
from homeward.web.paging import paginate


@login_required
def due(request):
    """Returns waiting for an interview, with the time left on the 72-hour clock."""
    check_case_pages(request.user)
    council = installation_council()
    filters = InterviewsFilter(request.GET or None, council=council)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    locality = chosen.get("locality")
    now = timezone.now()
    returns = owed_returns(
        council=council,
        now=now,
        user=request.user,
        locality_id=locality.pk if locality else None,
        worker=chosen.get("worker", ""),
    )
    if chosen.get("worker", "").strip():
        record_search(request=request)  # a search by a worker's name
    # Paged by the database: every return owed is listed, however long ago, so the list
    # grows with the council's history; only the page shown is read.
    page, query = paginate(request, owed_rows(returns))
    page.object_list = [interview_due_row(row, now) for row in page.object_list]
    counts = owed_counts(returns, now)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "as_at": now,
        "total": counts.total,
        "overdue": counts.overdue,
        "attempts_required": attempts_required(),
    }
    return render(request, "interviews/due.html", context)


@login_required
def record(request, episode_pk: int):
    """Record the offer of a return home interview and its outcome."""
    check_action(request.user, RECORD_INTERVIEW)
    episodes = visible_episodes(user=request.user, council=installation_council())
    episode = get_object_or_404(episodes.select_related("child"), pk=episode_pk)
    form = InterviewForm(posted_or_kept(request))
    if request.method == "POST" and form.is_valid():
        try:
            interview_record(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            audit_refused(
                request=request,
                obj=episode,
                told=error.message_dict,
                tried=plain_values(form.cleaned_data),
            )
            add_service_errors(form, error, aliases={"episode_id": None})
        else:
            messages.success(request, f"Interview recorded for {episode.child}.")
            if request.GET.get("back") == "child":
                return redirect("children:detail", pk=episode.child_id)
            return redirect("interviews:due")
    due_at = episode.returned_at + RHI_DUE_WITHIN if episode.returned_at else None
    context = {"form": form, "episode": episode, "child": episode.child, "due_at": due_at}
    # An interview offered and not yet settled: its outcome goes on it, not on a new entry.
    context["offered"] = open_interview(episode=episode)
    record_look(request=request, child=episode.child)
    return render(request, "interviews/record.html", context)


EDIT_PAGE = change_page(InterviewEditForm, purpose="interview-edit")
# For someone who may not read this interview's findings (nor its factors, what the child
# said as codes): the page neither shows nor signs them (a signed value can be read), and a
# save cannot change them.
PRIVATE = {"findings", "factors"}
EDIT_PAGE_WITHOUT_FINDINGS = change_page(
    InterviewEditForm, purpose="interview-edit-without-findings", without=PRIVATE
)


RECORD_OUTCOME = "Record the outcome of interview {interview}"
CHANGE_INTERVIEW = "Change interview {interview}"


def _interview(request, pk: int) -> ReturnInterview:
    episodes = visible_episodes(user=request.user, council=installation_council())
    interviews = ReturnInterview.objects.filter(episode__in=episodes.values("pk"))
    related = ("episode", "episode__child", "created_by", "changed_by")
    return get_object_or_404(interviews.select_related(*related), pk=pk)


@login_required
def edit(request, pk: int):
    """Record the outcome of an interview offered, or correct one, on the same record;
    refused, with what changed, if someone else saved first."""
    check_action(request.user, RECORD_INTERVIEW)
    interview = _interview(request, pk)
    with_findings = can_see_findings(request.user, interview)
    done = edit_record(
        request,
        EDIT_PAGE if with_findings else EDIT_PAGE_WITHOUT_FINDINGS,
        record=interview,
        update=_interview_update,
        refused=partial(audit_refused, request=request, obj=interview),
        may_see=lambda current: can_see_episode(request.user, current.episode),
        form_kwargs={"with_findings": with_findings},
    )
    episode = interview.episode
    if done.saved:
        messages.success(request, f"Interview {interview.local_id} saved for {episode.child}.")
        return redirect("children:detail", pk=episode.child_id)
    record_look(request=request, child=episode.child)
    # Offered and not yet settled: the page is where its outcome is recorded.
    records_outcome = interview.outcome in AWAITING_OUTCOME
    heading = RECORD_OUTCOME if records_outcome else CHANGE_INTERVIEW
    context = {
        "form": done.form,
        "record": done.record,
        "episode": episode,
        "child": episode.child,
        "conflict": done.conflict,
        "records_outcome": records_outcome,
        "heading": heading.format(interview=interview.local_id),
    }
    return render(request, "interviews/edit.html", context)


def _interview_update(*, record: ReturnInterview, **save) -> ReturnInterview:
    return interview_update(interview=record, **save)


@login_required
def history(request, pk: int):
    """Every change to an interview: who, when, from what to what; findings only to those who
    may read them."""
    check_case_pages(request.user)
    interview = _interview(request, pk)
    child = interview.episode.child
    record_look(request=request, child=child)
    hidden = (
        {} if can_see_findings(request.user, interview) else dict.fromkeys(PRIVATE, FINDINGS_HIDDEN)
    )
    context = {
        "child": child,
        "record": interview,
        "what": f"return home interview {interview.local_id}",
        "history": change_history(interview, labels=page_labels(EDIT_PAGE), hidden=hidden),
    }
    return render(request, "history.html", context)


CLOSED = (
    "The interview owed after {child}'s return on {returned} (episode {episode}) is closed "
    "without an outcome, because: {reason}. It has left the list of interviews due; the "
    "closure is on {child}'s page, where it can be undone."
)
UNDONE = (
    "The closure is undone: {child}'s return on {returned} (episode {episode}) is owed an "
    "interview again, {due} and back on the list of interviews due."
)


@login_required
def close(request, episode_pk: int):
    """Close the interview owed after a return without an outcome, with a reason; or undo
    the closure that stands."""
    check_action(request.user, CLOSE_INTERVIEW)
    council = installation_council()
    episodes = visible_episodes(user=request.user, council=council)
    episode = get_object_or_404(episodes.select_related("child"), pk=episode_pk)
    closure = open_closure(episode=episode)
    action = request.POST.get("action") if request.method == "POST" else None
    form = CloseForm(request.POST if action == "close" else None)
    undo_form = UndoCloseForm(
        request.POST if action == "undo" else None,
        initial={"closure": closure.pk if closure else None},
    )
    if action == "close" and form.is_valid():
        done = _close(request, form, episode=episode, reason=form.cleaned_data["reason"])
        if done:
            return done
    elif action == "undo" and undo_form.is_valid():
        chosen = undo_form.cleaned_data["closure"]
        done = _undo(request, undo_form, council=council, closure=closure, chosen=chosen)
        if done:
            return done
    now = timezone.now()
    owed = owed_returns(council=council, now=now, user=request.user).filter(pk=episode.pk)
    context = {
        "form": form,
        "undo_form": undo_form,
        "episode": episode,
        "child": episode.child,
        "closure": open_closure(episode=episode),
        "owed": next((interview_due_row(row, now) for row in owed_rows(owed)), None),
    }
    record_look(request=request, child=episode.child)
    return render(request, "interviews/close.html", context)


def _returned(episode) -> str:
    return timezone.localtime(episode.returned_at).strftime("%-d %b %Y at %H:%M")


def _close(request, form, *, episode, reason: str):
    try:
        closure = interview_close(episode=episode, reason=reason, by=request.user)
    except ValidationError as error:
        audit_refused(
            request=request, obj=episode, told=error.message_dict, tried={"reason": reason}
        )
        add_service_errors(form, error)
        return None
    message = CLOSED.format(
        child=episode.child,
        returned=_returned(episode),
        episode=episode.local_id,
        reason=closure.reason.rstrip("."),
    )
    messages.success(request, message)
    if request.GET.get("back") == "child":
        return redirect("children:detail", pk=episode.child_id)
    return redirect("interviews:due")


def _undo(request, form, *, council, closure, chosen: int):
    episode = closure.episode if closure else None
    if closure is None or closure.pk != chosen:
        # Undone (or closed again) by someone else since the page was opened.
        form.add_error(None, CLOSURE_CHANGED)
        return None
    try:
        interview_closure_undo(closure=closure, by=request.user)
    except ValidationError as error:
        audit_refused(request=request, obj=closure, told=error.message_dict)
        add_service_errors(form, error)
        return None
    row = owed_rows(
        owed_returns(council=council, now=timezone.now(), user=request.user).filter(pk=episode.pk)
    ).first()
    due = interview_due_row(row, timezone.now()).due_words if row else "due"
    messages.success(
        request,
        UNDONE.format(
            child=episode.child, returned=_returned(episode), episode=episode.local_id, due=due
        ),
    )
    return redirect("children:detail", pk=episode.child_id)


CLOSURE_CHANGED = (
    "Someone else has undone or changed this closure since you opened the page: the page "
    "shows the return as it is now. Check it before doing anything more."
)
