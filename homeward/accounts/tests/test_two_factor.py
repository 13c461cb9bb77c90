"""With HOMEWARD_REQUIRE_2FA, no page opens on a password alone."""

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.accounts.two_factor import enrolment_code_issue
from homeward.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
TWO_FACTOR = reverse("accounts:two-factor")
SET_UP = reverse("accounts:two-factor-set-up")
HOME = reverse("dashboard:home")


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.HOMEWARD_REQUIRE_2FA = True


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def coordinator(with_device=False):
    user = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    if with_device:
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def sign_in(client):
    return client.post(SIGN_IN, {"username": "made-up-coordinator", "password": PASSWORD})


def enter_set_up_code(client, user):
    """What the person does with the set-up code an administrator gave them."""
    client.post(SET_UP, {"set_up_code": enrolment_code_issue(user=user)})


def test_the_default_follows_the_demo_setting():
    def required(demo: str) -> str:
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.HOMEWARD_REQUIRE_2FA)"
        )
        env = {"DJANGO_SETTINGS_MODULE": "homeward.config.settings", "HOMEWARD_DEMO": demo}
        env = {**os.environ, **env}
        env.pop("HOMEWARD_REQUIRE_2FA", None)
        run = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    assert required("false") == "True"
    assert required("true") == "False"


def test_a_password_alone_opens_no_page(client):
    coordinator(with_device=True)
    sign_in(client)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next=%2F"


def test_a_person_without_a_device_is_sent_to_set_one_up(client):
    coordinator()
    sign_in(client)
    assert client.get(HOME).url == f"{SET_UP}?next=%2F"


def test_a_right_code_opens_the_pages_and_is_recorded(client):
    device = coordinator(with_device=True).totpdevice_set.get()
    sign_in(client)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": HOME})
    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    entry = AuditEntry.objects.filter(action=Action.TWO_FACTOR_VERIFIED).get()
    assert entry.details == {"method": "authenticator app"}


def test_a_wrong_code_is_refused_and_recorded(client):
    coordinator(with_device=True)
    sign_in(client)
    response = client.post(TWO_FACTOR, {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_FAILED).count() == 1


def test_the_code_page_refuses_to_send_anyone_to_another_site(client):
    device = coordinator(with_device=True).totpdevice_set.get()
    sign_in(client)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "https://evil.example"})
    assert response.url == "/"


def test_setting_up_shows_a_qr_code_and_then_recovery_codes_once(client):
    user = coordinator()
    sign_in(client)
    enter_set_up_code(client, user)
    page = client.get(SET_UP).content.decode()
    assert "<svg" in page
    assert "otpauth://totp/Homeward" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SET_UP, {"code": code_for(device), "next": HOME})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    # Once set up, the set-up page cannot be used again to show codes or add a device.
    assert client.get(SET_UP).status_code == 302
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_SET_UP).count() == 1


def test_a_wrong_code_does_not_confirm_a_new_device(client):
    user = coordinator()
    sign_in(client)
    enter_set_up_code(client, user)
    client.get(SET_UP)
    response = client.post(SET_UP, {"code": "000000"})
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert not StaticToken.objects.exists()


def test_someone_with_only_the_password_cannot_add_their_own_device(client):
    coordinator(with_device=True)
    sign_in(client)
    assert client.get(SET_UP).url == TWO_FACTOR
    assert client.post(SET_UP, {"code": "123456"}).url == TWO_FACTOR
    assert TOTPDevice.objects.count() == 1


def test_a_recovery_code_works_once(client):
    user = coordinator()
    sign_in(client)
    enter_set_up_code(client, user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    page = client.post(SET_UP, {"code": code_for(device)}).content.decode()
    recovery = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)[0]
    assert not StaticToken.objects.filter(token=recovery).exists()  # kept only hashed
    client.post(SIGN_OUT)

    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": recovery}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_VERIFIED).last().details == {
        "method": "recovery code"
    }
    client.post(SIGN_OUT)

    sign_in(client)
    assert client.post(TWO_FACTOR, {"code": recovery}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_signing_in_and_out_stay_open_before_the_second_factor(client):
    coordinator(with_device=True)
    sign_in(client)
    assert client.get(TWO_FACTOR).status_code == 200
    assert client.post(SIGN_OUT).url == SIGN_IN


def test_an_administrator_can_reset_someone_s_two_factor(client, capsys):
    user = coordinator(with_device=True)
    call_command("two-factor-reset", "made-up-coordinator")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET).get().object_id == str(user.pk)
    sign_in(client)
    assert client.get(HOME).url.startswith(SET_UP)
