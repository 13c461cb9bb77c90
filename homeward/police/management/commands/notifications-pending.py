"""`homeward notifications-pending`: the review queue, for a person or (with --csv) a program
checking Homeward's links from outside."""

import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.councils.models import Council
from homeward.exchange.cells import guard_formula
from homeward.police.pending import HEADER, pending_notifications

NO_COUNCIL = "There is no council with code '{code}'. Use the DfE three-digit code, like 931."
NOTHING_WAITING = "No notification of {council} is waiting for review."
WAITING = "{count} notification{s} of {council} waiting for review, the longest waiting first."
TITLES = (
    "Police reference",
    "Force",
    "Received",
    "First name",
    "Last name",
    "Born",
    "Candidates (child: score)",
)


class Command(BaseCommand):
    help = (
        "Print the police notifications waiting for review, the longest waiting first, with "
        "the children each might be (child id: score, best first). --csv writes "
        "police_ref, force, received_at, first_name, last_name, date_of_birth, candidates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--council", help="DfE code of the council (default: HOMEWARD_COUNCIL)."
        )
        parser.add_argument(
            "--csv", dest="as_csv", action="store_true", help="Write CSV to standard output."
        )

    def handle(self, *, council, as_csv: bool, **options):
        code = council or settings.HOMEWARD_COUNCIL
        place = Council.objects.filter(code=code).first()
        if place is None:
            raise CommandError(NO_COUNCIL.format(code=code))
        rows = pending_notifications(council=place)
        # Children's names leave Homeward: the read is audited, as an export is.
        audit_record(
            action=Action.EXPORT,
            details={"command": "notifications-pending", "council": code, "rows": len(rows)},
        )
        if as_csv:
            self._csv(rows)
        else:
            self._table(rows, place)

    def _csv(self, rows) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([guard_formula(cell) for cell in row.cells()])

    def _table(self, rows, place) -> None:
        if not rows:
            self.stdout.write(NOTHING_WAITING.format(council=place))
            return
        s = "" if len(rows) == 1 else "s"
        self.stdout.write(WAITING.format(count=len(rows), s=s, council=place))
        lines = [TITLES] + [_readable(row) for row in rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(TITLES))]
        for line in lines:
            cells = (cell.ljust(w) for cell, w in zip(line, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())


def _readable(row) -> tuple[str, ...]:
    received = row.cells()[2]
    candidates = ", ".join(f"{ref}: {score:.3f}" for ref, score in row.candidates)
    return (
        row.police_ref,
        row.force,
        received[:16].replace("T", " "),
        row.first_name,
        row.last_name,
        row.date_of_birth,
        candidates or "none",
    )
