"""`homeward load-register FILE.csv`: homes' notices of admission and discharge."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.borders.csvfile import FileRejected
from homeward.borders.register_file import register_load
from homeward.councils.installation import installation_council

NOTHING_LOADED = "Nothing was loaded: {count} problem(s). Correct them and load the file again."


class Command(BaseCommand):
    help = (
        "Load children's homes' notices of admission and discharge (regulation 41) onto the "
        "placed-in register: all of the file or nothing (columns in docs/borders.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file of notices")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            loaded = register_load(data=data, name=file.name, council=installation_council())
        except FileRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(NOTHING_LOADED.format(count=len(rejected.problems))) from None
        self.stdout.write(self.style.SUCCESS(str(loaded)))
