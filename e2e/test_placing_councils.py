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
from homeward.alerts.outbox import emails_send_due
from homeward.borders.services import council_contact_add
from homeward.children.tests.factories import ChildFactory
from homeward.councils.models import Council
from homeward.episodes.services import episode_update
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.notices.selectors import due_now
from homeward.notices.services import notice_send

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KENT_MISSING = "missing.children@kent.made-up.test"


def _keira_placed_by_kent():
    """A coordinator; Keira, placed here by Kent, missing since three hours ago (graded high
    risk); Kent's address for missing notifications."""
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    kent = Council.objects.get(code="886")
    child = ChildFactory(first_name="Keira", last_name="Notreal", responsible_la=kent)
    seen = timezone.now() - dt.timedelta(hours=3)
    episode = EpisodeFactory(
        child=child, last_seen_at=seen, returned_at=None, police_reference="TV-1", risk="high"
    )
    council_contact_add(council=kent, purpose="missing", email=KENT_MISSING, name="Kent team")
    return coordinator, child, episode


def test_a_notification_is_sent_and_acknowledged(page, mailbox, settings, live_server):
    settings.HOMEWARD_BASE_URL = live_server.url
    coordinator, child, _episode = _keira_placed_by_kent()
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


def test_a_correction_is_sent_after_the_episode_changes(page, mailbox, settings, live_server):
    settings.HOMEWARD_BASE_URL = live_server.url
    coordinator, _child, episode = _keira_placed_by_kent()
    notice_send(due=due_now(episode=episode, now=timezone.now()), now=timezone.now())
    emails_send_due(now=timezone.now())
    episode.refresh_from_db()
    episode_update(episode=episode, expected_version=episode.version, risk="low")
    mailbox.messages.clear()
    sign_in_with_the_keyboard(page, coordinator.username)

    page.goto(f"/episodes/{episode.pk}/edit/")
    expect(page.locator("#placing-council ~ table")).to_contain_text("Changed since sent")
    page.get_by_role("link", name="Placing councils", exact=True).click()
    to_send = page.get_by_role("table", name="Notifications to send")
    row = to_send.locator("tr", has_text="Keira Notreal")
    expect(row).to_contain_text("Risk (police grading): was High; now Low")
    row.get_by_role("link", name="Send the correction to Kent").click()
    expect(page.locator("#changes")).to_contain_text("was High; now Low")
    expect(page.locator("#body")).to_contain_text("has been corrected")
    check_page(page, "placing-council-correction-preview")
    page.get_by_role("button", name="Send the correction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to Kent")
    (message,) = mailbox.messages
    assert message["Subject"] == "Correction: a child placed here by Kent (from Oxfordshire)"


def test_an_acknowledgement_by_phone_is_recorded_from_the_list(page, live_server):
    coordinator, _child, episode = _keira_placed_by_kent()
    # Sent ten minutes ago, so that a time typed to the minute now is not before it.
    sent = timezone.now() - dt.timedelta(minutes=10)
    notice_send(due=due_now(episode=episode, now=sent), now=sent)
    sign_in_with_the_keyboard(page, coordinator.username)

    page.get_by_role("link", name="Placing councils", exact=True).click()
    row = page.locator("#awaiting ~ table tr", has_text="Keira Notreal")
    row.get_by_role("link", name="Record that they acknowledged it another way").click()
    page.get_by_label("By phone").check()
    page.fill("#id_by_name", "Made-up Kent Duty Officer")
    check_page(page, "placing-council-acknowledged-otherwise")
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter when they acknowledged")
    when = timezone.localtime()
    page.fill("#id_acknowledged_at_day", str(when.day))
    page.fill("#id_acknowledged_at_month", str(when.month))
    page.fill("#id_acknowledged_at_year", str(when.year))
    page.fill("#id_acknowledged_at_time", when.strftime("%H:%M"))
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Recorded that Kent acknowledged the missing notification (by phone"
    )
    expect(page.locator("#awaiting")).to_contain_text("Not yet acknowledged (0)")
