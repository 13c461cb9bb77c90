"""Reading each file of a bundle, row by row, into staging rows and problems.

The columns come from their declarations (bundle_spec); each is read with its kind, and
each file's rules on a row alone (formats, codes, times against each other) are the same
ones the services use. What needs other rows (overlaps, references) is checked later in SQL.
"""

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps

from homeward.children.rules import child_problems, placement_problems
from homeward.core.problems import REQUIRED, Problem, garbled_problem, text_problem
from homeward.episodes.rules import episode_time_problems
from homeward.exchange.bundle_spec import (
    CHILDREN,
    CONCERNS,
    COUNCIL,
    LOCALITY,
    REFERENCES,
    TEXT,
    Column,
    FileSpec,
)
from homeward.exchange.cells import CellError, read_text
from homeward.exploitation.rules import normalise_concerns, screening_problems
from homeward.interviews.rules import interview_alone_problems

UNKNOWN_COUNCIL = (
    "'{value}' is not a council code Homeward knows. Use the DfE three-digit code, "
    "for example 931 for Oxfordshire."
)
UNKNOWN_LOCALITY = (
    "'{value}' is not a locality of {council}. Add it to localities.csv or use one of: {known}."
)
MISSING_WITH_SELF = "A child cannot be missing with themselves. Remove '{value}' from seen_with."
REFERENCE_TOO_LONG = (
    "The police reference '{value}' is longer than {limit} characters. Check it, and that "
    "references are separated by ';'."
)


@dataclass
class Context:
    """What every reader needs to know about the import it is part of."""

    council_id: int
    council_name: str
    council_ids: dict[str, int]  # DfE code -> council id
    localities: set[str]
    now: dt.datetime
    today: dt.date
    # When localities.csv could not be read, a locality Homeward does not have is not
    # refused row by row (it may be in the part not read) but counted, by column.
    localities_unchecked: bool = False
    unchecked_localities: Counter = field(default_factory=Counter)


@dataclass
class Row:
    """One data row of a file: its cells, and the problems found while reading them."""

    number: int
    cells: dict[str, str]
    context: Context
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> int:
        """1 when the row read cleanly, else 0 (as staged, so SQL can filter on it)."""
        return 0 if self.problems else 1

    def get(self, column: str, read: Callable = read_text, required: bool = False):
        """The cell read as a value; None (or "" for text) when empty; None when unreadable."""
        raw = self.cells.get(column, "").strip()
        if not raw:
            if required:
                self.problems.append(Problem(column, REQUIRED.format(what=column)))
            return "" if read is read_text else None
        try:
            return read(raw)
        except CellError as error:
            self.problems.append(Problem(column, str(error)))
            return None

    def council(self, column: str, required: bool = False) -> int | None:
        code = self.get(column, required=required)
        if not code:
            return None
        if code not in self.context.council_ids:
            self.problems.append(Problem(column, UNKNOWN_COUNCIL.format(value=code)))
            return None
        return self.context.council_ids[code]

    def locality(self, column: str) -> str | None:
        name = self.get(column)
        if not name:
            return None
        if name not in self.context.localities:
            if self.context.localities_unchecked:
                self.context.unchecked_localities[column] += 1
                return name
            known = ", ".join(sorted(self.context.localities)) or "(none yet)"
            message = UNKNOWN_LOCALITY.format(
                value=name, council=self.context.council_name, known=known
            )
            self.problems.append(Problem(column, message))
        return name

    def read(self, column: Column):
        """The cell of a declared column, read with its kind."""
        kind, name = column.kind, column.name
        if kind is COUNCIL:
            value = self.council(name, required=column.required)
        elif kind is LOCALITY:
            value = self.locality(name)
        elif kind is CONCERNS:
            value, problems = normalise_concerns(self.cells.get(name, ""))
            self.add(problems)
        else:
            value = self.get(name, kind.read, required=column.required)
        if column.has_empty and not value:
            return column.empty
        return value

    def add(self, problems) -> None:
        self.problems.extend(p for p in problems if p)


def _child_rules(values: dict, context: Context) -> Iterable[Problem]:
    born = values["date_of_birth"]
    if not born:
        return ()
    # Judged against today's age only if new or changed: bundle_checks.check_new_births.
    return child_problems(
        date_of_birth=born, ethnicity=values["ethnicity"], today=context.today, entered=False
    )


def _placement_rules(values: dict, context: Context) -> Iterable[Problem]:
    start = values["start_date"]
    if not start:
        return ()
    return placement_problems(
        start_date=start, end_date=values["end_date"], date_of_birth=None, today=context.today
    )


def _episode_rules(values: dict, context: Context) -> Iterable[Problem]:
    seen = values["last_seen_at"]
    if not seen:
        return ()
    return episode_time_problems(
        last_seen_at=seen,
        reported_at=values["reported_at"],
        returned_at=values["returned_at"],
        placing_la_notified_at=values["placing_la_notified_at"],
        date_of_birth=None,
        now=context.now,
    )


def _interview_rules(values: dict, context: Context) -> Iterable[Problem]:
    outcome = values["outcome"]
    if not outcome:
        return ()
    return interview_alone_problems(
        outcome=outcome,
        offered_at=values["offered_at"],
        completed_at=values["completed_at"],
        conducted_by=values["conducted_by"],
        now=context.now,
    )


