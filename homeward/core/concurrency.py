"""Saving a change only if nobody else changed the record since it was read."""

import datetime as dt
import decimal
import json
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

CHANGED_BY_SOMEONE_ELSE = (
    "{who} changed this record at {when} while you were editing it, so your change was not "
    "saved. Their values are shown below: check them, then make your change again."
)


@dataclass(frozen=True)
class Difference:
    field: str
    yours_were_based_on: object
    theirs: object


class ChangedByAnotherUser(Exception):
    """Raised instead of silently overwriting someone else's change."""

    def __init__(self, record: models.Model, differences: list[Difference]):
        self.record = record
        self.differences = differences
        who = getattr(record.changed_by, "username", None) or "Someone else"
        super().__init__(
            CHANGED_BY_SOMEONE_ELSE.format(
                who=who, when=timezone.localtime(record.changed_at).strftime("%-d %b %Y %H:%M")
            )
        )


def save_changes(
    record: models.Model,
    *,
    expected_version: int,
    changes: dict[str, object],
    by,
    locked: models.Model | None = None,
) -> models.Model:
    """Write `changes` to `record` if its version is still `expected_version`, else refuse.
    The record returned has been read back, as saved (`record_change(as_saved=True)`); or,
    given it as `locked` (read whole under its row lock in this transaction, so unchanged
    since), is made from that and the changes as the database gives them back."""
    model = type(record)
    now = timezone.now()
    updated = model.objects.filter(pk=record.pk, version=expected_version).update(
        **changes, changed_at=now, changed_by=by, version=models.F("version") + 1
    )
    if not updated:
        current = model.objects.select_related("changed_by").get(pk=record.pk)
        differences = [
            Difference(field, getattr(record, field), getattr(current, field))
            for field in changes
            if getattr(current, field) != getattr(record, field)
        ]
        raise ChangedByAnotherUser(current, differences)
    if locked is None:
        record.refresh_from_db()
        return record
    for name, value in changes.items():
        field = record._meta.get_field(name)
        setattr(locked, field.attname, _as_read_back(field, value))
    locked.changed_at, locked.changed_by_id = now, getattr(by, "pk", None)
    locked.version = expected_version + 1
    _refreshed_from(record, locked)
    return record


def _as_read_back(field: models.Field, value):
    """A value written to `field` as the database gives it back: a related record's key, JSON
    through JSON, a decimal to the field's places and a time in UTC (as the database gives
    every time back)."""
    if hasattr(value, "resolve_expression"):
        raise TypeError(f"{field.name} is computed by the database: read the record back")
    if field.is_relation:
        return getattr(value, "pk", value)
    if isinstance(field, models.JSONField):
        return value if value is None else json.loads(json.dumps(value, cls=field.encoder))
    value = field.to_python(value)
    if isinstance(value, decimal.Decimal):
        value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = value.astimezone(dt.UTC)
    return value


def _refreshed_from(record: models.Model, stored: models.Model) -> None:
    """What `record.refresh_from_db()` does with the record it reads, done with `stored`:
    every loaded field's value taken, and the records cached with it forgotten."""
    record._prefetched_objects_cache = {}
    deferred = record.get_deferred_fields()
    for field in record._meta.concrete_fields:
        if field.attname in deferred:
            continue
        setattr(record, field.attname, getattr(stored, field.attname))
        if field.is_relation and field.is_cached(record):
            field.delete_cached_value(record)
    for relation in record._meta.related_objects:
        if relation.is_cached(record):
            relation.delete_cached_value(record)
    for field in record._meta.private_fields:
        if field.is_relation and field.is_cached(record):
            field.delete_cached_value(record)
    record._state.db = stored._state.db


def refuse_unknown_fields(changes: dict, editable: set[str], what: str) -> None:
    """Refuse (a programming error, not a person's) a change to a field not meant to change."""
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"{what} have no editable field(s): {', '.join(sorted(unknown))}")
