"""A record's change history as a person reads it: who, when, and each field from and to.

Read from the audit log, where every service records each change's before and after
(`record_change`). Shown in words: the labels of the record's change page, a code as its
words, a time in Europe/London, a council or locality by its name.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.selectors import entries_for

NOT_RECORDED = "Not recorded"
BY_A_COMMAND = "Homeward (an import or a command)"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    """One saved change: the record made (`added`, every field's first value) or changed."""

    at: dt.datetime
    who: str
    added: bool
    fields: list[FieldChange]


@dataclass(frozen=True)
class History:
    changes: list[Change]  # the latest first
    imported: bool  # made by a bundle import, whose changes are not listed field by field


def change_history(
    record: models.Model,
    *,
    labels: dict[str, str],
    hidden: dict[str, str] | None = None,
    words: dict[str, Callable[[object], str]] | None = None,
) -> History:
    """Every change to `record` in the audit log, the latest first.

    Only the fields in `labels` are shown (not the bookkeeping: version, who changed it
    last); a field in `hidden` says only that it changed, in `hidden`'s words (return home
    interview findings a person may not read); `words` says how to show a field's value
    where its model field cannot (codes kept together in one text field).
    """
    hidden, words = hidden or {}, words or {}
    shown = _Shown(type(record), words)
    history = []
    for entry in entries_for(record).filter(action=Action.CHANGE):
        added = "id" in entry.details  # a new record's entry holds every field, its id too
        fields = []
        for name, label in labels.items():
            change = entry.details.get(name)
            if change is None or (added and change.get("after") in (None, "")):
                continue
            if name in hidden:
                fields.append(FieldChange(label, hidden[name], hidden[name]))
                continue
            before = "" if added else shown(name, change.get("before"))
            fields.append(FieldChange(label, before, shown(name, change.get("after"))))
        if fields or added:
            history.append(Change(entry.at, entry.username or BY_A_COMMAND, added, fields))
    # A record made in Homeward has its first entry; one imported has none (an import is
    # audited as a whole).
    return History(history, imported=not any(change.added for change in history))


class _Shown:
    """A value as the audit log keeps it, in words; related records read once each."""

    def __init__(self, model: type[models.Model], words: dict):
        self.model = model
        self.words = words
        self.related: dict[tuple, str] = {}

    def __call__(self, name: str, value) -> str:
        if value in (None, ""):
            return NOT_RECORDED
        if name in self.words:
            return self.words[name](value)
        field = self.model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            return self._related(field.related_model, value)
        if isinstance(field, models.DateTimeField):
            moment = timezone.localtime(dt.datetime.fromisoformat(value))
            return moment.strftime("%-d %b %Y %H:%M")
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(value).strftime("%-d %b %Y")
        if field.choices:
            return str(dict(field.choices).get(value, value))
        return str(value)

    def _related(self, model: type[models.Model], pk) -> str:
        key = (model, pk)
        if key not in self.related:
            found = model.objects.filter(pk=pk).first()
            self.related[key] = str(found) if found is not None else f"{pk} (since removed)"
        return self.related[key]
