"""`homeward demo-panel [--seed N]`: made-up panel meetings for the demo county."""

from django.utils import timezone

from homeward.councils.demo_command import DemoCommand
from homeward.panel.demo import demo_panel_create


class Command(DemoCommand):
    help = (
        "Demo only: replace the council's panel with made-up monthly meetings discussing its "
        "repeat-missing children, with actions (some done, some open, some overdue)."
    )
    not_a_demo = (
        "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-panel "
        "will not replace its panel with made-up meetings. Record real meetings on the Panel "
        "page."
    )

    def make(self, *, council, seed: int, **options) -> list[str]:
        made = demo_panel_create(council=council, seed=seed, today=timezone.localdate())
        return [
            f"Made-up panel for {council.name}: {made.meetings} meetings, {made.discussions} "
            f"children discussed, {made.actions} actions ({made.open_actions} open, "
            f"{made.overdue_actions} overdue). Every child and person in it is made up."
        ]
