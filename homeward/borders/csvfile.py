"""Reading the borders' CSV files (contacts, register): text, rows and where each problem is."""

import csv
import io
from dataclasses import dataclass

NOT_TEXT = (
    "This file is not text that Homeward can read. Save it as 'CSV UTF-8 (Comma delimited)' "
    "and load it again."
)
MISSING_COLUMNS = "The header has no {columns} column. The first row must name the columns: {all}."
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


class FileRejected(Exception):
    """Nothing was written from the file: every problem found in it is listed."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def read_rows(
    data: bytes, *, name: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (row number, {column: stripped text}), blank rows left out.

    UTF-8 (with or without Excel's byte-order mark) or Windows-1252; headers in any case.
    Raises FileRejected when the file or its header cannot be read.
    """
    text = _decoded(data, name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        missing = [column for column in required if column not in header]
        if missing:
            reason = MISSING_COLUMNS.format(columns=", ".join(missing), all=", ".join(columns))
            raise FileRejected([FileProblem(name, 1, missing[0], reason)])
        rows, problems = [], []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                reason = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
                problems.append(FileProblem(name, number, "", reason))
                continue
            cells += [""] * (len(header) - len(cells))
            rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    except csv.Error as error:
        raise FileRejected(
            [FileProblem(name, reader.line_num, "", f"{NOT_TEXT} ({error})")]
        ) from None
    if problems:
        raise FileRejected(problems)
    return rows


def _decoded(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise FileRejected([FileProblem(name, 1, "", NOT_TEXT)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
