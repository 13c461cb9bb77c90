"""A file of police notifications (a force's daily export, or the same file uploaded by a
coordinator), read row by row into notifications.

A notification is evidence, so each row is kept as its own notification, even one that
cannot be read or applied: a bad row among 500 does not stop the other 499. What is refused
whole, before anything is kept, is a file that is not CSV, cannot be read to its end as CSV,
or is not a file of notifications (no police_ref or event column). The file is read as
bundles are (exchange.bundle_reading): UTF-8 with or without a byte-order mark, or
Windows-1252, any line ends, `,` `;` or tabs between cells, headers in any case.
"""

import codecs
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from homeward.audit.models import Action
from homeward.audit.services import audit_record, entries_together
from homeward.core.locks import council_episodes_held
from homeward.core.problems import Problem, garbled_problem
from homeward.exchange.bundle_reading import (
    HEADER_READ_AS,
    UTF8,
    CsvFile,
    FileNotRead,
    detect_encoding_of,
    read_header,
)
from homeward.police.applying import lock_police_references
from homeward.police.lots import lot_read, receiving
from homeward.police.models import Force, Notification, Source, State
from homeward.police.reading import COLUMNS
from homeward.police.services import Read, notification_read, notification_receive

REQUIRED_COLUMNS = ("police_ref", "event")
# Rows received in one transaction (each in its own savepoint): enough that a commit and the
# audit log's head a row are shared, few enough that a writer waiting for them (an API call
# about one of their references; on SQLite, any writer) waits well under a second on a quiet
# machine, and within SQLite's 20 s even on a very busy one.
ROWS_AT_ONCE = 20
# On PostgreSQL, the statistics of the tables a file grows are brought up to date every this
# many rows (0: never). A file of thousands of notifications can grow them many times over
# faster than autovacuum (when it runs at all) analyses them, and plans made for the tables as
# they were (nearly empty, say) then read every row of them for each notification.
ANALYZE_EVERY_ROWS = 1000
GROWN_BY_A_FILE = (
    "police.Notification",
    "police.EpisodeReference",
    "police.RiskGrading",
    "episodes.Episode",
    "audit.AuditEntry",
)
NOTHING_KEPT = "Nothing was kept from this file."
NOT_CSV = (
    "This file is {kind}, not a CSV file. Save it as 'CSV UTF-8 (Comma delimited)' and "
    "import it again."
)
# The first bytes of files that are often mistaken for CSV files.
SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (or another zipped file)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "a Word (RTF) document"),
)
EMPTY_FILE = (
    "The file is empty: it has no header row. A file of police notifications starts with a "
    "row naming its columns (docs/notifications-csv.md)."
)
NOT_NOTIFICATIONS = (
    "This is not a file of police notifications: its header has no {columns} column. "
    "The columns are listed in docs/notifications-csv.md; check the header row."
)
DUPLICATE_COLUMN = "The column '{column}' is in the header more than once. Keep only one."
READ_AS_UTF8 = "read as UTF-8 text."
READ_AS_UTF8_BOM = "read as UTF-8 text (it starts with a byte-order mark, as Excel writes)."
UNKNOWN_COLUMN = (
    "the column '{column}' was not read: it is not one of the notification columns "
    "(docs/notifications-csv.md). Its values are kept with each notification as they arrived, "
    "but Homeward does not use them."
)
BLANK_ROWS = "{rows} blank: skipped."
SHORT_ROWS = "{rows} shorter than the header: the cells missing at the end were read as empty."
WRONG_CELL_COUNT = (
    "This row has {found} cells but the header has {expected}, so its cells cannot be told "
    "apart (a comma inside a value that is not in quotes?). Check the row at the force."
)
NO_FORCE_COLUMN = "The file has no force column, so say which force sent it: {how}."
NO_FORCE = (
    "Say which force sent this row: fill in its force column, or name the force for the "
    "whole file: {how}."
)
# Naming the force for a whole file, in the words of where the person is: the command's
# option, or the upload page's field.
FILE_FORCE = {
    Source.UPLOAD: "fill in Force (optional) on this page, then upload the file again",
    Source.CSV: "give --force",
}
ROW_FORCE = {
    Source.UPLOAD: "Force (optional) on the upload page",
    Source.CSV: "--force, or Force (optional) on the upload page",
}
NOT_KEPT = (
    "This row could not be kept as a notification, since its cells cannot be told apart: "
    "correct it at the force and send it again."
)
FORCES_DISAGREE = (
    "This row's force is '{row}' but the file was given as from '{given}'. Check which force "
    "sent it: nothing of this row was applied."
)

