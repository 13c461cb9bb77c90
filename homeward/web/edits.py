"""Changing a record from its page: the one edit flow every change page uses.

The page carries the record's version and, signed for that record, the values the person
was shown. A save sends only the fields they changed from those values. If someone else
saved first the save is refused (never overwriting them): the page comes back saying who
changed it and when, with a table of every field that moved since the page was opened
(marked where the person changed it too), and the form holding the current record with
the person's own changes on top, ready to check and save again. A page too old, or signed
for another record, is refused with a sentence, keeping what was typed while nobody saved.
"""

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone

from homeward.core import signed
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.web.forms import add_service_errors

NOT_RECORDED = "Not recorded"
TYPED_NOT_KEPT = (
    "Someone has saved this record since you opened the page, so what you typed was not "
    "kept: the form shows the record as it is now. Make your change again."
)


class EditForm(forms.Form):
    """A change page's form: carries the version and the values the person started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    based_on = forms.CharField(widget=forms.HiddenInput)


@dataclass
class Edit:
    """What became of a change page's request: the form to show, or the record saved."""

    form: forms.Form
    record: models.Model  # as it is now: after the save, or as the other person left it
    saved: bool = False
    conflict: list[dict] | None = None  # what moved since the page was opened, field by field


@dataclass(frozen=True)
class EditPage:
    """One kind of change page: its form, its fields and how its record is saved."""

    form_class: type[forms.Form]
    fields: tuple[str, ...]
    purpose: str  # names the signed values, so one page's cannot be posted to another
    # How to show a field's value where its model field cannot (codes kept together in one
    # text field): used by the table of what someone else changed, and by the history.
    words: dict[str, Callable[[object], str]] = dataclasses.field(default_factory=dict)


def change_page(
    form_class: type[forms.Form], *, purpose: str, without=(), words: dict | None = None
) -> EditPage:
    """The change page of `form_class`: every field of the form but its own bookkeeping (and
    `without`), in the form's order."""
    skipped = {"version", "based_on", *without}
    fields = tuple(name for name in form_class.base_fields if name not in skipped)
    return EditPage(form_class=form_class, fields=fields, purpose=purpose, words=words or {})


def edit_record(
    request,
    page: EditPage,
    *,
    record: models.Model,
    update: Callable[..., models.Model],
    refused: Callable[..., object],
    may_see: Callable[[models.Model], bool] = lambda record: True,
    initial: dict | None = None,
    form_kwargs: dict | None = None,
) -> Edit:
    """Show or save a change to `record` through `update(record=, expected_version=, by=,
    **changes)`, refusing (and telling `refused(told=, tried=)`) rather than overwriting.

    `record` given to `update` holds the values the person was shown, so that a clash names
    the fields both people changed. `may_see` decides whether a record someone else changed
    meanwhile may still be shown to this person (404 if not).
    """
    kwargs = form_kwargs or {}
    start = {name: getattr(record, name) for name in page.fields} | (initial or {})
    start |= carried(page, record)
    form = page.form_class(request.POST or None, initial=start, **kwargs)
    if request.method != "POST" or not form.is_valid():
        return Edit(form, record)
    try:
        seen = signed.unsign_for(record, form.cleaned_data["based_on"], purpose=page.purpose)
    except signed.Refused as problem:
        return Edit(_typed_again(page, record, form, start, str(problem), kwargs), record)
    changes = _changes(form, page.fields, seen)
    try:
        saved = update(
            record=_as_seen(record, seen),
            expected_version=form.cleaned_data["version"],
            by=request.user,
            **changes,
        )
    except ChangedByAnotherUser as clash:
        refused(told=str(clash), tried=plain_values(changes))
        if not may_see(clash.record):
            raise Http404 from None
        return Edit(
            _merged(page, clash, changes, kwargs),
            clash.record,
            conflict=_conflict(page, form, clash, seen),
        )
    except ValidationError as error:
        refused(told=error.message_dict, tried=plain_values(changes))
        add_service_errors(form, error)
        return Edit(form, record)
    return Edit(form, saved, saved=True)


def page_labels(page: EditPage, **form_kwargs) -> dict[str, str]:
    """The label of each of a change page's fields: how the record's history names them."""
    fields = page.form_class(**form_kwargs).fields
    return {name: str(fields[name].label) for name in page.fields if name in fields}


