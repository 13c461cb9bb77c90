"""Importing another system's files by way of the data bundle (docs/ssd.md, docs/returns.md).

The Standard Safeguarding Dataset and the SSDA903 tables are read into the rows of a data
bundle, which the bundle import (bundle_import) then checks and writes: all or nothing,
every problem listed, the same files twice changing nothing, and the same rules on records
corrected in Homeward. Each bundle row remembers the row of the source file it came from,
and each of its cells the source column, so that every problem names the file, row and
column the council can correct, never the bundle Homeward made of them.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from homeward.core.clock import LONDON
from homeward.core.problems import garbled_problem
from homeward.exchange import bundle_local
from homeward.exchange.bundle_import import (
    DEFAULT_MAX_PROBLEMS,
    WRONG_CELL_COUNT,
    BundleProblem,
    BundleRejected,
    ImportResult,
    ProblemList,
    import_bundle,
)
from homeward.exchange.bundle_reading import (
    CANNOT_OPEN,
    COPY_OF_FILE,
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    HEADER_READ_AS,
    NOT_CSV_FILE,
    READ_AS_WINDOWS_1252,
    WINDOWS_1252,
    CsvFile,
    FileNotRead,
    detect_encoding,
    is_system_file,
    looks_like,
    read_header,
)
from homeward.exchange.bundle_spec import BY_NAME
from homeward.exchange.cells import guard_formula, unguard_formula

MISSING_COLUMN = (
    "The column '{column}' ({ref}) is missing from the header. Add it (it may be empty)."
)
NULLS_READ = "{count} cell(s) held NULL, as SQL Server writes an empty value: read as empty."
NOT_A_FOLDER = "There is no folder at {path}."
MISNAMED = "This file looks like {expected}: name it exactly {expected} to import it."
NO_FILES = "The folder {path} has none of the files Homeward reads ({names})."
NOTHING_CHANGED = "Nothing changed: every record was already as in {source}."
NOT_CHECKED = (
    "{count} row(s) name a {what} that is not already recorded; they could not be checked, "
    "because {file} could not be read (see its problem)."
)


@dataclass(frozen=True)
class Where:
    """A cell of a source file: the file, its row (the header is row 1) and the column."""

    file: str
    row: int
    column: str = ""


@dataclass
class SourceRow:
    """A row of a source file, its cells by (normalised) column name."""

    file: str
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def at(self, column: str = "") -> Where:
        return Where(self.file, self.number, column)


@dataclass
class Translation:
    """The bundle made of a source's files, and where each of its rows and cells came from.

    `headers` gives each bundle file's columns (those left out leave Homeward's values as
    they are); `add` puts a row in, with the source cell of each column; `problem` records
    what is wrong with the source itself; `notes` are lines the import prints, for what
    the source gave that Homeward keeps differently or not at all."""

    source: str  # what the council calls the files ("The SSD", "The SSDA903 tables")
    headers: dict[str, tuple[str, ...]]
    tables: str = "tables read"  # what the files read are, for the note on the others
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    origins: dict[str, list[tuple[Where, dict[str, Where]]]] = field(default_factory=dict)
    problems: list[BundleProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Which source files each bundle file was made from (for problems about a whole file).
    made_from: dict[str, list[str]] = field(default_factory=dict)
    # Source files that could not be read whole: the bundle import is not asked to check
    # what is left, which would refuse every row referring to their records.
    unreadable: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.headers = dict(self.headers)  # its own: one import's columns are not the next's

    def leave_out_absent(self, bundle_file: str, rows: list[SourceRow] | None, made_from: dict):
        """Take out of a bundle file's header each column (of `made_from`, bundle column:
        source column) whose source column the table's header leaves out, so that what
        Homeward holds stays as it is: a column left out is not a column emptied."""
        if not rows:
            return
        absent = {column for column, source in made_from.items() if source not in rows[0].cells}
        self.headers[bundle_file] = tuple(
            column for column in self.headers[bundle_file] if column not in absent
        )

    def add(self, bundle_file: str, values: dict[str, str], row: Where, cells: dict[str, Where]):
        self.rows.setdefault(bundle_file, []).append(values)
        self.origins.setdefault(bundle_file, []).append((row, cells))
        sources = self.made_from.setdefault(bundle_file, [])
        if row.file not in sources:
            sources.append(row.file)

    def problem(self, where: Where, message: str) -> None:
        self.problems.append(BundleProblem(where.file, where.row, where.column, message))

    def write(self, folder: Path) -> None:
        """The bundle's files, in the folder."""
        for name, rows in self.rows.items():
            header = self.headers[name]
            with (folder / name).open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(header)
                for values in rows:
                    writer.writerow([guard_formula(values.get(column, "")) for column in header])

    def locate(self, problem: BundleProblem) -> BundleProblem:
        """A problem the bundle import found, placed in the source file, row and column."""
        origins = self.origins.get(problem.file)
        if origins is None:
            return problem
        if not problem.row:
            files = ", ".join(self.made_from.get(problem.file, [])) or problem.file
            return BundleProblem(files, 0, problem.column, problem.message)
        index = problem.row - 2  # the bundle's header is row 1
        if not 0 <= index < len(origins):
            return problem
        row, cells = origins[index]
        cell = cells.get(problem.column)
        if cell is None:
            return BundleProblem(row.file, row.row, problem.column, problem.message)
        return BundleProblem(cell.file, cell.row, cell.column, problem.message)


