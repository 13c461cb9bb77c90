"""`homeward demo-escalations [--seed N]`: the demo county's escalations, some closed."""

from django.utils import timezone

from homeward.councils.demo_command import DemoCommand
from homeward.escalations.demo import demo_escalations_create


class Command(DemoCommand):
    help = (
        "Demo only: replace the council's escalations with those the rules raise over the "
        "last eight weeks, the older ones closed with made-up outcomes, the rest owned."
    )
    not_a_demo = (
        "This installation is not a demonstration (HOMEWARD_DEMO is not true), so "
        "demo-escalations will not replace its escalations with made-up ones."
    )

    def make(self, *, council, seed: int, **options) -> list[str]:
        made = demo_escalations_create(council=council, seed=seed, now=timezone.now())
        return [
            f"Made-up escalations for {council.name}: {made.raised} raised over the last "
            f"weeks, {made.closed} closed with outcomes, {made.open} open."
        ]
