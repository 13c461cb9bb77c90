"""An import racing another import, or a person recording an episode: whichever writes
second is refused in the same words as if the first had written long before, and nothing of
it is written."""

import datetime as dt

import pytest
from django.db import transaction

from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.episodes.rules import STILL_MISSING
from homeward.episodes.services import episode_record
from homeward.episodes.tests.racing import (
    holding_at_the_last_write,
    postgresql_only,
    raw_insert,
    rows_the_migrations_made,
    sentence,
    start,
    wait_until_waiting_for_a_lock,
)
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, write_bundle
from homeward.interviews.rules import INTERVIEW_BEFORE_NEW_RETURN
from homeward.interviews.services import interview_record

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]

OVERLAPS_E1 = (
    "episodes.csv, row 2, last_seen_at: This episode overlaps episode E1 of the same child "
    "(2 Mar 2020 18:00 to 3 Mar 2020 09:00). A child's episodes cannot overlap: check the "
    "times, or whether this is the same episode."
)


@pytest.fixture
def recorded_child(tmp_path) -> Child:
    """Child C1, already recorded by an earlier import, with no episodes yet."""
    rows_the_migrations_made()
    import_bundle(
        write_bundle(tmp_path / "base", localities=LOCALITIES, children=[child("C1")]),
        council_code="931",
    )
    return Child.objects.get(local_id="C1")


def importing(folder):
    return lambda: import_bundle(folder, council_code="931")


def first_import(tmp_path):
    return write_bundle(
        tmp_path / "first",
        episodes=[
            episode("E1", "C1", last_seen_at="2020-03-02T18:00", returned_at="2020-03-03T09:00")
        ],
    )


def overlapping_import(tmp_path):
    """A new child C9 with an episode, and an episode of C1 overlapping the first's E1."""
    return write_bundle(
        tmp_path / "second",
        children=[child("C9")],
        episodes=[
            episode("E2", "C1", last_seen_at="2020-03-03T08:00", returned_at="2020-03-03T10:00"),
            episode("E9", "C9"),
        ],
    )


def problems(error: BaseException) -> list[str]:
    assert isinstance(error, BundleRejected), repr(error)
    return [str(problem) for problem in error.problems.in_order()]


def imports_audited() -> int:
    return AuditEntry.objects.filter(action=Action.IMPORT).count()


def test_of_two_imports_at_once_the_second_is_refused_and_writes_nothing(recorded_child, tmp_path):
    first, second = holding_at_the_last_write(
        importing(first_import(tmp_path)), importing(overlapping_import(tmp_path))
    )
    assert first.error is None
    # The second import checked only once the first had committed (not saved by the
    # database's constraint alone).
    assert second.waited_for == "advisory"
    assert problems(second.error) == [OVERLAPS_E1]
    assert list(Episode.objects.values_list("local_id", "version")) == [("E1", 1)]
    assert not Child.objects.filter(local_id="C9").exists()
    assert imports_audited() == 2


def test_a_person_recording_while_an_import_writes_is_refused(recorded_child, tmp_path):
    first, second = holding_at_the_last_write(
        importing(write_bundle(tmp_path / "open", episodes=[episode("E1", "C1", returned_at="")])),
        lambda: episode_record(
            child=recorded_child,
            category="missing",
            last_seen_at=dt.datetime(2020, 3, 4, 18, 0, tzinfo=dt.UTC),
            missing_from="home",
            legal_status="child_in_need",
        ),
    )
    assert first.error is None
    assert second.waited_for == "advisory"
    assert sentence(second.error) == STILL_MISSING.format(other="E1", other_seen="2 Mar 2020 18:00")
    assert list(Episode.objects.values_list("local_id", flat=True)) == ["E1"]


def test_an_import_while_a_person_records_is_refused(recorded_child, tmp_path):
    first, second = holding_at_the_last_write(
        lambda: episode_record(
            child=recorded_child,
            category="missing",
            last_seen_at=dt.datetime(2020, 3, 3, 8, 0, tzinfo=dt.UTC),
            returned_at=dt.datetime(2020, 3, 3, 10, 0, tzinfo=dt.UTC),
            missing_from="home",
            legal_status="child_in_need",
        ),
        importing(first_import(tmp_path)),
    )
    assert first.error is None
    assert second.waited_for == "advisory"
    recorded = first.result.local_id
    assert problems(second.error) == [
        f"episodes.csv, row 2, last_seen_at: This episode overlaps episode {recorded} of the "
        "same child (3 Mar 2020 08:00 to 3 Mar 2020 10:00). A child's episodes cannot "
        "overlap: check the times, or whether this is the same episode."
    ]
    assert list(Episode.objects.values_list("local_id", flat=True)) == [recorded]
    assert imports_audited() == 1


def test_an_import_is_refused_in_words_when_the_database_refuses_a_row(recorded_child, tmp_path):
    """A writer that skips the lock commits an overlapping episode while the import writes:
    the database refuses the import's row, and the import lists it like its own checks."""
    folder = overlapping_import(tmp_path)
    with transaction.atomic():
        raw_insert(
            recorded_child,
            "E1",
            dt.datetime(2020, 3, 2, 18, 0, tzinfo=dt.UTC),
            dt.datetime(2020, 3, 3, 9, 0, tzinfo=dt.UTC),
        )
        writer = start(importing(folder))
        wait_until_waiting_for_a_lock(writer)
    assert problems(writer.finished().error) == [OVERLAPS_E1]
    assert list(Episode.objects.values_list("local_id", flat=True)) == ["E1"]
    assert not Child.objects.filter(local_id="C9").exists()
    assert imports_audited() == 1


def test_an_import_moving_a_return_while_an_interview_is_recorded_is_refused(
    recorded_child, tmp_path
):
    """The import's check that interviews follow the return sees the interview recorded
    while it waited, instead of moving the return past it."""
    import_bundle(first_import(tmp_path), council_code="931")  # E1 back at 09:00
    later_return = write_bundle(
        tmp_path / "later-return", episodes=[episode("E1", "C1", returned_at="2020-03-03T11:00")]
    )
    first, second = holding_at_the_last_write(
        lambda: interview_record(
            episode=Episode.objects.get(local_id="E1"),
            outcome="declined",
            offered_at=dt.datetime(2020, 3, 3, 10, 0, tzinfo=dt.UTC),
        ),
        importing(later_return),
    )
    assert first.error is None
    assert second.waited_for == "advisory"
    message = INTERVIEW_BEFORE_NEW_RETURN.format(
        interview=first.result.local_id, when="at 3 Mar 2020 10:00", returned="3 Mar 2020 11:00"
    )
    assert problems(second.error) == [f"episodes.csv, row 2, returned_at: {message}"]
    e1 = Episode.objects.get(local_id="E1")
    assert (e1.returned_at.hour, e1.version) == (9, 1)
