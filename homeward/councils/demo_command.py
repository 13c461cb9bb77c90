"""What the demo commands share: `--seed`, a refusal outside a demonstration, and the demo
county (HOMEWARD_COUNCIL) they make things up for."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homeward.councils.models import Council

NO_COUNCIL = (
    "HOMEWARD_COUNCIL is {code!r}, which is not a known council. Import the demo county "
    "first (make demo does), or set HOMEWARD_COUNCIL to its code."
)


class DemoCommand(BaseCommand):
    """A demo-only command: refused (in `not_a_demo`'s words) unless HOMEWARD_DEMO is true,
    and refused when the demo county is not there; `make` makes things up and says what."""

    not_a_demo = ""

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=931, help="random seed (default 931)")

    def handle(self, *args, seed: int, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(self.not_a_demo)
        council = Council.objects.filter(code=settings.HOMEWARD_COUNCIL).first()
        if council is None:
            raise CommandError(NO_COUNCIL.format(code=settings.HOMEWARD_COUNCIL))
        for line in self.make(council=council, seed=seed, **options):
            self.stdout.write(line)

    def make(self, *, council: Council, seed: int, **options) -> list[str]:
        """Make up the demo's records for `council`: the lines that say what was made."""
        raise NotImplementedError
