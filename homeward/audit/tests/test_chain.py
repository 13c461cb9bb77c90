import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connection, transaction

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.chain import entry_hash
from homeward.audit.integrity import audit_verify
from homeward.audit.models import GENESIS_HASH, Action, AppendOnlyError, AuditEntry
from homeward.audit.services import audit_record
from homeward.audit.tests.helpers import raw_sql

pytestmark = pytest.mark.django_db


def three_entries():
    user = UserFactory(username="made-up-coordinator")
    return [
        audit_record(user=user, action=Action.SEARCH, details={"query": f"made-up {n}"})
        for n in range(3)
    ]


def test_each_entry_is_chained_to_the_one_before():
    first, second, third = three_entries()
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert third.hash == entry_hash(AuditEntry.objects.get(sequence=3))


def test_the_chain_verifies(capsys):
    three_entries()
    assert audit_verify().breaks == []
    call_command("audit", "verify")
    assert "verifies: 3 entries, 1 to 3" in capsys.readouterr().out


def test_an_entry_edited_in_sql_is_detected_with_its_sequence(capsys):
    three_entries()
    raw_sql(
        "UPDATE audit_auditentry SET details = %s WHERE sequence = 2",
        [json.dumps({"query": "something else"})],
    )
    breaks = audit_verify().breaks
    assert [(b.sequence, b.problem) for b in breaks] == [
        (2, "changed since it was written: its hash does not match")
    ]
    with pytest.raises(CommandError, match="does not verify: 1 problem"):
        call_command("audit", "verify")
    assert "entry 2: changed since it was written" in capsys.readouterr().err


def test_a_changed_username_is_detected():
    three_entries()
    raw_sql("UPDATE audit_auditentry SET username = 'someone-else' WHERE sequence = 1")
    assert [b.sequence for b in audit_verify().breaks] == [1]


def test_a_deleted_entry_is_detected_with_its_sequence(capsys):
    three_entries()
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 2")
    problems = [str(b) for b in audit_verify().breaks]
    assert problems == [
        "entry 2: missing: entry 2 deleted",
        "entry 3: its link to the entry before it does not match (re-linked)",
    ]
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert "entry 2: missing" in capsys.readouterr().err


def test_an_entry_deleted_from_the_end_is_detected():
    three_entries()
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 3")
    assert [str(b) for b in audit_verify().breaks] == [
        "entry 3: missing: the log ends at entry 2 but entries up to 3 were written "
        "(deleted from the end)"
    ]


def test_an_entry_rewritten_with_a_recomputed_hash_breaks_the_next_link():
    first, second, third = three_entries()
    second.details = {"query": "rewritten"}
    forged = entry_hash(second)
    raw_sql(
        "UPDATE audit_auditentry SET details = %s, hash = %s WHERE sequence = 2",
        [json.dumps(second.details), forged],
    )
    assert [str(b) for b in audit_verify().breaks] == [
        "entry 3: its link to the entry before it does not match (re-linked)"
    ]


def test_the_orm_refuses_to_change_or_delete_entries():
    entry = three_entries()[0]
    entry.details = {"query": "changed"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(sequence=1).update(label="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(sequence=99, action=Action.SEARCH)])
    assert audit_verify().breaks == []
    assert AuditEntry.objects.count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_the_database_refuses_update_and_delete_on_postgresql():
    three_entries()
    for sql in (
        "UPDATE audit_auditentry SET label = 'changed' WHERE sequence = 1",
        "DELETE FROM audit_auditentry WHERE sequence = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert audit_verify().breaks == []
    assert AuditEntry.objects.count() == 3


def test_a_person_with_audit_entries_cannot_be_deleted():
    user = UserFactory()
    audit_record(user=user, action=Action.SIGN_IN)
    with pytest.raises(Exception, match="protected"):
        user.delete()


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="not an audit action"):
        audit_record(action="peek")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database shares one cache between threads, which "
    "reports a table lock at once instead of waiting as a SQLite file does",
)
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_at_once_keep_one_chain():
    per_thread = 15
    errors = []
    start = threading.Barrier(2)

    def append(name):
        try:
            start.wait()
            for n in range(per_thread):
                audit_record(action=Action.SEARCH, username=name, details={"n": n})
        except Exception as error:  # noqa: BLE001  # reported by the assertion below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=append, args=(f"thread-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 2 * per_thread + 1)
    )
    assert audit_verify().breaks == []