def read_table(
    path: Path,
    columns: dict[str, str],
    required: tuple[str, ...],
    problems: list,
    notes: list | None = None,
    null_as_empty: bool = False,
    spelled: Callable[[str], str] = str,
) -> list[SourceRow] | None:
    """A source file's rows, read as the bundle's files are (encoding, separator, quotes);
    None, with the problem, when it cannot be read, lacks a `required` column or has a
    column twice. `columns` gives each column the source documents and its reference (for
    the problem); `notes` gets what the person should check (a file read as Windows-1252,
    header names read as the documented ones, as `spelled` spells them). A cell of a column
    read that looks garbled by Excel ("ZoÃ«") is a problem. With `null_as_empty`, a cell
    holding NULL, as SQL Server writes an empty value, is read as empty, and the notes say
    how many."""
    name = path.name
    rows: list[SourceRow] = []
    nulls = 0
    try:
        encoding = detect_encoding(path)
        with path.open("rb") as f:
            csv_file = CsvFile(encoding)
            written = csv_file.header(f)
            if not written:
                problems.append(BundleProblem(name, 1, "", EMPTY_FILE))
                return None
            known = tuple(dict.fromkeys((*columns, *required)))
            read = read_header(written, known=known, required=required, spelled=spelled)
            header = read.names
            for column in read.missing:
                message = MISSING_COLUMN.format(column=column, ref=columns.get(column, ""))
                problems.append(BundleProblem(name, 1, column, message))
            for column in sorted(read.duplicated):  # which of the two to read is not guessed
                problems.append(
                    BundleProblem(name, 1, column, DUPLICATE_COLUMN.format(column=column))
                )
            if read.missing or read.duplicated:
                return None
            if notes is not None:
                if encoding.name == WINDOWS_1252:
                    notes.append(f"{name}: {READ_AS_WINDOWS_1252}")
                if read.renamed:
                    notes.append(
                        f"{name}: {HEADER_READ_AS.format(renamed=', '.join(read.renamed))}"
                    )
            for number, cells, troubles in csv_file.records():
                for index, message in troubles:
                    column = header[index] if index is not None and index < len(header) else ""
                    problems.append(BundleProblem(name, number, column, message))
                if cells is None or not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    message = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
                    problems.append(BundleProblem(name, number, "", message))
                    continue
                values = {
                    column: unguard_formula(cell)
                    for column, cell in zip(header, cells, strict=False)
                }
                if null_as_empty:
                    held = [column for column, cell in values.items() if cell.strip() == "NULL"]
                    nulls += len(held)
                    values.update(dict.fromkeys(held, ""))
                problems += garbled_cells(name, number, values, known)
                rows.append(SourceRow(name, number, values))
    except FileNotRead as error:
        problems.append(BundleProblem(name, error.row, "", error.message))
        return None
    except OSError as error:
        problems.append(BundleProblem(name, 0, "", CANNOT_OPEN.format(error=error.strerror)))
        return None
    if nulls and notes is not None:
        notes.append(f"{name}: {NULLS_READ.format(count=nulls)}")
    return rows


def garbled_cells(name: str, number: int, values: dict[str, str], read: tuple[str, ...]):
    """The problems of the cells of the columns `read` that look like UTF-8 read as
    Windows-1252 (core.problems.garbled_problem), each at its cell."""
    for column in read:
        problem = garbled_problem(column, values.get(column, "").strip(), what=column)
        if problem:
            yield BundleProblem(name, number, column, problem.message)


# The episodes.csv columns an import of missing periods writes (the others stay as they are).
EPISODE_HEADER = (
    "episode_id",
    "child_id",
    "category",
    "last_seen_at",
    "returned_at",
    "day_precision",
    "missing_from",
    "placement_id",
    "legal_status",
)


def read_tables(
    folder: Path,
    columns: dict[str, dict[str, str]],
    required: dict[str, tuple[str, ...]],
    translation: Translation,
    null_as_empty: bool = False,
    spelled: Callable[[str], str] = str,
) -> dict[str, list[SourceRow] | None]:
    """Each of the tables named in `required` that the folder has (None: it could not be
    read, and is marked unreadable), their problems added to the translation (read_table)."""
    tables: dict[str, list[SourceRow] | None] = {}
    for name in required:
        path = folder / name
        if path.is_file():
            found: list = []
            tables[name] = read_table(
                path,
                columns.get(name, {}),
                required[name],
                found,
                translation.notes,
                null_as_empty,
                spelled,
            )
            translation.problems.extend(found)
            if tables[name] is None:
                translation.unreadable.add(name)
    return tables


