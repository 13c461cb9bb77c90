"""Finding a bundle's files in its folder, and reading each one as councils really write CSV.

Excel and case-management systems write "CSV" in more than one way: UTF-8 with or without a
byte-order mark, or Windows-1252 ("ANSI"); CRLF, LF or CR line ends; `,` or, in some
countries, `;` between cells; headers in any case with stray spaces. Each is read, and what
was read differently is said in the import's summary; anything else is refused in one
sentence at the row where the trouble is. The file's encoding is decided from the whole
file first, and lines are decoded here rather than by a text file reading ahead in
buffered blocks, so a problem's row is the row it is on.
"""

import codecs
import csv
import functools
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from homeward.exchange.bundle_spec import FILES, FileSpec

# Files in a bundle's folder -------------------------------------------------------------

EXPECTED = tuple(spec.name for spec in FILES)
EXPECTED_LIST = ", ".join(EXPECTED)

UNKNOWN_FILE = (
    "This CSV file is not one of the bundle's files ({names}). Rename it to the one it holds, "
    "or take it out of the folder."
)
MISNAMED_FILE = (
    "This file looks like {expected}, but is not named exactly that. Rename it {expected} "
    "(file names are lower case, with no copy number)."
)
COPY_OF_FILE = (
    "This file looks like a copy of {expected}, which is also in the folder. Take the copy "
    "out of the folder, or rename it {expected} in place of the other."
)
NOT_CSV_FILE = (
    "This file looks like {expected} saved in another format. Save it as CSV (UTF-8) "
    "named {expected}."
)

# Files an operating system or an office program leaves in any folder.
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
_COPY_MARKS = (
    re.compile(r"^copy of\s+"),  # "Copy of children.csv"
    re.compile(r"\s*-\s*copy(\s*\(\d+\))?$"),  # "children - Copy.csv" (Windows)
    re.compile(r"\s+copy(\s+\d+)?$"),  # "children copy.csv", "children copy 2.csv" (macOS)
    re.compile(r"\s*\(\d+\)$"),  # "children (1).csv" (browsers)
)


@dataclass
class Folder:
    """What a bundle's folder holds: the bundle files, the files that are not read (named in
    the summary), and problems with misnamed or unknown files, as (file name, sentence)."""

    present: set[str] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Bundle files whose contents are in a misnamed file: references to them are unchecked.
    misnamed: set[str] = field(default_factory=set)


def looks_like(name: str, expected_names=EXPECTED) -> tuple[str | None, bool]:
    """The file of `expected_names` (the bundle's, by default) a name looks like (or None):
    the same but for its case, a copy number or an extension Windows hid; and whether it is
    a CSV file at all."""
    stem, dot, extension = name.strip().lower().rpartition(".")
    if not dot:
        stem, extension = extension, ""
    while stem.endswith(".csv"):  # "children.csv.csv": an extension Windows hid
        stem = stem[:-4]
    for mark in _COPY_MARKS:
        stem = mark.sub("", stem).strip()
    expected = f"{stem}.csv"
    return (expected if expected in expected_names else None), extension == "csv"


