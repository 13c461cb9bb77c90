"""`homeward load-contacts FILE.csv`: the councils' missing-children contacts directory."""

from homeward.borders.directory import contacts_load
from homeward.borders.management.loading import LoadCommand


class Command(LoadCommand):
    help = (
        "Load councils' contacts (columns council_code, purpose (missing|out_of_hours|iro), "
        "email, name) into the directory: all of the file or nothing (docs/borders.md)."
    )
    file_help = "the CSV file of contacts"

    def load(self, *, data: bytes, name: str):
        return contacts_load(data=data, name=name)