def carried(page: EditPage, record) -> dict:
    """What a change page carries besides its fields: the version and the signed values."""
    shown = _values(record, page.fields)
    return {"version": record.version, "based_on": _sign(record, page, shown)}


def _sign(record, page: EditPage, values: dict) -> str:
    return signed.sign_for(record, values, purpose=page.purpose)


def plain(value) -> object:
    """A field's value as it can be signed into a page and compared when it comes back."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plain_values(values: dict) -> dict:
    """Values as an audit entry keeps them: records by id, times in UTC, dates ISO."""
    return {name: plain(value) for name, value in values.items()}


def _values(record, fields) -> dict:
    return {name: plain(getattr(record, name)) for name in fields}


def _changes(form, fields, seen: dict) -> dict:
    """The fields the person changed from the values they were shown."""
    return {
        name: form.cleaned_data[name]
        for name in fields
        if plain(form.cleaned_data[name]) != seen.get(name)
    }


def _unplain(field, value):
    if value in (None, ""):
        return value
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return value


def _as_seen(record, seen: dict):
    """The record as the person saw it when they opened the page."""
    as_seen = copy.copy(record)
    for name, value in seen.items():
        field = type(record)._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            setattr(as_seen, field.attname, value)
        else:
            setattr(as_seen, name, _unplain(field, value))
    return as_seen


def _typed_again(page: EditPage, record, form, start: dict, problem: str, kwargs: dict):
    """The page again after its signed values were refused, keeping what the person typed.

    What they typed is kept only while nobody has saved the record since they opened the
    page (the version they posted is still the record's): the record is then as they saw
    it, so their values can be signed afresh. Otherwise their values could undo someone
    else's change, so the page starts again from the record as it is now.
    """
    kept = form.cleaned_data["version"] == record.version
    if kept:
        data = form.data.copy()
        data["based_on"] = start["based_on"]
    else:
        data = form_data(page.form_class, start, kwargs)
    again = page.form_class(data, **kwargs)
    again.is_valid()
    again.add_error(None, problem)
    if not kept:
        again.add_error(None, TYPED_NOT_KEPT)
    return again


def _merged(page: EditPage, clash: ChangedByAnotherUser, changes: dict, kwargs: dict):
    """The current record with this person's own changes on top, ready to save again."""
    current = clash.record
    values = {name: getattr(current, name) for name in page.fields} | changes
    values |= carried(page, current)
    merged = page.form_class(form_data(page.form_class, values, kwargs), **kwargs)
    merged.is_valid()
    merged.add_error(None, str(clash))
    return merged


def form_data(form_class, values: dict, kwargs: dict | None = None) -> dict:
    """Form data that, when posted, gives back `values`."""
    fields = form_class(**(kwargs or {})).fields
    data = {}
    for name, value in values.items():
        widget = fields[name].widget
        if isinstance(widget, forms.MultiWidget):
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[f"{name}{suffix}"] = "" if part is None else str(part)
        else:
            data[name] = "" if value is None else str(plain(value))
    return data


def _conflict(page: EditPage, form, clash: ChangedByAnotherUser, seen: dict) -> list[dict]:
    """What the other person changed: every field whose value moved since the page opened."""
    theirs = _values(clash.record, page.fields)
    clashing = {difference.field for difference in clash.differences}
    return [
        {
            "label": form.fields[name].label,
            "was": _shown(page, clash.record, name, seen.get(name)),
            "now": _shown(page, clash.record, name, theirs[name]),
            "yours": name in clashing,
        }
        for name in page.fields
        if theirs[name] != seen.get(name)
    ]


def _shown(page: EditPage, record, name: str, value) -> str:
    """A signed value as the page shows it: a time in Europe/London, a code as its words."""
    if value in (None, ""):
        return NOT_RECORDED
    if name in page.words:
        return page.words[name](value)
    field = type(record)._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%-d %b %Y %H:%M")
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value).strftime("%-d %b %Y")
    if isinstance(field, models.ForeignKey):
        return str(field.related_model.objects.filter(pk=value).first() or NOT_RECORDED)
    return str(dict(field.choices).get(value, value)) if field.choices else str(value)
