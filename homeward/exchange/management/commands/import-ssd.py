from pathlib import Path

from django.utils import timezone

from homeward.councils.models import Council
from homeward.exchange import ssd
from homeward.exchange.bundle_import import UNKNOWN_COUNCIL, BundleRejected, ProblemList
from homeward.exchange.translated import NOTHING_CHANGED, import_translation
from homeward.exchange.translated_command import TranslatedImportCommand, result_lines


class Command(TranslatedImportCommand):
    help = (
        "Import the Standard Safeguarding Dataset's tables, exported as CSV files named as "
        "the SSD names them (docs/ssd.md): all of them or nothing."
    )

    def run(self, folder, council_code, user, options):
        council = Council.objects.filter(code=council_code).first()
        if council is None:
            problems = ProblemList()
            problems.add("", 0, "--council", UNKNOWN_COUNCIL.format(code=council_code))
            raise BundleRejected(problems)
        path = Path(folder)
        today = timezone.localdate()
        translation = ssd.translate(path, council_id=council.pk, today=today)
        found = ssd.involvements(path, translation, today) if path.is_dir() else []
        ssd.check_allocations(found, translation, council_id=council.pk)
        allocated = []

        def allocate(result) -> None:
            allocated.append(ssd.allocate(found, council_id=council.pk, by=user))

        result = import_translation(
            translation,
            council_code=council_code,
            folder=str(path),
            by=user,
            max_problems=options["max_problems"],
            local_changes=options["local_changes"],
            also=allocate,
        )
        lines = result_lines(translation, result)
        if found:
            done = allocated[0]
            nothing = NOTHING_CHANGED.format(source=translation.source)
            changed = done.created or done.updated
            lines = [line for line in lines if not (changed and line == nothing)]
            at = lines.index(nothing) if nothing in lines else len(lines)
            lines.insert(at, done.line())
        return lines
