"""Reading the borders' CSV files (contacts, register): text, rows and where each problem is."""

import csv
import io
from dataclasses import dataclass, field

from homeward.core.problems import garbled_problem
from homeward.exchange.bundle_reading import (
    DUPLICATE_COLUMN,
    HEADER_READ_AS,
    READ_AS_WINDOWS_1252,
    read_header,
)
from homeward.police.notification_file import NOT_CSV, SHORT_ROWS, SIGNATURES, row_list

NOT_TEXT = (
    "This file is not text that Homeward can read. Save it as 'CSV UTF-8 (Comma delimited)' "
    "and load it again."
)
MISSING_COLUMNS = "The header has no {columns} column. The first row must name the columns: {all}."
EMPTY_FILE = "The file is empty. The first row must name the columns: {all}."
IGNORED = "{name}: ignored column(s) Homeward does not know: {columns}."
WRONG_CELL_COUNT = (
    "This row has {found} cells but the header has {expected}. Check for a comma inside a "
    "value that is not in quotes."
)


@dataclass(frozen=True)
class FileProblem:
    """Something wrong in a file: which file, row (1 is the header) and column, and why."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class FileRows:
    """A file's rows as (row number, {column: stripped text}), and what the person should
    know of how it was read (its encoding, header names read as others, columns ignored)."""

    rows: list[tuple[int, dict[str, str]]]
    notes: list[str] = field(default_factory=list)

    def __iter__(self):
        return iter(self.rows)


class FileRejected(Exception):
    """Nothing was written from the file: every problem found in it is listed."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def read_rows(
    data: bytes, *, name: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> FileRows:
    """The file's rows, blank rows left out, and notes on how it was read.

    UTF-8 (with or without Excel's byte-order mark) or Windows-1252; header names in any case,
    with spaces around them trimmed and spaces or hyphens within them read as `_`, as the
    bundle reads them. Raises FileRejected when the file or its header cannot be read.
    """
    text, notes = _decoded(data, name)
    reader = csv.reader(io.StringIO(text, newline=""))
    records = enumerate(reader, start=1)  # a spreadsheet's rows: a quoted line break is not one
    try:
        header_row, written = next(
            ((number, cells) for number, cells in records if any(c.strip() for c in cells)),
            (1, []),
        )
        if not written:
            raise FileRejected(
                [FileProblem(name, 1, "", EMPTY_FILE.format(all=", ".join(columns)))]
            )
        read = read_header(written, known=columns, required=required)
        header = read.names
        problems = [
            FileProblem(name, header_row, column, DUPLICATE_COLUMN.format(column=column))
            for column in read.duplicated
        ]
        if read.missing:
            reason = MISSING_COLUMNS.format(columns=", ".join(read.missing), all=", ".join(columns))
            problems.append(FileProblem(name, header_row, read.missing[0], reason))
        if problems:
            raise FileRejected(problems)
        if read.renamed:
            notes.append(f"{name}: " + HEADER_READ_AS.format(renamed=", ".join(read.renamed)))
        if read.extra:
            notes.append(IGNORED.format(name=name, columns=", ".join(read.extra)))
        rows, short = [], []
        for number, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                reason = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
                problems.append(FileProblem(name, number, "", reason))
                continue
            if len(cells) < len(header):  # Excel leaves out a row's empty cells at its end
                short.append(number)
                cells += [""] * (len(header) - len(cells))
            rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as error:
        raise FileRejected(
            [FileProblem(name, reader.line_num, "", f"{NOT_TEXT} ({error})")]
        ) from None
    if problems:
        raise FileRejected(problems)
    if short:
        notes.append(f"{name}: " + SHORT_ROWS.format(rows=row_list(short)))
    return FileRows(rows, notes)


def garbled_cells(name: str, number: int, row: dict[str, str], columns) -> list[FileProblem]:
    """The row's cells of `columns` that look like UTF-8 read as Windows-1252 (Excel's
    "ZoÃ«"), each a problem saying what the text probably should be: a name is never
    written garbled."""
    found = (garbled_problem(column, row.get(column, ""), what=column) for column in columns)
    return [FileProblem(name, number, p.field, p.message) for p in found if p]


def _decoded(data: bytes, name: str) -> tuple[str, list[str]]:
    for signature, kind in SIGNATURES:  # a workbook or a PDF chosen instead of the CSV file
        if data.startswith(signature):
            raise FileRejected([FileProblem(name, 1, "", NOT_CSV.format(kind=kind))])
    if b"\x00" in data[:4096]:
        raise FileRejected([FileProblem(name, 1, "", NOT_TEXT)])
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [f"{name}: {READ_AS_WINDOWS_1252}"]
    except UnicodeDecodeError:  # not Windows-1252 either: never guessed at
        raise FileRejected([FileProblem(name, 1, "", NOT_TEXT)]) from None
