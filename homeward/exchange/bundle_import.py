"""Importing a data bundle: all or nothing, every problem listed, the same bundle twice is a no-op.

The steps: read every file row by row into staging tables (bundle_files), check the rows
against each other and against what is recorded (bundle_checks), and only if nothing is
wrong merge them into the real tables (bundle_merge), all in one transaction.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import Problem
from homeward.councils.models import Council, Locality
from homeward.escalations.services import escalations_check_council_after_commit
from homeward.exchange import (
    bundle_absent,
    bundle_checks,
    bundle_in_error,
    bundle_local,
    bundle_merge,
)
from homeward.exchange.bundle_files import Context, Row, police_refs, read_row, seen_with
from homeward.exchange.bundle_reading import (
    CANNOT_OPEN,
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    HEADER_READ_AS,
    CsvFile,
    FileNotRead,
    Folder,
    check_header,
    detect_encoding,
    folder_files,
)
from homeward.exchange.bundle_spec import BY_NAME, FILES, FileSpec
from homeward.exchange.cells import unguard_formula
from homeward.exchange.staging import StagingTable, is_postgresql

MISSING_COLUMN = "The column '{column}' is missing from the header. Add it (it may be empty)."
WRONG_CELL_COUNT = (
    "This row has {found} cells but the header has {expected}. Check for stray commas."
)
LOCALITIES_NOT_CHECKED = (
    "{count} row(s) name a locality Homeward does not have; they could not be checked, "
    "because localities.csv could not be read (see its problem)."
)
NOT_A_FOLDER = "There is no bundle folder at {path}."
NO_FILES = "The folder {path} has none of the bundle's files ({names})."
IN_SUB_FOLDER = " The bundle's files are in its sub-folder {name}: import that folder, {path}."
REFUSED_BY_DATABASE = (
    "The database refused to store this bundle, though its checks found nothing wrong: "
    "{reason}. Nothing was imported. Import the bundle again; if this happens again, "
    "send this message to whoever supports Homeward."
)
UNKNOWN_COUNCIL = "There is no council with code '{code}'. Use the DfE three-digit code, like 931."
DATABASE_REFUSED = (
    "The database refused {what}: {cause}. Correct it and import the whole bundle again."
)

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
        row = f"row {self.row}" if self.row else ""
        where = ", ".join(part for part in (self.file, row, self.column) if part)
        return f"{where}: {self.message}" if where else self.message


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
    """The bundle was refused; nothing was written. `problems` says why; `local_changes`
    counts the rows refused for changing records corrected in Homeward (bundle_local)."""

    def __init__(self, problems: ProblemList, local_changes: int = 0):
        self.problems = problems
        self.local_changes = local_changes
        super().__init__(f"The bundle was not imported: {problems.total} problem(s) found.")


@dataclass
class FileCounts:
    """What an import did with one file: its rows, the records it created and updated, the
    fields it emptied (`cleared`) or set to their default (`defaulted`) and on how many
    records, the columns its header has, and the rows that met a local change."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    # Police references added to episodes not yet known by them, and to how many episodes.
    references_added: int = 0
    episodes_given_references: int = 0
    columns: tuple[str, ...] = ()
    cleared: dict[str, int] = field(default_factory=dict)
    defaulted: dict[str, int] = field(default_factory=dict)
    kept: list[bundle_local.LocalChange] = field(default_factory=list)
    overwritten: list[bundle_local.LocalChange] = field(default_factory=list)

    @property
    def kept_rows(self) -> int:
        return len({change.row for change in self.kept})

    @property
    def overwritten_rows(self) -> int:
        return len({change.row for change in self.overwritten})

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated - self.kept_rows

    def absent(self, spec: FileSpec) -> list[str]:
        """The file's optional columns its header left out: stored values left as they are."""
        return [name for name in spec.header if name not in self.columns]

    def as_details(self, spec: FileSpec) -> dict:
        """For the audit entry."""
        added = {"police_refs_added": self.references_added} if self.references_added else {}
        return added | {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "absent_columns": self.absent(spec),
            "cleared": self.cleared,
            "defaulted": self.defaulted,
            "kept": [change.as_details() for change in self.kept],
            "overwritten": [change.as_details() for change in self.overwritten],
        }


