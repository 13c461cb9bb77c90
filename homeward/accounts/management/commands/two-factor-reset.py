"""`homeward two-factor-reset USERNAME`: for someone who lost their phone and recovery codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.management.set_up_code import print_set_up_code
from homeward.accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes, and print a one-time set-up "
        "code they set up two-factor authentication again with. Check who they are first."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called '{username}'.")
        code = two_factor_reset(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Two-factor authentication reset for {username}: they set it up again at "
                "their next sign-in, with the set-up code below."
            )
        )
        print_set_up_code(self.stdout, username, code)
