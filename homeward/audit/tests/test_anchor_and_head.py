"""What `homeward audit verify` can prove about the chain's two ends: where it starts (the
anchor prune leaves) and where it ends (the head), against someone with database rights."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.audit.integrity import audit_verify
from homeward.audit.models import Action, AuditHead
from homeward.audit.services import audit_record
from homeward.audit.tests.helpers import raw_sql
from homeward.audit.tests.test_recording import old_and_new_entries

pytestmark = pytest.mark.django_db


def entries(count: int):
    return [audit_record(action=Action.SEARCH, details={"n": n}) for n in range(count)]


def problems() -> list[str]:
    return [str(found) for found in audit_verify().breaks]


def head_row() -> tuple:
    with_signature = AuditHead.objects.values_list("last_sequence", "last_hash", "signature")
    return with_signature.get(pk=1)


def test_deleting_the_oldest_entries_behind_a_forged_anchor_is_detected():
    first, second, third = entries(3)
    raw_sql("DELETE FROM audit_auditentry WHERE sequence <= 2")
    # The anchor prune would have left, written by hand: everything in it is right but its seal.
    raw_sql(
        "INSERT INTO audit_auditanchor (at, pruned_before, last_sequence, last_hash, count) "
        "VALUES (%s, %s, 2, %s, 2)",
        [second.at, third.at, second.hash],
    )
    assert problems() == [
        "entry 2: the anchor the chain starts from (entries up to 2 pruned) is not sealed with "
        "the audit key, so `homeward audit prune` did not write it: entries were deleted from "
        "the start"
    ]
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify")


def test_a_real_prune_leaves_a_sealed_anchor_that_verifies():
    old_and_new_entries()
    call_command("audit", "prune")
    assert problems() == []


def test_cutting_the_newest_entries_and_rewinding_the_head_is_detected():
    first, second, third = entries(3)
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 3")
    raw_sql(
        "UPDATE audit_audithead SET last_sequence = 2, last_hash = %s WHERE id = 1",
        [second.hash],
    )
    assert problems() == [
        "entry 2: the chain's head (entry 2) is not sealed with the audit key, so Homeward did "
        "not write it: entries were cut from the end and the head rewound"
    ]


def test_a_missing_head_is_detected():
    entries(2)
    raw_sql("DELETE FROM audit_audithead")
    assert problems() == [
        "entry 2: the chain's head record is missing, so whether entries were cut from the end "
        "cannot be checked"
    ]


def test_entries_added_after_the_head_are_detected():
    entries(2)
    sealed = head_row()
    entries(1)
    raw_sql(
        "UPDATE audit_audithead SET last_sequence = %s, last_hash = %s, signature = %s "
        "WHERE id = 1",
        list(sealed),
    )
    assert problems() == ["entry 3: written after the chain's head (entry 2), not by Homeward"]


def test_a_replayed_old_head_is_caught_by_an_off_site_copy_of_the_head(capsys):
    entries(2)
    old_head = head_row()  # someone with database rights keeps a copy of the sealed head row
    entries(2)
    call_command("audit", "head")
    copied = capsys.readouterr().out.strip().splitlines()[-1]
    assert copied == f"4:{AuditHead.objects.get().last_hash}"
    # They cut entries 3 and 4 and put the old, genuinely sealed, head back.
    raw_sql("DELETE FROM audit_auditentry WHERE sequence > 2")
    raw_sql(
        "UPDATE audit_audithead SET last_sequence = %s, last_hash = %s, signature = %s "
        "WHERE id = 1",
        list(old_head),
    )
    assert problems() == []  # the database alone cannot show it...
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify", "--expect-head", copied)  # ...the off-site copy does
    assert "entry 4: missing: the head copied earlier (entry 4" in capsys.readouterr().err


def test_the_expected_head_passes_while_the_chain_still_holds_it(capsys):
    entries(3)
    call_command("audit", "head")
    copied = capsys.readouterr().out.strip().splitlines()[-1]
    entries(2)
    call_command("audit", "verify", "--expect-head", copied)
    assert "still holds the head copied earlier (entry 3)" in capsys.readouterr().out


def test_an_expected_head_whose_hash_differs_is_refused(capsys):
    entries(3)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify", "--expect-head", "2:" + "f" * 64)
    assert "entry 2: its hash is not the one copied earlier" in capsys.readouterr().err


def test_a_badly_written_expected_head_is_refused_with_a_sentence():
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("audit", "verify", "--expect-head", "three")


def test_a_head_deleted_and_made_again_by_the_next_entry_is_still_reported():
    entries(3)
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = 3")
    raw_sql("DELETE FROM audit_audithead")
    entries(2)  # Homeward makes the head again from entry 2, and marks it for good
    assert problems() == [
        "entry 2: the chain's head was found deleted and was made again from entry 2: entries "
        "after it may have been cut from the end"
    ]


def test_the_head_command_refuses_to_print_an_unsealed_head():
    entries(2)
    raw_sql("UPDATE audit_audithead SET signature = '' WHERE id = 1")
    with pytest.raises(CommandError, match="not sealed"):
        call_command("audit", "head")
