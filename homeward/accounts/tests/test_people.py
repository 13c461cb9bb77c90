"""The people pages: accounts, roles, leavers, password links by real email, set-up codes and
allocations, each change audited."""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.access.rules import NO_PEOPLE_PAGES, can_see_child
from homeward.accounts import roles
from homeward.accounts.models import EnrolmentCode
from homeward.accounts.people_services import LAST_ADMINISTRATOR, NOT_YOURSELF
from homeward.accounts.tests.factories import PASSWORD
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Allocation
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-made-up-long-passphrase-42"  # noqa: S105  (made up, for tests)


@pytest.fixture
def admin(client):
    user = staff(roles.ADMINISTRATOR, username="made-up-admin")
    user.email = "admin@made-up-council.test"
    user.save()
    client.force_login(user)
    return user


def create_practitioner(client, **extra):
    data = {
        "username": "made-up-practitioner",
        "first_name": "Pat",
        "last_name": "Madeup",
        "email": "pat@made-up-council.test",
        "role_names": [roles.PRACTITIONER],
        "team": "Made-up team",
    } | extra
    return client.post(reverse("people:create"), data)


def sign_in(client, username: str, password: str):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_only_administrators_use_the_people_pages_and_see_the_link(client):
    for role in [r for r in roles.ROLES if r != roles.ADMINISTRATOR]:
        client.force_login(staff(role))
        response = client.get(reverse("people:index"))
        assert response.status_code == 403, role
        assert escape(NO_PEOPLE_PAGES) in response.content.decode()
        assert client.post(reverse("people:create"), {"username": "x"}).status_code == 403
    assert not get_user_model().objects.filter(username="x").exists()
    client.force_login(staff(roles.ADMINISTRATOR, team="Made-up admins"))
    page = client.get(reverse("people:index"))
    assert page.status_code == 200
    assert f'href="{reverse("people:index")}"' in page.content.decode()
    client.force_login(staff(roles.MISSING_COORDINATOR))
    home = client.get(reverse("dashboard:home"))
    assert f'href="{reverse("people:index")}"' not in home.content.decode()


def test_the_list_shows_roles_team_localities_and_filters(client, admin):
    area = LocalityFactory(name="Made-up Vale")
    staff(roles.POLICE_LIAISON, username="made-up-police", localities=[area])
    gone = staff(roles.PRACTITIONER, username="made-up-leaver", team="Made-up team")
    gone.is_active = False
    gone.save()
    html = client.get(reverse("people:index")).content.decode()
    assert "made-up-police" in html and "Made-up Vale" in html and "Police liaison" in html
    assert "made-up-leaver" in html and "Deactivated" in html and "Made-up team" in html
    assert "Never" in html and "Not set up" in html
    only_police = client.get(reverse("people:index"), {"role": roles.POLICE_LIAISON})
    assert "made-up-police" in only_police.content.decode()
    assert "made-up-leaver" not in only_police.content.decode()
    deactivated = client.get(reverse("people:index"), {"active": "no"}).content.decode()
    assert "made-up-leaver" in deactivated and "made-up-police" not in deactivated


def test_a_new_person_sets_their_password_by_the_emailed_link_once(client, admin, mailbox):
    response = create_practitioner(client)
    person = get_user_model().objects.get(username="made-up-practitioner")
    assert response.status_code == 302
    assert not person.has_usable_password()
    assert list(person.groups.values_list("name", flat=True)) == [roles.PRACTITIONER]
    assert person.staff_profile.team == "Made-up team"
    (message,) = mailbox.messages
    assert message["X-Envelope-To"] == "pat@made-up-council.test"
    assert message["Subject"] == "Set your Homeward password"
    assert "made-up-practitioner" in message.get_content()
    link = mailbox.link_in(message)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    client.logout()
    opened = client.get(link, follow=True)
    assert "Set your password" in opened.content.decode()
    form_url = opened.redirect_chain[-1][0]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(form_url, data).status_code == 302
    assert sign_in(client, "made-up-practitioner", NEW_PASSWORD).status_code == 302
    client.logout()
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    # Audited as the administrator's doing, to the person; never the link or the password.
    created = AuditEntry.objects.get(action=Action.CHANGE, label="user made-up-practitioner")
    assert created.user == admin
    assert created.details["roles"] == {"before": None, "after": [roles.PRACTITIONER]}
    assert AuditEntry.objects.get(action=Action.PASSWORD_LINK_SENT).user == admin
    assert AuditEntry.objects.get(action=Action.PASSWORD_SET).user == person
    logged = json.dumps(list(AuditEntry.objects.values("label", "details")))
    assert token not in logged and NEW_PASSWORD not in logged


