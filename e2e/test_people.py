"""An administrator brings a practitioner in, in a real browser: the account, the emailed link
(read from a real SMTP server on loopback), the allocation, and what the practitioner sees."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD
from homeward.accounts.tests.people import staff
from homeward.children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NEW_PASSWORD = "a-made-up-long-passphrase-42"  # noqa: S105  (made up, for tests)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_an_administrator_brings_in_a_practitioner_who_sees_their_child(page, mailbox):
    staff(roles.ADMINISTRATOR, username="made-up-admin")
    ChildFactory(first_name="Alfie", last_name="Madeup", local_id="MADEUP-ALFIE")
    ChildFactory(first_name="Bella", last_name="Madeup", local_id="MADEUP-BELLA")

    sign_in(page, "made-up-admin", PASSWORD)
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.locator("h1")).to_have_text("People")
    check_page(page, "people")

    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Add the person and email them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one role")
    check_page(page, "person-new-errors")
    page.fill("#id_username", "made-up-pat")
    page.fill("#id_first_name", "Pat")
    page.fill("#id_email", "pat@made-up-council.test")
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name="Add the person and email them").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "emailed to pat@made-up-council.test"
    )

    page.fill("#id_local_id", "MADEUP-ALFIE")
    page.get_by_role("button", name="Allocate the child").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "is allocated to made-up-pat"
    )
    expect(page.locator("#allocated + table")).to_contain_text("Alfie Madeup")
    check_page(page, "person")
    page.get_by_role("button", name="Sign out").click()

    # The practitioner sets a password with the link the mail server received.
    (message,) = mailbox.messages
    assert message["X-Envelope-To"] == "pat@made-up-council.test"
    page.goto(mailbox.link_in(message))
    expect(page.locator("h1")).to_have_text("Set your password")
    check_page(page, "set-password")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password is set")

    sign_in(page, "made-up-pat", NEW_PASSWORD)
    # They land on their children: exactly the one allocated to them.
    expect(page.locator("h1")).to_have_text("Your children")
    mine = page.locator("#your-children tbody tr")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Alfie Madeup")
    expect(mine).to_contain_text("You")
    expect(page.locator("main")).not_to_contain_text("Bella")
    check_page(page, "your-children")
    # On a phone each row stacks, every cell labelled with its column, and nothing overflows.
    page.set_viewport_size({"width": 320, "height": 800})
    expect(mine.locator("td").first).to_have_attribute("data-label", "Age and date of birth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_page(page, "your-children-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Find a child").click()
    page.fill("#id_q", "Madeup")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Alfie Madeup")
    expect(page.locator("main")).not_to_contain_text("Bella")
    check_page(page, "practitioner-finds-their-child")
