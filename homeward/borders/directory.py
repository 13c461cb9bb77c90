"""Loading the councils' contacts directory from a CSV file (docs/borders.md).

All or nothing: every row is checked first and every problem listed; only a file without
problems is written, in one transaction. Loading adds and changes, never removes: an address
no longer wanted is removed on the directory's page, where the removal is confirmed.
"""

from dataclasses import dataclass, replace

from django.db import transaction

from homeward.audit.services import record_change, values_before_change
from homeward.borders.csvfile import FileProblem, FileRejected, garbled_cells, read_rows
from homeward.borders.models import ContactPurpose, CouncilContact
from homeward.borders.rules import contact_problems, normalise_email
from homeward.core.codes import canonical_code
from homeward.councils.models import Council

COLUMNS = ("council_code", "purpose", "email", "name")
UNKNOWN_COUNCIL = (
    "'{value}' is not a council code Homeward knows. Use the council's DfE three-digit code, "
    "for example 931 for Oxfordshire."
)
TWICE_IN_FILE = "This address is in the file twice for the same council and purpose (row {row})."


@dataclass(frozen=True)
class ContactsLoaded:
    added: int
    changed: int
    unchanged: int
    notes: tuple[str, ...] = ()  # how the file was read: its encoding, names, columns ignored

    def __str__(self) -> str:
        return "\n".join((self.summary, *self.notes))

    @property
    def summary(self) -> str:
        return (
            f"Added {self.added} address(es), changed the name of {self.changed}, "
            f"left {self.unchanged} unchanged. Nothing was removed."
        )


def contacts_load(*, data: bytes, name: str, by=None) -> ContactsLoaded:
    """Load a contacts CSV into the directory: all of it, or nothing with every problem."""
    rows = read_rows(data, name=name, columns=COLUMNS, required=COLUMNS[:3])
    councils = {council.code: council for council in Council.objects.all()}
    problems, wanted, first_row = [], {}, {}
    for number, row in rows:
        row["purpose"] = canonical_code(row["purpose"], ContactPurpose.values)  # in any case
        row_problems = _row_problems(name, number, row, councils)
        key = (row["council_code"], row["purpose"], normalise_email(row["email"]))
        if not row_problems and key in first_row:
            reason = TWICE_IN_FILE.format(row=first_row[key])
            row_problems.append(FileProblem(name, number, "email", reason))
        problems += row_problems
        first_row.setdefault(key, number)
        wanted[key] = row.get("name")  # None: the file has no name column, so names are kept
    if problems:
        raise FileRejected(problems)
    return replace(_written(wanted, councils, by), notes=tuple(rows.notes))


def _row_problems(name: str, number: int, row: dict, councils: dict) -> list[FileProblem]:
    found = [
        FileProblem(name, number, problem.field, problem.message)
        for problem in contact_problems(
            purpose=row["purpose"], email=row["email"], name=row.get("name", "")
        )
    ]
    if row["council_code"] not in councils:
        reason = UNKNOWN_COUNCIL.format(value=row["council_code"])
        found.append(FileProblem(name, number, "council_code", reason))
    found += garbled_cells(name, number, row, COLUMNS)
    return sorted(found, key=lambda problem: COLUMNS.index(problem.column))


@transaction.atomic
def _written(wanted: dict, councils: dict, by) -> ContactsLoaded:
    existing = {
        (c.council.code, c.purpose, c.email): c
        for c in CouncilContact.objects.select_related("council")
    }
    added = changed = unchanged = 0
    for (code, purpose, email), contact_name in wanted.items():
        contact = existing.get((code, purpose, email))
        if contact is None:
            contact = CouncilContact.objects.create(
                council=councils[code],
                purpose=purpose,
                email=email,
                name=contact_name or "",
                created_by=by,
                changed_by=by,
            )
            record_change(record=contact, by=by)
            added += 1
        elif contact_name is not None and contact.name != contact_name:
            before = values_before_change(contact)
            contact.name, contact.changed_by, contact.version = (
                contact_name,
                by,
                contact.version + 1,
            )
            contact.save()
            record_change(record=contact, by=by, before=before)
            changed += 1
        else:
            unchanged += 1
    return ContactsLoaded(added, changed, unchanged)
