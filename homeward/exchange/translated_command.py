"""What the commands that import another system's files share (import-ssd, import-903): the
same options, people and output as import-bundle, the problems named in the source's files."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.access.rules import CREATE_CHILD, may
from homeward.exchange import bundle_local
from homeward.exchange.bundle_import import DEFAULT_MAX_PROBLEMS, BundleProblem, BundleRejected
from homeward.exchange.bundle_summary import summary_lines
from homeward.exchange.translated import summary_lines_for

NOT_AN_IMPORTER = (
    "{by} may not import records: their role cannot record children. "
    "Name a missing children coordinator or an administrator with --by."
)


class TranslatedImportCommand(BaseCommand):
    """An import command: `run` imports the folder and returns the summary's lines, or
    raises BundleRejected."""

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--council", help="DfE code of the council the rows belong to.")
        parser.add_argument("--by", help="Username recorded as having made the change.")
        parser.add_argument(
            "--max-problems",
            type=int,
            default=DEFAULT_MAX_PROBLEMS,
            help="How many problems to list when the files are refused (0: all).",
        )
        local = parser.add_mutually_exclusive_group()
        local.add_argument(
            "--keep-local-changes",
            action="store_const",
            dest="local_changes",
            const=bundle_local.KEEP,
            help="Leave records changed in Homeward since their last import as they are, "
            "import everything else, and list each row not applied.",
        )
        local.add_argument(
            "--overwrite-local-changes",
            action="store_const",
            dest="local_changes",
            const=bundle_local.OVERWRITE,
            help="Let the files replace changes made in Homeward since the last import, "
            "listing each one overwritten.",
        )

    def run(self, folder: str, council_code: str, user, options) -> list[str]:
        raise NotImplementedError

    def handle(self, folder, council, by, **options):
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"There is no user called '{by}'.")
            if not may(user, CREATE_CHILD):
                raise CommandError(NOT_AN_IMPORTER.format(by=by))
        options["local_changes"] = options.get("local_changes") or bundle_local.REFUSE
        try:
            lines = self.run(folder, council or settings.HOMEWARD_COUNCIL, user, options)
        except BundleRejected as rejected:
            for problem in rejected.problems.kept:
                self.stderr.write(str(problem))
            more = rejected.problems.total - len(rejected.problems.kept)
            if more:
                self.stderr.write(f"… and {more} more problem(s) not listed (see --max-problems).")
            if rejected.local_changes:
                self.stderr.write(bundle_local.CHOOSE.format(rows=rejected.local_changes))
            raise CommandError(
                f"Nothing was imported: {rejected.problems.total} problem(s) in {folder}. "
                "Correct them and import all the files again."
            ) from None
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {folder}."))


# A summary line about one row of the bundle: a row set aside, kept or overwritten.
ROW_LINE = re.compile(
    r"^(?P<file>[a-z]+\.csv), row (?P<row>\d+)(?:, (?P<column>\w+))?: (?P<rest>.*)$"
)


def result_lines(translation, result) -> list[str]:
    """The bundle import's summary of a translated import, as the command prints it, each
    line about a row of the bundle naming the source's file, row and column instead."""
    lines = []
    for file, notes in result.read_notes.items():
        lines += [f"{file}: {note}" for note in notes]
    lines += result.set_aside
    lines = [_located(translation, line) for line in lines + summary_lines(result)]
    return summary_lines_for(translation, result, lines)


def _located(translation, line: str) -> str:
    found = ROW_LINE.match(line)
    if found is None or found["file"] not in translation.origins:
        return line
    problem = BundleProblem(found["file"], int(found["row"]), found["column"] or "", found["rest"])
    return str(translation.locate(problem))
