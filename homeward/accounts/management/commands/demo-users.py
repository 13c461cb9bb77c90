"""`homeward demo-users`: one made-up account per role, for the demonstration only."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from homeward.accounts import roles
from homeward.accounts.models import StaffProfile
from homeward.children.models import Allocation, Child
from homeward.children.services import child_allocate
from homeward.councils.models import Council, Locality

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
# The demo practitioner's team, and how many made-up children are allocated to them and to
# their team, so that the demo shows a practitioner seeing only their own caseload.
DEMO_TEAM = "Return home interview team"
ALLOCATED_TO_PRACTITIONER = 4
ALLOCATED_TO_TEAM = 2

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
            demo_profiles_set()
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
    # Made-up addresses (RFC 2606): the demo's alerts go to its mail catcher, never out.
    user.email = f"{username}@made-up-county.example"
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return password


def demo_profiles_set() -> None:
    """Sensible places for the demo users: the council, a team, the police an area, a caseload."""
    council = Council.objects.filter(code=settings.HOMEWARD_COUNCIL).first()
    users = {
        username: get_user_model().objects.get(username=username)
        for username in DEMO_USERS.values()
    }
    for user in users.values():
        StaffProfile.objects.update_or_create(user=user, defaults={"council": council, "team": ""})
    practitioner = users[DEMO_USERS[roles.PRACTITIONER]]
    StaffProfile.objects.filter(user=practitioner).update(team=DEMO_TEAM)
    police = users[DEMO_USERS[roles.POLICE_LIAISON]].staff_profile
    police.localities.set(Locality.objects.filter(council=council).order_by("name")[:1])
    _demo_caseload(council, practitioner)


def _demo_caseload(council, practitioner) -> None:
    """The made-up children most recently missing, allocated to the demo practitioner."""
    Allocation.objects.filter(worker=practitioner).delete()
    Allocation.objects.filter(worker=None, team=DEMO_TEAM).delete()
    recent = (
        Child.objects.filter(council=council, episodes__isnull=False)
        .order_by("-episodes__last_seen_at", "pk")
        .values_list("pk", flat=True)
    )
    chosen = list(dict.fromkeys(recent[:50]))[: ALLOCATED_TO_PRACTITIONER + ALLOCATED_TO_TEAM]
    for n, child in enumerate(Child.objects.filter(pk__in=chosen).order_by("pk")):
        if n < ALLOCATED_TO_PRACTITIONER:
            child_allocate(child=child, worker=practitioner, team=DEMO_TEAM)
        else:
            child_allocate(child=child, team=DEMO_TEAM)
