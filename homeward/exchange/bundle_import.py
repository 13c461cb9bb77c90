"""Importing a data bundle: all or nothing, every problem listed, the same bundle twice is a no-op.

The steps: read every file row by row into staging tables (bundle_files), check the rows
against each other and against what is recorded (bundle_checks), and only if nothing is
wrong merge them into the real tables (bundle_merge), all in one transaction.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import Problem
from homeward.councils.models import Council, Locality
from homeward.exchange import bundle_checks, bundle_merge
from homeward.exchange.bundle_files import Context, Row, read_row, seen_with
from homeward.exchange.bundle_spec import FILES, FileSpec
from homeward.exchange.cells import unguard_formula
from homeward.exchange.staging import StagingTable, is_postgresql

MISSING_COLUMN = "The column '{column}' is missing from the header. Add it (it may be empty)."
WRONG_CELL_COUNT = (
    "This row has {found} cells but the header has {expected}. Check for stray commas."
)
NOT_UTF8 = "The file is not UTF-8 text from this row on. Save it as UTF-8 CSV and try again."
NOT_A_FOLDER = "There is no bundle folder at {path}."
NO_FILES = "The folder {path} has none of the bundle's files ({names})."
REFUSED_BY_DATABASE = (
    "The database refused to store this bundle, though its checks found nothing wrong: "
    "{reason}. Nothing was imported. Import the bundle again; if this happens again, "
    "send this message to whoever supports Homeward."
)
UNKNOWN_COUNCIL = "There is no council with code '{code}'. Use the DfE three-digit code, like 931."

DEFAULT_MAX_PROBLEMS = 1000
EPISODE_OVERLAPS = "episode_periods_never_overlap"  # the constraint, episodes/models.py


@dataclass(frozen=True)
class BundleProblem:
    """A problem in a bundle, located by file, row (the header is row 1) and column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ProblemList:
    """Every problem found, keeping the first `limit` of them (0 keeps all) and the total."""

    def __init__(self, limit: int = DEFAULT_MAX_PROBLEMS):
        self.limit = limit
        self.kept: list[BundleProblem] = []
        self.total = 0

    def add(self, file: str, row: int, column: str, message: str) -> None:
        self.total += 1
        if not self.limit or len(self.kept) < self.limit:
            self.kept.append(BundleProblem(file, row, column, message))

    def add_row(self, file: str, row: int, problems: list[Problem]) -> None:
        for problem in problems:
            self.add(file, row, problem.field, problem.message)

    def __bool__(self) -> bool:
        return self.total > 0

    def in_order(self) -> list[BundleProblem]:
        """The kept problems by file (in bundle order), then row."""
        order = {spec.name: number for number, spec in enumerate(FILES)}
        return sorted(self.kept, key=lambda p: (order.get(p.file, -1), p.row))


class BundleRejected(Exception):
    """The bundle was refused; nothing was written. `problems` says why."""

    def __init__(self, problems: ProblemList):
        self.problems = problems
        super().__init__(f"The bundle was not imported: {problems.total} problem(s) found.")


@dataclass
class FileCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated


@dataclass
class ImportResult:
    council: Council
    files: dict[str, FileCounts] = field(default_factory=dict)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)


def stage_tables() -> dict[str, StagingTable]:
    """The staging table for each file (and for the children each episode was missing with)."""
    tables = {
        spec.name: StagingTable(spec.table, spec.stage_columns(), spec.index_on) for spec in FILES
    }
    tables["seen_with"] = StagingTable(
        "hw_stage_companion",
        {"row_no": "int", "episode_ref": "text", "child_ref": "text"},
        ("episode_ref",),
    )
    return tables


