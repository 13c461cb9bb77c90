from pathlib import Path

from homeward.councils.models import Council
from homeward.exchange import ssda903_import
from homeward.exchange.bundle_import import UNKNOWN_COUNCIL, BundleRejected, ProblemList
from homeward.exchange.translated import import_translation
from homeward.exchange.translated_command import TranslatedImportCommand, result_lines


class Command(TranslatedImportCommand):
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
        council = Council.objects.filter(code=council_code).first()
        if council is None:
            problems = ProblemList()
            problems.add("", 0, "--council", UNKNOWN_COUNCIL.format(code=council_code))
            raise BundleRejected(problems)
        path = Path(folder)
        translation = ssda903_import.translate(path, council_id=council.pk, year=options["year"])
        result = import_translation(
            translation,
            council_code=council_code,
            folder=str(path),
            by=user,
            max_problems=options["max_problems"],
            local_changes=options["local_changes"],
        )
        return result_lines(translation, result)