def test_a_link_expires(client, admin, mailbox, settings, time_machine):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    time_machine.move_to(timezone.now(), tick=False)
    create_practitioner(client)
    link = mailbox.link_in(mailbox.messages[0])
    client.logout()
    time_machine.shift(dt.timedelta(hours=1, seconds=1))
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_forgotten_password_says_the_same_whether_or_not_the_account_exists(client, mailbox):
    known = staff(roles.PRACTITIONER, username="made-up-known")
    known.email = "known@made-up-council.test"
    known.save()
    sign_in_page = client.get(reverse("accounts:sign-in")).content.decode()
    assert reverse("people:forgotten-password") in sign_in_page
    url = reverse("people:forgotten-password")
    unknown = client.post(url, {"email": "nobody@made-up-council.test"}).content.decode()
    assert mailbox.messages == []
    found = client.post(url, {"email": "Known@made-up-council.test"}).content.decode()
    assert unknown.replace("nobody", "X") == found.replace("Known", "X")
    (message,) = mailbox.messages
    assert message["X-Envelope-To"] == "known@made-up-council.test"
    link = mailbox.link_in(message)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert sign_in(client, "made-up-known", NEW_PASSWORD).status_code == 302


def test_a_leaver_cannot_sign_in_and_their_session_stops(client, admin):
    leaver = staff(roles.MISSING_COORDINATOR, username="made-up-leaver")
    from django.test import Client

    theirs = Client()
    theirs.force_login(leaver)
    assert theirs.get(reverse("dashboard:home")).status_code == 200
    assert client.post(reverse("people:active", args=[leaver.pk])).status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    next_page = theirs.get(reverse("dashboard:home"))
    assert next_page.status_code == 302 and reverse("accounts:sign-in") in next_page["Location"]
    assert sign_in(Client(), "made-up-leaver", PASSWORD).status_code == 200  # refused
    change = AuditEntry.objects.filter(action=Action.CHANGE, label="user made-up-leaver").last()
    assert change.user == admin and change.details["active"] == {"before": True, "after": False}
    client.post(reverse("people:active", args=[leaver.pk]))  # reactivated
    assert sign_in(Client(), "made-up-leaver", PASSWORD).status_code == 302


def test_an_administrator_cannot_deactivate_themselves_or_the_last_administrator(client, admin):
    response = client.post(reverse("people:active", args=[admin.pk]))
    assert escape(NOT_YOURSELF) in response.content.decode()
    other = staff(roles.ADMINISTRATOR, username="made-up-other-admin")
    client.post(reverse("people:active", args=[other.pk]))
    other.refresh_from_db()
    assert not other.is_active  # another administrator is still active: allowed
    # Taking away the last active administrator's role is refused, in words.
    profile = admin.staff_profile
    edit = client.post(
        reverse("people:edit", args=[admin.pk]),
        {"email": admin.email, "role_names": [roles.ANALYST], "version": profile.version},
    )
    assert LAST_ADMINISTRATOR.format(username="made-up-admin") in edit.content.decode()
    assert admin.groups.filter(name=roles.ADMINISTRATOR).exists()
    assert AuditEntry.objects.filter(action=Action.REFUSED).count() == 2