def _screening_rules(values: dict, context: Context) -> Iterable[Problem]:
    completed = values["completed_on"]
    if not completed:
        return ()
    return screening_problems(
        completed_on=completed,
        next_review_on=values["next_review_on"],
        today=context.today,
        outcome=values["outcome"] or "",
        concerns=values["concerns"],
    )


# The rules each file's rows must keep on their own, and the columns they need, which are
# read first (so a row's problems are listed in the same order as they always were).
ROW_RULES: dict[str, tuple[tuple[str, ...], Callable[[dict, Context], Iterable[Problem]]]] = {
    "children.csv": (("date_of_birth", "ethnicity"), _child_rules),
    "placements.csv": (("start_date", "end_date"), _placement_rules),
    "episodes.csv": (
        ("last_seen_at", "reported_at", "returned_at", "placing_la_notified_at"),
        _episode_rules,
    ),
    "interviews.csv": (
        ("outcome", "completed_at", "offered_at", "conducted_by"),
        _interview_rules,
    ),
    "screenings.csv": (
        ("concerns", "completed_on", "next_review_on", "outcome"),
        _screening_rules,
    ),
}


@functools.cache
def _reading_order(spec: FileSpec) -> tuple:
    """The columns a file's rules need, its rules, the other staged columns, the staged."""
    first, rules = ROW_RULES.get(spec.name, ((), None))
    first_columns = tuple(spec.column(name) for name in first)
    rest = tuple(column for column in spec.staged if column.name not in first)
    return first_columns, rules, rest, spec.staged


@functools.cache
def _text_limits(spec: FileSpec) -> tuple[tuple[str, int | None, bool], ...]:
    """Each text column's limits as the services judge them: (column, its model field's
    max_length, whether multi-line). A column naming another record (an id, a locality, a
    council) is judged for its characters alone: its length is the other record's."""
    model = apps.get_model(spec.model)
    limits = []
    for column in spec.columns:
        if column.kind not in (TEXT, LOCALITY, COUNCIL, CONCERNS, CHILDREN, REFERENCES):
            continue  # a code, a date, a number: its reader accepts only what it expects
        # Concerns are judged once normalised (repeats dropped), so by characters alone.
        own = column.field is not None and "__" not in column.field and column.kind is not CONCERNS
        field = model._meta.get_field(column.field) if own else None
        multiline = field is not None and field.get_internal_type() == "TextField"
        limits.append((column.name, field.max_length if field else None, multiline))
    return tuple(limits)


def _text_rules(spec: FileSpec, row: Row) -> dict[str, str]:
    """The text cells the services would refuse (too long, or holding control characters),
    and those that look like UTF-8 read as Windows-1252 (Excel's "ZoÃ«"), each with its
    problem; such a cell is staged as NULL, so no database is handed a NUL."""
    refused = {}
    for name, max_length, multiline in _text_limits(spec):
        value = row.cells.get(name, "").strip()
        problem = text_problem(
            name, value, what=name, max_length=max_length, multiline=multiline
        ) or garbled_problem(name, value, what=name)
        if problem:
            refused[name] = problem
    return refused


def read_row(spec: FileSpec, row: Row) -> tuple:
    """The row as a tuple for the file's staging table (`FileSpec.stage_columns`)."""
    first, rules, rest, staged = _reading_order(spec)
    values = {column.name: row.read(column) for column in first}
    # A rule needing a column the header left out waits for the stored value (bundle_absent).
    if rules is not None and all(column.name in row.cells for column in first):
        # A cell that could not be read is read as empty: the rules' word on it ("enter
        # when the interview was completed") would only repeat its problem.
        unreadable = {problem.field for problem in row.problems}
        row.add(p for p in rules(values, row.context) if p and p.field not in unreadable)
    for column in rest:
        values[column.name] = row.read(column)
    refused = _text_rules(spec, row)
    for name in refused:
        values[name] = None
        row.cells[name] = ""
    row.add(refused.values())
    derived = [d.compute(values) for d in spec.derived]
    return (row.number, *(values[column.name] for column in staged), *derived, row.ok)


def seen_with(row: Row) -> list[str]:
    """The other children a child was missing with, as child ids."""
    child = row.cells.get("child_id", "").strip()
    others = [ref.strip() for ref in row.cells.get("seen_with", "").split(";") if ref.strip()]
    if child in others:
        row.problems.append(Problem("seen_with", MISSING_WITH_SELF.format(value=child)))
    return sorted({ref for ref in others if ref != child})


def police_refs(row: Row) -> list[str]:
    """The police references an episode is known by, in the order given (each once)."""
    limit = apps.get_model("police.EpisodeReference")._meta.get_field("police_ref").max_length
    refs = []
    for ref in (part.strip() for part in row.cells.get("police_refs", "").split(";")):
        if len(ref) > limit:
            message = REFERENCE_TOO_LONG.format(value=ref, limit=limit)
            row.problems.append(Problem("police_refs", message))
        elif ref and ref not in refs:
            refs.append(ref)
    return refs
