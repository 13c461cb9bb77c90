"""`homeward audit verify [--expect-head SEQ:HASH]`, `homeward audit head` and
`homeward audit prune [--before DATE]`."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.audit.chain import head_seal, sealed
from homeward.audit.integrity import (
    PruneRefused,
    audit_prune,
    audit_verify,
    expected_head_check,
    parse_head,
    retention_cutoff,
)
from homeward.audit.models import AuditHead


class Command(BaseCommand):
    help = "Check the audit log's hash chain, or prune entries past the retention period."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="subcommand", required=True)
        verify = actions.add_parser(
            "verify", help="Report every edited, deleted or re-linked entry."
        )
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="A head printed earlier by `homeward audit head` and kept where the "
            "database's administrators cannot change it: the chain must still hold it.",
        )
        actions.add_parser(
            "head",
            help="Print the chain's current head (SEQ:HASH), to copy somewhere off this server.",
        )
        prune = actions.add_parser("prune", help="Delete entries older than the retention period.")
        prune.add_argument(
            "--before",
            type=date.fromisoformat,
            help="Delete entries written before this date (YYYY-MM-DD); default: the "
            "retention cut-off (HOMEWARD_AUDIT_RETENTION_DAYS ago).",
        )

    def handle(self, subcommand, **options):
        if subcommand == "verify":
            self.verify(options["expect_head"])
        elif subcommand == "head":
            self.head()
        else:
            self.prune(options["before"])

    def verify(self, expect_head: str | None):
        expected = None
        if expect_head:
            try:
                expected = parse_head(expect_head)
            except ValueError as wrong:
                raise CommandError(str(wrong)) from None
        result = audit_verify()
        breaks, said = list(result.breaks), ""
        if expected is not None:
            more, said = expected_head_check(*expected)
            breaks += more
        for found in breaks:
            self.stderr.write(str(found))
        if breaks:
            raise CommandError(
                f"The audit log does not verify: {len(breaks)} problem(s) in "
                f"{result.checked} entries. Treat this as a security incident."
            )
        if not result.checked:
            self.stdout.write("The audit log is empty.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit log verifies: {result.checked} entries, "
                f"{result.first_sequence} to {result.last_sequence}."
            )
        )
        # Kept somewhere else (a ticket, the council's log store), this shows later that
        # the whole log was not rewritten from the start.
        self.stdout.write(f"Last entry {result.last_sequence}: {result.last_hash}")
        if said:
            self.stdout.write(said)

    def head(self):
        head = AuditHead.objects.filter(pk=1).first()
        if head is None or head.last_sequence == 0:
            self.stdout.write("The audit log is empty: there is no head to copy yet.")
            return
        if not sealed(
            head.signature, head_seal(head.last_sequence, head.last_hash, head.recreated_at)
        ):
            raise CommandError(
                "The audit chain's head is not sealed with the audit key: do not copy it. "
                "Run `homeward audit verify` and treat this as a security incident."
            )
        self.stdout.write(
            "The audit chain's head, sealed by Homeward. Keep a copy where the database's "
            "administrators cannot change it (a ticket, the council's log store); later, "
            "`homeward audit verify --expect-head` with it shows that no entry up to it was "
            "cut or rewritten:"
        )
        self.stdout.write(f"{head.last_sequence}:{head.last_hash}")

    def prune(self, before: date | None):
        moment = (
            timezone.make_aware(datetime.combine(before, time.min))
            if before
            else retention_cutoff()
        )
        try:
            anchor = audit_prune(before=moment)
        except PruneRefused as refused:
            raise CommandError(str(refused)) from None
        if anchor is None:
            self.stdout.write(f"No audit entries before {moment:%Y-%m-%d %H:%M}: nothing pruned.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Pruned {anchor.count} entries, up to entry {anchor.last_sequence} "
                f"(hash {anchor.last_hash}); the rest of the chain starts from it."
            )
        )
