"""`homeward demo-users`: one made-up account per role, for the demonstration only."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from homeward.accounts import roles

DEMO_USERS = {
    roles.ADMINISTRATOR: "demo-admin",
    roles.MISSING_COORDINATOR: "demo-coordinator",
    roles.PRACTITIONER: "demo-practitioner",
    roles.EXPLOITATION_LEAD: "demo-exploitation-lead",
    roles.POLICE_LIAISON: "demo-police",
    roles.ANALYST: "demo-analyst",
    roles.SCRUTINY: "demo-scrutiny",
}

NOT_A_DEMO = (
    "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-users "
    "will not create accounts with printed passwords. Create real accounts instead."
)
ON_POSTGRESQL = (
    "The database is PostgreSQL, which is for real installations, so demo-users will not "
    "create accounts with printed passwords. Use the SQLite demo (make demo)."
)


class Command(BaseCommand):
    help = "Create (or reset) one demo account per role and print their new passwords once."

    def handle(self, *args, **options):
        refuse_unless_demo()
        with transaction.atomic():
            rows = [
                (role, username, demo_user_reset(role=role, username=username))
                for role, username in DEMO_USERS.items()
            ]
        self.print_table(rows)

    def print_table(self, rows: list[tuple[str, str, str]]) -> None:
        header = ("role", "username", "password")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        self.stdout.write("These passwords are shown once; run demo-users again to reset them.")


def refuse_unless_demo() -> None:
    if not settings.HOMEWARD_DEMO:
        raise CommandError(NOT_A_DEMO)
    if connection.vendor == "postgresql":
        raise CommandError(ON_POSTGRESQL)


def demo_user_reset(*, role: str, username: str) -> str:
    """Create or reset one demo account in one role, returning its new password."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    password = secrets.token_urlsafe(18)
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return password
