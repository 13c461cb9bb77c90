import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connections

from homeward.accounts import roles

pytestmark = pytest.mark.django_db

DEMO_COMMAND = "demo-users"


@pytest.fixture
def demo(settings, monkeypatch):
    """A demonstration installation; the suite also runs on PostgreSQL, which demo refuses."""
    settings.HOMEWARD_DEMO = True
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")


def passwords_printed(capsys) -> dict[str, str]:
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    return {row[-2]: row[-1] for row in rows if len(row) >= 3 and row[-2].startswith("demo-")}


def test_it_refuses_when_the_installation_is_not_a_demo(settings):
    settings.HOMEWARD_DEMO = False
    with pytest.raises(CommandError, match="not a demonstration"):
        call_command(DEMO_COMMAND)


def test_it_refuses_on_postgresql(demo, monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command(DEMO_COMMAND)


def test_it_prints_one_working_password_per_role(demo, capsys):
    call_command(DEMO_COMMAND)
    passwords = passwords_printed(capsys)
    assert set(passwords) == {
        "demo-admin",
        "demo-coordinator",
        "demo-practitioner",
        "demo-exploitation-lead",
        "demo-police",
        "demo-analyst",
        "demo-scrutiny",
    }
    coordinator = authenticate(username="demo-coordinator", password=passwords["demo-coordinator"])
    assert roles.user_has_role(coordinator, roles.MISSING_COORDINATOR)
    assert not roles.user_has_role(coordinator, roles.ADMINISTRATOR)


def test_running_it_again_resets_every_password(demo, capsys):
    call_command(DEMO_COMMAND)
    first = passwords_printed(capsys)
    call_command(DEMO_COMMAND)
    second = passwords_printed(capsys)
    assert all(first[username] != second[username] for username in first)
    assert authenticate(username="demo-police", password=first["demo-police"]) is None
    assert authenticate(username="demo-police", password=second["demo-police"]) is not None


def test_it_gives_the_demo_users_places_and_the_practitioner_a_caseload(demo, capsys):
    from homeward.access.rules import children_visible_to
    from homeward.accounts.models import StaffProfile
    from homeward.children.tests.factories import ChildFactory
    from homeward.councils.tests.factories import LocalityFactory
    from homeward.episodes.tests.factories import EpisodeFactory

    area = LocalityFactory(name="A made-up area")
    children = [EpisodeFactory().child for _ in range(8)]
    stranger = ChildFactory()
    call_command(DEMO_COMMAND)
    call_command(DEMO_COMMAND)  # again: the same caseload, not twice as many allocations
    practitioner = StaffProfile.objects.get(user__username="demo-practitioner")
    seen = set(children_visible_to(practitioner.user))
    assert len(seen) == 6 and seen < set(children) and stranger not in seen
    police = StaffProfile.objects.get(user__username="demo-police")
    assert list(police.localities.all()) == [area]
