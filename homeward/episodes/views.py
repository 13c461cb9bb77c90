"""Pages for missing episodes: who is missing now, recording an episode, its return, corrections."""

import copy
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from homeward.access.rules import RECORD_EPISODE, can_see_episode, check_action, check_case_pages
from homeward.audit.services import audit_refused, record_look, record_search
from homeward.children.forms import ChildSearchForm
from homeward.children.selectors import children_search, visible_children
from homeward.core import signed
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.installation import installation_council
from homeward.episodes import services
from homeward.episodes.forms import (
    SORTS,
    EpisodeEditForm,
    EpisodeForm,
    MissingNowFilter,
    ReturnForm,
    sign_values,
    unsign_values,
)
from homeward.episodes.models import Episode
from homeward.episodes.selectors import RISK_ORDER, episodes_missing_now, visible_episodes
from homeward.web.forms import add_service_errors
from homeward.web.paging import paginate

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
    council = installation_council()
    filters = MissingNowFilter(request.GET or None, council=council)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    locality = chosen.get("locality")
    now = timezone.now()
    rows = episodes_missing_now(
        council=council, now=now, user=request.user, locality_id=locality.pk if locality else None
    )
    sort = chosen.get("sort") or "risk"
    if SORT_KEYS[sort]:
        rows = sorted(rows, key=SORT_KEYS[sort])
    page, query = paginate(request, rows)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "as_at": now,
        "total": len(rows),
        "sort_label": SORTS[sort],
        "high_risk": RISK_ORDER[0],
    }
    return render(request, "episodes/missing_now.html", context)


@login_required
def start(request):
    """Recording an episode begins by finding the child, so that nobody is recorded twice."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    form = ChildSearchForm(request.GET or None, council=council)
    page = query = None
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["date_of_birth"]):
        found = children_search(
            user=request.user,
            council=council,
            text=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
        record_search(request=request)
        page, query = paginate(request, found, per_page=20)
    return render(request, "episodes/start.html", {"form": form, "page": page, "query": query})


@login_required
def record(request, child_pk: int):
    """Record a new episode for a child already found."""
    check_action(request.user, RECORD_EPISODE)
    council = installation_council()
    child = get_object_or_404(visible_children(user=request.user, council=council), pk=child_pk)
    form = EpisodeForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_record(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            audit_refused(
                request=request, obj=child, told=error.message_dict, tried=_tried(form.cleaned_data)
            )
            add_service_errors(form, error)
        else:
            messages.success(request, f"Episode {episode.local_id} recorded for {child}.")
            return redirect("children:detail", pk=child.pk)
    record_look(request=request, child=child)
    return render(request, "episodes/record.html", {"form": form, "child": child})


def _tried(values: dict) -> dict:
    """What the person asked to save, for the audit entry of a refusal."""
    skipped = ("version", "based_on")
    return {name: _plain(value) for name, value in values.items() if name not in skipped}


def _episode(request, pk: int) -> Episode:
    episodes = visible_episodes(user=request.user, council=installation_council())
    return get_object_or_404(episodes.select_related("child", "created_by", "changed_by"), pk=pk)


def _plain(value) -> object:
    """A field's value as it can be signed into a page and compared when it comes back."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _values(episode: Episode) -> dict:
    return {name: _plain(getattr(episode, name)) for name in EDIT_FIELDS}


def _as_seen(episode: Episode, seen: dict) -> Episode:
    """The episode as the person saw it when they began to edit."""
    record = copy.copy(episode)
    for name, value in seen.items():
        field = Episode._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            setattr(record, field.attname, value)
        elif isinstance(field, models.DateTimeField) and value:
            setattr(record, name, dt.datetime.fromisoformat(value))
        else:
            setattr(record, name, value)
    return record