UNKNOWN_FORCE = (
    "'{force}' is not a force registered in Homeward to send notifications for {council}, so "
    "nothing of this row was applied. {registered} Check the force's name in the file, or ask "
    "the Homeward administrator to add the force (People, Police forces)."
)
NOT_THIS_COUNCILS = (
    "'{force}' is registered in Homeward, but not to send notifications for {council}, so "
    "nothing of this row was applied. {registered} If it should, ask the Homeward "
    "administrator to add {council} to the force (People, Police forces)."
)
REGISTERED = "The forces registered for {council} are: {forces}."
NONE_REGISTERED = "No force is registered for {council} yet."


@dataclass(frozen=True)
class RowProblem:
    """Something wrong in a row of the file: where (row and column) and what."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class KeptRow:
    """A row kept as a notification; `created` is False when the same event had already been
    received (nothing changed)."""

    row: int
    notification: object
    created: bool


@dataclass
class FileRead:
    """A file of notifications as read: how, what became of each row, and what was wrong."""

    name: str
    council: object
    source: str = Source.CSV  # the command's file, or one uploaded: each is spoken to in its words
    notes: list[str] = field(default_factory=list)
    refused: str = ""  # why nothing was kept from the file; empty when it was read
    refused_at: tuple[int, str] = (0, "")  # row and column of the refusal, when known
    rows: int = 0
    kept: list[KeptRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    short_rows: list[int] = field(default_factory=list)  # fewer cells than the header
    # Rows that could not be kept at all (their cells could not be read as CSV).
    not_kept: list[int] = field(default_factory=list)
    # The registered forces by name (casefolded), read once for the file.
    forces: dict = field(default_factory=dict)

    def count(self, state: str) -> int:
        """How many rows became new notifications now in this state (a held one applied by a
        later row of the file counts as applied)."""
        return sum(1 for kept in self.kept if kept.created and kept.notification.state == state)

    @property
    def already_received(self) -> int:
        return sum(1 for kept in self.kept if not kept.created)

    @property
    def unreadable_before(self) -> int:
        """Rows received before that could not be read then either."""
        return sum(1 for k in self.kept if not k.created and k.notification.state == State.PROBLEM)

    @property
    def unreadable(self) -> int:
        """Rows that could not be read: kept as problems (now or before), or not kept."""
        problems = sum(1 for k in self.kept if k.notification.state == State.PROBLEM)
        return problems + len(self.not_kept)


def import_notifications(
    f, *, name: str, council, force_name: str = "", source: str = Source.CSV, by=None
) -> FileRead:
    """Read a file of notifications (`f`, binary, seekable) and receive each row as
    police.services.notification_receive does, each in its own savepoint, so that a row that
    cannot be kept or applied never stops the others; `force_name` is the force of rows with
    none of their own. Audited, with what became of the rows."""
    result = FileRead(name=name[:200], council=council, source=source)
    result.forces = {
        " ".join(force.name.split()).casefold(): force
        for force in Force.objects.prefetch_related("councils")
    }
    rows = _rows(f, result, force_name)
    if rows is not None:
        header, records = rows
        since_analyzed = 0
        for start in range(0, len(records), ROWS_AT_ONCE):
            chunk = records[start : start + ROWS_AT_ONCE]
            _rows_together(result, header, chunk, force_name, source, by)
            since_analyzed += len(chunk)
            if ANALYZE_EVERY_ROWS and since_analyzed >= ANALYZE_EVERY_ROWS:
                _statistics_brought_up_to_date()
                since_analyzed = 0
        # In row order, as they were found (a lot's unkeepable rows are said before it is
        # received).
        result.problems.sort(key=lambda problem: problem.row)
        _as_they_are_now(result)
    _audit(result, by, source)
    return result


def _statistics_brought_up_to_date() -> None:
    """ANALYZE the tables a big file grows (PostgreSQL; SQLite plans without statistics)."""
    if connection.vendor != "postgresql":
        return
    tables = [
        connection.ops.quote_name(apps.get_model(name)._meta.db_table) for name in GROWN_BY_A_FILE
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def _rows(f, result: FileRead, force_name: str):
    """(header names, records) of a file that can be read whole; None (the file refused,
    with why) when it cannot."""
    start = f.read(8)
    f.seek(0)
    for signature, kind in SIGNATURES:
        if start.startswith(signature):
            return _refuse(result, 1, "", NOT_CSV.format(kind=kind))
    encoding = detect_encoding_of(f)
    csv_file = CsvFile(encoding)
    header: list[str] = []
    try:
        written = csv_file.header(f)
        if not written:
            return _refuse(result, 1, "", EMPTY_FILE)
        header = _header(result, written, force_name)
        if not header:
            return None
        # Read whole before anything is kept: a file that cannot be read to its end as CSV
        # is refused, not half imported.
        records = list(csv_file.records())
    except FileNotRead as error:
        return _refuse(result, error.row, _column(header, error.column), error.message)
    f.seek(0)
    with_bom = f.read(3) == codecs.BOM_UTF8
    if encoding.name == UTF8:
        csv_file.notes.insert(0, READ_AS_UTF8_BOM if with_bom else READ_AS_UTF8)
    result.notes[:0] = csv_file.notes  # the encoding, and the cell separator when not ","
    return header, records


def _refuse(result: FileRead, row: int, column: str, message: str) -> None:
    result.refused = message
    result.refused_at = (row, column)


def _header(result: FileRead, written: list[str], force_name: str) -> list[str] | None:
    """The header's names as documented; None (the file refused) when it is not a file of
    notifications."""
    header = read_header(written, known=COLUMNS, required=REQUIRED_COLUMNS)
    if header.missing:
        columns = " or ".join(header.missing)
        message = NOT_NOTIFICATIONS.format(columns=columns)
        return _refuse(result, 1, header.missing[0], message)
    if header.duplicated:
        column = header.duplicated[0]
        return _refuse(result, 1, column, DUPLICATE_COLUMN.format(column=column))
    if "force" not in header.names and not force_name.strip():
        how = FILE_FORCE.get(result.source, FILE_FORCE[Source.CSV])
        return _refuse(result, 1, "force", NO_FORCE_COLUMN.format(how=how))
    if header.renamed:
        result.notes.append(HEADER_READ_AS.format(renamed=", ".join(header.renamed)))
    result.notes += [UNKNOWN_COLUMN.format(column=column) for column in header.extra]
    return header.names


@dataclass(frozen=True)
class _Row:
    """A row ready to be received: its cells by column, its force, and how it reads."""

    number: int
    data: dict
    force: str
    registered: Force | None
    read: Read


def _rows_together(result: FileRead, header, records, force_name, source, by) -> None:
    """Receive some rows in one transaction, in their order: one commit and one hold of the
    audit log's head for them all, not one a row. Their police references are locked first,
    in one order, so that this never waits for a writer that waits for it (a force's API call
    about one of these references); then what the rows would each ask the database (was the
    event received before, which episode has the reference, which child has the police id) is
    read for them all at once (police.lots)."""
    rows = [_ready(result, header, *record, force_name) for record in records]
    rows = [row for row in rows if row is not None]
    with transaction.atomic(), entries_together():
        locked = _references(header, records)
        lock_police_references(result.council.pk, locked)
        lot = lot_read(
            council_id=result.council.pk,
            fingerprints=[row.read.fingerprint for row in rows],
            police_refs=[_read_reference(row) for row in rows],
            police_ids=[_read_police_id(row) for row in rows],
            locked_refs=locked,
        )
        with receiving(lot), council_episodes_held(result.council.pk):
            for row in rows:
                _receive(result, row, source, by)


def _read_reference(row: _Row) -> str:
    """The reference the row's notification is kept under (Notification.police_ref)."""
    return str(row.read.reading.values.get("police_ref", ""))[:64]


