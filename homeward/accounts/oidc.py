"""Optional sign-in through the council's OpenID Connect provider (Microsoft Entra ID or another).

Off unless configured (docs/security.md, "Signing in with the council's account"). When on,
the sign-in page offers "Sign in with <provider>" and mozilla-django-oidc runs the
authorization-code flow: the provider's ID token is checked against its published keys
(RS256), and the person is then found here by their email address. Homeward never makes an
account from a sign-in and never reads a role from the provider's claims: an administrator
makes the account and decides the roles in Homeward, as for a password.

A person is refused, in a sentence that says to ask their administrator, when the provider
does not vouch for their email address (no verified email claim), when no active account has
that address, or when two do. Each refusal is audited with its reason; a sign-in is audited
as one through the provider. Refusals are not password guesses: django-axes does not count
them (the provider locks out password guessing at its end), see `not_a_password`.
"""

import logging
from functools import lru_cache

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from homeward.accounts.landing import chosen_next, landing_url
from homeward.audit.models import Action
from homeward.audit.services import audit_record

log = logging.getLogger(__name__)

# Set in the session when the provider said the person used more than a password and
# HOMEWARD_OIDC_TRUST_MFA is on: Homeward's own second factor is then not asked for.
PROVIDER_MFA_SESSION_KEY = "homeward_provider_mfa"
# The sentence the sign-in page shows after a refused sign-in through the provider.
REFUSAL_SESSION_KEY = "homeward_oidc_refused"

ASK_ADMINISTRATOR = "Ask your Homeward administrator"
NOT_VERIFIED = (
    "{provider} did not confirm your email address, so Homeward cannot tell which account "
    "is yours. " + ASK_ADMINISTRATOR + " to check how {provider} is set up."
)
NO_ACCOUNT = (
    "There is no Homeward account for {email}. Homeward does not make accounts on its own. "
    + ASK_ADMINISTRATOR
    + " to give you one with that email address."
)
DEACTIVATED = (
    "The Homeward account for {email} has been deactivated. "
    + ASK_ADMINISTRATOR
    + " if you still need to use Homeward."
)
TWO_ACCOUNTS = (
    "More than one Homeward account has the email address {email}, so Homeward cannot tell "
    "which is yours. " + ASK_ADMINISTRATOR + " to give the address to one account only."
)
PROVIDER_FAILED = (
    "Signing in with {provider} did not work: {provider} did not finish the sign-in or "
    "could not be reached. Try again, or sign in with your password if you have one. If it "
    "goes on, tell your Homeward administrator."
)

# Endpoints read from the provider's discovery document when only the issuer is given.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",  # nosec B105: a key name
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    """Whether this installation signs people in through an OpenID Connect provider."""
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and (settings.HOMEWARD_OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    )


def provider_name() -> str:
    return settings.HOMEWARD_OIDC_PROVIDER_NAME


def password_sign_in_offered() -> bool:
    """Whether the sign-in page shows the password form (off with HOMEWARD_OIDC_ONLY)."""
    return not (enabled() and settings.HOMEWARD_OIDC_ONLY)


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise SuspiciousOperation(f"The provider at {url} names another issuer.")
    return document


def forget_discovery() -> None:
    """Read the provider's discovery document afresh at the next sign-in (for tests)."""
    _discovery.cache_clear()


def oidc_setting(name: str, *default):
    """A mozilla-django-oidc setting; an endpoint not set explicitly comes from discovery."""
    value = getattr(settings, name, None)
    if name in DISCOVERED and not value and settings.HOMEWARD_OIDC_ISSUER:
        value = _discovery(settings.HOMEWARD_OIDC_ISSUER).get(DISCOVERED[name])
    if value in (None, "") and default:
        return default[0]
    if value in (None, ""):
        return import_from_settings(name, *default)  # says which setting is missing
    return value


def not_a_password(request, credentials) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: a sign-in through the provider is not counted
    towards, nor stopped by, the password lockout (it carries a nonce, never a password)."""
    return bool(credentials) and "nonce" in credentials and "password" not in credentials


def mfa_by_provider(claims: dict) -> bool:
    """Whether the ID token's `amr` claim (RFC 8176) shows more than a password was used."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.HOMEWARD_OIDC_MFA_AMR))


class Refused(Exception):
    """A sign-in through the provider that Homeward refuses, with the sentence to show."""


