"""Two writers cannot break a rule: the database refuses what the services would, and the
second of two writers at once is refused in words, with nothing half-written."""

import datetime as dt
import importlib
import sqlite3
import threading
import time
from contextlib import closing
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.models import Episode
from homeward.episodes.rules import OVERLAPS, STILL_MISSING
from homeward.episodes.services import episode_record, episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.episodes.tests.racing import (
    HANG_GUARD_SECONDS,
    holding_at_the_last_write,
    postgresql_only,
    raw_insert,
    rows_the_migrations_made,
    sentence,
    start,
    threads_open_a_sqlite_file,
    wait_until_waiting_for_a_lock,
)
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import missing_again_problem
from homeward.interviews.services import interview_record

EVENING = dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)


def refused_by_the_database(child, local_id, last_seen_at, returned_at=None) -> bool:
    try:
        with transaction.atomic():
            raw_insert(child, local_id, last_seen_at, returned_at)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_episode_on_every_database():
    child = ChildFactory()
    raw_insert(child, "E-open", EVENING)
    assert refused_by_the_database(child, "E-open-too", EVENING + 48 * HOUR)
    other_child = ChildFactory()
    assert not refused_by_the_database(other_child, "E-other", EVENING)


@pytest.mark.django_db
def test_the_database_refuses_a_return_not_after_last_seen_on_every_database():
    child = ChildFactory()
    assert refused_by_the_database(child, "E-back-before", EVENING, EVENING - HOUR)
    assert refused_by_the_database(child, "E-back-at-once", EVENING, EVENING)
    assert Episode.objects.count() == 0


@postgresql_only
@pytest.mark.django_db
def test_postgresql_refuses_overlapping_episodes_of_a_child_however_written():
    child = ChildFactory()
    raw_insert(child, "E1", EVENING, EVENING + 10 * HOUR)
    # Overlapping the end, lying inside, or still open after it started: all refused.
    assert refused_by_the_database(child, "E2", EVENING + 9 * HOUR, EVENING + 20 * HOUR)
    assert refused_by_the_database(child, "E3", EVENING + HOUR, EVENING + 2 * HOUR)
    assert refused_by_the_database(child, "E4", EVENING - 48 * HOUR)
    # One beginning as the other ends does not overlap ([last seen, return)); nor does
    # another child's episode at the same time.
    assert not refused_by_the_database(child, "E5", EVENING + 10 * HOUR, EVENING + 11 * HOUR)
    assert not refused_by_the_database(ChildFactory(), "E6", EVENING, EVENING + 10 * HOUR)
    assert Episode.objects.filter(child=child).count() == 2


@postgresql_only
@pytest.mark.django_db
def test_a_correction_that_would_overlap_is_refused_by_the_database_too():
    child = ChildFactory()
    EpisodeFactory(child=child, last_seen_at=EVENING, returned_at=EVENING + 10 * HOUR)
    later = EpisodeFactory(
        child=child, last_seen_at=EVENING + 24 * HOUR, returned_at=EVENING + 30 * HOUR
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=later.pk).update(last_seen_at=EVENING + 5 * HOUR)


def record(child, last_seen_at=EVENING, returned_at=None, by=None):
    return episode_record(
        child=child,
        category="missing",
        last_seen_at=last_seen_at,
        returned_at=returned_at,
        missing_from="home",
        legal_status="child_in_need",
        by=by,
    )


RACE = pytest.mark.django_db(transaction=True)


@postgresql_only
@RACE
def test_of_two_people_recording_at_once_the_second_is_refused():
    rows_the_migrations_made()
    child = ChildFactory()
    first, second = holding_at_the_last_write(
        lambda: record(child, EVENING),
        lambda: record(child, EVENING + 5 * HOUR, EVENING + 6 * HOUR),
    )
    assert first.error is None
    # The second waited for the first's lock on the child's row, then checked (rather than
    # checking at once and being stopped by the database's constraint alone).
    assert "FOR NO KEY UPDATE" in second.waiting_in
    kept = first.result
    assert sentence(second.error) == STILL_MISSING.format(
        other=kept.local_id, other_seen="2 Mar 2020 18:00"
    )
    assert list(Episode.objects.filter(child=child)) == [kept]
    assert AuditEntry.objects.filter(object_type="episodes.episode").count() == 1


@postgresql_only
@RACE
def test_a_correction_racing_a_new_episode_is_refused_when_second():
    rows_the_migrations_made()
    child = ChildFactory()
    earlier = EpisodeFactory(child=child, last_seen_at=EVENING, returned_at=EVENING + HOUR)
    first, second = holding_at_the_last_write(
        lambda: record(child, EVENING + 10 * HOUR, EVENING + 12 * HOUR),
        lambda: episode_update(
            episode=earlier, expected_version=1, returned_at=EVENING + 11 * HOUR
        ),
    )
    assert first.error is None
    assert "FOR NO KEY UPDATE" in second.waiting_in
    assert sentence(second.error) == OVERLAPS.format(
        other=first.result.local_id,
        other_seen="3 Mar 2020 04:00",
        other_returned="3 Mar 2020 06:00",
    )
    earlier.refresh_from_db()
    assert (earlier.returned_at, earlier.version) == (EVENING + HOUR, 1)


