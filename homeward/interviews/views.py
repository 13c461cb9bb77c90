"""Pages for return home interviews: who is waiting, and recording an offer and its outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import RECORD_INTERVIEW, check_action, check_case_pages
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.councils.installation import installation_council
from homeward.episodes.selectors import visible_episodes
from homeward.interviews.forms import InterviewForm, InterviewsFilter
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.interviews.selectors import interviews_due
from homeward.interviews.services import interview_record
from homeward.web.edits import plain_values
from homeward.web.forms import add_service_errors
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
    form = InterviewForm(request.POST or None)
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
    record_look(request=request, child=episode.child)
    return render(request, "interviews/record.html", context)
