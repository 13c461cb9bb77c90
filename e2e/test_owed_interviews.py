"""A return nobody interviewed stays owed, weeks later, until a coordinator closes it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REASON = "Made-up: another council's team is interviewing"


def test_a_return_owed_for_a_month_stays_until_closed_with_a_reason(page):
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    child = ChildFactory(first_name="Ruby", last_name="Sample")
    returned = timezone.now() - dt.timedelta(days=31)
    seen = returned - dt.timedelta(hours=10)
    EpisodeFactory(child=child, last_seen_at=seen, returned_at=returned)
    sign_in_with_the_keyboard(page, coordinator.username)

    # The home page and Interviews still list it, overdue in days.
    owed = page.locator("#interviews-due ~ div tr", has_text="Ruby Sample")
    expect(owed).to_contain_text("Overdue by 28 days")
    check_page(page, "home-owed")

    # The child's page says what is owed.
    owed.get_by_role("link", name="Ruby Sample").click()
    expect(page.locator(".hw-owed")).to_contain_text("overdue by 28 days")
    check_page(page, "child-owed")

    page.get_by_role("link", name="Interviews", exact=True).click()
    row = page.locator("tr", has_text="Ruby Sample")
    expect(row).to_contain_text("Overdue by 28 days")
    expect(page.locator("main")).to_contain_text("1 waiting, 1 overdue")

    # Closed from its row: a reason is required, then the return leaves the list, saying so.
    row.get_by_role("link", name=re.compile("Close with a reason")).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("overdue by 28 days")
    page.get_by_role("button", name="Close without an interview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why no interview")
    check_page(page, "close-interview-errors")
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name="Close without an interview").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("is closed without an outcome, because: " + REASON)
    expect(banner).to_contain_text("It has left the list of interviews due")
    expect(page.locator("tr", has_text="Ruby Sample")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No return is waiting for an interview")
    check_page(page, "interviews-closed")

    # The closure is on the child's timeline, with its reason; the home page lists nothing.
    page.goto("/")
    expect(page.locator("main")).to_contain_text("No return is waiting for an interview")
    page.get_by_role("link", name="Find a child").click()
    page.fill("#id_q", "Sample")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ruby Sample").click()
    timeline = page.locator(".hw-timeline")
    expect(timeline).to_contain_text("Return home interview closed without an outcome")
    expect(timeline).to_contain_text(REASON)
    expect(page.locator(".hw-owed")).to_have_count(0)
    check_page(page, "child-closed")
