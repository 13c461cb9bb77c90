"""The files of a data bundle and their columns, declared once (docs/bundle.md).

Each column says what it is called in the file, whether it must have a value, how a cell
is read and written (its kind), the model field it fills, and the staging column it is
checked in. The importer, the checks, the staging tables, the merge, the exporter and the
test that keeps docs/bundle.md honest all read these declarations rather than their own
lists. A column that is not required may be left out of a file altogether.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from homeward.core.codes import (
    Category,
    InterviewConductor,
    InterviewFactor,
    InterviewOutcome,
    LegalStatus,
    MissingFrom,
    NotHeldReason,
    PlacementType,
    Risk,
    ScreeningOutcome,
    Sex,
    code_list_problem,
)
from homeward.core.problems import london_date
from homeward.exchange.cells import (
    CellError,
    code_reader,
    read_count,
    read_date,
    read_datetime,
    read_place_code,
    read_postcode,
    read_text,
    read_yes_no,
    write_date,
    write_datetime,
    write_yes_no,
)


def _as_is(value):
    return value


@dataclass(frozen=True)
class Kind:
    """How a cell is read (raising CellError), staged (text/int/date/time) and written."""

    name: str
    read: Callable[[str], object] = read_text
    stage_type: str = "text"
    write: Callable[[object], object] = _as_is


TEXT = Kind("text")
COUNT = Kind("count", read_count, "int")
DATE = Kind("date", read_date, "date", write_date)
DATETIME = Kind("datetime", read_datetime, "time", write_datetime)
PLACE_CODE = Kind("place code", read_place_code)
POSTCODE = Kind("postcode", read_postcode)
YES_NO = Kind("yes or no", read_yes_no, "bool", write_yes_no)
# Read against the import's context: a council code is staged as the council's id, a
# locality must be one the council has or the bundle brings.
COUNCIL = Kind("council", stage_type="int")
LOCALITY = Kind("locality")
# A `;`-separated list: concerns are checked and normalised, "seen with" names children.
CONCERNS = Kind("concerns")
CHILDREN = Kind("children")
# A `;`-separated list of police references, each one episode's (police.EpisodeReference).
REFERENCES = Kind("references")


def code(choices, what: str) -> Kind:
    """A kind that accepts exactly one of `choices` (`what` names them in the message)."""
    return Kind(f"code ({what})", code_reader(choices, what))


SEX = code(Sex.values, "sex")
PLACEMENT_TYPE = code(PlacementType.values, "placement type")
CATEGORY = code(Category.values, "category")
RISK = code(Risk.values, "risk grading")
MISSING_FROM = code(MissingFrom.values, "place missing from")
LEGAL_STATUS = code(LegalStatus.values, "legal status")
INTERVIEW_OUTCOME = code(InterviewOutcome.values, "interview outcome")
INTERVIEW_CONDUCTOR = code(InterviewConductor.values, "interview holder")
NOT_HELD_REASON = code(NotHeldReason.values, "reason the interview was not held")


def _read_factors(raw: str) -> str:
    factors, unknown = code_list_problem(raw, InterviewFactor.values, "factor")
    if unknown:
        raise CellError(unknown)
    return factors


# A `;`-separated list of InterviewFactor codes, kept in their order.
FACTORS = Kind("factors", _read_factors)
SCREENING_OUTCOME = code(ScreeningOutcome.values, "screening outcome")

_NOT_GIVEN = object()


@dataclass(frozen=True)
class Column:
    """One column of a bundle file.

    `field` is the model field the column fills, as the exporter reads it (a path such as
    `home_locality__name` through a foreign key); `merge` is the SQL the merge writes to
    that field from the staging row (default `s.<stage>`); `stage` is the column's name
    in the staging table (default: its own name; None when it is not staged there).
    `empty` is what an empty or unreadable cell is staged as, when not the kind's own.
    `refers_to` names the file whose id the column holds. `default` says, for a column
    whose empty cell stands for a value rather than "not known", what that value is.
    """

    name: str
    kind: Kind = TEXT
    required: bool = False
    field: str | None = None
    stage: str | None = ""
    merge: str = ""
    empty: object = _NOT_GIVEN
    refers_to: str = ""
    default: str = ""

    @property
    def stage_name(self) -> str | None:
        return self.name if self.stage == "" else self.stage

    @property
    def has_empty(self) -> bool:
        return self.empty is not _NOT_GIVEN

    @property
    def model_column(self) -> str:
        """The database column the merge writes (a foreign key's `<name>_id`)."""
        field = self.field or self.name
        return f"{field.split('__')[0]}_id" if "__" in field else field

    @property
    def merge_sql(self) -> str:
        return self.merge or f"s.{self.stage_name}"


@dataclass(frozen=True)
class Derived:
    """A staging column computed from the row's values rather than read from a cell."""

    stage: str
    stage_type: str
    compute: Callable[[dict], object]


@dataclass(frozen=True)
class FileSpec:
    """A bundle file: the model its rows are records of (app label.Model), the staging
    table they are checked in, its columns in the documented order (the first is its id),
    and what a coordinator calls one record and several (for the import's summary)."""

    name: str
    model: str
    table: str
    columns: tuple[Column, ...]
    nouns: tuple[str, str] = ("record", "records")
    derived: tuple[Derived, ...] = ()
    index_on: tuple[str, ...] = ("ref",)

    @property
    def header(self) -> tuple[str, ...]:
        """The column names, in order, as a bundle's header row has them."""
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns that must be in the header and have a value on every row."""
        return tuple(column.name for column in self.columns if column.required)

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    @property
    def staged(self) -> tuple[Column, ...]:
        """The columns staged, in the order of the staging table (after `row_no`)."""
        return tuple(column for column in self.columns if column.stage_name)

    def stage_columns(self) -> dict[str, str]:
        """The staging table's columns and their types."""
        columns = {"row_no": "int"}
        columns |= {column.stage_name: column.kind.stage_type for column in self.staged}
        columns |= {derived.stage: derived.stage_type for derived in self.derived}
        return columns | {"ok": "int"}

    def merged(self) -> dict[str, str]:
        """Each model column the merge writes, and the SQL its value comes from."""
        return {c.model_column: c.merge_sql for c in self.columns if c.field is not None}

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def noun(self, count: int) -> str:
        """`count` records, as a coordinator would say it ("1 episode", "3 children")."""
        return f"{count} {self.nouns[0] if count == 1 else self.nouns[1]}"


def _london_day(values: dict) -> dt.date | None:
    seen = values["last_seen_at"]
    return london_date(seen) if seen else None


CHILD_ID = "c.id"
IN_LOCALITY = "l.id"

LOCALITIES = FileSpec(
    "localities.csv",
    "councils.Locality",
    "hw_stage_locality",
    (
        Column("locality", required=True, field="name", stage="name"),
        Column(
            "population_0_17", COUNT, required=True, field="population_0_17", stage="population"
        ),
    ),
    nouns=("locality", "localities"),
    index_on=("name",),
)
CHILDREN_FILE = FileSpec(
    "children.csv",
    "children.Child",
    "hw_stage_child",
    (
        Column("child_id", required=True, field="local_id", stage="ref"),
        Column("first_name", required=True, field="first_name"),
        Column("last_name", required=True, field="last_name"),
        Column("date_of_birth", DATE, required=True, field="date_of_birth"),
        Column("sex", SEX, required=True, field="sex"),
        Column("ethnicity", field="ethnicity"),
        Column(
            "responsible_la",
            COUNCIL,
            field="responsible_la__code",
            stage="responsible_la_id",
            merge="COALESCE(s.responsible_la_id, {council})",
            default="the importing council",
        ),
        Column("police_id", field="police_id"),
        Column("home_locality", LOCALITY, field="home_locality__name", merge=IN_LOCALITY),
        # Optional extras that police notifications are matched on (police/matching.py).
        Column("other_names", field="other_names"),
        Column("postcode", POSTCODE, field="postcode", empty=""),
        Column("address", field="address"),
    ),
    nouns=("child", "children"),
)
PLACEMENTS = FileSpec(
    "placements.csv",
    "children.Placement",
    "hw_stage_placement",
    (
        Column("placement_id", required=True, field="local_id", stage="ref"),
        Column(
            "child_id",
            required=True,
            field="child__local_id",
            stage="child_ref",
            merge=CHILD_ID,
            refers_to="children.csv",
        ),
        Column("start_date", DATE, required=True, field="start_date"),
        Column("end_date", DATE, field="end_date"),
        Column("placement_type", PLACEMENT_TYPE, required=True, field="placement_type"),
        Column("place_code", PLACE_CODE, field="place_code", empty=""),
        Column("provider_urn", field="provider_urn"),
        Column("provider_name", field="provider_name"),
        Column("locality", LOCALITY, field="locality__name", merge=IN_LOCALITY),
        Column(
            "placing_la",
            COUNCIL,
            field="placing_la__code",
            stage="placing_la_id",
            merge="COALESCE(s.placing_la_id, c.responsible_la_id)",
            default="the child's responsible council",
        ),
        Column(
            "host_la",
            COUNCIL,
            field="host_la__code",
            stage="host_la_id",
            merge="COALESCE(s.host_la_id, {council})",
            default="the importing council",
        ),
    ),
    nouns=("placement", "placements"),
    index_on=("ref", "child_ref"),
)
EPISODES = FileSpec(
    "episodes.csv",
    "episodes.Episode",
    "hw_stage_episode",
    (
        Column("episode_id", required=True, field="local_id", stage="ref"),
        Column(
            "child_id",
            required=True,
            field="child__local_id",
            stage="child_ref",
            merge=CHILD_ID,
            refers_to="children.csv",
        ),
        Column("category", CATEGORY, required=True, field="category"),
        Column("last_seen_at", DATETIME, required=True, field="last_seen_at"),
        Column("reported_at", DATETIME, field="reported_at"),
        Column("returned_at", DATETIME, field="returned_at"),
        Column("day_precision", YES_NO, field="day_precision", empty=False),
        Column("risk", RISK, field="risk", empty=""),
        Column("missing_from", MISSING_FROM, required=True, field="missing_from"),
        Column(
            "placement_id",
            field="placement__local_id",
            stage="placement_ref",
            merge="p.id",
            empty=None,
            refers_to="placements.csv",
        ),
        Column("locality", LOCALITY, field="locality__name", merge=IN_LOCALITY),
        Column("legal_status", LEGAL_STATUS, required=True, field="legal_status"),
        Column("found_location", field="found_location"),
        Column("reported_by", field="reported_by"),
        Column("placing_la_notified_at", DATETIME, field="placing_la_notified_at"),
        # Staged in a table of its own (hw_stage_companion); exported from the companions.
        Column("seen_with", CHILDREN, stage=None, refers_to="children.csv"),
        # Every police reference the episode is known by, in the order Homeward learnt them:
        # staged in a table of its own (hw_stage_police_ref); an import adds, never removes.
        Column("police_refs", REFERENCES, stage=None),
    ),
    nouns=("episode", "episodes"),
    derived=(Derived("last_seen_on", "date", _london_day),),
    index_on=("ref", "child_ref"),
)
INTERVIEWS = FileSpec(
    "interviews.csv",
    "interviews.ReturnInterview",
    "hw_stage_interview",
    (
        Column("interview_id", required=True, field="local_id", stage="ref"),
        Column(
            "episode_id",
            required=True,
            field="episode__local_id",
            stage="episode_ref",
            merge="e.id",
            refers_to="episodes.csv",
        ),
        Column("offered_at", DATETIME, field="offered_at"),
        Column("outcome", INTERVIEW_OUTCOME, required=True, field="outcome"),
        Column("completed_at", DATETIME, field="completed_at"),
        Column("conducted_by", field="conducted_by"),
        Column("conducted_by_type", INTERVIEW_CONDUCTOR, field="conducted_by_type", empty=""),
        Column("not_held_reason", NOT_HELD_REASON, field="not_held_reason", empty=""),
        Column("factors", FACTORS, field="factors", empty=""),
        Column("findings", field="findings"),
    ),
    nouns=("interview", "interviews"),
    index_on=("ref", "episode_ref"),
)
SCREENINGS = FileSpec(
    "screenings.csv",
    "exploitation.Screening",
    "hw_stage_screening",
    (
        Column("screening_id", required=True, field="local_id", stage="ref"),
        Column(
            "child_id",
            required=True,
            field="child__local_id",
            stage="child_ref",
            merge=CHILD_ID,
            refers_to="children.csv",
        ),
        Column("completed_on", DATE, required=True, field="completed_on"),
        Column("outcome", SCREENING_OUTCOME, required=True, field="outcome"),
        Column("concerns", CONCERNS, field="concerns"),
        Column("next_review_on", DATE, field="next_review_on"),
    ),
    nouns=("screening", "screenings"),
    index_on=("ref", "child_ref"),
)

# In the order they are read and merged: each may refer to those before it.
FILES = (LOCALITIES, CHILDREN_FILE, PLACEMENTS, EPISODES, INTERVIEWS, SCREENINGS)
BY_NAME = {spec.name: spec for spec in FILES}
