"""A coordinator tells a placing council of its child's episode with one click, after a
preview; the recipient acknowledges receipt from the email's link, without an account."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.borders.services import council_contact_add
from homeward.children.tests.factories import ChildFactory
from homeward.councils.models import Council
from homeward.episodes.tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KENT_MISSING = "missing.children@kent.made-up.test"


def test_a_notification_is_sent_and_acknowledged(page, mailbox, settings, live_server):
    settings.HOMEWARD_BASE_URL = live_server.url
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    kent = Council.objects.get(code="886")
    child = ChildFactory(first_name="Keira", last_name="Notreal", responsible_la=kent)
    seen = timezone.now() - dt.timedelta(hours=3)
    EpisodeFactory(child=child, last_seen_at=seen, returned_at=None, police_reference="TV-1")
    council_contact_add(council=kent, purpose="missing", email=KENT_MISSING, name="Kent team")
    sign_in_with_the_keyboard(page, coordinator.username)

    page.get_by_role("link", name="Placing councils", exact=True).click()
    row = page.locator("#to-send ~ table tr", has_text="Keira Notreal")
    check_page(page, "placing-councils-to-tell")
    row.get_by_role("link", name="Send the notification to Kent").click()
    expect(page.locator("#recipients")).to_contain_text(KENT_MISSING)
    expect(page.locator("#body")).to_contain_text("Police reference: TV-1")
    check_page(page, "placing-council-preview")
    page.get_by_role("button", name="Send the notification").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The notification is sent to Kent"
    )
    expect(page.locator("#awaiting ~ table tr", has_text="Keira Notreal")).to_contain_text(
        "Awaiting"
    )

    (message,) = mailbox.messages
    link = mailbox.link_in(message)
    page.context.clear_cookies()  # the recipient has no account
    page.goto(link)
    expect(page.locator("main")).not_to_contain_text("Keira")
    check_page(page, "acknowledge-receipt")
    page.fill("#id_name", "Made-up Kent Officer")
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Receipt acknowledged")
    check_page(page, "receipt-acknowledged")
    page.goto(link)
    expect(page.locator("#why")).to_contain_text("already been acknowledged")

    sign_in_with_the_keyboard(page, coordinator.username)
    page.goto(f"/children/{child.pk}/")
    told = page.get_by_role("table", name="Notifications to the placing council")
    expect(told).to_contain_text("by Made-up Kent Officer")
