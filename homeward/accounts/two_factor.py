"""Two-factor authentication: TOTP devices and one-use recovery codes (django-otp)."""

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.audit.models import Action
from homeward.audit.services import audit_record

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
    codes = recovery_codes_issue(user=device.user)
    audit_record(request=request, user=device.user, action=Action.TWO_FACTOR_SET_UP)
    return codes


def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones, returned once and stored hashed by use."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, request, code: str):
    """The device that accepts this code (a recovery code is used up), or None."""
    device = match_token(request.user, code.replace(" ", ""))
    audit_record(
        request=request,
        action=Action.TWO_FACTOR_VERIFIED if device else Action.TWO_FACTOR_FAILED,
        details={"method": _method(device)} if device else {},
    )
    return device


@transaction.atomic
def two_factor_reset(*, user, by=None) -> None:
    """Remove all of a user's devices, so they set up again at their next sign-in."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(
        user=by,
        action=Action.TWO_FACTOR_RESET,
        obj=user,
        label=f"user {user.get_username()}",
    )


def _method(device) -> str:
    return "recovery code" if isinstance(device, StaticDevice) else "authenticator app"
