"""Signing in through the council's identity provider, in a real browser.

The provider is a real OpenID Connect provider run on loopback by the test (panva's
oidc-provider: homeward/accounts/tests/oidc_provider.py); its own page is not Homeward's,
so the accessibility check runs on Homeward's pages only.
"""

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.oidc_provider import running_provider
from homeward.accounts.tests.people import staff
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NAME = "Made-up Council Entra ID"
PEOPLE = {
    "sam.liaison@made-up.example": {"email": "sam.liaison@made-up.example", "email_verified": True},
    "stranger@made-up.example": {"email": "stranger@made-up.example", "email_verified": True},
}


@pytest.fixture(scope="module")
def provider(live_server):
    with running_provider(PEOPLE, [f"{live_server.url}/accounts/oidc/callback/"]) as running:
        yield running


def sign_in_at_the_provider(page, email: str) -> None:
    page.get_by_role("button", name=f"Sign in with {NAME}").click()
    expect(page.locator("h1")).to_have_text("Made-up council sign-in")
    page.fill("#login", email)
    page.get_by_role("button", name="Continue").click()


def test_a_police_liaison_signs_in_through_the_provider_and_lands_on_missing_now(
    page, provider, settings
):
    provider.configure(settings, name=NAME)
    here, there = LocalityFactory(name="Made-up Vale"), LocalityFactory(name="Made-up Downs")
    liaison = staff(roles.POLICE_LIAISON, username="made-up-liaison", localities=[here])
    liaison.email = "sam.liaison@made-up.example"
    liaison.save()
    EpisodeFactory(child__first_name="Near", child__last_name="Madeup", locality=here,
                   returned_at=None)  # fmt: skip
    EpisodeFactory(child__first_name="Far", child__last_name="Madeup", locality=there,
                   returned_at=None)  # fmt: skip

    # Someone the provider knows but Homeward does not: refused, and told whom to ask.
    page.goto("/")
    check_page(page, "oidc-sign-in")
    sign_in_at_the_provider(page, "stranger@made-up.example")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "There is no Homeward account for stranger@made-up.example"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("administrator")
    check_page(page, "oidc-refused")

    # The police liaison, on a browser the stranger has left (the provider remembers who
    # signed in there): straight to Missing now, for their locality only.
    page.context.clear_cookies()
    sign_in_at_the_provider(page, "sam.liaison@made-up.example")
    expect(page.locator("h1")).to_have_text("Missing now")
    expect(page.locator("main")).to_contain_text("Near Madeup")
    expect(page.locator("main")).not_to_contain_text("Far Madeup")
    check_page(page, "oidc-landed")
    # Every link in the navigation opens for them.
    for href in page.locator("#navigation a").evaluate_all("links => links.map(a => a.href)"):
        assert page.request.get(href).status == 200, href
