"""`homeward demo-panel [--seed N]`: made-up panel meetings for the demo county."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.councils.models import Council
from homeward.panel.demo import demo_panel_create

NOT_A_DEMO = (
    "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-panel "
    "will not replace its panel with made-up meetings. Record real meetings on the Panel page."
)
NO_COUNCIL = (
    "HOMEWARD_COUNCIL is {code!r}, which is not a known council. Import the demo county "
    "first (make demo does), or set HOMEWARD_COUNCIL to its code."
)


class Command(BaseCommand):
    help = (
        "Demo only: replace the council's panel with made-up monthly meetings discussing its "
        "repeat-missing children, with actions (some done, some open, some overdue)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=931, help="random seed (default 931)")

    def handle(self, *args, seed: int, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(NOT_A_DEMO)
        council = Council.objects.filter(code=settings.HOMEWARD_COUNCIL).first()
        if council is None:
            raise CommandError(NO_COUNCIL.format(code=settings.HOMEWARD_COUNCIL))
        made = demo_panel_create(council=council, seed=seed, today=timezone.localdate())
        audit_record(
            action=Action.IMPORT,
            label="demo panel",
            details={"command": "demo-panel", "seed": seed, **vars(made)},
            username="demo-panel",
        )
        self.stdout.write(
            f"Made-up panel for {council.name}: {made.meetings} meetings, {made.discussions} "
            f"children discussed, {made.actions} actions ({made.open_actions} open, "
            f"{made.overdue_actions} overdue). Every child and person in it is made up."
        )
