"""Two people saving at once on the embedded SQLite database: one waits, neither fails."""

import threading

import pytest
from django.db import connections, transaction

from homeward.config.env import sqlite_database

ALIAS = "two_savers"


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A SQLite file of its own (not the test database), opened as Homeward opens its own."""
    with django_db_blocker.unblock():
        yield from _sqlite_file(tmp_path)


def _sqlite_file(tmp_path):
    connections.settings[ALIAS] = connections.configure_settings(
        {"default": connections.settings["default"], ALIAS: sqlite_database(tmp_path / "s.db")}
    )[ALIAS]
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("CREATE TABLE record (id INTEGER PRIMARY KEY, version INTEGER)")
        cursor.execute("INSERT INTO record VALUES (1, 1)")
    yield
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def save(read_first: threading.Event | None = None, then: threading.Event | None = None):
    """A normal save: read the record's version, then write the next one, in one transaction."""
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT version FROM record WHERE id = 1")
        (version,) = cursor.fetchone()
        if read_first is not None:
            read_first.set()
            # Give the other save its chance to write in between (it cannot, if it waits).
            then.wait(timeout=1)
        cursor.execute("UPDATE record SET version = %s WHERE id = 1", [version + 1])


def test_the_database_file_uses_wal_and_waits_when_busy(sqlite_file):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_two_saves_at_once_do_not_fail_as_locked(sqlite_file):
    errors = []
    first_has_read, second_done = threading.Event(), threading.Event()

    def run(*args):
        try:
            save(*args)
        except Exception as error:  # noqa: BLE001  # reported by the assertion below
            errors.append(error)
        finally:
            if not args:
                second_done.set()
            connections[ALIAS].close()

    first = threading.Thread(target=run, args=(first_has_read, second_done))
    first.start()
    first_has_read.wait(timeout=10)
    second = threading.Thread(target=run)
    second.start()
    first.join()
    second.join()
    assert errors == []
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT version FROM record WHERE id = 1")
        assert cursor.fetchone()[0] == 3
