"""`homeward export-annex-a FILE.xlsx --as-at DATE [--council CODE]`: Ofsted's Annex A List 8."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.exchange.annex_a import write_annex_a
from homeward.exchange.command_council import council_from_option


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date. Write it as YYYY-MM-DD, for example 2024-03-31."
        ) from None


class Command(BaseCommand):
    help = (
        "Write Ofsted's ILACS Annex A List 8 (children in care) as an Excel workbook, as at a "
        "date: one row a child looked after in the 12 months to it (docs/returns.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--as-at", dest="as_at", type=_day, required=True)
        parser.add_argument("--council", help="DfE code of the council (default: this one)")

    def handle(self, file, as_at, council, **options):
        found = council_from_option(council)
        rows = write_annex_a(file, council=found, as_at=as_at)
        audit_record(
            action=Action.EXPORT,
            label=f"Annex A list 8 as at {as_at}",
            details={
                "command": "export-annex-a",
                "file": str(file),
                "council": found.code,
                "as_at": as_at.isoformat(),
                "rows": rows,
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote Annex A List 8 of {found} as at {as_at:%-d %B %Y} to {file}: "
                f"{rows} children looked after in the 12 months to then."
            )
        )
