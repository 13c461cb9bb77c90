"""`homeward demo-borders [--seed N] [--out FILE]`: the demo county across council borders."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homeward.borders.demo import demo_borders_create
from homeward.councils.models import Council

NOT_A_DEMO = (
    "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-borders "
    "will not load made-up contacts and register entries. Use load-contacts and load-register."
)
NO_COUNCIL = (
    "HOMEWARD_COUNCIL is {code!r}, which is not a known council. Import the demo county "
    "first (make demo does), or set HOMEWARD_COUNCIL to its code."
)


class Command(BaseCommand):
    help = (
        "Demo only: a made-up contacts directory for every council, the placed-in register "
        "for most placed-in children (a few left off, so the flag shows), and the host "
        "councils' word for our placed-out children's episodes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=931, help="random seed (default 931)")
        parser.add_argument(
            "--out",
            type=Path,
            default=Path("out/demo-register.csv"),
            help="where the register's CSV file is written before it is loaded",
        )

    def handle(self, *args, seed: int, out: Path, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(NOT_A_DEMO)
        council = Council.objects.filter(code=settings.HOMEWARD_COUNCIL).first()
        if council is None:
            raise CommandError(NO_COUNCIL.format(code=settings.HOMEWARD_COUNCIL))
        made = demo_borders_create(council=council, seed=seed, out=out)
        self.stdout.write(f"Contacts directory: {made.contacts}")
        self.stdout.write(f"Placed-in register (from {out}): {made.register}")
        self.stdout.write(
            f"{made.left_off} placed-in children who went missing were left off the register, "
            "so they are flagged ('Placed-in children nobody told us about'). "
            f"{made.elsewhere} episodes of our children placed out are marked as told by "
            "their host councils. Every child, person and address in it is made up."
        )
