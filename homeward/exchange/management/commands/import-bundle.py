from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.access.rules import CREATE_CHILD, may
from homeward.exchange import bundle_local
from homeward.exchange.bundle_import import DEFAULT_MAX_PROBLEMS, BundleRejected, import_bundle
from homeward.exchange.bundle_summary import summary_lines

NOT_AN_IMPORTER = (
    "{by} may not import records: their role cannot record children. "
    "Name a missing children coordinator or an administrator with --by."
)


class Command(BaseCommand):
    help = "Import a data bundle (a folder of CSV files, docs/bundle.md): all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--council", help="DfE code of the council the rows belong to.")
        parser.add_argument("--by", help="Username recorded as having made the change.")
        parser.add_argument(
            "--max-problems",
            type=int,
            default=DEFAULT_MAX_PROBLEMS,
            help="How many problems to list when the bundle is refused (0: all).",
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
            help="Let the bundle replace changes made in Homeward since the last import, "
            "listing each one overwritten.",
        )

    def handle(self, folder, council, by, max_problems, local_changes, **options):
        from django.conf import settings

        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"There is no user called '{by}'.")
            if not may(user, CREATE_CHILD):
                raise CommandError(NOT_AN_IMPORTER.format(by=by))
        try:
            result = import_bundle(
                folder,
                council_code=council or settings.HOMEWARD_COUNCIL,
                by=user,
                max_problems=max_problems,
                local_changes=local_changes or bundle_local.REFUSE,
            )
        except BundleRejected as rejected:
            for problem in rejected.problems.in_order():
                self.stderr.write(str(problem))
            listed = len(rejected.problems.kept)
            more = rejected.problems.total - listed
            if more:
                self.stderr.write(f"… and {more} more problem(s) not listed (see --max-problems).")
            if rejected.local_changes:
                self.stderr.write(bundle_local.CHOOSE.format(rows=rejected.local_changes))
            raise CommandError(
                f"Nothing was imported: {rejected.problems.total} problem(s) in {folder}. "
                "Correct them and import the whole bundle again."
            ) from None
        if result.ignored_files:
            names = ", ".join(result.ignored_files)
            self.stdout.write(f"Not read (not bundle files): {names}")
        for file, notes in result.read_notes.items():
            for note in notes:
                self.stdout.write(f"{file}: {note}")
        for file, columns in result.ignored_columns.items():
            self.stdout.write(
                f"{file}: ignored column(s) Homeward does not know: {', '.join(columns)}"
            )
        for line in result.set_aside:
            self.stdout.write(line)
        for line in summary_lines(result):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {folder} for {result.council}."))
