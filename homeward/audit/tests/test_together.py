"""Entries written together (`entries_together`): chained in order as if one at a time, the
head held once, and none left behind by work that was undone."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from homeward.audit.integrity import audit_verify
from homeward.audit.models import GENESIS_HASH, Action, AuditEntry, AuditHead
from homeward.audit.services import audit_record, entries_together

pytestmark = pytest.mark.django_db


def search(n: int) -> AuditEntry:
    return audit_record(action=Action.SEARCH, details={"query": f"made-up {n}"})


def head_reads(queries) -> int:
    table = AuditHead._meta.db_table
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and table in q["sql"])


def test_entries_written_together_are_chained_in_order_and_verify():
    search(0)
    with transaction.atomic(), entries_together():
        entries = [search(n) for n in range(1, 4)]
        assert AuditEntry.objects.count() == 1  # not written until the block ends
    assert [e.sequence for e in AuditEntry.objects.order_by("sequence")] == [1, 2, 3, 4]
    stored = list(AuditEntry.objects.order_by("sequence"))
    assert [e.details["query"] for e in stored] == [f"made-up {n}" for n in range(4)]
    assert stored[1].previous_hash == stored[0].hash
    assert [e.hash for e in stored[1:]] == [e.hash for e in entries]
    assert audit_verify().breaks == []
    head = AuditHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (4, stored[-1].hash)


def test_the_head_is_read_once_for_the_block_not_once_an_entry():
    with CaptureQueriesContext(connection) as one_at_a_time, transaction.atomic():
        for n in range(5):
            search(n)
    with CaptureQueriesContext(connection) as together, transaction.atomic(), entries_together():
        for n in range(5):
            search(n)
    assert head_reads(one_at_a_time.captured_queries) == 5
    assert head_reads(together.captured_queries) == 1
    assert audit_verify().breaks == []


def test_an_inner_block_that_fails_leaves_no_entry_and_the_outer_writes_its_own():
    with transaction.atomic(), entries_together():
        search(1)
        try:
            with transaction.atomic(), entries_together():
                search(2)
                raise ValueError("undone")
        except ValueError:
            pass
        with transaction.atomic(), entries_together():
            search(3)
    queries = [e.details["query"] for e in AuditEntry.objects.order_by("sequence")]
    assert queries == ["made-up 1", "made-up 3"]
    assert AuditEntry.objects.get(sequence=1).previous_hash == GENESIS_HASH
    assert audit_verify().breaks == []


def test_a_block_that_fails_writes_nothing():
    with pytest.raises(ValueError), transaction.atomic(), entries_together():
        search(1)
        raise ValueError("undone")
    assert not AuditEntry.objects.exists()


def test_more_entries_together_than_one_statement_takes_are_all_written_and_verify():
    # On SQLite in several statements: Django keeps to 999 parameters a statement there.
    with transaction.atomic(), entries_together():
        entries = [search(n) for n in range(200)]
    stored = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in stored] == list(range(1, 201))
    assert [e.pk for e in stored] == [e.pk for e in entries]
    assert audit_verify().breaks == []
    head = AuditHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (200, stored[-1].hash)
