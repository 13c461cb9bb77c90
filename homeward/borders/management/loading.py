"""What `load-contacts` and `load-register` share: read a file, load it all or nothing, and
say what was done or every problem."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.borders.csvfile import FileRejected

NOTHING_LOADED = "Nothing was loaded: {count} problem(s). Correct them and load the file again."


class LoadCommand(BaseCommand):
    file_help = "the CSV file"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=self.file_help)

    def load(self, *, data: bytes, name: str) -> object:
        """Load the file's bytes; what is returned says what was done."""
        raise NotImplementedError

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            loaded = self.load(data=data, name=file.name)
        except FileRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(NOTHING_LOADED.format(count=len(rejected.problems))) from None
        self.stdout.write(self.style.SUCCESS(str(loaded)))