def import_bundle(
    path: Path | str,
    *,
    council_code: str,
    by=None,
    now: dt.datetime | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ImportResult:
    """Import the bundle in `path` for a council; or raise BundleRejected, writing nothing.

    The import is audited inside its own transaction: no import without its audit entry.
    """
    path = Path(path)
    problems = ProblemList(max_problems)
    council = _council(council_code, problems)
    present = _present_files(path, problems)
    if problems:
        raise BundleRejected(problems)
    now = now or timezone.now()
    result = ImportResult(council=council)
    tables = stage_tables()
    with transaction.atomic():
        try:
            for table in tables.values():
                table.create()
            context = _context(council, now, path / "localities.csv")
            for spec in FILES:
                if spec.name in present:
                    _stage_file(path / spec.name, spec, context, tables, problems, result)
            for table in tables.values():
                table.finish()
            _check_and_merge(str(path), council, by, now, result, problems, context.today)
            _audit(path, result, by)
        finally:
            for table in tables.values():
                table.drop()
    return result


def _check_and_merge(
    folder: str,
    council: Council,
    by,
    now: dt.datetime,
    result: ImportResult,
    problems: ProblemList,
    today: dt.date,
) -> None:
    """Check the staged rows against each other and what is recorded, then write them.

    Another import, or a person recording an episode, may be writing the council's records
    at the same moment: the import waits for them to commit before it checks, and they wait
    for the import (core/locks.py), so its checks see what they wrote and theirs see what it
    wrote. Should the database still refuse a record (a writer that skipped the lock), the
    checks run again, now seeing that writer's records, and the bundle is refused with the
    problems they find.
    """
    lock_council_episodes(council.pk, exclusive=True)
    bundle_checks.check_all(council.pk, problems, today=today)
    if problems:
        raise BundleRejected(problems)
    try:
        with transaction.atomic():
            _overlaps_checked("DEFERRED")
            bundle_merge.merge_all(council.pk, by, now, result.files)
            _overlaps_checked("IMMEDIATE")
    except IntegrityError as error:
        bundle_checks.check_all(council.pk, problems, today=today)
        if not problems:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            problems.add(folder, 0, "", REFUSED_BY_DATABASE.format(reason=reason))
        raise BundleRejected(problems) from error


def _overlaps_checked(when: str) -> None:
    """On PostgreSQL, have the database check that no episodes overlap at the end of the
    import's writing (DEFERRED) or now (IMMEDIATE): two episodes the bundle moves past each
    other overlap half-way through, however the rows are ordered."""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {EPISODE_OVERLAPS} {when}")


def _audit(path: Path, result: ImportResult, by) -> None:
    audit_record(
        user=by,
        action=Action.IMPORT,
        details={
            "folder": str(path),
            "council": str(result.council.code),
            "files": {file: vars(counts) for file, counts in result.files.items()},
        },
    )


def _council(code: str, problems: ProblemList) -> Council | None:
    council = Council.objects.filter(code=code).first()
    if council is None:
        problems.add("", 0, "--council", UNKNOWN_COUNCIL.format(code=code))
    return council


def _present_files(path: Path, problems: ProblemList) -> set[str]:
    if not path.is_dir():
        problems.add(str(path), 0, "", NOT_A_FOLDER.format(path=path))
        return set()
    present = {spec.name for spec in FILES if (path / spec.name).is_file()}
    if not present:
        names = ", ".join(spec.name for spec in FILES)
        problems.add(str(path), 0, "", NO_FILES.format(path=path, names=names))
    return present


def _context(council: Council, now: dt.datetime, localities_csv: Path) -> Context:
    known = set(Locality.objects.filter(council=council).values_list("name", flat=True))
    if localities_csv.is_file():
        with localities_csv.open(encoding="utf-8-sig", newline="", errors="replace") as f:
            rows = csv.DictReader(f)
            known |= {unguard_formula(row.get("locality", "")).strip() for row in rows} - {""}
    return Context(
        council_id=council.pk,
        council_name=council.name,
        council_ids=dict(Council.objects.values_list("code", "id")),
        localities=known,
        now=now,
        today=timezone.localdate(now),
    )


def _stage_file(
    path: Path,
    spec: FileSpec,
    context: Context,
    tables: dict[str, StagingTable],
    problems: ProblemList,
    result: ImportResult,
) -> None:
    table = tables[spec.name]
    counts = result.files.setdefault(spec.name, FileCounts())
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        row_number = 1
        try:
            header = [name.strip() for name in next(reader, [])]
            missing = [column for column in spec.required if column not in header]
            for column in missing:
                problems.add(spec.name, 1, column, MISSING_COLUMN.format(column=column))
            if missing:
                return
            extra = [name for name in header if name not in spec.header and name]
            if extra:
                result.ignored_columns[spec.name] = extra
            for row_number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    message = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
                    problems.add(spec.name, row_number, "", message)
                    continue
                cells = [unguard_formula(cell) for cell in cells]
                row = Row(row_number, dict(zip(header, cells, strict=True)), context)
                staged = read_row(spec, row)
                if spec.name == "episodes.csv":
                    _stage_companions(row, staged[1], tables["seen_with"])
                problems.add_row(spec.name, row_number, row.problems)
                if staged[1]:
                    table.add(staged)
                    counts.rows += 1
        except UnicodeDecodeError:
            problems.add(spec.name, row_number + 1, "", NOT_UTF8)


def _stage_companions(row: Row, episode_ref: str | None, companions: StagingTable) -> None:
    for child_ref in seen_with(row):
        if episode_ref:
            companions.add((row.number, episode_ref, child_ref))
