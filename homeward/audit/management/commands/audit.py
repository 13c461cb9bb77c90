"""`homeward audit verify` and `homeward audit prune [--before DATE]`."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.audit.integrity import PruneRefused, audit_prune, audit_verify, retention_cutoff


class Command(BaseCommand):
    help = "Check the audit log's hash chain, or prune entries past the retention period."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="subcommand", required=True)
        actions.add_parser("verify", help="Report every edited, deleted or re-linked entry.")
        prune = actions.add_parser("prune", help="Delete entries older than the retention period.")
        prune.add_argument(
            "--before",
            type=date.fromisoformat,
            help="Delete entries written before this date (YYYY-MM-DD); default: the "
            "retention cut-off (HOMEWARD_AUDIT_RETENTION_DAYS ago).",
        )

    def handle(self, subcommand, **options):
        if subcommand == "verify":
            self.verify()
        else:
            self.prune(options["before"])

    def verify(self):
        result = audit_verify()
        for found in result.breaks:
            self.stderr.write(str(found))
        if result.breaks:
            raise CommandError(
                f"The audit log does not verify: {len(result.breaks)} problem(s) in "
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
