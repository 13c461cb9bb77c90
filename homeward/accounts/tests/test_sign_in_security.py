"""Sign-in is audited, locked after repeated failures, and sessions end when idle."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.audit.integrity import audit_verify
from homeward.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
HOME = reverse("dashboard:home")


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def test_signing_in_and_out_is_recorded_with_the_address(client):
    user = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    sign_in(client, "made-up-coordinator", REMOTE_ADDR="203.0.113.7")
    client.post(SIGN_OUT, REMOTE_ADDR="203.0.113.7")
    signed_in, signed_out = AuditEntry.objects.order_by("sequence")
    assert (signed_in.action, signed_in.user, signed_in.ip) == (Action.SIGN_IN, user, "203.0.113.7")
    assert (signed_out.action, signed_out.user) == (Action.SIGN_OUT, user)
    assert audit_verify().breaks == []


def test_a_failed_sign_in_is_recorded_with_the_name_tried_and_the_address(client):
    UserFactory(username="made-up-coordinator")
    sign_in(client, "made-up-coordinator", "not-the-password", REMOTE_ADDR="198.51.100.9")
    entry = AuditEntry.objects.get()
    assert entry.action == Action.SIGN_IN_FAILED
    assert (entry.user, entry.username, entry.ip) == (None, "made-up-coordinator", "198.51.100.9")
    assert "not-the-password" not in str(entry.details)


def test_five_wrong_passwords_lock_the_account_from_that_address(client):
    UserFactory(username="made-up-coordinator")
    for _ in range(4):
        wrong = sign_in(client, "made-up-coordinator", "wrong", REMOTE_ADDR="192.0.2.1")
        assert wrong.status_code == 200
    assert (
        sign_in(client, "made-up-coordinator", "wrong", REMOTE_ADDR="192.0.2.1").status_code == 429
    )
    # Now even the right password is refused.
    locked = sign_in(client, "made-up-coordinator", REMOTE_ADDR="192.0.2.1")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert not locked.wsgi_request.user.is_authenticated
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).count() == 6


def test_the_lockout_does_not_lock_out_others_behind_the_same_address(client):
    UserFactory(username="made-up-coordinator")
    UserFactory(username="made-up-practitioner")
    for _ in range(6):
        sign_in(client, "made-up-coordinator", "wrong", REMOTE_ADDR="192.0.2.1")
    other = Client()
    assert sign_in(other, "made-up-practitioner", REMOTE_ADDR="192.0.2.1").status_code == 302


def test_the_lockout_does_not_stop_the_owner_signing_in_from_elsewhere(client):
    UserFactory(username="made-up-coordinator")
    for _ in range(6):
        sign_in(client, "made-up-coordinator", "wrong", REMOTE_ADDR="192.0.2.1")
    assert sign_in(Client(), "made-up-coordinator", REMOTE_ADDR="192.0.2.99").status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client):
    UserFactory(username="made-up-coordinator")
    for _ in range(5):
        sign_in(client, "made-up-coordinator", "wrong", REMOTE_ADDR="192.0.2.1")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "made-up-coordinator", REMOTE_ADDR="192.0.2.1").status_code == 302


def test_a_forged_forwarded_header_cannot_dodge_the_lockout(client):
    UserFactory(username="made-up-coordinator")
    for n in range(5):
        sign_in(
            client,
            "made-up-coordinator",
            "wrong",
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    locked = sign_in(
        client, "made-up-coordinator", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
    assert locked.status_code == 429


def test_an_idle_session_ends_after_thirty_minutes(client):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "made-up-coordinator")
    # Each request within 30 minutes of the last keeps the session alive...
    for minutes in (29, 58, 87):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(HOME).status_code == 200
    # ...and 31 idle minutes end it.
    with time_machine.travel(start + timedelta(minutes=87 + 31), tick=False):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_every_page_carries_a_content_security_policy(client):
    policy = client.get(SIGN_IN)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    script = next(part for part in policy.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script


def test_a_busy_session_is_written_at_most_once_a_minute(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "made-up-coordinator")
    with (
        time_machine.travel(start + timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(HOME).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    with (
        time_machine.travel(start + timedelta(seconds=90), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get(HOME).status_code == 200
    assert [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
