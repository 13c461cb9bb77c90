"""`homeward load-population-by-ethnicity FILE.csv --source TEXT [--council CODE]`."""

from django.conf import settings
from django.core.management.base import CommandError

from homeward.benchmarks.ethnicity import population_load
from homeward.borders.management.loading import LoadCommand
from homeward.councils.models import Council

UNKNOWN_COUNCIL = (
    "There is no council with code '{code}'. Give the council's DfE three-digit code, for "
    "example --council 931 for Oxfordshire. Nothing was loaded."
)


class Command(LoadCommand):
    help = (
        "Load the council's population aged 0-17 by DfE major ethnic group (columns "
        "ethnic_group (white, mixed, asian, black, other) and population_0_17, all five groups), "
        "e.g. from Census 2021, for the committee paper's ethnicity analysis: all of the file "
        "or nothing; it replaces the council's figures (docs/benchmarks.md)."
    )
    file_help = "the CSV file of the population by ethnic group"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--source",
            required=True,
            help="where the figures come from, as the paper cites them "
            "(e.g. 'Census 2021, ONS table TS021')",
        )
        parser.add_argument(
            "--council", help="the council's DfE code (this installation's by default)"
        )

    def handle(self, *args, source: str, council: str | None, **options):
        self.source, self.council = source, council or settings.HOMEWARD_COUNCIL
        if not Council.objects.filter(code=self.council).exists():
            raise CommandError(UNKNOWN_COUNCIL.format(code=self.council))
        super().handle(*args, **options)

    def load(self, *, data: bytes, name: str):
        return population_load(data=data, name=name, council_code=self.council, source=self.source)
