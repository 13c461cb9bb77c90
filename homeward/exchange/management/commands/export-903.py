"""`homeward export-903 DIR --year YYYY [--council CODE]`: the SSDA903 Missing table."""

from django.core.management.base import BaseCommand, CommandError

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.exchange.command_council import council_from_option
from homeward.exchange.ssda903 import ReturnRefused, collection_year, write_903

REFUSED = (
    "Nothing was written: {count} record(s) must be fixed before the SSDA903 return for "
    "{span} can pass the DfE's checks. Fix each, then export again:\n{lines}"
)


def refusal_lines(fixes) -> str:
    """The records to fix, one a line, each with the page it is corrected on."""
    return "\n".join(f"- {fix.record} ({fix.link}): {fix.message}" for fix in fixes)


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Missing table (missing.csv) with the header.csv and episodes.csv it "
        "is checked against, for the collection year ending 31 March YYYY (docs/returns.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--year", type=int, required=True, help="the year the collection year ends (2025)"
        )
        parser.add_argument("--council", help="DfE code of the council (default: this one)")

    def handle(self, folder, year, council, **options):
        found = council_from_option(council)
        span = collection_year(year)
        words = f"1 April {span.first.year} to 31 March {span.last.year}"
        try:
            written = write_903(folder, council=found, year=year)
        except ReturnRefused as refused:
            lines = refusal_lines(refused.fixes)
            raise CommandError(
                REFUSED.format(count=len(refused.fixes), span=words, lines=lines)
            ) from None
        audit_record(
            action=Action.EXPORT,
            label=f"SSDA903 missing table {year}",
            details={
                "command": "export-903",
                "folder": str(folder),
                "council": found.code,
                "year": year,
                "rows": written,
            },
        )
        for file, rows in written.items():
            self.stdout.write(f"{file}: {rows} rows")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote the SSDA903 return of {found} for {words} to {folder}.")
        )
