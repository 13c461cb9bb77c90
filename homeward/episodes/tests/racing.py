"""Two writers at once on PostgreSQL, in an order the test chooses rather than hopes for.

Each writer is a thread with a database connection of its own. A test holds the first
writer at its last step (the audit chain's head, which every audited write locks just before
it commits), starts the second, waits until PostgreSQL reports the second is waiting for a
lock, and only then lets the first commit: the interleaving is the same on every run.
"""

import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from homeward.accounts.roles import ROLES
from homeward.audit.services import _locked_head
from homeward.config.env import sqlite_database
from homeward.councils.models import Council
from homeward.councils.reference import council_rows

# Only so that a broken lock fails the test instead of hanging the suite: no test asserts
# how long anything took.
HANG_GUARD_SECONDS = 60

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite writers are serialised (each transaction takes the write lock as it "
    "begins); the in-memory test database shares one cache between threads, which reports a "
    "table lock at once instead of waiting as a SQLite file does",
)


@contextmanager
def threads_open_a_sqlite_file(path):
    """Have new threads open a copy of the test database in a file, as Homeward opens its
    own SQLite database (WAL, IMMEDIATE transactions, waiting when busy): the in-memory test
    database shares one cache between threads, which refuses at once instead of waiting."""
    copy = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    kept = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = {**kept, **sqlite_database(path)}
    try:
        yield
    finally:
        connections.settings[DEFAULT_DB_ALIAS] = kept


def rows_the_migrations_made() -> None:
    """The councils and roles, made again if an earlier transactional test emptied every
    table (as such a test leaves the database)."""
    for row in council_rows():
        Council.objects.update_or_create(code=row["code"], defaults=row)
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Writer(threading.Thread):
    """Runs `work` in a thread of its own, on a connection of its own; keeps what it gave."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.result = None
        self.error: BaseException | None = None
        self.pid: int | None = None
        self.waited_for: str | None = None
        self.waiting_in: str | None = None  # the statement that waited
        self._connected = threading.Event()

    def run(self) -> None:
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.pid = cursor.fetchone()[0]
            self._connected.set()
            self.result = self.work()
        except BaseException as error:  # noqa: BLE001  # handed to the test by finished()
            self.error = error
        finally:
            self._connected.set()
            connection.close()

    def finished(self) -> "Writer":
        self.join(HANG_GUARD_SECONDS)
        assert not self.is_alive(), "the writer never finished: a lock was never released"
        return self


def start(work) -> Writer:
    writer = Writer(work)
    writer.start()
    return writer


def wait_until_waiting_for_a_lock(writer: Writer) -> None:
    """Return once PostgreSQL reports that `writer` waits for a lock another holds, noting
    which kind in `writer.waited_for` ("advisory": the council's episode-writers lock;
    "transactionid" or "tuple": a row another transaction is writing or has locked) and the
    statement that waited in `writer.waiting_in`."""
    writer._connected.wait(HANG_GUARD_SECONDS)
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while True:
        with connection.cursor() as cursor:
            # The activity view is read once per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT wait_event_type, wait_event, query FROM pg_stat_activity WHERE pid = %s",
                [writer.pid],
            )
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            writer.waited_for, writer.waiting_in = row[1], row[2]
            return
        if not writer.is_alive():
            raise AssertionError(f"the writer finished without waiting: {writer.error!r}")
        if time.monotonic() > deadline:
            raise AssertionError("the writer never came to wait for a lock")
        time.sleep(0.005)


@contextmanager
def audited_writes_held():
    """Hold every audited write at its last step until the block ends."""
    with transaction.atomic():
        _locked_head()  # made first, if a transactional test emptied the tables before
    with transaction.atomic():
        _locked_head()
        yield


def holding_at_the_last_write(first_work, second_work) -> tuple[Writer, Writer]:
    """Run `first_work` up to its last write, then `second_work` until it waits for the
    first, then let the first commit; return both, finished."""
    with audited_writes_held():
        first = start(first_work)
        wait_until_waiting_for_a_lock(first)
        second = start(second_work)
        wait_until_waiting_for_a_lock(second)
    return first.finished(), second.finished()


def raw_insert(child, local_id: str, last_seen_at, returned_at=None) -> None:
    """An episode written with plain SQL: a writer that skips the services and their locks."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO episodes_episode (council_id, local_id, child_id, category,
                   last_seen_at, returned_at, risk, missing_from, legal_status,
                   found_location, reported_by, created_at, changed_at, version)
               VALUES (%s, %s, %s, 'missing', %s, %s, '', 'home', 'child_in_need',
                   '', '', %s, %s, 1)""",
            [
                child.council_id,
                local_id,
                child.pk,
                last_seen_at,
                returned_at,
                timezone.now(),
                timezone.now(),
            ],
        )


def sentence(error: BaseException) -> str:
    assert isinstance(error, ValidationError), repr(error)
    return " ".join(error.message_dict["last_seen_at"])
