"""Pages for return home interviews: who is waiting, recording an offer and its outcome,
correcting an interview, and an interview's change history."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import (
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
from homeward.interviews.forms import InterviewEditForm, InterviewForm, InterviewsFilter
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.interviews.selectors import AWAITING_OUTCOME, interviews_due, open_interview
from homeward.interviews.services import interview_record, interview_update
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
    rows = interviews_due(
        council=council,
        now=now,
        user=request.user,
        locality_id=locality.pk if locality else None,
        worker=chosen.get("worker", ""),
    )
    if chosen.get("worker", "").strip():
        record_search(request=request)  # a search by a worker's name
    page, query = paginate(request, rows)
    overdue = sum(1 for row in rows if row.is_overdue)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "as_at": now,
        "total": len(rows),
        "overdue": overdue,
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
# For someone who may not read this interview's findings: the page neither shows nor signs
# them (a signed value can be read), and a save cannot change them.
EDIT_PAGE_WITHOUT_FINDINGS = change_page(
    InterviewEditForm, purpose="interview-edit-without-findings", without={"findings"}
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
    hidden = {} if can_see_findings(request.user, interview) else {"findings": FINDINGS_HIDDEN}
    context = {
        "child": child,
        "record": interview,
        "what": f"return home interview {interview.local_id}",
        "history": change_history(interview, labels=page_labels(EDIT_PAGE), hidden=hidden),
    }
    return render(request, "history.html", context)
