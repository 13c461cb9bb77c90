"""`homeward demo-escalations [--seed N]`: the demo county's escalations, some closed."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.councils.models import Council
from homeward.escalations.demo import demo_escalations_create

NOT_A_DEMO = (
    "This installation is not a demonstration (HOMEWARD_DEMO is not true), so "
    "demo-escalations will not replace its escalations with made-up ones."
)
NO_COUNCIL = (
    "HOMEWARD_COUNCIL is {code!r}, which is not a known council. Import the demo county "
    "first (make demo does), or set HOMEWARD_COUNCIL to its code."
)


class Command(BaseCommand):
    help = (
        "Demo only: replace the council's escalations with those the rules raise over the "
        "last eight weeks, the older ones closed with made-up outcomes, the rest owned."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=931, help="random seed (default 931)")

    def handle(self, *args, seed: int, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(NOT_A_DEMO)
        council = Council.objects.filter(code=settings.HOMEWARD_COUNCIL).first()
        if council is None:
            raise CommandError(NO_COUNCIL.format(code=settings.HOMEWARD_COUNCIL))
        made = demo_escalations_create(council=council, seed=seed, now=timezone.now())
        self.stdout.write(
            f"Made-up escalations for {council.name}: {made.raised} raised over the last "
            f"weeks, {made.closed} closed with outcomes, {made.open} open."
        )