@dataclass
class ImportResult:
    council: Council
    local_changes: str = bundle_local.REFUSE
    files: dict[str, FileCounts] = field(default_factory=dict)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    # Files in the folder that are not bundle files and were not read (a README, .DS_Store).
    ignored_files: list[str] = field(default_factory=list)
    # How a file was read when not as documented (its encoding, cell separator, header).
    read_notes: dict[str, list[str]] = field(default_factory=dict)
    # Rows skipped or redirected because of mistakes put right in Homeward (bundle_in_error).
    set_aside: list[str] = field(default_factory=list)


def stage_tables() -> dict[str, StagingTable]:
    """The staging table for each file (and for the children each episode was missing with,
    and the police references it is known by)."""
    tables = {
        spec.name: StagingTable(spec.table, spec.stage_columns(), spec.index_on) for spec in FILES
    }
    tables["seen_with"] = StagingTable(
        "hw_stage_companion",
        {"row_no": "int", "episode_ref": "text", "child_ref": "text"},
        ("episode_ref",),
    )
    tables["police_refs"] = StagingTable(
        "hw_stage_police_ref",
        {"row_no": "int", "episode_ref": "text", "police_ref": "text", "position": "int"},
        ("episode_ref", "police_ref"),
    )
    return tables


def import_bundle(
    path: Path | str,
    *,
    council_code: str,
    by=None,
    now: dt.datetime | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    local_changes: str = bundle_local.REFUSE,
    audit_folder: str = "",
) -> ImportResult:
    """Import the bundle in `path` for a council; or raise BundleRejected, writing nothing.

    `audit_folder` names, in the audit entry, the folder the council gave when the bundle
    was made from other files (translated.py) in a folder of Homeward's own.

    `local_changes` says what to do with rows that would change records corrected in
    Homeward since an import last wrote them: refuse the bundle (the default), keep
    Homeward's values, or overwrite them (bundle_local). The import is audited inside its
    own transaction: no import without its audit entry.
    """
    path = Path(path)
    problems = ProblemList(max_problems)
    council = _council(council_code, problems)
    if problems:
        raise BundleRejected(problems)
    folder = _folder(path, problems)
    if not folder.present:
        raise BundleRejected(problems)
    now = now or timezone.now()
    result = ImportResult(
        council=council, local_changes=local_changes, ignored_files=folder.ignored
    )
    tables = stage_tables()
    reading = _Reading(tables, problems, result, unreadable=set(folder.misnamed))
    # A savepoint when called inside a transaction: whatever fails, rolling back to it takes
    # the staging tables away too, and leaves the connection usable.
    with transaction.atomic():
        try:
            _stage_check_merge(path, folder, council, by, now, reading)
        except DatabaseError as error:
            # Nothing more is asked of the aborted transaction: the cause is reported as it is.
            _database_problem(error, reading, problems)
            raise BundleRejected(problems) from error
        _audit(audit_folder or str(path), result, by)
        # Once the import commits, the escalation rules are checked for every child of the
        # council missing recently: the import writes rows in bulk, not through the services.
        escalations_check_council_after_commit(council_id=council.pk, now=now)
        bundle_merge.drop_comparison()
        for table in tables.values():
            table.drop()
    return result


def _stage_check_merge(path: Path, folder: Folder, council: Council, by, now, reading) -> None:
    problems, tables, result = reading.problems, reading.tables, reading.result
    for table in tables.values():
        table.create()
    reading.context = _context(council, now)
    reading.context.localities_unchecked = "localities.csv" in reading.unreadable
    for spec in FILES:
        if spec.name in folder.present:
            reading.stage(path / spec.name, spec)
    for name, table in tables.items():
        reading.file = name
        table.finish()
    reading.file = ""
    _check_and_merge(
        str(path), council, by, now, result, problems, reading.context, reading.unreadable
    )


