"""Two notifications at once: the same event posted twice makes one notification and one
episode; two forces reporting one child at once make one episode with both references."""

import csv
import io
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from django.db import connection, transaction

from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.racing import (
    HANG_GUARD_SECONDS,
    holding_at_the_last_write,
    postgresql_only,
    rows_the_migrations_made,
    start,
    threads_open_a_sqlite_file,
)
from homeward.police.models import EpisodeReference, Notification
from homeward.police.notification_file import import_notifications
from homeward.police.reading import COLUMNS
from homeward.police.services import notification_receive
from homeward.police.tokens import force_create

RACE = pytest.mark.django_db(transaction=True)

REPORT = {
    "police_ref": "MS-AT-ONCE",
    "event": "missing",
    "last_seen_at": "02/03/2020 18:00",
    "first_name": "Riley",
    "last_name": "Madeupford",
    "date_of_birth": "14/06/2009",
    "police_id": "PID-AT-ONCE",
    "risk": "high",
}


def child():
    return ChildFactory(
        first_name="Riley", last_name="Madeupford", police_id="PID-AT-ONCE", sex="female"
    )


def receive(data, force_name="Made-up Shire Police"):
    return lambda: notification_receive(council=council(), force_name=force_name, data=data)


@postgresql_only
@RACE
def test_the_same_event_posted_twice_at_once_makes_one_episode():
    rows_the_migrations_made()
    riley = child()
    first, second = holding_at_the_last_write(receive(REPORT), receive(REPORT))
    assert first.error is None and second.error is None
    # The second waited for the council's notification lock, not for a database refusal.
    assert second.waited_for == "advisory" and "pg_advisory_xact_lock" in second.waiting_in
    assert first.result.created and not second.result.created
    assert second.result.notification.pk == first.result.notification.pk
    assert Notification.objects.count() == 1
    assert Episode.objects.filter(child=riley).count() == 1


@postgresql_only
@RACE
def test_two_forces_reporting_one_child_at_once_make_one_episode():
    rows_the_migrations_made()
    riley = child()
    neighbours = REPORT | {"police_ref": "NB-AT-ONCE", "last_seen_at": "02/03/2020 20:00"}
    first, second = holding_at_the_last_write(
        receive(REPORT), receive(neighbours, "Made-up Borders Police")
    )
    assert first.error is None and second.error is None
    episode = Episode.objects.get(child=riley)
    refs = set(
        EpisodeReference.objects.filter(episode=episode).values_list("police_ref", flat=True)
    )
    assert refs == {"MS-AT-ONCE", "NB-AT-ONCE"}
    assert "Joined" in second.result.notification.outcome


def imported(data: dict, force_name="Made-up Shire Police"):
    """A force's file of one row, imported as the command imports it (a lot of its own)."""

    force_create(name=force_name, councils=[council()], by=None)

    def work():
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerow({"force": force_name} | data)
        content = io.BytesIO(out.getvalue().encode())
        return import_notifications(content, name="race.csv", council=council())

    return work


@postgresql_only
@RACE
def test_a_report_posted_while_a_file_with_it_is_imported_makes_one_episode():
    """The file's lot holds its references' locks from before it reads what it knows of them
    until it commits: the force's call about the same reference waits, then finds the episode
    the file's row recorded, and brings news of it."""
    rows_the_migrations_made()
    riley = child()
    first, second = holding_at_the_last_write(imported(REPORT), receive(REPORT))
    assert first.error is None and second.error is None
    assert second.waited_for == "advisory" and "pg_advisory_xact_lock" in second.waiting_in
    assert first.result.count("applied") == 1
    episode = Episode.objects.get(child=riley)
    assert first.result.kept[0].notification.episode_id == episode.pk
    assert second.result.notification.episode_id == episode.pk
    assert second.result.notification.outcome.startswith("News of")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own way of keeping the rule")
@RACE
def test_on_sqlite_the_same_event_twice_at_once_makes_one_episode(tmp_path):
    rows_the_migrations_made()
    child()
    path = tmp_path / "homeward.sqlite3"
    first_wrote, first_may_commit = threading.Event(), threading.Event()

    def first_work():
        with transaction.atomic():
            received = notification_receive(council=council(), force_name="F", data=REPORT)
            first_wrote.set()
            first_may_commit.wait(HANG_GUARD_SECONDS)
        return received

    with threads_open_a_sqlite_file(path):
        first = start(first_work)
        first_wrote.wait(HANG_GUARD_SECONDS)
        second = start(receive(REPORT, "F"))
        time.sleep(0.1)  # only so that the second is waiting when the first commits
        first_may_commit.set()
        first.finished(), second.finished()
    assert first.error is None and second.error is None
    assert first.result.created and not second.result.created
    with closing(sqlite3.connect(path)) as database:
        assert database.execute("SELECT count(*) FROM episodes_episode").fetchone() == (1,)
        assert database.execute("SELECT count(*) FROM police_notification").fetchone() == (1,)
