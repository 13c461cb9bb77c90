"""`homeward data-quality [--council CODE] [--year YYYY] [--csv]`: the records to fix before a
clean return, as the Data quality page lists them (docs/returns.md, "Data quality")."""

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.exchange.command_council import council_from_option
from homeward.exchange.downloads import neutralised
from homeward.exchange.ssda903 import collection_year
from homeward.reports.data_quality import CHECKS, by_check, data_quality
from homeward.reports.forms import FIRST_903_YEAR, latest_collection_year

CSV_COLUMNS = ("check", "record", "id", "link", "what to fix")
TOO_EARLY = "--year must be {first} or later (the DfE's current layout began in 2022/23)."


class Command(BaseCommand):
    help = (
        "List what stands between the council's records and a clean SSDA903 return and Annex "
        "A for a collection year: each check, its count, and each record to fix with the page "
        "it is fixed on (--csv: one row a record)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", help="DfE code of the council (default: this one)")
        parser.add_argument(
            "--year",
            type=int,
            help="the year the collection year ends (default: the one under way)",
        )
        parser.add_argument(
            "--csv", action="store_true", dest="as_csv", help="write CSV, one row a record"
        )

    def handle(self, council, year, as_csv, **options):
        found = council_from_option(council)
        year = year or latest_collection_year(timezone.localdate())
        if year < FIRST_903_YEAR:
            raise CommandError(TOO_EARLY.format(first=FIRST_903_YEAR))
        rows = data_quality(council=found, year=year, now=timezone.now())
        audit_record(
            action=Action.EXPORT,
            label=f"data quality {year}",
            details={"command": "data-quality", "council": found.code, "year": year}
            | {"rows": len(rows)},
        )
        if as_csv:
            self._csv(rows)
        else:
            self._lines(rows, found, year)

    def _csv(self, rows) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            cells = (row.check, row.kind, row.local_id, row.link, row.sentence)
            writer.writerow([neutralised(cell) for cell in cells])
        self.stdout.write(out.getvalue(), ending="")

    def _lines(self, rows, council, year: int) -> None:
        span = collection_year(year)
        self.stdout.write(
            f"Data quality of {council} for 1 April {span.first.year} to 31 March "
            f"{span.last.year}: {len(rows)} record(s) to fix."
        )
        for check, lines in by_check(rows):
            self.stdout.write(f"\n{CHECKS[check]} ({len(lines)})")
            for row in lines:
                self.stdout.write(f"- {row.kind} {row.local_id} ({row.link}): {row.sentence}")