def _check_and_merge(
    folder: str,
    council: Council,
    by,
    now: dt.datetime,
    result: ImportResult,
    problems: ProblemList,
    context: Context,
    unreadable: set[str],
) -> None:
    """Check the staged rows against each other and what is recorded, then write them.

    Another import, or a person recording an episode, may be writing the council's records
    at the same moment: the import waits for them to commit before it checks, and they wait
    for the import (core/locks.py), so its checks see what they wrote and theirs see what it
    wrote. Should the database still refuse a record (a writer that skipped the lock), the
    checks run again, now seeing that writer's records, and the bundle is refused with the
    problems they find. The checks see, for a column a file left out, the stored values
    (bundle_absent), and without the rows kept as changed in Homeward (bundle_local).
    """
    lock_council_episodes(council.pk, exclusive=True)
    # Rows of records entered in error skipped, of merged children redirected: read under
    # the lock, so that a mark or a merge made meanwhile is seen.
    bundle_in_error.set_aside(council.pk, result.files, result.set_aside)
    bundle_absent.stand_in_stored(council.pk, result.files)
    bundle_absent.check_rows_again(result.files, context, problems)
    found = bundle_local.find_local_changes(
        council.pk, result.files, result.local_changes, problems
    )
    today = context.today
    bundle_checks.check_all(council.pk, problems, today=today, unreadable=unreadable)
    if problems:
        raise BundleRejected(problems, local_changes=found)
    try:
        with transaction.atomic():
            _overlaps_checked("DEFERRED")
            bundle_merge.merge_all(council.pk, by, now, result.files)
            _overlaps_checked("IMMEDIATE")
    except IntegrityError as error:
        bundle_checks.check_all(council.pk, problems, today=today, unreadable=unreadable)
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


def _audit(folder: str, result: ImportResult, by) -> None:
    audit_record(
        user=by,
        action=Action.IMPORT,
        details={
            "folder": folder,
            "council": str(result.council.code),
            "local_changes": result.local_changes,
            "files": {
                file: counts.as_details(BY_NAME[file]) for file, counts in result.files.items()
            },
            "set_aside": result.set_aside,
        },
    )


def _council(code: str, problems: ProblemList) -> Council | None:
    council = Council.objects.filter(code=code).first()
    if council is None:
        problems.add("", 0, "--council", UNKNOWN_COUNCIL.format(code=code))
    return council


def _folder(path: Path, problems: ProblemList) -> Folder:
    if not path.is_dir():
        problems.add("", 0, "", NOT_A_FOLDER.format(path=path))
        return Folder()
    folder = folder_files(path)
    for name, message in folder.problems:
        problems.add(name, 0, "", message)
    if not folder.present and not folder.problems:
        names = ", ".join(spec.name for spec in FILES)
        message = NO_FILES.format(path=path, names=names)
        # A zip file unpacked into a folder of its own, as Windows and macOS do.
        inner = [
            sub
            for sub in sorted(path.iterdir())
            if sub.is_dir() and any((sub / spec.name).is_file() for spec in FILES)
        ]
        if len(inner) == 1:
            message += IN_SUB_FOLDER.format(name=inner[0].name, path=inner[0])
        problems.add("", 0, "", message)
    return folder


def _context(council: Council, now: dt.datetime) -> Context:
    """What every row is read against; localities.csv adds its names as it is read."""
    return Context(
        council_id=council.pk,
        council_name=council.name,
        council_ids=dict(Council.objects.values_list("code", "id")),
        localities=set(Locality.objects.filter(council=council).values_list("name", flat=True)),
        now=now,
        today=timezone.localdate(now),
    )


