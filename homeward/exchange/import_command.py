"""What the import commands share (import-bundle, import-ssd, import-903): their options,
who may run them as whom, and how they print a refusal and a summary."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.access.rules import CREATE_CHILD, may
from homeward.councils.models import Council
from homeward.exchange import bundle_local
from homeward.exchange.bundle_import import (
    DEFAULT_MAX_PROBLEMS,
    UNKNOWN_COUNCIL,
    BundleProblem,
    BundleRejected,
    ProblemList,
)
from homeward.exchange.bundle_summary import summary_lines
from homeward.exchange.translated import import_translation, summary_lines_for

NOT_AN_IMPORTER = (
    "{by} may not import records: their role cannot record children. "
    "Name a missing children coordinator or an administrator with --by."
)


class ImportCommand(BaseCommand):
    """An import command: `run` imports the folder and returns the summary's lines (the
    last one said as a success), or raises BundleRejected."""

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
            for problem in self.listed(rejected.problems):
                self.stderr.write(str(problem))
            more = rejected.problems.total - len(rejected.problems.kept)
            if more:
                self.stderr.write(f"… and {more} more problem(s) not listed (see --max-problems).")
            if rejected.local_changes:
                self.stderr.write(bundle_local.CHOOSE.format(rows=rejected.local_changes))
            raise CommandError(
                f"Nothing was imported: {rejected.problems.total} problem(s) in {folder}. "
                f"Correct them and import {self.whole} again."
            ) from None
        for line in lines[:-1]:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(lines[-1]))

    whole = "all the files"  # what the council imports again after a refusal

    def listed(self, problems) -> list:
        """The problems in the order they are printed (a translation keeps its own)."""
        return problems.kept


def council_or_refuse(code: str) -> Council:
    """The council with that DfE code, or the import refused for its lack."""
    council = Council.objects.filter(code=code).first()
    if council is None:
        problems = ProblemList()
        problems.add("", 0, "--council", UNKNOWN_COUNCIL.format(code=code))
        raise BundleRejected(problems)
    return council


# A summary line about one row of the bundle: a row set aside, kept or overwritten.
ROW_LINE = re.compile(
    r"^(?P<file>[a-z]+\.csv), row (?P<row>\d+)(?:, (?P<column>\w+))?: (?P<rest>.*)$"
)


def import_translated(translation, *, council_code: str, folder: str, user, options, also=None):
    """Import a translated source as the command's options say (translated.py)."""
    return import_translation(
        translation,
        council_code=council_code,
        folder=folder,
        by=user,
        max_problems=options["max_problems"],
        local_changes=options["local_changes"],
        also=also,
    )


def bundle_lines(result) -> list[str]:
    """What a bundle import read differently, left out and set aside, and its summary."""
    lines = []
    if result.ignored_files:
        lines.append(f"Not read (not bundle files): {', '.join(result.ignored_files)}")
    for file, notes in result.read_notes.items():
        lines += [f"{file}: {note}" for note in notes]
    for file, columns in result.ignored_columns.items():
        lines.append(f"{file}: ignored column(s) Homeward does not know: {', '.join(columns)}")
    return lines + result.set_aside + summary_lines(result)


def result_lines(translation, result, folder: str) -> list[str]:
    """The bundle import's summary of a translated import, as the command prints it, each
    line about a row of the bundle naming the source's file, row and column instead."""
    lines = [_located(translation, line) for line in bundle_lines(result)]
    imported = f"Imported {folder} for {result.council}."
    return summary_lines_for(translation, result, lines) + [imported]


def _located(translation, line: str) -> str:
    found = ROW_LINE.match(line)
    if found is None or found["file"] not in translation.origins:
        return line
    problem = BundleProblem(found["file"], int(found["row"]), found["column"] or "", found["rest"])
    return str(translation.locate(problem))
