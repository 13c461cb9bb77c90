from pathlib import Path

from homeward.exchange import ssda903_import
from homeward.exchange.import_command import (
    ImportCommand,
    council_or_refuse,
    import_translated,
    result_lines,
)


class Command(ImportCommand):
    help = (
        "Import a year's SSDA903 tables in the DfE's CSV layout (header.csv, episodes.csv, "
        "missing.csv; docs/returns.md): all of them or nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--year",
            type=int,
            required=True,
            help="The collection year, as the DfE names it: 2025 is 1 April 2024 to 31 March 2025.",
        )

    def run(self, folder, council_code, user, options):
        council = council_or_refuse(council_code)
        path = Path(folder)
        translation = ssda903_import.translate(path, council_id=council.pk, year=options["year"])
        result = import_translated(
            translation,
            council_code=council_code,
            folder=str(path),
            user=user,
            options=options,
        )
        return result_lines(translation, result, folder)
