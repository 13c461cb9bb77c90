"""Two-factor authentication: TOTP devices, one-use recovery codes (django-otp), and the
one-time set-up codes administrators give people to set up a device."""

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.models import EnrolmentCode
from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.core.keys import recovery_code_digest

ENROLMENT_CODE_REFUSED = (
    "This set-up code is not right, or has expired (a code lasts {hours} hours and works "
    "once). Ask your Homeward administrator for a new set-up code."
)
ALREADY_SET_UP = (
    "{username} has set up two-factor authentication already. To replace their device, run "
    "`homeward two-factor-reset {username}` instead: it removes it and gives a set-up code."
)
# Letters and digits that cannot be mistaken for one another when read out or typed.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def two_factor_required(user) -> bool:
    """Whether this signed-in user must pass a second factor before seeing any page."""
    return settings.HOMEWARD_REQUIRE_2FA and user.is_authenticated


def has_device(user) -> bool:
    """Whether the user has set up two-factor authentication (a confirmed device)."""
    return any(devices_for_user(user, confirmed=True))


def device_for_set_up(user) -> TOTPDevice:
    """The user's not-yet-confirmed authenticator device, made on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator device with a code from it; return fresh recovery codes.

    Returns None, and changes nothing, when the code is wrong.
    """
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    EnrolmentCode.objects.filter(user=device.user).delete()  # it worked once
    codes = recovery_codes_issue(user=device.user)
    audit_record(request=request, user=device.user, action=Action.TWO_FACTOR_SET_UP)
    return codes


def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones: returned once, stored only hashed."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    # 80 random bits each, in django-otp's lower-case base32.
    codes = [
        base64.b32encode(secrets.token_bytes(10)).decode().lower()
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


def two_factor_verify(*, request, code: str):
    """The device that accepts this code (a recovery code is used up), or None."""
    device = _matching_device(request.user, code.replace(" ", ""))
    audit_record(
        request=request,
        action=Action.TWO_FACTOR_VERIFIED if device else Action.TWO_FACTOR_FAILED,
        details={"method": _method(device)} if device else {},
    )
    return device


def _matching_device(user, code: str):
    """As django-otp's match_token, but a recovery code is compared by its digest.

    A stored digest typed as a code matches nothing: it is not any code's digest.
    """
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            token = recovery_code_digest(code) if isinstance(device, StaticDevice) else code
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def two_factor_reset(*, user, by=None) -> str:
    """Remove all of a user's devices; returns the set-up code they set up again with."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(
        user=by,
        action=Action.TWO_FACTOR_RESET,
        obj=user,
        label=f"user {user.get_username()}",
    )
    return enrolment_code_issue(user=user, by=by)


class AlreadySetUp(Exception):
    pass


@transaction.atomic
def two_factor_invite(*, user, by=None) -> str:
    """A set-up code for someone who has no device yet; refused for someone who has one."""
    if has_device(user):
        raise AlreadySetUp(ALREADY_SET_UP.format(username=user.get_username()))
    return enrolment_code_issue(user=user, by=by)


@transaction.atomic
def enrolment_code_issue(*, user, by=None) -> str:
    """A new one-time set-up code for `user`, replacing any older one; returned once."""
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4))
    now = timezone.now()
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": make_password(_normal(code)),
            "issued_at": now,
            "expires_at": now + timedelta(hours=settings.HOMEWARD_2FA_SET_UP_HOURS),
        },
    )
    audit_record(
        user=by,
        action=Action.TWO_FACTOR_INVITED,
        obj=user,
        label=f"user {user.get_username()}",
        details={"expires_in_hours": settings.HOMEWARD_2FA_SET_UP_HOURS},
    )
    return code


def enrolment_code_check(*, request, code: str) -> EnrolmentCode | None:
    """The user's set-up code if `code` is it and it has not expired; a failure is audited."""
    enrolment = EnrolmentCode.objects.filter(
        user=request.user, expires_at__gt=timezone.now()
    ).first()
    if enrolment is not None and check_password(_normal(code), enrolment.code_hash):
        return enrolment
    audit_record(
        request=request, action=Action.TWO_FACTOR_FAILED, details={"method": "set-up code"}
    )
    return None


def enrolment_still_valid(user, enrolment_id) -> bool:
    """Whether the set-up code accepted earlier in this session is still the user's, unexpired."""
    return EnrolmentCode.objects.filter(
        pk=enrolment_id, user=user, expires_at__gt=timezone.now()
    ).exists()


def _normal(code: str) -> str:
    return code.replace(" ", "").replace("-", "").upper()


def _method(device) -> str:
    return "recovery code" if isinstance(device, StaticDevice) else "authenticator app"