def _read_police_id(row: _Row) -> str:
    reading = row.read.reading
    if reading.problems or reading.values.get("event") not in ("missing", "away"):
        return ""
    return str(reading.values.get("police_id") or "").strip()


def _references(header: list[str], records) -> set[str]:
    """The police references of the rows, as written and as read (trimmed), so that each row's
    own lock (police.services.notification_receive) is among them."""
    at = header.index("police_ref")
    written = {cells[at] for _, cells, _ in records if cells is not None and at < len(cells)}
    return written | {ref.strip() for ref in written} | {""}


def _ready(result: FileRead, header, number: int, cells, troubles, force_name) -> _Row | None:
    """The row read, ready to be received; None (said in `result`) when it is blank or cannot
    be kept."""
    if cells is not None and not any(cell.strip() for cell in cells):
        result.blank_rows.append(number)
        return None
    result.rows += 1
    problems = [Problem(_column(header, index), message) for index, message in troubles]
    if cells is None:
        result.not_kept.append(number)
        problems.append(Problem("", NOT_KEPT))
        result.problems += [RowProblem(number, p.field, p.message) for p in problems]
        return None
    # One cell too many is a problem, even an empty one: a comma written inside a value
    # shifts the cells after it. Too few is read as the last cells left empty (some systems
    # leave empty cells off the end of a row), and said.
    if len(cells) > len(header):
        message = WRONG_CELL_COUNT.format(found=len(cells), expected=len(header))
        problems.append(Problem("", message))
    elif len(cells) < len(header):
        result.short_rows.append(number)
        cells = cells + [""] * (len(header) - len(cells))
    # Cells past the header's end are kept too, as evidence, under their position.
    data = {name: cell for name, cell in zip(header, cells, strict=False) if name}
    data |= {f"cell_{n}": cell for n, cell in enumerate(cells, 1) if n > len(header)}
    # Text garbled by Excel (Zoë as ZoÃ«) would be matched and written as it reads: the row is
    # kept as a problem instead, saying what the text probably should be.
    problems += _garbled(data)
    force, force_problem = _force(data.get("force", ""), force_name, result.source)
    registered = None
    if not force_problem:
        registered, force_problem = _registered(result, force)
    if force_problem:
        problems.append(force_problem)
    read = notification_read(force_name=force, data=data, problems=tuple(problems))
    return _Row(number=number, data=data, force=force, registered=registered, read=read)


