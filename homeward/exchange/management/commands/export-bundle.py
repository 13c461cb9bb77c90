from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.councils.models import Council
from homeward.exchange.bundle_export import export_bundle


class Command(BaseCommand):
    help = "Write a council's records as a data bundle (a folder of CSV files, docs/bundle.md)."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--council", help="DfE code of the council to export.")

    def handle(self, folder, council, **options):
        code = council or settings.HOMEWARD_COUNCIL
        found = Council.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"There is no council with code '{code}'.")
        written = export_bundle(folder, council=found)
        audit_record(
            action=Action.EXPORT,
            details={
                "command": "export-bundle",
                "folder": str(folder),
                "council": code,
                "rows": written,
            },
        )
        for file, rows in written.items():
            self.stdout.write(f"{file}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Exported {found} to {folder}."))
