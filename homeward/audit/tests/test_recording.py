from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.integrity import audit_verify
from homeward.audit.models import GENESIS_HASH, Action, AuditAnchor, AuditEntry
from homeward.audit.selectors import entries_for, who_looked
from homeward.audit.services import audit_record, change_details
from homeward.audit.tests.helpers import raw_sql
from homeward.children.tests.factories import ChildFactory
from homeward.exchange.tests.test_bundle_import import a_good_bundle

pytestmark = pytest.mark.django_db


def test_entries_for_a_child_say_who_looked_newest_first_without_the_name():
    child, other = ChildFactory(), ChildFactory()
    first, second = UserFactory(username="made-up-a"), UserFactory(username="made-up-b")
    audit_record(user=first, action=Action.VIEW_CHILD, obj=child)
    audit_record(user=second, action=Action.VIEW_CHILD, obj=other)
    audit_record(user=second, action=Action.VIEW_CHILD, obj=child)
    looked = list(entries_for(child))
    assert [entry.username for entry in looked] == ["made-up-b", "made-up-a"]
    assert looked[0].object_type == "children.child"
    assert child.first_name not in looked[0].label
    assert child.last_name not in looked[0].label


def test_who_looked_is_each_person_once_the_latest_to_look_first(rf):
    child = ChildFactory()
    often, once = UserFactory(username="made-up-often"), UserFactory(username="made-up-once")
    start = timezone.now()
    looks = [(often, "192.0.2.1"), (once, "192.0.2.9"), (often, "192.0.2.2"), (often, "192.0.2.3")]
    for minutes, (user, ip) in enumerate(looks):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            request = rf.get("/", REMOTE_ADDR=ip)
            request.user = user
            audit_record(request=request, action=Action.VIEW_CHILD, obj=child)
    audit_record(user=once, action=Action.SEARCH)  # not a look at the child
    audit_record(user=once, action=Action.VIEW_CHILD, obj=ChildFactory())  # another child
    people = who_looked(child, limit=50)
    assert [(p.username, p.looks, p.latest_ip) for p in people] == [
        ("made-up-often", 3, "192.0.2.3"),
        ("made-up-once", 1, "192.0.2.9"),
    ]
    assert people[0].latest_at - people[0].first_at == timedelta(minutes=3)
    assert len(who_looked(child, limit=1)) == 1


def test_a_change_records_before_and_after():
    user = UserFactory()
    details = change_details(
        {"status": "missing", "risk": "low"}, {"status": "away", "risk": "low"}
    )
    entry = audit_record(user=user, action=Action.CHANGE, details=details)
    entry.refresh_from_db()
    assert entry.details == {"status": {"before": "missing", "after": "away"}}
    assert audit_verify().breaks == []


def test_details_with_dates_are_stored_as_text_and_still_verify():
    audit_record(
        action=Action.EXPORT, details={"from": timezone.now(), "to": timezone.now().date()}
    )
    assert audit_verify().breaks == []


def test_importing_and_exporting_a_bundle_are_recorded(tmp_path):
    # Someone who may record children: the only people an import may be made for.
    UserFactory(username="made-up-importer", roles=[roles.MISSING_COORDINATOR])
    call_command("import-bundle", str(a_good_bundle(tmp_path / "in")), "--by", "made-up-importer")
    call_command("export-bundle", str(tmp_path / "out"), "--council", "931")
    imported, exported = AuditEntry.objects.order_by("sequence")
    assert (imported.action, imported.username) == (Action.IMPORT, "made-up-importer")
    assert imported.details["council"] == "931"
    assert imported.details["files"]["children.csv"]["created"] == 2
    assert exported.action == Action.EXPORT
    assert exported.details["rows"]["children.csv"] == 2


def old_and_new_entries():
    with time_machine.travel(timezone.now() - timedelta(days=3000), tick=False):
        for n in range(3):
            audit_record(action=Action.SEARCH, details={"n": n})
    for n in range(2):
        audit_record(action=Action.SEARCH, details={"n": n + 3})


def test_pruning_keeps_the_rest_of_the_chain_verifiable(capsys):
    old_and_new_entries()
    call_command("audit", "prune")
    assert "Pruned 3 entries, up to entry 3" in capsys.readouterr().out
    assert list(AuditEntry.objects.values_list("sequence", flat=True).order_by("sequence")) == [
        4,
        5,
        6,
    ]
    anchor = AuditAnchor.objects.get()
    assert anchor.last_sequence == 3
    assert AuditEntry.objects.get(sequence=4).previous_hash == anchor.last_hash != GENESIS_HASH
    assert AuditEntry.objects.get(sequence=6).action == Action.PRUNE
    assert audit_verify().breaks == []
    call_command("audit", "verify")


def test_after_pruning_a_deleted_entry_is_still_detected():
    old_and_new_entries()
    call_command("audit", "prune")
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 4")
    assert [b.sequence for b in audit_verify().breaks] == [4, 5]


def test_prune_refuses_a_date_inside_the_retention_period():
    old_and_new_entries()
    with pytest.raises(CommandError, match="kept for 2555 days"):
        call_command("audit", "prune", "--before", timezone.localdate().isoformat())
    assert AuditEntry.objects.count() == 5


def test_prune_refuses_a_broken_chain():
    old_and_new_entries()
    raw_sql("UPDATE audit_auditentry SET label = 'changed' WHERE sequence = 1")
    with pytest.raises(CommandError, match="does not verify, so nothing was pruned"):
        call_command("audit", "prune")
    assert AuditEntry.objects.count() == 5


def test_prune_with_nothing_old_enough_changes_nothing(capsys):
    audit_record(action=Action.SEARCH)
    call_command("audit", "prune")
    assert "nothing pruned" in capsys.readouterr().out
    assert AuditEntry.objects.count() == 1
