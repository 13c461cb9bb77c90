"""Checking the audit chain, and pruning it past retention without breaking it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from homeward.audit.chain import anchor_seal, entry_hash, head_seal, sealed
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
    """Recompute every hash and link; list each edited, missing or re-linked entry.

    Also proves the chain's two ends: the anchor it starts from (after a prune) and the head
    it ends at must carry seals made with the audit key, which the database does not hold.
    """
    anchor = AuditAnchor.objects.order_by("-last_sequence").first()
    expected_sequence = anchor.last_sequence + 1 if anchor else 1
    previous_hash = anchor.last_hash if anchor else AuditHead().last_hash
    breaks: list[Break] = _check_anchor(anchor) if anchor else []
    checked, first = 0, None
    head = AuditHead.objects.filter(pk=1).first()
    head_at = head.last_sequence if head is not None else None
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=CHUNK):
        first = entry.sequence if first is None else first
        breaks += _check(entry, expected_sequence, previous_hash)
        if head_at is not None and entry.sequence > head_at:
            breaks.append(
                Break(
                    entry.sequence,
                    f"written after the chain's head (entry {head_at}), not by Homeward",
                )
            )
        expected_sequence, previous_hash = entry.sequence + 1, entry.hash
        checked += 1
    last = expected_sequence - 1 if checked else None
    breaks += _check_head(head, expected_sequence, previous_hash, written=bool(checked or anchor))
    return Verified(checked, first, last, previous_hash, breaks)


def _check_anchor(anchor: AuditAnchor) -> list[Break]:
    if sealed(anchor.signature, anchor_seal(anchor.last_sequence, anchor.last_hash)):
        return []
    return [
        Break(
            anchor.last_sequence,
            f"the anchor the chain starts from (entries up to {anchor.last_sequence} pruned) is "
            "not sealed with the audit key, so `homeward audit prune` did not write it: entries "
            "were deleted from the start",
        )
    ]


def _check_head(head, expected_sequence: int, last_hash: str, *, written: bool) -> list[Break]:
    """The head must be sealed, and be the chain's last entry."""
    last = expected_sequence - 1
    if head is None:
        if not written:
            return []
        return [
            Break(
                last,
                "the chain's head record is missing, so whether entries were cut from the end "
                "cannot be checked",
            )
        ]
    found = []
    if not sealed(head.signature, head_seal(head.last_sequence, head.last_hash, head.recreated_at)):
        found.append(
            Break(
                head.last_sequence,
                f"the chain's head (entry {head.last_sequence}) is not sealed with the audit key, "
                "so Homeward did not write it: entries were cut from the end and the head rewound",
            )
        )
    if head.recreated_at is not None:
        found.append(
            Break(
                head.recreated_at,
                f"the chain's head was found deleted and was made again from entry "
                f"{head.recreated_at}: entries after it may have been cut from the end",
            )
        )
    if head.last_sequence >= expected_sequence:
        found.append(
            Break(
                expected_sequence,
                f"missing: the log ends at entry {last} but entries up to "
                f"{head.last_sequence} were written (deleted from the end)",
            )
        )
    elif head.last_sequence == last and head.last_hash != last_hash and written:
        found.append(Break(last, "the chain's head does not match its last entry"))
    return found


NOT_A_HEAD = (
    "--expect-head takes the head as `homeward audit head` printed it, SEQUENCE:HASH "
    "(for example 1234:9f86d081…), not {given!r}."
)


def parse_head(text: str) -> tuple[int, str]:
    """A head copied from `homeward audit head`: (sequence, hash); ValueError with a sentence."""
    sequence, _, hash_ = text.strip().partition(":")
    if not sequence.isdigit() or len(hash_) != 64:
        raise ValueError(NOT_A_HEAD.format(given=text))
    return int(sequence), hash_.lower()


def expected_head_check(sequence: int, hash_: str) -> tuple[list[Break], str]:
    """Whether the chain still holds a head copied earlier: (breaks, what was found)."""
    entry = AuditEntry.objects.filter(sequence=sequence).first()
    if entry is not None:
        if entry.hash == hash_:
            return [], f"The chain still holds the head copied earlier (entry {sequence})."
        return [
            Break(sequence, "its hash is not the one copied earlier: the chain was rewritten")
        ], ""
    anchor = (
        AuditAnchor.objects.filter(last_sequence__gte=sequence).order_by("last_sequence").first()
    )
    if anchor is not None:
        if anchor.last_sequence == sequence and anchor.last_hash != hash_:
            return [Break(sequence, "the anchor's hash is not the one copied earlier")], ""
        return [], (
            f"Entry {sequence}, the head copied earlier, has since been pruned (entries up to "
            f"{anchor.last_sequence}); copy the current head (`homeward audit head`) instead."
        )
    return [
        Break(
            sequence,
            f"missing: the head copied earlier (entry {sequence}, {hash_[:12]}…) is no longer "
            "in the chain: entries were cut from the end",
        )
    ], ""


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
            pruned_before=before,
            last_sequence=last.sequence,
            last_hash=last.hash,
            count=count,
            signature=anchor_seal(last.sequence, last.hash),
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