@postgresql_only
@RACE
def test_an_interview_completed_while_a_new_episode_is_recorded_is_refused():
    """An interview may not be completed while the child was missing again: recorded at the
    moment a person records that later episode, it is checked once that episode is saved."""
    rows_the_migrations_made()
    child = ChildFactory()
    earlier = EpisodeFactory(child=child, last_seen_at=EVENING, returned_at=EVENING + HOUR)
    first, second = holding_at_the_last_write(
        lambda: record(child, EVENING + 24 * HOUR),
        lambda: interview_record(
            episode=earlier,
            outcome="completed",
            offered_at=EVENING + 2 * HOUR,
            completed_at=EVENING + 30 * HOUR,
            conducted_by="Made-up worker",
        ),
    )
    assert first.error is None
    assert "FOR NO KEY UPDATE" in second.waiting_in
    assert second.error.message_dict["completed_at"] == [
        missing_again_problem(
            completed_at=EVENING + 30 * HOUR,
            episode=first.result.local_id,
            last_seen_at=EVENING + 24 * HOUR,
        ).message
    ]
    assert not ReturnInterview.objects.exists()


@postgresql_only
@RACE
def test_a_writer_that_skips_the_locks_is_still_refused_in_words():
    """The services' check cannot see a row not yet committed; the database's constraint
    waits for it, and its refusal reaches the person as the services' own sentence."""
    rows_the_migrations_made()
    child = ChildFactory()
    with transaction.atomic():
        raw_insert(child, "E-raw", EVENING, EVENING + 10 * HOUR)
        service = start(lambda: record(child, EVENING + 2 * HOUR, EVENING + 3 * HOUR))
        wait_until_waiting_for_a_lock(service)
    service.finished()
    assert sentence(service.error) == OVERLAPS.format(
        other="E-raw", other_seen="2 Mar 2020 18:00", other_returned="3 Mar 2020 04:00"
    )
    assert list(Episode.objects.values_list("local_id", flat=True)) == ["E-raw"]
    assert not AuditEntry.objects.filter(object_type="episodes.episode").exists()


@postgresql_only
@RACE
def test_the_page_shows_the_refusal_as_a_form_error_not_a_server_error(client):
    rows_the_migrations_made()
    child = ChildFactory()
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    form = {
        "category": "missing",
        "last_seen_at_day": 2,
        "last_seen_at_month": 3,
        "last_seen_at_year": 2020,
        "last_seen_at_time": "20:00",
        "risk": "high",
        "missing_from": "home",
        "legal_status": "child_in_need",
        "locality": "none",
    }
    with transaction.atomic():
        raw_insert(child, "E-raw", EVENING)
        page = start(lambda: client.post(reverse("episodes:record", args=[child.pk]), form))
        wait_until_waiting_for_a_lock(page)
    response = page.finished().result
    assert page.error is None
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The child is still missing from episode E-raw" in html
    assert list(Episode.objects.values_list("local_id", flat=True)) == ["E-raw"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own way of keeping the rule")
@RACE
def test_on_sqlite_the_second_writer_waits_for_the_first_to_commit_and_is_refused(tmp_path):
    """Each transaction takes SQLite's write lock as it begins, so the second writer cannot
    check until the first has committed, then sees its episode."""
    rows_the_migrations_made()
    child = ChildFactory()
    path = tmp_path / "homeward.sqlite3"
    first_wrote, second_begins, first_may_commit = (threading.Event() for _ in range(3))

    def first_work():
        with transaction.atomic():
            episode = record(child, EVENING)
            first_wrote.set()
            first_may_commit.wait(HANG_GUARD_SECONDS)
        return episode

    def second_work():
        second_begins.set()
        return record(child, EVENING + 5 * HOUR, EVENING + 6 * HOUR)

    with threads_open_a_sqlite_file(path):
        first = start(first_work)
        first_wrote.wait(HANG_GUARD_SECONDS)
        second = start(second_work)
        second_begins.wait(HANG_GUARD_SECONDS)
        # The outcome is the same whenever the second begins; this only gives it the time
        # to be waiting for the write lock when the first commits.
        time.sleep(0.1)
        first_may_commit.set()
        first.finished(), second.finished()
    assert first.error is None
    assert sentence(second.error) == STILL_MISSING.format(
        other=first.result.local_id, other_seen="2 Mar 2020 18:00"
    )
    with closing(sqlite3.connect(path)) as database:
        stored = database.execute("SELECT local_id FROM episodes_episode").fetchall()
    assert stored == [(first.result.local_id,)]


@pytest.mark.django_db
def test_the_upgrade_stops_and_lists_episodes_that_already_break_a_rule():
    """A database written before the constraints may hold overlaps: the migration names them
    rather than failing on a bare constraint error."""
    migration = importlib.import_module(
        "homeward.episodes.migrations.0003_episode_periods_never_overlap"
    )
    child = ChildFactory()
    with pytest.raises(RuntimeError) as caught, transaction.atomic():
        if connection.vendor == "postgresql":
            # As if written before the constraint: it is checked only at commit, never reached.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS episode_periods_never_overlap DEFERRED")
        raw_insert(child, "E1", EVENING, EVENING + 10 * HOUR)
        raw_insert(child, "E2", EVENING + 5 * HOUR, EVENING + 20 * HOUR)
        migration.refuse_broken_episodes(None, SimpleNamespace(connection=connection))
    assert str(caught.value).endswith(
        "then run the upgrade again:\n  931, E1: overlaps episode E2 of the same child"
    )