def _garbled(data: dict) -> list[Problem]:
    """The cells of the notification's columns that look like UTF-8 read as Windows-1252."""
    found = (
        garbled_problem(column, str(data[column]).strip(), what=column)
        for column in COLUMNS
        if column in data
    )
    return [problem for problem in found if problem]


def _receive(result: FileRead, row: _Row, source, by) -> None:
    received = notification_receive(
        council=result.council,
        force_name=row.force,
        force=row.registered,
        data=row.data,
        source=source,
        source_name=result.name,
        source_row=row.number,
        by=by,
        read=row.read,
    )
    result.kept.append(KeptRow(row.number, received.notification, received.created))
    result.problems += [RowProblem(row.number, p.field, p.message) for p in received.problems]


def _as_they_are_now(result: FileRead, batch: int = 500) -> None:
    """The kept notifications read again: a row held on arrival may have been applied by a
    later row of the file (a found before its missing)."""
    pks = [kept.notification.pk for kept in result.kept]
    now = {}
    for start in range(0, len(pks), batch):
        now |= Notification.objects.in_bulk(pks[start : start + batch])
    result.kept = [
        KeptRow(kept.row, now.get(kept.notification.pk, kept.notification), kept.created)
        for kept in result.kept
    ]


def _column(header: list[str], index: int | None) -> str:
    return header[index] if index is not None and index < len(header) else ""


