"""`homeward load-contacts FILE.csv`: the councils' missing-children contacts directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.borders.csvfile import FileRejected
from homeward.borders.directory import contacts_load

NOTHING_LOADED = "Nothing was loaded: {count} problem(s). Correct them and load the file again."


class Command(BaseCommand):
    help = (
        "Load councils' contacts (columns council_code, purpose (missing|out_of_hours|iro), "
        "email, name) into the directory: all of the file or nothing (docs/borders.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file of contacts")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            loaded = contacts_load(data=data, name=file.name)
        except FileRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(NOTHING_LOADED.format(count=len(rejected.problems))) from None
        self.stdout.write(self.style.SUCCESS(str(loaded)))
