"""Every page needs a verified second factor, when HOMEWARD_REQUIRE_2FA is on."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from homeward.accounts.oidc import PROVIDER_MFA_SESSION_KEY
from homeward.accounts.two_factor import has_device, two_factor_required

# The pages a person signed in with a password alone may reach.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:two-factor",
    "accounts:two-factor-set-up",
    "oidc:start",
    "oidc:callback",
    # The police notifications API takes a force's token, never a session.
    "api:notifications",
    "api:openapi",
}


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            two_factor_required(user)
            and not user.is_verified()
            # Signed in through the provider with its second factor, when that is trusted
            # (HOMEWARD_OIDC_TRUST_MFA, homeward/accounts/oidc.py).
            and not request.session.get(PROVIDER_MFA_SESSION_KEY)
            and not self._is_open(request.path_info)
        ):
            target = "accounts:two-factor" if has_device(user) else "accounts:two-factor-set-up"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(path).view_name in OPEN_BEFORE_SECOND_FACTOR
        except Resolver404:
            return False
