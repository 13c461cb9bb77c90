"""Forces and their API tokens: added, given councils, issued, rotated and revoked by an
administrator (on the People pages or with `homeward force-token`), a secret shown once and
kept only as a hash."""

import hashlib
import io
import re

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.councils.tests.factories import council
from homeward.police import tokens
from homeward.police.models import Force, ForceToken
from homeward.police.tests.forces import FORCE, made_up_force
from homeward.police.tokens import (
    force_create,
    force_token_issue,
    force_token_revoke,
    force_token_rotate,
    force_update,
    token_for,
)

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"hwf_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


# The services.


def test_a_secret_is_shown_once_and_only_its_hash_kept():
    issued = made_up_force()
    assert SECRET.fullmatch(issued.secret)
    stored = ForceToken.objects.get()
    assert stored.prefix == issued.secret[: tokens.PREFIX_LENGTH]
    assert stored.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {stored.prefix, stored.secret_hash, stored.label}
    assert token_for(issued.secret) == stored
    assert token_for(issued.secret[:-1]) is None


def test_two_tokens_never_share_a_secret_or_a_prefix():
    force = made_up_force().token.force
    issued = [force_token_issue(force=force, by=None) for _ in range(20)]
    assert len({i.secret for i in issued}) == len({i.token.prefix for i in issued}) == 20


def test_a_force_name_is_needed_and_used_once():
    made_up_force()
    with pytest.raises(ValidationError, match="There is already a force called"):
        force_create(name="  made-up   shire POLICE ", councils=[], by=None)
    with pytest.raises(ValidationError, match="Enter the force's name"):
        force_create(name="   ", councils=[], by=None)
    assert Force.objects.count() == 1


def test_a_force_is_given_other_councils():
    force = made_up_force().token.force
    force_update(force=force, councils=[council("316"), council("931")], by=None)
    assert sorted(force.councils.values_list("code", flat=True)) == ["316", "931"]
    entry = AuditEntry.objects.filter(object_type="police.force").last()
    assert entry.details["councils"] == {"before": ["931"], "after": ["316", "931"]}


def test_a_token_is_revoked_once():
    token = made_up_force().token
    force_token_revoke(token=token, by=None)
    with pytest.raises(ValidationError, match="was revoked on"):
        force_token_revoke(token=token, by=None)
    with pytest.raises(ValidationError, match="Issue a new token instead"):
        force_token_rotate(token=token, by=None)
    assert ForceToken.objects.count() == 1


def test_a_rotated_token_is_replaced_by_one_for_the_same_force_and_purpose():
    old = made_up_force().token
    new = force_token_rotate(token=old, by=None)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.token.revoked_at is None
    assert (new.token.force, new.token.label) == (old.force, old.label)
    assert new.token.prefix != old.prefix


def test_the_audit_log_never_holds_a_secret_or_its_hash():
    issued = made_up_force()
    rotated = force_token_rotate(token=issued.token, by=None)
    for entry in AuditEntry.objects.all():
        text = str(entry.details) + entry.label
        for secret in (issued.secret, rotated.secret):
            assert secret[tokens.PREFIX_LENGTH :] not in text
            assert tokens.token_hash(secret) not in text


# The command.


