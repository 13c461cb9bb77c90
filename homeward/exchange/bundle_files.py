"""Reading each file of a bundle, row by row, into staging rows and problems.

One reader per file. Each checks what can be checked on a row alone (formats, codes,
times against each other) with the same rules the services use, and returns the tuple
to stage. What needs other rows (overlaps, references) is checked later in SQL.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from homeward.children.rules import child_problems, placement_problems
from homeward.core.codes import (
    Category,
    InterviewOutcome,
    LegalStatus,
    MissingFrom,
    PlacementType,
    Risk,
    ScreeningOutcome,
    Sex,
)
from homeward.core.problems import REQUIRED, Problem, london_date
from homeward.episodes.rules import episode_time_problems
from homeward.exchange.cells import (
    CellError,
    code_reader,
    read_count,
    read_date,
    read_datetime,
    read_place_code,
    read_text,
)
from homeward.exploitation.rules import normalise_concerns, screening_problems
from homeward.interviews.rules import completion_problems

UNKNOWN_COUNCIL = (
    "'{value}' is not a council code Homeward knows. Use the DfE three-digit code, "
    "for example 931 for Oxfordshire."
)
UNKNOWN_LOCALITY = (
    "'{value}' is not a locality of {council}. Add it to localities.csv or use one of: {known}."
)
MISSING_WITH_SELF = "A child cannot be missing with themselves. Remove '{value}' from seen_with."

read_sex = code_reader(Sex.values, "sex")
read_placement_type = code_reader(PlacementType.values, "placement type")
read_category = code_reader(Category.values, "category")
read_risk = code_reader(Risk.values, "risk grading")
read_missing_from = code_reader(MissingFrom.values, "place missing from")
read_legal_status = code_reader(LegalStatus.values, "legal status")
read_interview_outcome = code_reader(InterviewOutcome.values, "interview outcome")
read_screening_outcome = code_reader(ScreeningOutcome.values, "screening outcome")


@dataclass
class Context:
    """What every reader needs to know about the import it is part of."""

    council_id: int
    council_name: str
    council_ids: dict[str, int]  # DfE code -> council id
    localities: set[str]
    now: dt.datetime
    today: dt.date


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
            known = ", ".join(sorted(self.context.localities)) or "(none yet)"
            message = UNKNOWN_LOCALITY.format(
                value=name, council=self.context.council_name, known=known
            )
            self.problems.append(Problem(column, message))
        return name

    def add(self, problems) -> None:
        self.problems.extend(p for p in problems if p)


@dataclass(frozen=True)
class FileSpec:
    """A bundle file: its columns in the documented order, those the header must have,
    and how a row becomes a staging tuple."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    read: Callable[[Row], tuple]


def read_locality(row: Row) -> tuple:
    name = row.get("locality", required=True)
    population = row.get("population_0_17", read_count, required=True)
    return (row.number, name, population, row.ok)


def read_child(row: Row) -> tuple:
    born = row.get("date_of_birth", read_date, required=True)
    ethnicity = row.get("ethnicity")
    if born:
        row.add(child_problems(date_of_birth=born, ethnicity=ethnicity, today=row.context.today))
    return (
        row.number,
        row.get("child_id", required=True),
        row.get("first_name", required=True),
        row.get("last_name", required=True),
        born,
        row.get("sex", read_sex, required=True),
        ethnicity,
        row.council("responsible_la") or row.context.council_id,
        row.get("police_id"),
        row.locality("home_locality"),
        row.ok,
    )


def read_placement(row: Row) -> tuple:
    start = row.get("start_date", read_date, required=True)
    end = row.get("end_date", read_date)
    if start:
        row.add(placement_problems(start_date=start, end_date=end, date_of_birth=None))
    return (
        row.number,
        row.get("placement_id", required=True),
        row.get("child_id", required=True),
        start,
        end,
        row.get("placement_type", read_placement_type, required=True),
        row.get("place_code", read_place_code) or "",
        row.get("provider_urn"),
        row.get("provider_name"),
        row.locality("locality"),
        row.council("placing_la"),
        row.council("host_la"),
        row.ok,
    )


