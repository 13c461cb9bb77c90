"""Sign-in through an OpenID Connect provider, against a real one run on loopback.

The provider is panva's certified oidc-provider (homeward/accounts/tests/oidc_provider.py):
Homeward sends the person there, the test signs in on its page as a person would, and
Homeward's callback exchanges the code for tokens and checks the RS256-signed ID token
against the keys the provider publishes. Nothing is mocked.
"""

from urllib.parse import urlsplit

import lxml.html
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.oidc import DEACTIVATED, NO_ACCOUNT, NOT_VERIFIED
from homeward.accounts.tests.factories import PASSWORD
from homeward.accounts.tests.oidc_provider import running_provider, sign_in_at_provider
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db
NAME = "Made-up Council Entra ID"
CALLBACK = "http://testserver/accounts/oidc/callback/"
PEOPLE = {
    # Claims as the provider gives them: a "roles" claim Homeward must never read.
    "pat.practitioner@made-up.example": {
        "email": "Pat.Practitioner@Made-Up.example",
        "email_verified": True,
        "roles": ["administrator"],
        "groups": ["administrator"],
    },
    "nobody@made-up.example": {"email": "nobody@made-up.example", "email_verified": True},
    "leaver@made-up.example": {"email": "leaver@made-up.example", "email_verified": True},
    "unverified@made-up.example": {
        "email": "unverified@made-up.example",
        "email_verified": False,
    },
}


@pytest.fixture(scope="module")
def provider():
    with running_provider(PEOPLE, [CALLBACK]) as running:
        yield running


@pytest.fixture
def oidc(provider, settings):
    provider.configure(settings, name=NAME)
    return provider


def practitioner():
    user = staff(roles.PRACTITIONER, username="pat")
    user.email = "pat.practitioner@made-up.example"
    user.save()
    return user


def sign_in_through_provider(client, email, *, mfa=False, start_query=None):
    """The whole authorization-code flow: Homeward, the provider's page, Homeward again."""
    start = client.get(reverse("oidc:start"), start_query or {})
    assert start.status_code == 302
    back = sign_in_at_provider(start.url, email, mfa=mfa)
    assert back.startswith(CALLBACK), back
    parts = urlsplit(back)
    return client.get(parts.path + "?" + parts.query)


def refusal_shown(client) -> str:
    page = lxml.html.fromstring(client.get(reverse("accounts:sign-in")).content)
    return " ".join(" ".join(page.xpath("//*[@class='govuk-error-summary']//text()")).split())


def test_a_person_signs_in_through_the_provider_and_lands_on_their_page(client, oidc):
    user = practitioner()
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert f"Sign in with {NAME}" in page and 'name="password"' in page

    response = sign_in_through_provider(client, "pat.practitioner@made-up.example")

    # Matched by email whatever its case; landed where a practitioner's work is.
    assert response.status_code == 302
    assert response.url == reverse("children:mine")
    assert client.get(response.url).context["user"] == user
    entry = AuditEntry.objects.get(action=Action.SIGN_IN_OIDC)
    assert (entry.user, entry.details["provider"]) == (user, NAME)
    # Roles stay Homeward's: the provider's "administrator" claim gave nothing.
    assert list(user.groups.values_list("name", flat=True)) == [roles.PRACTITIONER]
    assert client.get(reverse("reports:index")).status_code == 403


def test_a_person_deactivated_after_signing_in_through_the_provider_is_signed_out(client, oidc):
    user = practitioner()
    assert sign_in_through_provider(client, "pat.practitioner@made-up.example").status_code == 302
    assert client.get(reverse("interviews:due")).status_code == 200

    user.is_active = False
    user.save()

    response = client.get(reverse("interviews:due"))
    assert response.status_code == 302 and reverse("accounts:sign-in") in response.url


def test_a_next_page_wins_over_the_landing_page(client, oidc):
    practitioner()
    response = sign_in_through_provider(
        client, "pat.practitioner@made-up.example", start_query={"next": "/missing-now/"}
    )
    assert response.url == "/missing-now/"


@pytest.mark.parametrize(
    "email,reason,sentence",
    [
        ("nobody@made-up.example", "no account", NO_ACCOUNT),
        ("leaver@made-up.example", "deactivated", DEACTIVATED),
        ("unverified@made-up.example", "email not verified", NOT_VERIFIED),
    ],
)
def test_a_person_homeward_cannot_match_is_refused_and_told_whom_to_ask(
    client, oidc, email, reason, sentence
):
    leaver = staff(roles.MISSING_COORDINATOR, username="leaver")
    leaver.email = "leaver@made-up.example"
    leaver.is_active = False
    leaver.save()
    staff(roles.PRACTITIONER, username="unverified").__class__.objects.filter(
        username="unverified"
    ).update(email="unverified@made-up.example")
    accounts_before = get_user_model().objects.count()

    response = sign_in_through_provider(client, email)

    assert response.url == reverse("accounts:sign-in")
    shown = refusal_shown(client)
    assert shown.startswith("You could not be signed in")
    assert sentence.format(email=email, provider=NAME) in shown
    assert "administrator" in shown
    assert not client.get(reverse("dashboard:home")).wsgi_request.user.is_authenticated
    assert get_user_model().objects.count() == accounts_before  # no account made
    entry = AuditEntry.objects.get(action=Action.SIGN_IN_REFUSED)
    assert (entry.username, entry.details["reason"]) == (email, reason)
    assert not AuditEntry.objects.filter(action=Action.SIGN_IN).exists()
    # Not a password guess: django-axes counted nothing.
    assert not AccessAttempt.objects.exists()


def test_the_providers_second_factor_is_trusted_only_when_set_and_shown(client, oidc, settings):
    practitioner()
    settings.HOMEWARD_REQUIRE_2FA = True
    settings.HOMEWARD_OIDC_TRUST_MFA = True
    # The provider says only a password was used: Homeward asks for its own second factor.
    response = sign_in_through_provider(client, "pat.practitioner@made-up.example")
    assert client.get(response.url).url.startswith(reverse("accounts:two-factor-set-up"))
    client.post(reverse("accounts:sign-out"))
    # The provider's ID token says "mfa": trusted, straight to the page.
    response = sign_in_through_provider(client, "pat.practitioner@made-up.example", mfa=True)
    assert client.get(response.url).status_code == 200
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_OIDC).last().details["amr"] == [
        "pwd",
        "mfa",
    ]
    client.post(reverse("accounts:sign-out"))
    # Not trusted by this installation: asked again, whatever the provider says.
    settings.HOMEWARD_OIDC_TRUST_MFA = False
    response = sign_in_through_provider(client, "pat.practitioner@made-up.example", mfa=True)
    assert client.get(response.url).url.startswith(reverse("accounts:two-factor-set-up"))


def test_the_password_form_can_be_hidden(client, oidc, settings):
    user = practitioner()
    settings.HOMEWARD_OIDC_ONLY = True
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert f"Sign in with {NAME}" in page and 'name="password"' not in page
    client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    assert not client.get(reverse("dashboard:home")).wsgi_request.user.is_authenticated


def test_without_a_provider_there_is_no_button_and_no_route(client):
    assert "Sign in with" not in client.get(reverse("accounts:sign-in")).content.decode()
    assert client.get(reverse("oidc:start")).status_code == 404
    assert client.get(reverse("oidc:callback")).status_code == 404
