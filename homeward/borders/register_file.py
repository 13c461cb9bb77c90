"""Loading the placed-in register from a CSV file of homes' notices (docs/borders.md).

All or nothing: every row is checked first and every problem listed (row, column, reason);
only a file without problems is written, in one transaction. A row for an admission already
on the register (same child, placing council and admission date) updates it, which is how a
discharge arrives: the same row again with its discharge date filled in.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.borders.csvfile import FileProblem, FileRejected, garbled_cells, read_rows
from homeward.borders.models import LegalBasis, PlacedInEntry
from homeward.borders.register import (
    FIELDS,
    NEW_ENTRY_DEFAULTS,
    child_link_problems,
    entry_problems,
    placed_in_link,
    placed_in_record,
    placed_in_update,
)
from homeward.children.models import Child
from homeward.core.codes import canonical_code
from homeward.councils.models import Council
from homeward.exchange.cells import CellError, read_date

# The file's columns, and the register field each one fills.
COLUMNS = {
    "child_id": "child",
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "placing_council_code": "placing_council",
    "legal_basis": "legal_basis",
    "home_name": "provider_name",
    "ofsted_urn": "provider_urn",
    "admitted_on": "admitted_on",
    "discharged_on": "discharged_on",
    "notified_on": "notified_on",
    "social_worker_name": "social_worker_name",
    "social_worker_email": "social_worker_email",
    "iro_name": "iro_name",
    "iro_email": "iro_email",
    "notes": "notes",
}
COLUMN_OF = {field: column for column, field in COLUMNS.items()}
REQUIRED = (
    "first_name",
    "last_name",
    "date_of_birth",
    "placing_council_code",
    "home_name",
    "admitted_on",
)
EMPTY = "Enter the {column}: it cannot be empty."
UNKNOWN_COUNCIL = (
    "'{value}' is not a council code Homeward knows. Use the placing council's DfE "
    "three-digit code, for example 202 for Camden."
)
UNKNOWN_CHILD = (
    "No child of this council has the local id '{value}'. Leave child_id empty to have the "
    "child matched by name and date of birth, or correct the id."
)
TWICE_IN_FILE = "This admission is in the file twice (row {row}). Keep one row for it."


@dataclass(frozen=True)
class RegisterLoaded:
    added: int
    changed: int
    unchanged: int
    linked: int  # entries (added or changed) linked to a child's record
    notes: tuple[str, ...] = ()  # how the file was read: its encoding, names, columns ignored

    def __str__(self) -> str:
        return "\n".join((self.summary, *self.notes))

    @property
    def summary(self) -> str:
        return (
            f"Added {self.added} register entr{'y' if self.added == 1 else 'ies'}, changed "
            f"{self.changed}, left {self.unchanged} unchanged; {self.linked} of those added or "
            "changed are linked to a child's record (the others wait on the register page to "
            "be linked or to have a record created)."
        )


def register_load(*, data: bytes, name: str, council: Council, by=None) -> RegisterLoaded:
    """Load a file of homes' notices onto the register: all of it, or nothing."""
    rows = read_rows(data, name=name, columns=tuple(COLUMNS), required=REQUIRED)
    councils = {c.code: c for c in Council.objects.all()}
    today = timezone.localdate()
    existing = _existing(council)
    problems, read, first_row = [], [], {}
    for number, row in rows:
        values, row_problems = _values(name, number, row, councils, council)
        row_problems[:0] = garbled_cells(name, number, row, COLUMNS)
        if not row_problems:
            found = entry_problems(
                council=council, values=_completed(values, existing.get(_key(values))), today=today
            )
            if values.get("child") is not None:
                found += child_link_problems(
                    child=values["child"], council=council, date_of_birth=values["date_of_birth"]
                )
            row_problems = [
                FileProblem(name, number, COLUMN_OF.get(p.field, p.field), p.message) for p in found
            ]
        if not row_problems:
            key = _key(values)
            if key in first_row:
                reason = TWICE_IN_FILE.format(row=first_row[key])
                row_problems.append(FileProblem(name, number, "admitted_on", reason))
            first_row.setdefault(key, number)
        problems += row_problems
        read.append((number, values))
    if problems:
        raise FileRejected(problems)
    return replace(_written(read, council, name, by), notes=tuple(rows.notes))


