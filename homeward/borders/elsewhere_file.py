"""Loading host councils' notifications that our children went missing in their areas, from
a CSV file (docs/borders.md): the form on the child's page (EpisodeElsewhere), a file at a
time.

All or nothing: every row is tried, in one transaction, each in a savepoint of its own, so
that every problem in the file is found (the checks of the episode too: a row that overlaps
another episode of the child, in the file or already recorded); only a file without
problems is kept. A row for an episode already recorded from the host council (the same
child, host council and time last seen) is skipped and said so: loading a file again adds
nothing twice.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.borders.csvfile import FileProblem, FileRejected, garbled_cells, read_rows
from homeward.borders.models import EpisodeElsewhere
from homeward.borders.services import episode_elsewhere_record
from homeward.core.codes import Category
from homeward.councils.models import Council
from homeward.exchange.cells import CellError, read_datetime

COLUMNS = (
    "child_id",
    "host_council_code",
    "last_seen_at",
    "told_at",
    "reported_at",
    "returned_at",
    "police_reference",
    "category",
    "notes",
)
REQUIRED = ("child_id", "host_council_code", "last_seen_at", "told_at")
# The service's fields, and the column each is read from.
COLUMN_OF = {
    "child": "child_id",
    "host_council": "host_council_code",
    "episode": "last_seen_at",
    "__all__": "",
}
EMPTY = "Enter the {column}: it cannot be empty."
UNKNOWN_CHILD = (
    "No child you can see has the local id '{value}'. Use the child's local id in Homeward "
    "(on their page), or ask a coordinator to load this row."
)
UNKNOWN_COUNCIL = (
    "'{value}' is not a council code Homeward knows. Use the host council's DfE three-digit "
    "code, for example 202 for Camden."
)
UNKNOWN_CATEGORY = "'{value}' is not a category: use missing or away (or leave it empty: missing)."
TOLD_IN_FUTURE = "The time the host council told us cannot be in the future."
TOLD_BEFORE_SEEN = "The host council cannot have told us before the child was last seen."
TWICE_IN_FILE = "This episode is in the file twice (row {row}). Keep one row for it."
CATEGORIES = {"": Category.MISSING, "missing": Category.MISSING, "away": Category.AWAY}
TIMES = ("last_seen_at", "told_at", "reported_at", "returned_at")


@dataclass(frozen=True)
class ElsewhereLoaded:
    added: int
    skipped: list[int]  # the rows already recorded
    notes: tuple[str, ...] = ()  # how the file was read: its encoding, names, columns ignored

    def __str__(self) -> str:
        return "\n".join((self.summary, *self.notes))

    @property
    def summary(self) -> str:
        said = (
            f"Added {self.added} episode{'' if self.added == 1 else 's'} in other councils' "
            "areas to the children's timelines (and this council's reports)"
        )
        if not self.skipped:
            return f"{said}; none skipped."
        rows = ", ".join(str(row) for row in self.skipped)
        many = len(self.skipped) != 1
        return (
            f"{said}; skipped {len(self.skipped)} already recorded from the host council "
            f"(row{'s' if many else ''} {rows}), which {'are' if many else 'is'} left as "
            f"{'they were' if many else 'it was'}."
        )


def elsewhere_load(*, data: bytes, name: str, children, by=None) -> ElsewhereLoaded:
    """Load a file of host councils' notifications about `children` (the children of this
    council the person may see, by local id): all of it, or nothing with every problem."""
    rows = read_rows(data, name=name, columns=COLUMNS, required=REQUIRED)
    councils = {council.code: council for council in Council.objects.all()}
    wanted = {row["child_id"] for _number, row in rows if row["child_id"]}
    known = {child.local_id: child for child in children.filter(local_id__in=wanted)}
    problems, read = [], []
    for number, row in rows:
        values, row_problems = _values(name, number, row, known, councils)
        row_problems += garbled_cells(name, number, row, COLUMNS)
        problems += row_problems
        if not row_problems:
            read.append((number, values))
    with transaction.atomic():
        added, skipped, problems = _tried(read, name, by, problems)
        if problems:
            # Everything the file wrote is undone with the transaction: nothing is kept.
            raise FileRejected(sorted(problems, key=_in_file_order))
    return ElsewhereLoaded(added=added, skipped=skipped, notes=tuple(rows.notes))


def _in_file_order(problem: FileProblem) -> tuple[int, int]:
    return problem.row, COLUMNS.index(problem.column) if problem.column in COLUMNS else -1


def _values(name, number, row, known, councils) -> tuple[dict, list[FileProblem]]:
    problems, values = [], {}

    def problem(column, reason):
        problems.append(FileProblem(name, number, column, reason))

    for column in REQUIRED:
        if not row.get(column, ""):
            problem(column, EMPTY.format(column=column))
    raw = row.get("child_id", "")
    if raw:
        values["child"] = known.get(raw)
        if values["child"] is None:
            problem("child_id", UNKNOWN_CHILD.format(value=raw))
    raw = row.get("host_council_code", "")
    if raw:
        values["host_council"] = councils.get(raw)
        if values["host_council"] is None:
            problem("host_council_code", UNKNOWN_COUNCIL.format(value=raw))
    for column in TIMES:
        raw = row.get(column, "")
        try:
            values[column] = read_datetime(raw) if raw else None
        except CellError as error:
            problem(column, str(error))
    category = row.get("category", "").lower()
    if category in CATEGORIES:
        values["category"] = CATEGORIES[category]
    else:
        problem("category", UNKNOWN_CATEGORY.format(value=row.get("category", "")))
    values["police_reference"] = row.get("police_reference", "")
    values["notes"] = row.get("notes", "")
    told, seen = values.get("told_at"), values.get("last_seen_at")
    if told is not None and told > timezone.now():
        problem("told_at", TOLD_IN_FUTURE)
    elif told is not None and seen is not None and told < seen:
        problem("told_at", TOLD_BEFORE_SEEN)
    return values, problems


def _tried(read, name, by, problems) -> tuple[int, list[int], list[FileProblem]]:
    """Record each row in a savepoint of its own: (added, rows skipped, every problem)."""
    added, skipped, first_row = 0, [], {}
    for number, values in read:
        key = (values["child"].pk, values["host_council"].pk, values["last_seen_at"])
        if key in first_row:
            reason = TWICE_IN_FILE.format(row=first_row[key])
            problems.append(FileProblem(name, number, "last_seen_at", reason))
            continue
        first_row[key] = number
        if _already_recorded(values):
            skipped.append(number)
            continue
        try:
            with transaction.atomic():
                episode_elsewhere_record(by=by, **values)
        except ValidationError as error:
            problems += [
                FileProblem(name, number, COLUMN_OF.get(field, field), message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            added += 1
    return added, skipped, problems


def _already_recorded(values: dict) -> bool:
    return EpisodeElsewhere.objects.filter(
        episode__child=values["child"],
        host_council=values["host_council"],
        episode__last_seen_at=values["last_seen_at"],
    ).exists()
