"""Setting up two-factor sign-in needs a one-time set-up code from an administrator, not the
password alone; recovery codes are kept hashed."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import EnrolmentCode
from homeward.accounts.tests.test_two_factor import (
    HOME,
    SET_UP,
    SIGN_OUT,
    TWO_FACTOR,
    code_for,
    coordinator,
    sign_in,
)
from homeward.accounts.two_factor import ENROLMENT_CODE_REFUSED, enrolment_code_issue
from homeward.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.HOMEWARD_REQUIRE_2FA = True
    settings.HOMEWARD_2FA_SET_UP_HOURS = 72


def printed_code(output: str) -> str:
    return re.search(r"Set-up code: (\S+)", output)[1]


def test_the_password_alone_cannot_set_up_a_device(client):
    user = coordinator()
    sign_in(client)
    page = client.get(SET_UP).content.decode()
    assert "set-up code" in page
    assert "otpauth://" not in page  # no key is shown, so no device can be made
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Not even by posting an authenticator code straight away.
    response = client.post(SET_UP, {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(HOME).status_code == 302
    assert response.status_code == 200


def test_a_wrong_set_up_code_is_refused_saying_whom_to_ask(client):
    enrolment_code_issue(user=coordinator())
    sign_in(client)
    response = client.post(SET_UP, {"set_up_code": "AAAA-BBBB-CCCC-DDDD"})
    html = response.content.decode()
    assert ENROLMENT_CODE_REFUSED.format(hours=72) in html
    assert "Ask your Homeward administrator" in html
    assert "otpauth://" not in html
    failed = AuditEntry.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert failed.details == {"method": "set-up code"}


def test_an_administrator_s_code_lets_a_new_account_set_up_once(client, capsys):
    user = coordinator()
    call_command("two-factor-invite", "made-up-coordinator")
    code = printed_code(capsys.readouterr().out)
    stored = EnrolmentCode.objects.get(user=user)
    assert code.replace("-", "") not in stored.code_hash
    identify_hasher(stored.code_hash)  # a Django password hash, not the code
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_INVITED).count() == 1

    sign_in(client)
    client.post(SET_UP, {"set_up_code": code.lower()})
    page = client.get(SET_UP).content.decode()
    assert "otpauth://totp/Homeward" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SET_UP, {"code": code_for(device), "next": HOME})
    assert len(re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())) == 10
    assert client.get(HOME).status_code == 200
    # The code worked once: it is gone.
    assert not EnrolmentCode.objects.filter(user=user).exists()


def test_a_set_up_code_expires(client, time_machine, settings):
    user = coordinator()
    code = enrolment_code_issue(user=user)
    time_machine.move_to(timezone.now() + dt.timedelta(hours=72, minutes=1))
    sign_in(client)
    response = client.post(SET_UP, {"set_up_code": code})
    assert ENROLMENT_CODE_REFUSED.format(hours=72) in response.content.decode()
    assert "otpauth://" not in client.get(SET_UP).content.decode()


def test_a_reset_issues_a_new_set_up_code_and_the_old_device_is_gone(client, capsys):
    user = coordinator(with_device=True)
    call_command("two-factor-reset", "made-up-coordinator")
    code = printed_code(capsys.readouterr().out)
    assert not TOTPDevice.objects.filter(user=user).exists()
    sign_in(client)
    assert client.get(HOME).url.startswith(SET_UP)
    assert "otpauth://" not in client.get(SET_UP).content.decode()
    client.post(SET_UP, {"set_up_code": code})
    assert "otpauth://" in client.get(SET_UP).content.decode()


def test_inviting_someone_who_has_set_up_already_is_refused():
    coordinator(with_device=True)
    with pytest.raises(CommandError, match="two-factor-reset"):
        call_command("two-factor-invite", "made-up-coordinator")


def test_a_newer_code_replaces_the_older_one(client):
    user = coordinator()
    old = enrolment_code_issue(user=user)
    enrolment_code_issue(user=user)
    sign_in(client)
    response = client.post(SET_UP, {"set_up_code": old})
    assert "Ask your Homeward administrator" in response.content.decode()


def set_up_with_recovery_codes(client) -> list[str]:
    user = coordinator()
    code = enrolment_code_issue(user=user)
    sign_in(client)
    client.post(SET_UP, {"set_up_code": code})
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    page = client.post(SET_UP, {"code": code_for(device)}).content.decode()
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)


def test_recovery_codes_are_stored_hashed_and_still_sign_in_once(client):
    codes = set_up_with_recovery_codes(client)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    client.post(SIGN_OUT)
    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": codes[0]}).status_code == 302
    assert client.get(HOME).status_code == 200
    client.post(SIGN_OUT)
    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": codes[0]}).status_code == 200  # used up


def test_the_stored_hash_of_a_recovery_code_is_not_a_code(client):
    """Someone who reads the database cannot sign in with what they read there."""
    set_up_with_recovery_codes(client)
    stolen = StaticToken.objects.first().token
    client.post(SIGN_OUT)
    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": stolen}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_recovery_codes_stored_plain_before_are_hashed_and_still_work(client):
    migration = importlib.import_module(
        "homeward.accounts.migrations.0003_enrolment_code_and_hashed_recovery_codes"
    )
    user = coordinator(with_device=True)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="plainold")  # as django-otp kept it
    migration.hash_recovery_codes(apps, None)
    assert not StaticToken.objects.filter(token="plainold").exists()
    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": "plainold"}).status_code == 302
    assert client.get(HOME).status_code == 200