def is_system_file(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_FILES


def folder_files(path: Path) -> Folder:
    """The bundle files in a folder, and each other file: refused if it is a CSV file or looks
    like a bundle file, otherwise (a README, a system file, a sub-folder) not read."""
    folder = Folder()
    entries = sorted(path.iterdir(), key=lambda entry: entry.name)
    names = {entry.name for entry in entries}
    for entry in entries:
        name = entry.name
        if name in EXPECTED and entry.is_file():
            folder.present.add(name)
            continue
        expected, is_csv = looks_like(name)
        if is_system_file(name) or not entry.is_file() or (not expected and not is_csv):
            folder.ignored.append(name)
        elif expected is None:
            folder.problems.append((name, UNKNOWN_FILE.format(names=EXPECTED_LIST)))
        elif not is_csv:
            folder.problems.append((name, NOT_CSV_FILE.format(expected=expected)))
        elif expected in names:
            folder.problems.append((name, COPY_OF_FILE.format(expected=expected)))
        else:
            folder.problems.append((name, MISNAMED_FILE.format(expected=expected)))
            folder.misnamed.add(expected)
    return folder


# Reading one file ------------------------------------------------------------------------

UTF8 = "UTF-8"
UTF16_NAME = "UTF-16"
WINDOWS_1252 = "Windows-1252"
DELIMITERS = {",": "','", ";": "';'", "\t": "tabs"}

READ_AS_WINDOWS_1252 = (
    "read as Windows-1252 text (as Excel saves 'CSV'), because it is not UTF-8. "
    "Check that names with accents, like Zoë, look right in Homeward."
)
READ_WITH = "read with {delimiter} between cells instead of ','."
HEADER_READ_AS = "read these header names as the documented ones: {renamed}."

EMPTY_FILE = (
    "The file is empty: it has no header row. Add the header row (docs/bundle.md), or take "
    "the file out of the folder."
)
UTF16 = (
    "The file is UTF-16 text (Excel's 'Unicode Text'), not CSV. Save it as 'CSV UTF-8 "
    "(Comma delimited)' and import again."
)
NOT_UTF8 = (
    "This row has bytes that are neither UTF-8 nor Windows-1252 text ({found}), so the file "
    "was read no further. Save it as 'CSV UTF-8 (Comma delimited)' and import again."
)
MIXED_ENCODINGS = (
    "This row has bytes that are not UTF-8 text ({found}) in a file that is UTF-8 elsewhere, "
    "so the file was read no further. Save it as 'CSV UTF-8 (Comma delimited)' and import again."
)
UNCLOSED_QUOTE = (
    'A quote (") opened in this cell is never closed, so the rest of the file would be read as '
    "one cell; the file was read no further. Close the quote, or write a quote inside a cell "
    'as two ("").'
)
TOO_LONG_CELL = (
    "This cell is longer than Homeward reads in one cell ({limit:,} characters), so the file "
    "was read no further. Shorten it, or check that no cell before it opened a quote it "
    "never closed."
)
TEXT_AFTER_QUOTE = (
    'This cell has text after its closing quote. Write a quote inside a cell as two (""), '
    "and put quotes around the whole cell."
)
NOT_CSV = "This row cannot be read as CSV ({error}), so the file was read no further."
CANNOT_OPEN = "The file could not be opened ({error}). Check it can be read and import again."
DUPLICATE_COLUMN = "The column '{column}' is in the header more than once. Keep only one."

CHUNK_BYTES = 1 << 20
# Any character that is not ASCII and not an undecodable byte (which "surrogateescape" makes
# into U+DC80–U+DCFF): real UTF-8 text, as opposed to bytes of another encoding.
_UTF8_TEXT = re.compile(r"[^\x00-\x7f\udc80-\udcff]")


class FileNotRead(Exception):
    """The file could not be read on from `row`; `message` says why and how to fix it.
    `column` is the index of the cell at fault in the header, when known."""

    def __init__(self, row: int, column: int | None, message: str):
        self.row, self.column, self.message = row, column, message
        super().__init__(message)


def _chunks(f) -> Iterator[bytes]:
    return iter(functools.partial(f.read, CHUNK_BYTES), b"")


@dataclass(frozen=True)
class Encoding:
    name: str
    # When the file is read as UTF-8 and has bytes that are not: which sentence says so.
    failure: str = NOT_UTF8


def detect_encoding(path: Path) -> Encoding:
    """The encoding of the file at `path` (see `detect_encoding_of`)."""
    with path.open("rb") as f:
        return detect_encoding_of(f)


def detect_encoding_of(f) -> Encoding:
    """UTF-8 if the whole file is; else Windows-1252 if the whole file is that and holds no
    UTF-8 text at all (a UTF-8 file with one damaged byte must not be read as 1252). `f` is
    a binary file open for reading, left at its start."""
    f.seek(0)
    try:
        return _encoding(f)
    finally:
        f.seek(0)


def _encoding(f) -> Encoding:
    if f.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return Encoding(UTF16_NAME)
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(f):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return Encoding(UTF8)
    except UnicodeDecodeError:
        pass
    f.seek(0)
    loose = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    has_utf8_text = False
    for chunk in _chunks(f):
        try:
            chunk.decode("cp1252")
        except UnicodeDecodeError:
            return Encoding(UTF8, NOT_UTF8)
        has_utf8_text = has_utf8_text or bool(_UTF8_TEXT.search(loose.decode(chunk)))
    return Encoding(UTF8, MIXED_ENCODINGS) if has_utf8_text else Encoding(WINDOWS_1252)


class _Undecodable(Exception):
    pass


class _Lines:
    """A file's lines, split at CR, LF or CRLF (ends kept, as csv expects), decoded a block
    of whole lines at a time, or line by line in a block that is not all text, so that the
    error is at its own line. Remembers the first line of the record in progress (to place
    a quote)."""

    def __init__(self, f, encoding: Encoding):
        self.f = f
        self.encoding = encoding
        self.codec = "cp1252" if encoding.name == WINDOWS_1252 else "utf-8"
        self.number = 0
        self.record_starts = 1
        self.record_first_line = ""

    def _blocks(self) -> Iterator[bytes]:
        """The file in blocks that each end at the end of a line."""
        pending: list[bytes] = []
        for chunk in _chunks(self.f):
            # A CR at the very end may be the first half of a CRLF: not a line end yet.
            end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r", 0, len(chunk) - 1))
            if end < 0:
                pending.append(chunk)  # a very long line: joined once, when it ends
                continue
            yield b"".join([*pending, chunk[: end + 1]])
            pending = [chunk[end + 1 :]]
        tail = b"".join(pending)
        if tail:
            yield tail

    def _decoded(self, block: bytes) -> Iterator[str]:
        try:
            yield from io.StringIO(block.decode(self.codec), newline="")
        except UnicodeDecodeError:
            for raw in block.splitlines(keepends=True):
                try:
                    yield raw.decode(self.codec)
                except UnicodeDecodeError as error:
                    found = _bad_bytes(raw, error)
                    raise _Undecodable(self.encoding.failure.format(found=found)) from None

    def __iter__(self) -> Iterator[str]:
        for number, block in enumerate(self._blocks()):
            if number == 0 and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8) :]
            for line in self._decoded(block):
                self.number += 1
                if self.number == self.record_starts:
                    self.record_first_line = line
                yield line