def _force(written: str, given: str, source: str) -> tuple[str, Problem | None]:
    """The force of a row: its own, else the file's; a problem when neither is given or
    they disagree."""
    written, given = " ".join(written.split()), " ".join(given.split())
    if written and given and written.casefold() != given.casefold():
        return written, Problem("force", FORCES_DISAGREE.format(row=written, given=given))
    if not (written or given):
        how = ROW_FORCE.get(source, ROW_FORCE[Source.CSV])
        return "", Problem("force", NO_FORCE.format(how=how))
    return written or given, None


def _registered(result: FileRead, name: str) -> tuple[Force | None, Problem | None]:
    """The registered force of that name serving the file's council; a problem (naming the
    forces that do) when there is none."""
    force = result.forces.get(name.casefold())
    council = result.council
    if force is not None and any(c.pk == council.pk for c in force.councils.all()):
        return force, None
    serving = sorted(f.name for f in result.forces.values() if council in f.councils.all())
    registered = (
        REGISTERED.format(council=council.name, forces=", ".join(f"'{n}'" for n in serving))
        if serving
        else NONE_REGISTERED.format(council=council.name)
    )
    said = UNKNOWN_FORCE if force is None else NOT_THIS_COUNCILS
    return None, Problem(
        "force", said.format(force=name, council=council.name, registered=registered)
    )


def _audit(result: FileRead, by, source: str) -> None:
    details = {
        "file": result.name,
        "council": result.council.code,
        "source": source,
        "what": "police notifications",
    }
    if result.refused:
        details["refused"] = result.refused
    else:
        details |= {
            "rows": result.rows,
            "states": {state: result.count(state) for state in State.values},
            "already_received": result.already_received,
            "not_kept": result.not_kept,
        }
    audit_record(user=by, action=Action.IMPORT, details=details)


# What the import did, in words ------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def row_list(rows: list[int]) -> str:
    words = [str(row) for row in rows]
    listed = ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else words[0]
    return f"{'Row' if len(rows) == 1 else 'Rows'} {listed} {'is' if len(rows) == 1 else 'are'}"


def summary_lines(result: FileRead) -> list[str]:
    """What became of the file's rows, in words a coordinator understands."""
    if result.refused:
        return [f"{result.name}: {result.refused} {NOTHING_KEPT}"]
    council = f"{result.council.name} ({result.council.code})"
    lines = [f"{_plural(result.rows, 'row', 'rows')} read from {result.name} for {council}:"]
    lines += [
        f"{_plural(result.count(State.APPLIED), 'notification', 'notifications')} applied",
        f"{result.count(State.HELD):,} held until an earlier event arrives",
        f"{result.count(State.REVIEW):,} waiting for review",
        f"{result.unreadable - result.unreadable_before:,} could not be read (each listed with "
        "its row, column and reason)",
        f"{result.already_received:,} already received (the same event): nothing changed",
    ]
    if result.unreadable_before:
        lines[-1] += f"; {result.unreadable_before:,} of them could not be read then either"
    set_aside = result.count(State.SET_ASIDE)
    if set_aside:
        lines.append(f"{set_aside:,} set aside")
    return lines


def note_lines(result: FileRead) -> list[str]:
    """How the file was read, each note a sentence about the file."""
    notes = [f"{result.name}: {note}" for note in result.notes]
    for rows, note in ((result.blank_rows, BLANK_ROWS), (result.short_rows, SHORT_ROWS)):
        if rows:
            notes.append(f"{result.name}: {note.format(rows=row_list(rows))}")
    return notes


def problem_lines(result: FileRead) -> list[str]:
    """Each problem with its file, row, column and reason."""
    if result.refused:
        row, column = result.refused_at
        where = f"row {row}" + (f", column {column}" if column else "") if row else ""
        return [f"{result.name}{', ' + where if where else ''}: {result.refused}"]
    return [
        f"{result.name}, row {p.row}{', column ' + p.column if p.column else ''}: {p.message}"
        for p in result.problems
    ]