def read_episode(row: Row) -> tuple:
    seen = row.get("last_seen_at", read_datetime, required=True)
    reported = row.get("reported_at", read_datetime)
    returned = row.get("returned_at", read_datetime)
    notified = row.get("placing_la_notified_at", read_datetime)
    if seen:
        row.add(
            episode_time_problems(
                last_seen_at=seen,
                reported_at=reported,
                returned_at=returned,
                placing_la_notified_at=notified,
                date_of_birth=None,
                now=row.context.now,
            )
        )
    return (
        row.number,
        row.get("episode_id", required=True),
        row.get("child_id", required=True),
        row.get("category", read_category, required=True),
        seen,
        london_date(seen) if seen else None,
        reported,
        returned,
        row.get("risk", read_risk) or "",
        row.get("missing_from", read_missing_from, required=True),
        row.get("placement_id") or None,
        row.locality("locality"),
        row.get("legal_status", read_legal_status, required=True),
        row.get("found_location"),
        row.get("reported_by"),
        notified,
        row.ok,
    )


def seen_with(row: Row) -> list[str]:
    """The other children a child was missing with, as child ids."""
    child = row.cells.get("child_id", "").strip()
    others = [ref.strip() for ref in row.cells.get("seen_with", "").split(";") if ref.strip()]
    if child in others:
        row.problems.append(Problem("seen_with", MISSING_WITH_SELF.format(value=child)))
    return sorted({ref for ref in others if ref != child})


def read_interview(row: Row) -> tuple:
    outcome = row.get("outcome", read_interview_outcome, required=True)
    completed = row.get("completed_at", read_datetime)
    if outcome:
        row.add(completion_problems(outcome, completed, row.context.now))
    return (
        row.number,
        row.get("interview_id", required=True),
        row.get("episode_id", required=True),
        row.get("offered_at", read_datetime),
        outcome,
        completed,
        row.get("conducted_by"),
        row.get("findings"),
        row.ok,
    )


def read_screening(row: Row) -> tuple:
    completed = row.get("completed_on", read_date, required=True)
    review = row.get("next_review_on", read_date)
    concerns, problems = normalise_concerns(row.cells.get("concerns", ""))
    row.add(problems)
    if completed:
        row.add(
            screening_problems(
                completed_on=completed, next_review_on=review, today=row.context.today
            )
        )
    return (
        row.number,
        row.get("screening_id", required=True),
        row.get("child_id", required=True),
        completed,
        row.get("outcome", read_screening_outcome, required=True),
        concerns,
        review,
        row.ok,
    )


# In the order they are read and merged: each may refer to those before it.
FILES = (
    FileSpec(
        "localities.csv",
        ("locality", "population_0_17"),
        ("locality", "population_0_17"),
        read_locality,
    ),
    FileSpec(
        "children.csv",
        (
            "child_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "responsible_la",
            "police_id",
            "home_locality",
        ),
        ("child_id", "first_name", "last_name", "date_of_birth", "sex"),
        read_child,
    ),
    FileSpec(
        "placements.csv",
        (
            "placement_id",
            "child_id",
            "start_date",
            "end_date",
            "placement_type",
            "place_code",
            "provider_urn",
            "provider_name",
            "locality",
            "placing_la",
            "host_la",
        ),
        ("placement_id", "child_id", "start_date", "placement_type"),
        read_placement,
    ),
    FileSpec(
        "episodes.csv",
        (
            "episode_id",
            "child_id",
            "category",
            "last_seen_at",
            "reported_at",
            "returned_at",
            "risk",
            "missing_from",
            "placement_id",
            "locality",
            "legal_status",
            "found_location",
            "reported_by",
            "placing_la_notified_at",
            "seen_with",
        ),
        ("episode_id", "child_id", "category", "last_seen_at", "missing_from", "legal_status"),
        read_episode,
    ),
    FileSpec(
        "interviews.csv",
        (
            "interview_id",
            "episode_id",
            "offered_at",
            "outcome",
            "completed_at",
            "conducted_by",
            "findings",
        ),
        ("interview_id", "episode_id", "outcome"),
        read_interview,
    ),
    FileSpec(
        "screenings.csv",
        ("screening_id", "child_id", "completed_on", "outcome", "concerns", "next_review_on"),
        ("screening_id", "child_id", "completed_on", "outcome"),
        read_screening,
    ),
)
