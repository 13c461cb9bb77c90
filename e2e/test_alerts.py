"""A coordinator chooses their alerts and sees the emails Homeward sent, in a real browser,
with the accessibility check on each page; the emails go through a real SMTP server."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_people import sign_in
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD
from homeward.accounts.tests.people import staff
from homeward.alerts.models import Email, EmailStatus
from homeward.alerts.preferences import alert_choices_for
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_chooses_alerts_and_retries_a_failed_email(page, mailbox, settings):
    coordinator = staff(roles.MISSING_COORDINATOR, username="made-up-coordinator")
    coordinator.email = "coordinator@made-up-council.test"
    coordinator.save()
    child = ChildFactory(first_name="Keira", last_name="Madeup")
    EpisodeFactory(
        child=child,
        risk="high",
        last_seen_at=timezone.now() - dt.timedelta(hours=1),
        returned_at=None,
    )
    settings.HOMEWARD_ALERT_SOURCES = ("homeward.alerts.immediate.high_risk_alerts_queue",)
    call_command("send-alerts")
    assert [m["X-Envelope-To"] for m in mailbox.messages] == ["coordinator@made-up-council.test"]

    sign_in(page, "made-up-coordinator", PASSWORD)
    page.get_by_role("link", name="Your alerts").click()
    expect(page.locator("h1")).to_have_text("Your alerts")
    expect(page.locator("#role-defaults")).to_contain_text("your role's defaults")
    check_page(page, "alerts-preferences")
    page.get_by_label("The morning digest").uncheck()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your alert choices are saved."
    )
    expect(page.get_by_label("The morning digest")).not_to_be_checked()
    expect(page.get_by_label("At once: a child whose record")).to_be_checked()
    choices = alert_choices_for(coordinator)
    assert (choices.digest, choices.high_risk, choices.interview_breach) == (False, True, True)

    # An email the mail server refused, after its last try.
    Email.objects.filter(purpose="high-risk").update(
        status=EmailStatus.FAILED,
        sent_at=None,
        attempts=6,
        next_attempt_at=None,
        last_error="The mail server refused the email: 550 Mailbox unavailable.",
    )
    page.get_by_role("link", name="Emails sent").click()
    expect(page.locator("h1")).to_have_text("Emails sent")
    expect(page.locator("#emails")).to_contain_text("coordinator@made-up-council.test")
    expect(page.locator("#emails")).to_contain_text("550 Mailbox unavailable")
    expect(page.locator("#emails")).not_to_contain_text("Keira")
    check_page(page, "alerts-emails-sent")
    page.get_by_role("button", name="Retry now").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "will be tried again by the next run of send-alerts"
    )
    check_page(page, "alerts-emails-retried")

    call_command("send-alerts")
    assert len(mailbox.messages) == 2
    page.reload()
    expect(page.locator("#emails")).to_contain_text("Sent")


def test_the_demo_administrator_reads_the_caught_emails(page, settings, tmp_path):
    staff(roles.ADMINISTRATOR, username="made-up-admin")
    settings.HOMEWARD_MAIL_CATCHER_DIR = str(tmp_path)
    (tmp_path / "20261201T090000000000-0001.eml").write_bytes(
        b"X-Envelope-To: demo-coordinator@made-up-county.example\r\n"
        b"From: homeward@localhost\r\nTo: demo-coordinator@made-up-county.example\r\n"
        b"Subject: Homeward: a child is missing at high risk\r\n"
        b"Date: Tue, 01 Dec 2026 09:00:00 +0000\r\n\r\nEpisode: E000001\r\n"
    )
    sign_in(page, "made-up-admin", PASSWORD)
    page.goto("/demo/mail/")
    expect(page.locator("h1")).to_have_text("The demo's emails")
    check_page(page, "alerts-demo-mail")
    page.get_by_role("link", name="Homeward: a child is missing at high risk").click()
    expect(page.locator("#body")).to_contain_text("Episode: E000001")
    check_page(page, "alerts-demo-mail-message")
