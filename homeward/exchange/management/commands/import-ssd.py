from pathlib import Path

from django.utils import timezone

from homeward.exchange import ssd
from homeward.exchange.import_command import (
    ImportCommand,
    council_or_refuse,
    import_translated,
    result_lines,
)
from homeward.exchange.translated import NOTHING_CHANGED


class Command(ImportCommand):
    help = (
        "Import the Standard Safeguarding Dataset's tables, exported as CSV files named as "
        "the SSD names them (docs/ssd.md): all of them or nothing."
    )

    def run(self, folder, council_code, user, options):
        council = council_or_refuse(council_code)
        path = Path(folder)
        today = timezone.localdate()
        translation = ssd.translate(path, council_id=council.pk, today=today)
        found = ssd.involvements(path, translation, today) if path.is_dir() else []
        ssd.check_allocations(found, translation, council_id=council.pk)
        allocated = []

        def allocate(result) -> None:
            allocated.append(ssd.allocate(found, council_id=council.pk, by=user))

        result = import_translated(
            translation,
            council_code=council_code,
            folder=str(path),
            user=user,
            options=options,
            also=allocate,
        )
        *lines, imported = result_lines(translation, result, folder)
        if found:
            done = allocated[0]
            nothing = NOTHING_CHANGED.format(source=translation.source)
            if done.created or done.updated:
                lines = [line for line in lines if line != nothing]
            lines.insert(lines.index(nothing) if nothing in lines else len(lines), done.line())
        return [*lines, imported]