def _values(name, number, row, councils, council) -> tuple[dict, list[FileProblem]]:
    problems, values = [], {}
    for column, field in COLUMNS.items():
        if column not in row:  # left out of the file: the entry keeps what it holds
            continue
        raw = row[column]
        if column in REQUIRED and not raw:
            problems.append(FileProblem(name, number, column, EMPTY.format(column=column)))
            continue
        try:
            values[field] = _read(column, raw, councils, council)
        except CellError as error:
            problems.append(FileProblem(name, number, column, str(error)))
    if "notified_on" in row and not values.get("notified_on") and "admitted_on" in values:
        values["notified_on"] = values["admitted_on"]
    return values, problems


def _completed(values: dict, entry: PlacedInEntry | None) -> dict:
    """The row's values with what it leaves out: the entry's own, or a new entry's defaults."""
    if entry is not None:
        return _entry_values(entry) | values
    return NEW_ENTRY_DEFAULTS | {"notified_on": values["admitted_on"]} | values


def _existing(council: Council) -> dict:
    return {
        _key(_entry_values(entry)): entry for entry in PlacedInEntry.objects.filter(council=council)
    }


def _read(column: str, raw: str, councils: dict, council: Council):
    if column in ("date_of_birth", "admitted_on", "discharged_on", "notified_on"):
        return read_date(raw) if raw else None
    if column == "placing_council_code":
        if raw not in councils:
            raise CellError(UNKNOWN_COUNCIL.format(value=raw))
        return councils[raw]
    if column == "child_id":
        if not raw:
            return None
        child = Child.objects.filter(council=council, local_id=raw).first()
        if child is None:
            raise CellError(UNKNOWN_CHILD.format(value=raw))
        return child
    if column == "legal_basis":  # in any case, as the bundle's codes
        return canonical_code(raw, LegalBasis.values) if raw else LegalBasis.OTHER
    return raw


def _key(values: dict) -> tuple:
    return (
        values["first_name"].strip().lower(),
        values["last_name"].strip().lower(),
        values["date_of_birth"],
        values["placing_council"].pk,
        values["admitted_on"],
    )


@transaction.atomic
def _written(read: list, council: Council, name: str, by) -> RegisterLoaded:
    existing = _existing(council)
    added = changed = unchanged = linked = 0
    for number, values in read:
        child = values.pop("child", None)
        entry = existing.get(_key(values))
        try:
            if entry is None:
                values = {"notified_on": values["admitted_on"]} | values
                entry = placed_in_record(council=council, child=child, by=by, **values)
                added += 1
            else:
                changes = {f: v for f, v in values.items() if getattr(entry, f) != v}
                if child is not None and entry.child_id is None:
                    entry = placed_in_link(
                        entry=entry, child=child, expected_version=entry.version, by=by
                    )
                    changes["linked"] = True
                if not changes:
                    unchanged += 1
                    continue
                changes.pop("linked", None)
                if changes:
                    entry = placed_in_update(
                        entry=entry, expected_version=entry.version, by=by, **changes
                    )
                changed += 1
        except ValidationError as error:  # a child the row names cannot be linked: say where
            reasons = [
                FileProblem(name, number, COLUMN_OF.get(f, f), m)
                for f, ms in error.message_dict.items()
                for m in ms
            ]
            raise FileRejected(reasons) from None
        linked += entry.child_id is not None
    return RegisterLoaded(added, changed, unchanged, linked)


def _entry_values(entry: PlacedInEntry) -> dict:
    return {name: getattr(entry, name) for name in FIELDS}
