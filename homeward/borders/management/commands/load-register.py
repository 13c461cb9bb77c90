"""`homeward load-register FILE.csv`: homes' notices of admission and discharge."""

from homeward.borders.management.loading import LoadCommand
from homeward.borders.register_file import register_load
from homeward.councils.installation import installation_council


class Command(LoadCommand):
    help = (
        "Load children's homes' notices of admission and discharge (regulation 41) onto the "
        "placed-in register: all of the file or nothing (columns in docs/borders.md)."
    )
    file_help = "the CSV file of notices"

    def load(self, *, data: bytes, name: str):
        return register_load(data=data, name=name, council=installation_council())
