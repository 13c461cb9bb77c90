from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.import_command import ImportCommand, bundle_lines


class Command(ImportCommand):
    help = "Import a data bundle (a folder of CSV files, docs/bundle.md): all of it or nothing."
    whole = "the whole bundle"

    def listed(self, problems) -> list:
        return problems.in_order()  # by file, in the bundle's order, then row

    def run(self, folder, council_code, user, options):
        result = import_bundle(
            folder,
            council_code=council_code,
            by=user,
            max_problems=options["max_problems"],
            local_changes=options["local_changes"],
        )
        return bundle_lines(result) + [f"Imported {folder} for {result.council}."]