def run(*args, stderr=None) -> str:
    out = io.StringIO()
    call_command("force-token", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def test_the_command_warns_when_a_force_is_given_a_council_this_homeward_is_not():
    warned = io.StringIO()
    run("add-force", FORCE, "--council", "931", "--council", "316", stderr=warned)
    assert (
        "Newham (316) is not this Homeward's council (Oxfordshire (931)): this Homeward refuses "
        "a force's notifications about its children (the force is answered 403"
    ) in warned.getvalue()
    assert set(Force.objects.get().councils.values_list("code", flat=True)) == {"931", "316"}
    warned = io.StringIO()
    run("councils", FORCE, "--council", "931", stderr=warned)
    assert warned.getvalue() == ""


def test_the_command_adds_a_force_and_issues_rotates_revokes_and_lists_tokens():
    said = run("add-force", FORCE, "--council", "931", "--council", "316")
    assert "Added Made-up Shire Police, for Newham (316), Oxfordshire (931)." in said
    said = run("issue", FORCE, "--label", "Control room")
    secret = SECRET.search(said).group()
    assert "shown once, here only" in said
    prefix = secret[: tokens.PREFIX_LENGTH]
    listed = run("list")
    assert prefix in listed and secret[tokens.PREFIX_LENGTH :] not in listed
    assert "\tControl room\t" in listed and "\tnever\tno" in listed
    assert token_for(secret).label == "Control room"
    said = run("rotate", prefix)
    new_secret = SECRET.search(said).group()
    assert f"Token {prefix} is revoked" in said
    assert not token_for(secret).is_active and token_for(new_secret).is_active
    said = run("revoke", new_secret[: tokens.PREFIX_LENGTH])
    assert "is revoked: it no longer works" in said
    assert not ForceToken.objects.filter(revoked_at=None).exists()
    assert run("councils", FORCE, "--council", "931").endswith("for Oxfordshire (931).\n")
    # Each change is audited, as the operator's (nobody signed in).
    changes = AuditEntry.objects.filter(action=Action.CHANGE, object_type__startswith="police.")
    assert changes.count() == 6 and not changes.exclude(user=None).exists()


@pytest.mark.parametrize(
    "args,says",
    [
        (["issue", "Nobody's Police"], "There is no force called"),
        (["revoke", "hwf_00000000"], "There is no token hwf_00000000"),
        (["add-force", "Made-up Police", "--council", "000"], "No council has the DfE code 000"),
        (["add-force", FORCE], "There is already a force called"),
    ],
)
def test_the_command_says_what_is_wrong_and_does_nothing(args, says):
    made_up_force()
    with pytest.raises(CommandError, match=says):
        run(*args)
    assert (Force.objects.count(), ForceToken.objects.count()) == (1, 1)


# The pages (administrators; who else is refused is in access/tests/test_matrix.py).


@pytest.fixture
def admin(client):
    person = staff(roles.ADMINISTRATOR)
    client.force_login(person)
    return person


def text(response) -> str:
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def test_an_administrator_adds_a_force_and_chooses_its_councils(client, admin):
    data = {"name": FORCE, "councils": [council("931").pk]}
    response = client.post(reverse("forces:create"), data, follow=True)
    force = Force.objects.get()
    assert response.request["PATH_INFO"] == reverse("forces:detail", args=[force.pk])
    assert "Oxfordshire (931)" in text(response)
    assert "No token has been issued" in text(response)
    assert "not this Homeward's council" not in text(response)
    data = {"councils": [council("931").pk, council("316").pk]}
    response = client.post(reverse("forces:councils", args=[force.pk]), data, follow=True)
    assert "now sends notifications for Newham (316), Oxfordshire (931)" in text(response)
    assert "Important Newham (316) is not this Homeward's council (Oxfordshire (931))" in text(
        response
    )
    entry = AuditEntry.objects.filter(object_type="police.force").last()
    assert entry.user == admin


def test_a_second_force_of_the_same_name_is_refused_on_the_page(client, admin):
    made_up_force()
    response = client.post(reverse("forces:create"), {"name": FORCE})
    assert response.status_code == 200
    assert "There is already a force called" in text(response)
    assert Force.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.REFUSED, user=admin).exists()


def test_a_token_issued_on_the_page_is_shown_once_with_a_warning(client, admin):
    force = made_up_force().token.force
    response = client.post(reverse("forces:issue", args=[force.pk]), {"label": "Control room"})
    page = lxml.html.fromstring(response.content)
    secret = page.get_element_by_id("token-secret").text_content()
    token = token_for(secret)
    assert token.issued_by == admin and token.label == "Control room"
    assert "shown once, here only" in text(response)
    assert "no-store" in response["Cache-Control"]
    listed = client.get(reverse("forces:detail", args=[force.pk]))
    assert token.prefix in text(listed) and secret not in listed.content.decode()
    assert "Control room" in text(listed) and "Never" in text(listed)


def test_a_token_is_rotated_on_the_page(client, admin):
    old = made_up_force().token
    assert "stops working at once" in text(client.get(reverse("forces:rotate", args=[old.pk])))
    response = client.post(reverse("forces:rotate", args=[old.pk]))
    secret = lxml.html.fromstring(response.content).get_element_by_id("token-secret").text_content()
    assert f"The old token, {old.prefix}, no longer works" in text(response)
    old.refresh_from_db()
    assert old.revoked_by == admin and token_for(secret).is_active
    again = client.post(reverse("forces:rotate", args=[old.pk]))
    assert "Nothing was changed" in text(again) and "was revoked on" in text(again)


def test_a_token_is_revoked_on_the_page(client, admin):
    token = made_up_force().token
    response = client.post(reverse("forces:revoke", args=[token.pk]), follow=True)
    assert f"Token {token.prefix} is revoked" in text(response)
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert "Revoked" in text(response)


def test_the_forces_are_listed_with_their_working_tokens(client, admin):
    issued = made_up_force()
    force_token_issue(force=issued.token.force, by=None)
    force_token_revoke(token=issued.token, by=None)
    response = client.get(reverse("forces:index"))
    row = next(
        r for r in lxml.html.fromstring(response.content).iter("tr") if FORCE in r.text_content()
    )
    assert [" ".join(c.text_content().split()) for c in row.findall("td")] == [
        "Oxfordshire (931)",
        "1",
    ]
    people = client.get(reverse("people:index"))
    assert reverse("forces:index") in people.content.decode()
