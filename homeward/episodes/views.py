"""Pages for missing episodes: who is missing now, recording an episode, its return,
corrections, and an episode's change history."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from homeward.access.rules import RECORD_EPISODE, can_see_episode, check_action, check_case_pages
from homeward.audit.history import change_history
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.borders.selectors import unregistered_episode_ids
from homeward.children.forms import ChildSearchForm
from homeward.children.selectors import find_children, visible_children
from homeward.core.clock import due_words
from homeward.core.codes import Category, LegalStatus
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.installation import installation_council
from homeward.episodes import services
from homeward.episodes.forms import (
    SORTS,
    EpisodeEditForm,
    EpisodeForm,
    MissingNowFilter,
    ReturnForm,
)
from homeward.episodes.models import Episode
from homeward.episodes.selectors import (
    RISK_ORDER,
    EpisodeSuggestions,
    Suggestion,
    episode_suggestions,
    episodes_missing_now,
    missing_now_state,
    visible_episodes,
)
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.web.edits import EditPage, edit_record, page_labels, plain
from homeward.web.forms import add_service_errors
from homeward.web.paging import PER_PAGE, paginate

EDIT_FIELDS = [name for name in EpisodeEditForm.base_fields if name not in ("version", "based_on")]

SORT_KEYS = {
    "risk": None,  # the selector's own order: high risk first, then the longest missing
    "hours": lambda row: (-row.hours_missing, row.child_name),
    "age": lambda row: (row.age, row.child_name),
    "name": lambda row: row.child_name.split()[-1:] + [row.child_name],
    "locality": lambda row: (row.locality or "~", row.child_name),
}


@login_required
def missing_now(request):
    """Every open episode: high risk first, sortable, filtered by locality."""
    check_case_pages(request.user)
    context = _missing_now_context(request)
    context["refresh_seconds"] = settings.HOMEWARD_MISSING_NOW_REFRESH_SECONDS
    context["check_seconds"] = settings.HOMEWARD_MISSING_NOW_CHECK_SECONDS
    return render(request, "episodes/missing_now.html", context)


@login_required
def missing_now_table(request):
    """The list of children missing now alone, for the page to refresh itself in place.

    The same access rule, filters and sort as the page; never kept by a browser or proxy,
    since it names children and changes as they go missing and come back."""
    check_case_pages(request.user)
    response = render(request, "episodes/missing_now_table.html", _missing_now_context(request))
    add_never_cache_headers(response)  # "no-store" among its directives
    return response


@login_required
def missing_now_changed(request):
    """Whether the Missing now list this person sees has changed: an opaque state the open
    page (and the home page's list) compares with the one before, fetching the list itself
    only when it differs. Asked every HOMEWARD_MISSING_NOW_CHECK_SECONDS, so it answers from
    one aggregate query and names nobody; never kept by a browser or proxy."""
    check_case_pages(request.user)
    state = missing_now_state(council=installation_council(), user=request.user)
    response = JsonResponse({"state": state})
    add_never_cache_headers(response)
    return response


def _missing_now_context(request) -> dict:
    council = installation_council()
    filters = MissingNowFilter(request.GET or None, council=council)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    locality = chosen.get("locality")
    now = timezone.now()
    # Read before the list, so that a change made while the list is read shows as a change.
    state = missing_now_state(council=council, user=request.user)
    rows = episodes_missing_now(
        council=council, now=now, user=request.user, locality_id=locality.pk if locality else None
    )
    sort = chosen.get("sort") or "risk"
    if SORT_KEYS[sort]:
        rows = sorted(rows, key=SORT_KEYS[sort])
    # The whole list on one page: a briefing sheet printed for a strategy meeting.
    whole = request.GET.get("all") == "1"
    page, query = paginate(request, rows, per_page=max(len(rows), 1) if whole else PER_PAGE)
    return {
        "whole": whole,
        "state": state,
        "filters": filters,
        "page": page,
        "query": query,
        "as_at": now,
        "total": len(rows),
        # Every listed episode, not only this page's: the refresh counts who came and went.
        "listed": " ".join(str(row.episode_id) for row in rows),
        "sort_label": SORTS[sort],
        "high_risk": RISK_ORDER[0],
        # Placed-in children on no register entry that day (borders): nobody told us of them.
        "not_on_register": unregistered_episode_ids(
            episode_ids=[row.episode_id for row in page.object_list]
        ),
    }


@login_required
def start(request):
    """Recording an episode begins by finding the child, so that nobody is recorded twice."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    form = ChildSearchForm(request.GET or None, council=council)
    page = query = None
    capped = ""
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["date_of_birth"]):
        found = find_children(
            user=request.user,
            council=council,
            text=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
        record_search(request=request)
        page, query = paginate(request, found.children, per_page=20)
        capped = found.capped_message
    context = {"form": form, "page": page, "query": query, "capped": capped}
    return render(request, "episodes/start.html", context)


@login_required
def record(request, child_pk: int):
    """Record a new episode for a child already found."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    child = get_object_or_404(visible_children(user=request.user, council=council), pk=child_pk)
    suggested = episode_suggestions(user=request.user, child=child, today=timezone.localdate())
    form = EpisodeForm(request.POST or None, child=child, initial=suggested.initial())
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_record(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            audit_refused(
                request=request, obj=child, told=error.message_dict, tried=_tried(form.cleaned_data)
            )
            add_service_errors(form, error)
        else:
            recorded = f"Episode {episode.local_id} recorded for {child}."
            said = [recorded, *_kept(form, suggested, child), _interview_due(episode)]
            messages.success(request, " ".join(part for part in said if part))
            return redirect("children:detail", pk=child.pk)
    record_look(request=request, child=child)
    context = {"form": form, "child": child, "hints": _sources(form, suggested)}
    return render(request, "episodes/record.html", context)


SUGGESTED_FIELDS = ("legal_status", "placement", "locality")


def _still_suggested(form, suggested: EpisodeSuggestions) -> dict[str, Suggestion]:
    """The fields that still hold what Homeward filled in."""
    found = {name: getattr(suggested, name) for name in SUGGESTED_FIELDS}
    return {
        name: suggestion
        for name, suggestion in found.items()
        if suggestion and str(form[name].value()) == str(plain(suggestion.value))
    }


def _sources(form, suggested: EpisodeSuggestions) -> dict[str, str]:
    """Where each value Homeward filled in came from, as the hint under its field."""
    return {name: s.source for name, s in _still_suggested(form, suggested).items()}


def _kept(form, suggested: EpisodeSuggestions, child) -> list[str]:
    """The values saved as Homeward filled them in, said, so that none is saved unseen."""
    kept = _still_suggested(form, suggested)
    shown = [
        f"{form.fields[name].label.lower()} ({_in_words(form, name)})"
        for name in ("legal_status", "locality")
        if name in kept
    ]
    if not shown:
        return []
    return [
        f"The {' and '.join(shown)} {'are' if len(shown) > 1 else 'is'} as Homeward filled "
        f"{'them' if len(shown) > 1 else 'it'} in from what it knew of {child.first_name}: "
        "change the episode if that is wrong."
    ]


def _in_words(form, name: str) -> str:
    value = form.cleaned_data[name]
    if name == "legal_status":
        return LegalStatus(value).label
    return str(value) if value else "not known, or outside the council's localities"


def _tried(values: dict) -> dict:
    """What the person asked to save, for the audit entry of a refusal."""
    skipped = ("version", "based_on")
    return {name: plain(value) for name, value in values.items() if name not in skipped}


def _episode(request, pk: int) -> Episode:
    episodes = visible_episodes(user=request.user, council=installation_council())
    return get_object_or_404(episodes.select_related("child", "created_by", "changed_by"), pk=pk)


EDIT_PAGE = EditPage(form_class=EpisodeEditForm, fields=tuple(EDIT_FIELDS), purpose="episode-edit")


@login_required
def edit(request, pk: int):
    """Correct an episode; refused, with what changed, if someone else saved first."""
    check_action(request.user, RECORD_EPISODE)
    episode = _episode(request, pk)
    done = edit_record(
        request,
        EDIT_PAGE,
        record=episode,
        update=_episode_update,
        refused=partial(audit_refused, request=request, obj=episode),
        # Changed meanwhile into an episode this person may not see (moved to another
        # locality): the other person's values are not theirs to see, as if it had gone.
        may_see=partial(can_see_episode, request.user),
        form_kwargs={"child": episode.child},
    )
    if done.saved:
        messages.success(request, f"Episode {episode.local_id} saved.")
        return redirect("children:detail", pk=episode.child_id)
    episode = done.record
    context = {"form": done.form, "episode": episode, "child": episode.child}
    # What the police said of it: every reference it is known by, and each risk grading.
    context |= {
        "references": list(episode.police_refs.all()),
        "gradings": list(episode.risk_gradings.all()),
    }
    record_look(request=request, child=episode.child)
    return render(request, "episodes/edit.html", context | {"conflict": done.conflict})


def _episode_update(*, record: Episode, **save) -> Episode:
    return services.episode_update(episode=record, **save)


@login_required
def mark_returned(request, pk: int):
    """Record that a missing child has come back."""
    check_action(request.user, RECORD_EPISODE)
    episode = _episode(request, pk)
    form = ReturnForm(request.POST or None, initial={"version": episode.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_mark_returned(
                episode=episode,
                returned_at=form.cleaned_data["returned_at"],
                found_location=form.cleaned_data["found_location"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ChangedByAnotherUser as refused:
            audit_refused(
                request=request, obj=episode, told=str(refused), tried=_tried(form.cleaned_data)
            )
            form.add_error(None, str(refused))
        except ValidationError as error:
            audit_refused(
                request=request,
                obj=episode,
                told=error.message_dict,
                tried=_tried(form.cleaned_data),
            )
            add_service_errors(form, error)
        else:
            messages.success(request, _returned_message(episode))
            return redirect("children:detail", pk=episode.child_id)
    context = {"form": form, "episode": episode, "child": episode.child}
    record_look(request=request, child=episode.child)
    return render(request, "episodes/mark_returned.html", context)


RETURNED = "{child} is recorded as back, returned {returned}."
INTERVIEW_DUE = "A return home interview is due by {due_at}: {due}."
INTERVIEW_OVERDUE = "A return home interview was due by {due_at}: it is already {due}."


def _returned_message(episode: Episode) -> str:
    """The confirmation of a return: when its interview is or was due, and whether it is
    already overdue (a return recorded weeks late is)."""
    episode.refresh_from_db(fields=["returned_at", "category"])
    returned = RETURNED.format(child=episode.child, returned=_at(episode.returned_at))
    return f"{returned} {_interview_due(episode)}".strip()


def _interview_due(episode: Episode) -> str:
    """When the interview owed after a return is or was due ("" if none is owed)."""
    if episode.returned_at is None or episode.category != Category.MISSING:
        return ""
    due_at = episode.returned_at + RHI_DUE_WITHIN
    now = timezone.now()
    wording = INTERVIEW_DUE if due_at >= now else INTERVIEW_OVERDUE
    return wording.format(due_at=_at(due_at), due=due_words(due_at, now))


def _at(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y at %H:%M")


@login_required
def history(request, pk: int):
    """Every change to an episode: who, when, from what to what."""
    check_case_pages(request.user)
    episode = _episode(request, pk)
    record_look(request=request, child=episode.child)
    context = {
        "child": episode.child,
        "record": episode,
        "what": f"episode {episode.local_id}",
        "history": change_history(episode, labels=page_labels(EDIT_PAGE, child=episode.child)),
    }
    return render(request, "history.html", context)
