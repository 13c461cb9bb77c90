"""`homeward two-factor-invite USERNAME`: a one-time code to set up two-factor sign-in with."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.management.set_up_code import print_set_up_code
from homeward.accounts.two_factor import AlreadySetUp, two_factor_invite


class Command(BaseCommand):
    help = (
        "Give a new account a one-time set-up code for two-factor authentication. Tell it "
        "to the person yourself (not by the email their password went by)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called '{username}'.")
        try:
            code = two_factor_invite(user=user)
        except AlreadySetUp as refused:
            raise CommandError(str(refused)) from None
        print_set_up_code(self.stdout, username, code)