@login_required
def edit(request, pk: int):
    """Correct an episode; refused, with what changed, if someone else saved first."""
    check_action(request.user, RECORD_EPISODE)
    episode = _episode(request, pk)
    initial = {name: getattr(episode, name) for name in EDIT_FIELDS}
    initial |= {"version": episode.version, "based_on": _signed(episode)}
    form = EpisodeEditForm(request.POST or None, child=episode.child, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            refused = _save_edit(request, episode, form)
        except signed.Refused as too_old:
            form = _form_again(episode, form, initial, str(too_old))
            refused = None
        if refused is None and not form.errors:
            messages.success(request, f"Episode {episode.local_id} saved.")
            return redirect("children:detail", pk=episode.child_id)
        if refused is not None:
            if not can_see_episode(request.user, refused.record):
                # Changed meanwhile into an episode this person may not see (moved to another
                # locality): their values are not theirs to see, as if it had gone.
                raise Http404
            conflict = _conflict(refused, _seen(form, episode), form)
            form = _merged_form(refused, form)
            episode = refused.record
    context = {"form": form, "episode": episode, "child": episode.child, "conflict": conflict}
    record_look(request=request, child=episode.child)
    return render(request, "episodes/edit.html", context)


def _signed(episode: Episode) -> str:
    return sign_values(_values(episode), episode=episode)


def _seen(form, episode: Episode) -> dict:
    """What the person was shown when they opened the page (raises signed.Refused)."""
    return unsign_values(form.cleaned_data["based_on"], episode=episode)


def _form_again(episode: Episode, form, initial: dict, problem: str) -> EpisodeEditForm:
    """The page again after its signed copy was refused, keeping what the person typed.

    What they typed is kept only while nobody has saved the episode since they opened the
    page (the version they posted is still the episode's): the episode is then as they saw
    it, so their values can be signed afresh. Otherwise their values could undo someone
    else's change, so the page starts again from the episode as it is now.
    """
    if form.cleaned_data["version"] == episode.version:
        data = form.data.copy()
        data["based_on"] = initial["based_on"]
        again = EpisodeEditForm(data, child=episode.child)
        again.is_valid()
    else:
        again = EpisodeEditForm(child=episode.child, initial=initial)
    again.add_error(None, problem)
    return again


def _save_edit(request, episode: Episode, form) -> ChangedByAnotherUser | None:
    seen = _seen(form, episode)
    try:
        services.episode_update(
            episode=_as_seen(episode, seen),
            expected_version=form.cleaned_data["version"],
            by=request.user,
            **_changes(form, seen),
        )
    except ChangedByAnotherUser as refused:
        audit_refused(
            request=request, obj=episode, told=str(refused), tried=_tried(_changes(form, seen))
        )
        return refused
    except ValidationError as error:
        audit_refused(
            request=request,
            obj=episode,
            told=error.message_dict,
            tried=_tried(_changes(form, seen)),
        )
        add_service_errors(form, error)
    return None


def _changes(form, seen: dict) -> dict:
    """The fields the person changed from the values they were shown."""
    return {
        name: form.cleaned_data[name]
        for name in EDIT_FIELDS
        if _plain(form.cleaned_data[name]) != seen.get(name)
    }


def _merged_form(refused: ChangedByAnotherUser, form) -> EpisodeEditForm:
    """The current record with this person's own changes on top, ready to save again."""
    current = refused.record
    seen = _seen(form, current)
    values = {name: getattr(current, name) for name in EDIT_FIELDS} | _changes(form, seen)
    values |= {"version": current.version, "based_on": _signed(current)}
    merged = EpisodeEditForm(_as_data(form, values), child=current.child)
    merged.is_valid()
    merged.add_error(None, str(refused))
    return merged


def _as_data(form, values: dict) -> dict:
    """Form data that, when posted, gives back `values`."""
    data = {}
    for name, value in values.items():
        widget = form.fields[name].widget
        if isinstance(widget, forms.MultiWidget):
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[f"{name}{suffix}"] = "" if part is None else str(part)
        else:
            data[name] = "" if value is None else str(_plain(value))
    return data


def _conflict(refused: ChangedByAnotherUser, seen: dict, form) -> dict:
    """What the other person changed: every field whose value moved since you opened the page."""
    theirs = _values(refused.record)
    clashing = {difference.field for difference in refused.differences}
    rows = [
        {
            "label": form.fields[name].label,
            "was": _shown(refused.record, name, seen[name]),
            "now": _shown(refused.record, name, theirs[name]),
            "yours": name in clashing,
        }
        for name in EDIT_FIELDS
        if theirs[name] != seen.get(name)
    ]
    return {"rows": rows}


def _shown(record: Episode, name: str, value) -> str:
    if value in (None, ""):
        return "Not recorded"
    field = Episode._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%-d %b %Y %H:%M")
    if isinstance(field, models.ForeignKey):
        return str(field.related_model.objects.filter(pk=value).first() or "Not recorded")
    return str(dict(field.choices).get(value, value)) if field.choices else str(value)


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
            messages.success(
                request,
                f"{episode.child} is recorded as back. "
                "A return home interview is now due within 72 hours.",
            )
            return redirect("children:detail", pk=episode.child_id)
    context = {"form": form, "episode": episode, "child": episode.child}
    record_look(request=request, child=episode.child)
    return render(request, "episodes/mark_returned.html", context)