def _bad_bytes(raw: bytes, error: UnicodeDecodeError) -> str:
    """The bytes that are not text, and the start of the cell they are in: "byte E1 after
    'Siobh'"."""
    bad = raw[error.start : error.end]
    before = raw[: error.start].decode("utf-8", errors="replace")
    before = re.split(r'[,;\t"]', before)[-1][-20:]
    found = f"byte{'s' if len(bad) > 1 else ''} {bad.hex(' ').upper()}"
    return f"{found} after '{before}'" if before.strip() else found


def _quote_trouble(line: str, delimiter: str) -> int | None:
    """The index of the cell in which a quote is left open or followed by text, if any."""
    cell, state = 0, "start"
    for char in line.rstrip("\r\n"):
        if state == "quoted":
            state = "closing" if char == '"' else "quoted"
        elif char == delimiter:
            cell, state = cell + 1, "start"
        elif state == "start":
            state = "quoted" if char == '"' else "plain"
        elif state == "closing":
            if char != '"':
                return cell
            state = "quoted"
    return cell if state == "quoted" else None


def _longest_cell(line: str, delimiter: str) -> int:
    """The index of the longest cell of a line that has no quotes left open."""
    cells = line.split(delimiter)
    return max(range(len(cells)), key=lambda index: len(cells[index]))


# A record: its row number (the header is row 1), its cells (None when the row could not be
# read as CSV) and what is wrong in it, as (index of the cell or None, sentence).
Record = tuple[int, list[str] | None, list[tuple[int | None, str]]]


