"""Checking the audit chain, and pruning it past retention without breaking it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from homeward.audit.chain import entry_hash
from homeward.audit.models import Action, AuditAnchor, AuditEntry, AuditHead

CHUNK = 2000

TOO_RECENT = (
    "Audit entries are kept for {days} days (HOMEWARD_AUDIT_RETENTION_DAYS), so prune can "
    "remove only entries before {cutoff:%Y-%m-%d}. Choose an earlier date."
)
CHAIN_BROKEN = (
    "The audit chain does not verify, so nothing was pruned: pruning would destroy the "
    "evidence. Run `homeward audit verify` and investigate first."
)


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str

    def __str__(self):
        return f"entry {self.sequence}: {self.problem}"


@dataclass(frozen=True)
class Verified:
    checked: int
    first_sequence: int | None
    last_sequence: int | None
    last_hash: str
    breaks: list[Break]


def audit_verify() -> Verified:
    """Recompute every hash and link; list each edited, missing or re-linked entry."""
    anchor = AuditAnchor.objects.order_by("-last_sequence").first()
    expected_sequence = anchor.last_sequence + 1 if anchor else 1
    previous_hash = anchor.last_hash if anchor else AuditHead().last_hash
    breaks: list[Break] = []
    checked, first = 0, None
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=CHUNK):
        first = entry.sequence if first is None else first
        breaks += _check(entry, expected_sequence, previous_hash)
        expected_sequence, previous_hash = entry.sequence + 1, entry.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_sequence >= expected_sequence:
        breaks.append(
            Break(
                expected_sequence,
                f"missing: the log ends at entry {expected_sequence - 1} but entries up to "
                f"{head.last_sequence} were written (deleted from the end)",
            )
        )
    last = expected_sequence - 1 if checked else None
    return Verified(checked, first, last, previous_hash, breaks)


def _check(entry, expected_sequence: int, previous_hash: str) -> list[Break]:
    found = []
    if entry.sequence > expected_sequence:
        gap = (
            f"entry {expected_sequence}"
            if entry.sequence == expected_sequence + 1
            else f"entries {expected_sequence} to {entry.sequence - 1}"
        )
        found.append(Break(expected_sequence, f"missing: {gap} deleted"))
    if entry.previous_hash != previous_hash:
        found.append(
            Break(entry.sequence, "its link to the entry before it does not match (re-linked)")
        )
    if entry_hash(entry) != entry.hash:
        found.append(Break(entry.sequence, "changed since it was written: its hash does not match"))
    return found


def retention_cutoff() -> datetime:
    """The earliest moment an entry must still be kept."""
    return timezone.now() - timedelta(days=settings.HOMEWARD_AUDIT_RETENTION_DAYS)


class PruneRefused(Exception):
    pass


def audit_prune(*, before: datetime, by=None) -> AuditAnchor | None:
    """Delete entries written before `before`, leaving an anchor so the rest still verifies.

    Refuses a date inside the retention period, and refuses to prune a chain that does not
    verify. Returns the new anchor, or None when there was nothing to prune.
    """
    cutoff = retention_cutoff()
    if before > cutoff:
        raise PruneRefused(
            TOO_RECENT.format(days=settings.HOMEWARD_AUDIT_RETENTION_DAYS, cutoff=cutoff)
        )
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(pk=1).first()
        if audit_verify().breaks:
            raise PruneRefused(CHAIN_BROKEN)
        last = AuditEntry.objects.filter(at__lt=before).order_by("-sequence").first()
        if last is None:
            return None
        count = AuditEntry.objects.filter(sequence__lte=last.sequence).count()
        _delete_through(last.sequence)
        anchor = AuditAnchor.objects.create(
            pruned_before=before, last_sequence=last.sequence, last_hash=last.hash, count=count
        )
        from homeward.audit.services import audit_record

        audit_record(
            user=by,
            action=Action.PRUNE,
            details={
                "before": before.isoformat(),
                "through_sequence": last.sequence,
                "through_hash": last.hash,
                "count": count,
            },
        )
    return anchor


def _delete_through(sequence: int) -> None:
    # The only delete the audit log allows, so it bypasses the ORM's refusal on purpose.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending deferred checks on rows written earlier in this transaction would stop
            # PostgreSQL altering the table; run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_append_only")
        # The table name comes from the model and is quoted; the sequence is a parameter.
        cursor.execute(f"DELETE FROM {table} WHERE sequence <= %s", [sequence])  # nosec B608
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
