"""`homeward demo-notices`: made-up notices to the demo county's placing councils."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.councils.installation import installation_council
from homeward.notices.demo import demo_notices_create

NOT_A_DEMO = (
    "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-notices "
    "will not make up notices to placing councils."
)


class Command(BaseCommand):
    help = (
        "Demo only: made-up notices to the placing councils of the demo county's placed-in "
        "children (some acknowledged, some awaiting, one overdue), and made-up directory "
        "addresses for all but one placing council."
    )

    def handle(self, *args, **options):
        if not settings.HOMEWARD_DEMO:
            raise CommandError(NOT_A_DEMO)
        made = demo_notices_create(council=installation_council(), now=timezone.now())
        self.stdout.write(
            f"Made-up notices to placing councils: {made.notices} ({made.acknowledged} "
            f"acknowledged, {made.awaiting} awaiting, {made.overdue} overdue); "
            f"{made.left_to_send} episodes still to tell. {made.without_contact or 'No council'} "
            "is left without a directory address, so the list shows the problem. The emails "
            "are in var/demo-mail/."
        )