class HomewardOIDCBackend(OIDCAuthenticationBackend):
    """Finds the person's existing, active Homeward account by their verified email."""

    def __init__(self, *args, **kwargs):
        # Nothing is read from the provider until someone signs in through it: this backend
        # is asked about every password sign-in too, and must not reach the network then.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "password" in kwargs or "nonce" not in kwargs:
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.session[REFUSAL_SESSION_KEY] = str(refusal)
            return None

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get_userinfo(self, access_token, id_token, payload):
        # The ID token's claims (amr among them), with what the userinfo endpoint adds.
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "").strip()
        name = provider_name()
        if not email or not (
            claims.get("email_verified") is True or settings.HOMEWARD_OIDC_EMAIL_VERIFIED
        ):
            self._refuse(email or str(claims.get("sub", "")), "email not verified",
                         NOT_VERIFIED.format(provider=name))  # fmt: skip
        # Roles, teams and localities stay as Homeward has them: no claim changes them.
        people = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if not people:
            self._refuse(email, "no account", NO_ACCOUNT.format(email=email))
        if len(people) > 1:
            self._refuse(email, "two accounts", TWO_ACCOUNTS.format(email=email))
        person = people[0]
        if not person.is_active:
            self._refuse(email, "deactivated", DEACTIVATED.format(email=email), user=person)
        person.provider_mfa = mfa_by_provider(claims)
        # Read by the audit log's sign-in receiver (homeward.audit.signals).
        person.sign_in_action = Action.SIGN_IN_OIDC
        person.sign_in_details = {"provider": name, "amr": claims.get("amr") or []}
        return person

    def get_user(self, user_id):
        """The signed-in person on each request: a deactivated person's session ends at once,
        as it does for a password sign-in (Django's model backend refuses inactive people)."""
        person = super().get_user(user_id)
        return person if person is not None and person.is_active else None

    def _refuse(self, email: str, reason: str, sentence: str, user=None):
        audit_record(
            request=self.request,
            user=user,
            action=Action.SIGN_IN_REFUSED,
            username=email,
            details={"provider": provider_name(), "reason": reason},
        )
        raise Refused(sentence)


class StartView(OIDCAuthenticationRequestView):
    """Sends the person to the provider's sign-in page (404 when OIDC is not configured)."""

    def __init__(self, *args, **kwargs):
        pass  # the endpoint is read at the request, once the setting is known to be on

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not enabled():
            raise Http404("Signing in through an identity provider is not set up here.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, SuspiciousOperation) as error:
            log.warning("OIDC discovery failed: %s", error)
            return _refused(request, PROVIDER_FAILED.format(provider=provider_name()))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back; signs them in or says why not."""

    @staticmethod
    def get_settings(attr, *args):
        return oidc_setting(attr, *args)

    def get(self, request):
        if not enabled():
            raise Http404("Signing in through an identity provider is not set up here.")
        try:
            return super().get(request)
        except (requests.RequestException, ValueError, SuspiciousOperation) as error:
            # A token the provider would not give, or an ID token that fails its checks
            # (signature, issuer, audience, nonce): said, logged and audited, never a 500.
            log.warning("OIDC sign-in failed: %s", error)
            audit_record(
                request=request,
                action=Action.SIGN_IN_REFUSED,
                details={"provider": provider_name(), "reason": "provider failed"},
            )
            return _refused(request, PROVIDER_FAILED.format(provider=provider_name()))

    @property
    def success_url(self):
        return chosen_next(self.request.session.get("oidc_login_next")) or landing_url(self.user)

    def login_success(self):
        response = super().login_success()
        if settings.HOMEWARD_OIDC_TRUST_MFA and getattr(self.user, "provider_mfa", False):
            self.request.session[PROVIDER_MFA_SESSION_KEY] = True
        return response

    def login_failure(self):
        sentence = self.request.session.pop(REFUSAL_SESSION_KEY, None)
        return _refused(self.request, sentence or PROVIDER_FAILED.format(provider=provider_name()))


def _refused(request, sentence: str):
    request.session[REFUSAL_SESSION_KEY] = sentence
    return redirect("accounts:sign-in")


def take_refusal(request) -> str | None:
    """The sentence saying why the last sign-in through the provider was refused, once."""
    return request.session.pop(REFUSAL_SESSION_KEY, None)
