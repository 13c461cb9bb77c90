"""Temporary tables an import is checked in before anything reaches the real ones.

Rows are read and checked one by one in Python, written in chunks to a staging table
(PostgreSQL's COPY, or batched inserts on SQLite), then checked against each other and
against what is already recorded with set-based SQL, and merged in one statement per
table. Memory stays bounded by the chunk size, whatever the size of the bundle.
"""

import datetime as dt

from django.db import connection

CHUNK_ROWS = 5_000

_TYPES = {
    "postgresql": {
        "text": "text",
        "int": "bigint",
        "date": "date",
        "time": "timestamptz",
        "bool": "boolean",
    },
    "sqlite": {"text": "text", "int": "integer", "date": "text", "time": "text", "bool": "integer"},
}


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def differs(left: str, right: str) -> str:
    """SQL that is true when two values differ, treating two NULLs as equal."""
    return f"{left} IS DISTINCT FROM {right}" if is_postgresql() else f"{left} IS NOT {right}"


def adapt(value):
    """A Python value as the database expects it in a raw query."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


class StagingTable:
    """A temporary table filled in chunks; `columns` maps each name to text/int/date/time/bool."""

    def __init__(self, name: str, columns: dict[str, str], index_on: tuple[str, ...] = ()):
        self.name = name
        self.columns = columns
        self.index_on = index_on
        self._pending: list[tuple] = []
        self.rows = 0

    def create(self) -> None:
        types = _TYPES[connection.vendor]
        columns = ", ".join(f"{name} {types[kind]}" for name, kind in self.columns.items())
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} ({columns})")

    def add(self, row: tuple) -> None:
        self._pending.append(row)
        self.rows += 1
        if len(self._pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        if is_postgresql():
            self._copy(self._pending)
        else:
            self._insert(self._pending)
        self._pending = []

    def _copy(self, rows: list[tuple]) -> None:
        names = ", ".join(self.columns)
        # COPY goes through psycopg's own cursor: its errors are made Django's, like any
        # other query's, so that the import can report them.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _insert(self, rows: list[tuple]) -> None:
        names = ", ".join(self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.name} ({names}) VALUES ({marks})",
                [tuple(adapt(value) for value in row) for row in rows],
            )

    def finish(self) -> None:
        """Write what is left, index the keys and let the planner see the table's size."""
        self.flush()
        with connection.cursor() as cursor:
            for number, column in enumerate(self.index_on):
                cursor.execute(f"CREATE INDEX {self.name}_{number} ON {self.name} ({column})")
            cursor.execute(f"ANALYZE {self.name}")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
