"""Saving a change only if nobody else changed the record since it was read."""

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
    record: models.Model, *, expected_version: int, changes: dict[str, object], by
) -> models.Model:
    """Write `changes` to `record` if its version is still `expected_version`, else refuse.
    The record returned has been read back, as saved (`record_change(as_saved=True)`)."""
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
    record.refresh_from_db()
    return record


def refuse_unknown_fields(changes: dict, editable: set[str], what: str) -> None:
    """Refuse (a programming error, not a person's) a change to a field not meant to change."""
    unknown = set(changes) - editable
    if unknown:
        raise TypeError(f"{what} have no editable field(s): {', '.join(sorted(unknown))}")