def other_files(folder: Path, names, translation: Translation) -> None:
    """Files in the folder that are not the tables read: one that looks like a table (its
    name but for its case, a copy number, or saved in another format) refuses the import, as
    in a bundle's folder (nothing meant to be imported is skipped in silence), and the rows
    naming its records are then not each refused; others are named in a note, but for what
    an operating system or office program leaves in a folder."""
    present = {path.name for path in folder.iterdir()} if folder.is_dir() else set()
    others = []
    for name in sorted(present):
        if name in names or is_system_file(name):
            continue
        expected, is_csv = looks_like(name, names)
        if expected is None:
            others.append(name)
            continue
        if not is_csv:
            message = NOT_CSV_FILE.format(expected=expected)
        elif expected in present and name.lower() != expected:
            message = COPY_OF_FILE.format(expected=expected)
        else:
            message = MISNAMED.format(name=name, expected=expected)
        translation.problem(Where(name, 0), message)
        if expected not in present:
            translation.unreadable.add(expected)
    if others:
        translation.notes.append(f"Not read (not {translation.tables}): {', '.join(others)}")


def last_day(ended: dt.date | None) -> str:
    """A placement's end date as Homeward keeps it, the last day the child lived there, from
    the day it ended as the DfE writes it (DEC, CLAP009A: the next placement's start)."""
    return (ended - dt.timedelta(days=1)).isoformat() if ended else ""


def placed_on(day: dt.date, start: dt.date | None, ended: dt.date | None) -> bool:
    """Whether a placement from `start` that ended on `ended` (as the DfE writes it: the
    next one's start) is the child's on that day."""
    return start is not None and start <= day and (ended is None or day < ended)


def within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a day falls in a period of days (an open one when `end` is None)."""
    return start is not None and start <= day and (end is None or day <= end)


def import_translation(
    translation: Translation,
    *,
    council_code: str,
    folder: str,
    by=None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    local_changes: str = bundle_local.REFUSE,
    also: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import the translated bundle, or raise BundleRejected naming the source's cells.

    What is wrong with the source itself and what the bundle import finds are listed
    together; nothing is written unless there is nothing wrong. `also` writes what the
    bundle has no file for (allocations), in the same transaction, after the bundle."""
    if translation.unreadable:
        raise BundleRejected(_problems(translation, [], max_problems))
    with tempfile.TemporaryDirectory(prefix="homeward-") as tmp:
        translation.write(Path(tmp))
        with transaction.atomic():
            try:
                result = import_bundle(
                    tmp,
                    council_code=council_code,
                    by=by,
                    max_problems=0,
                    local_changes=local_changes,
                    audit_folder=folder,
                )
            except BundleRejected as rejected:
                raise BundleRejected(
                    _problems(translation, rejected.problems.kept, max_problems),
                    local_changes=rejected.local_changes,
                ) from None
            if translation.problems:
                # Raised inside the transaction: what the bundle import wrote is undone.
                raise BundleRejected(_problems(translation, [], max_problems))
            if also is not None:
                also(result)
    return result


def _problems(translation: Translation, found: list[BundleProblem], limit: int) -> ProblemList:
    problems = ProblemList(limit)
    # A cell the translation already found wrong is not refused again for what it became.
    wrong = {(p.file, p.row, p.column) for p in translation.problems}
    located = [translation.locate(problem) for problem in found]
    located = [p for p in located if (p.file, p.row, p.column) not in wrong]
    for problem in sorted(translation.problems + located, key=_order):
        problems.add(problem.file, problem.row, problem.column, problem.message)
    return problems


def _order(problem: BundleProblem):
    return (problem.file, problem.row, problem.column)


def summary_lines_for(translation: Translation, result: ImportResult, lines: list[str]):
    """The bundle import's summary, said as coming from the source's files."""
    made = [
        f"{name} (made from {', '.join(files)})"
        for name, files in translation.made_from.items()
        if name in BY_NAME
    ]
    source = translation.source[0].lower() + translation.source[1:]  # "the SSD", mid-sentence
    out = [f"Read into Homeward's records from {source}: {'; '.join(made)}."]
    out += translation.notes
    out += lines
    if all(counts.created == 0 and counts.updated == 0 for counts in result.files.values()):
        out.append(NOTHING_CHANGED.format(source=source))
    return out


def rows_of(tables: dict[str, list[SourceRow] | None], name: str) -> Iterator[SourceRow]:
    yield from tables.get(name) or []


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a day, Europe/London."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=LONDON)


def day_period(start: dt.date, end: dt.date | None) -> tuple[str, str]:
    """An episode known to the day only (Episode.day_precision), as the bundle writes it:
    last seen at the start day's midnight, returned at the end day's, or one second after
    last seen when it starts and ends on one day (a return is after last seen)."""
    seen = day_start(start)
    if end is None:
        return seen.isoformat(), ""
    back = seen + dt.timedelta(seconds=1) if end == start else day_start(end)
    return seen.isoformat(), back.isoformat()