@dataclass
class CsvFile:
    """One bundle file being read: its encoding, cell separator and notes for the summary."""

    encoding: Encoding
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)

    def header(self, f) -> list[str]:
        """The header row's names as written (empty when the file is empty); sets the cell
        separator from it. Raises FileNotRead when the file is not text that can be read."""
        if self.encoding.name == UTF16_NAME:
            raise FileNotRead(1, None, UTF16)
        if self.encoding.name == WINDOWS_1252:
            self.notes.append(READ_AS_WINDOWS_1252)
        self._lines = _Lines(f, self.encoding)
        lines = iter(self._lines)
        try:
            first = next(lines, "")
        except _Undecodable as error:
            raise FileNotRead(1, None, str(error)) from None
        if "\x00" in first:
            raise FileNotRead(1, None, UTF16)
        self.delimiter = _delimiter(first)
        if self.delimiter != ",":
            self.notes.append(READ_WITH.format(delimiter=DELIMITERS[self.delimiter]))
        self._reader = csv.reader(_prepend(first, lines), delimiter=self.delimiter, strict=True)
        try:
            return next(self._reader, [])
        except (csv.Error, _Undecodable) as error:
            column = _quote_trouble(first, self.delimiter)
            raise FileNotRead(1, column, _not_csv(error)) from None

    def records(self) -> Iterator[Record]:
        """Each record after the header. Raises FileNotRead when the rest of the file cannot
        be read (a byte that is not text, a quote never closed)."""
        reader, lines = self._reader, self._lines
        row = 1
        while True:
            lines.record_starts = lines.number + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _Undecodable as error:
                raise FileNotRead(row + 1, None, str(error)) from None
            except csv.Error as error:
                row += 1
                column = _quote_trouble(lines.record_first_line, self.delimiter)
                if column is None and str(error).startswith("field larger than field limit"):
                    # No quote left open: a cell really that long, not the rest of the file.
                    column = _longest_cell(lines.record_first_line, self.delimiter)
                    message = TOO_LONG_CELL.format(limit=csv.field_size_limit())
                    raise FileNotRead(row, column, message) from None
                message = _not_csv(error)
                if message != TEXT_AFTER_QUOTE:
                    raise FileNotRead(row, column, message) from None
                yield row, None, [(column, message)]
                continue
            row += 1
            # A NUL is refused by the shared rules on text (core), at its own cell.
            yield row, cells, []


def _not_csv(error: Exception) -> str:
    text = str(error)
    if isinstance(error, _Undecodable):
        return text
    if text.startswith(("unexpected end of data", "field larger than field limit")):
        return UNCLOSED_QUOTE
    if text.endswith("expected after '\"'"):
        return TEXT_AFTER_QUOTE
    return NOT_CSV.format(error=text)


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _delimiter(header_line: str) -> str:
    """`,` unless the header has none and has `;` (Excel in some countries) or tabs."""
    if "," in header_line:
        return ","
    for delimiter in (";", "\t"):
        if delimiter in header_line:
            return delimiter
    return ","


def documented_name(written: str) -> str:
    """A header name as the documentation writes it: lower case, spaces trimmed, and
    spaces and hyphens within it as underscores ("Date of birth" is date_of_birth,
    "Population 0-17" is population_0_17)."""
    return re.sub(r"[\s-]+", "_", written.strip().lower())


@dataclass
class Header:
    """A file's header: its names as documented, in order, and what is wrong with it."""

    names: list[str]
    renamed: list[str]
    missing: list[str]
    duplicated: list[str]
    extra: list[str]


def check_header(written: list[str], spec: FileSpec) -> Header:
    return read_header(written, known=spec.header, required=spec.required)


def read_header(
    written: list[str],
    *,
    known: tuple[str, ...],
    required: tuple[str, ...],
    spelled: Callable[[str], str] = str,
) -> Header:
    """A header's names as documented; which of `required` are missing, which are written
    twice, which are not `known`. `spelled` gives a name as its documentation spells it (the
    DfE's SSDA903 names are upper case), for the names said to be read as documented."""
    names = [documented_name(name) for name in written]
    documented = set(known)
    renamed = [
        f"'{raw}' as {spelled(name)}"
        for raw, name in zip(written, names, strict=True)
        if raw != spelled(name) and name in documented
    ]
    seen: set[str] = set()
    duplicated = []
    for name in names:
        if name in seen and name and name not in duplicated:
            duplicated.append(name)
        seen.add(name)
    return Header(
        names=names,
        renamed=renamed,
        missing=[column for column in required if column not in seen],
        duplicated=duplicated,
        extra=[
            raw for raw, name in zip(written, names, strict=True) if name not in documented and name
        ],
    )
