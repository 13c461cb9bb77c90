"""`homeward load-host-notices FILE.csv`: host councils' notifications that our children
placed in their areas went missing."""

from homeward.borders.elsewhere_file import elsewhere_load
from homeward.borders.management.loading import LoadCommand
from homeward.children.models import Child
from homeward.councils.installation import installation_council


class Command(LoadCommand):
    help = (
        "Record host councils' notifications that this council's children went missing in "
        "their areas, as episodes elsewhere: all of the file or nothing (columns in "
        "docs/borders.md)."
    )
    file_help = "the CSV file of host councils' notifications"

    def load(self, *, data: bytes, name: str):
        children = Child.objects.filter(council=installation_council())
        return elsewhere_load(data=data, name=name, children=children)