@dataclass
class _Reading:
    """Reading a bundle's files into their staging tables, one after the other."""

    tables: dict[str, StagingTable]
    problems: ProblemList
    result: ImportResult
    # Files that could not be read whole: what refers to them is not checked row by row.
    unreadable: set[str]
    context: Context | None = None
    file: str = ""  # the file (or staging table) being worked on, to place a database error

    def stage(self, path: Path, spec: FileSpec) -> None:
        self.file = spec.name
        try:
            encoding = detect_encoding(path)
            with path.open("rb") as f:
                self._read(f, CsvFile(encoding), spec)
        except OSError as error:
            self._not_read(spec, 0, "", CANNOT_OPEN.format(error=error.strerror or error))

    def _not_read(self, spec: FileSpec, row: int, column: str, message: str) -> None:
        self.problems.add(spec.name, row, column, message)
        self.unreadable.add(spec.name)
        if spec.name == "localities.csv":
            self.context.localities_unchecked = True

    def _read(self, f, csv_file: CsvFile, spec: FileSpec) -> None:
        counts = self.result.files.setdefault(spec.name, FileCounts())
        header: list[str] = []
        try:
            header = self._header(csv_file, csv_file.header(f), spec)
            if not header:
                return
            for row_number, cells, troubles in csv_file.records():
                for index, message in troubles:
                    self.problems.add(spec.name, row_number, _name(header, index), message)
                if cells is not None:
                    self._row(spec, header, row_number, cells, counts)
        except FileNotRead as error:
            self._not_read(spec, error.row, _name(header, error.column), error.message)
        finally:
            if csv_file.notes:
                self.result.read_notes.setdefault(spec.name, []).extend(csv_file.notes)
            self._unchecked_localities(spec)

    def _header(self, csv_file: CsvFile, written: list[str], spec: FileSpec) -> list[str]:
        """The header's names as documented, or [] when the file's rows cannot be read."""
        if not written:
            self._not_read(spec, 1, "", EMPTY_FILE)
            return []
        header = check_header(written, spec)
        counts = self.result.files.setdefault(spec.name, FileCounts())
        counts.columns = tuple(name for name in spec.header if name in header.names)
        if header.renamed:
            csv_file.notes.append(HEADER_READ_AS.format(renamed=", ".join(header.renamed)))
        if header.extra:
            self.result.ignored_columns[spec.name] = header.extra
        # One problem for each column at fault, not one for each of the file's rows.
        for column in header.missing:
            self._not_read(spec, 1, column, MISSING_COLUMN.format(column=column))
        for column in header.duplicated:
            self._not_read(spec, 1, column, DUPLICATE_COLUMN.format(column=column))
        return [] if header.missing or header.duplicated else header.names

    def _row(self, spec: FileSpec, header: list[str], number: int, cells: list[str], counts):
        if not any(cell.strip() for cell in cells):
            return
        if len(cells) != len(header):
            message = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
            self.problems.add(spec.name, number, "", message)
            self._stage_id_only(spec, header, number, cells)
            return
        cells = [unguard_formula(cell) for cell in cells]
        row = Row(number, dict(zip(header, cells, strict=True)), self.context)
        staged = read_row(spec, row)
        if spec.name == "episodes.csv":
            _stage_companions(row, staged[1], self.tables["seen_with"])
            _stage_police_refs(row, staged[1], self.tables["police_refs"])
        if spec.name == "localities.csv" and staged[1]:
            self.context.localities.add(staged[1])
        self.problems.add_row(spec.name, number, row.problems)
        if staged[1]:
            self.tables[spec.name].add(staged)
            counts.rows += 1

    def _stage_id_only(self, spec: FileSpec, header: list[str], number: int, cells: list[str]):
        """Stage the id of a row that could not be read (as not ok), so that the rows
        referring to it are not each refused as naming a record that does not exist."""
        id_name = spec.id_column.name
        index = header.index(id_name) if id_name in header else len(cells)
        ref = cells[index].strip() if index < len(cells) else ""
        if ref:
            blanks = [None] * (len(spec.stage_columns()) - 3)
            self.tables[spec.name].add((number, ref, *blanks, 0))
            if spec.name == "localities.csv":
                self.context.localities.add(ref)

    def _unchecked_localities(self, spec: FileSpec) -> None:
        for column, count in sorted(self.context.unchecked_localities.items()):
            message = LOCALITIES_NOT_CHECKED.format(count=count)
            self.problems.add(spec.name, 0, column, message)
        self.context.unchecked_localities.clear()


def _name(header: list[str], index: int | None) -> str:
    """The name of a header's cell by its index ("" when unknown)."""
    return header[index] if index is not None and index < len(header) else ""


def _stage_companions(row: Row, episode_ref: str | None, companions: StagingTable) -> None:
    for child_ref in seen_with(row):
        if episode_ref:
            companions.add((row.number, episode_ref, child_ref))


def _stage_police_refs(row: Row, episode_ref: str | None, references: StagingTable) -> None:
    for position, ref in enumerate(police_refs(row)):
        if episode_ref:
            references.add((row.number, episode_ref, ref, position))


def _database_problem(error: DatabaseError, reading: _Reading, problems: ProblemList) -> None:
    """A database error as a problem with its cause, placed in the file it came from."""
    cause = error.__cause__ or error
    diag = getattr(cause, "diag", None)
    file = {"seen_with": "episodes.csv", "police_refs": "episodes.csv"}.get(
        reading.file, reading.file
    )
    table = getattr(diag, "table_name", None)
    if not file and table:
        file = next((spec.name for spec in FILES if _db_table(spec) == table), "")
    column = getattr(diag, "column_name", None) or ""
    if file and column:
        spec = next(spec for spec in FILES if spec.name == file)
        column = next((c.name for c in spec.columns if c.model_column == column), column)
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    what = "these records" if file else "the bundle"
    problems.add(file, 0, column, DATABASE_REFUSED.format(what=what, cause=text.rstrip(".")))


def _db_table(spec: FileSpec) -> str:
    return apps.get_model(spec.model)._meta.db_table