def test_two_administrators_editing_at_once_do_not_overwrite_each_other(client, admin):
    person = staff(roles.PRACTITIONER, username="made-up-person", team="Team A")
    person.email = "p@made-up-council.test"
    person.save()
    version = person.staff_profile.version
    url = reverse("people:edit", args=[person.pk])
    base = {"email": person.email, "role_names": [roles.PRACTITIONER], "version": version}
    assert client.post(url, base | {"team": "Team B"}).status_code == 302
    clash = client.post(url, base | {"team": "Team C", "role_names": [roles.ANALYST]})
    assert "while you were editing it" in clash.content.decode()
    person.staff_profile.refresh_from_db()
    assert person.staff_profile.team == "Team B"
    assert list(person.groups.values_list("name", flat=True)) == [roles.PRACTITIONER]
    change = AuditEntry.objects.get(action=Action.CHANGE, label="user made-up-person")
    assert change.details["team"] == {"before": "Team A", "after": "Team B"}


def test_a_new_set_up_code_is_shown_once_and_removes_the_old_device(client, admin):
    person = staff(roles.PRACTITIONER, username="made-up-phone-lost")
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    page = client.get(reverse("people:two-factor", args=[person.pk])).content.decode()
    assert "removes their authenticator app" in page
    shown = client.post(reverse("people:two-factor", args=[person.pk])).content.decode()
    assert 'id="set-up-code"' in shown
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert EnrolmentCode.objects.filter(user=person).exists()
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_INVITED)
    assert entry.user == admin and entry.label == "user made-up-phone-lost"


def test_allocating_a_child_decides_what_a_practitioner_sees(client, admin):
    practitioner = staff(roles.PRACTITIONER, username="made-up-worker")
    mine, other = ChildFactory(local_id="MADEUP-1"), ChildFactory(local_id="MADEUP-2")
    url = reverse("people:allocate", args=[practitioner.pk])
    missing = client.post(url, {"local_id": "NO-SUCH"})
    assert "No child you may see has the local id NO-SUCH" in missing.content.decode()
    assert client.post(url, {"local_id": "MADEUP-1"}).status_code == 302
    assert can_see_child(practitioner, mine) and not can_see_child(practitioner, other)
    person_page = client.get(reverse("people:detail", args=[practitioner.pk])).content.decode()
    assert "MADEUP-1" in person_page
    child_page = client.get(reverse("children:detail", args=[mine.pk])).content.decode()
    assert "made-up-worker" in child_page and "End allocation" in child_page
    allocation = Allocation.objects.get(child=mine)
    client.post(reverse("people:end-allocation", args=[allocation.pk]), {"back": "child"})
    practitioner = get_user_model().objects.get(pk=practitioner.pk)  # access read afresh
    assert not can_see_child(practitioner, mine)
    actions = AuditEntry.objects.filter(object_type="children.allocation", user=admin)
    assert actions.count() == 2  # allocated, then ended
    again = client.post(reverse("people:end-allocation", args=[allocation.pk]))
    assert "already ended" in again.content.decode()
    practitioner.is_active = False
    practitioner.save()
    refused = client.post(url, {"local_id": "MADEUP-2"})
    assert "made-up-worker is deactivated" in refused.content.decode()
    assert not Allocation.objects.filter(child=other).exists()


def test_a_child_is_allocated_to_a_team_from_their_page(client, admin):
    child = ChildFactory()
    member = staff(roles.PRACTITIONER, team="Made-up team")
    url = reverse("people:allocate-child", args=[child.pk])
    refused = client.post(url, {"team": " "})
    assert "Choose a person or enter a team" in refused.content.decode()
    assert client.post(url, {"team": "Made-up team"}).status_code == 302
    assert can_see_child(member, child)


def test_the_demo_shows_its_users_and_the_practitioners_caseload(client, settings, monkeypatch):
    from django.core.management import call_command
    from django.db import connections

    from homeward.episodes.tests.factories import EpisodeFactory

    settings.HOMEWARD_DEMO = True
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    episode = EpisodeFactory()
    call_command("demo-users", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    listed = client.get(reverse("people:index")).content.decode()
    for username in ("demo-admin", "demo-practitioner", "demo-police", "demo-scrutiny"):
        assert username in listed
    practitioner = get_user_model().objects.get(username="demo-practitioner")
    page = client.get(reverse("people:detail", args=[practitioner.pk])).content.decode()
    assert episode.child.local_id in page
