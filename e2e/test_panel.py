"""The panel chair's meeting in a real browser, with the accessibility check on every page."""

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
from homeward.panel.models import PanelAction

# Transactional, because the live server reads from another thread; the councils the
# migrations load are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_date(page, field: str, day: dt.date) -> None:
    page.fill(f"#id_{field}_day", str(day.day))
    page.fill(f"#id_{field}_month", str(day.month))
    page.fill(f"#id_{field}_year", str(day.year))


def test_the_panel_chairs_meeting(page):
    lead = UserFactory(username="made-up-panel-chair", roles=[roles.EXPLOITATION_LEAD])
    child = ChildFactory(first_name="Ruby", last_name="Madeup")
    for days in (10, 30, 50):  # repeat missing: the lead may see her, and she is offered first
        seen = timezone.now() - dt.timedelta(days=days)
        EpisodeFactory(child=child, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=5))
    today = timezone.localdate()
    sign_in_with_the_keyboard(page, lead.username, lands_on="Repeat missing")

    # The panel, empty.
    page.get_by_role("link", name="Panel", exact=True).click()
    expect(page.locator("h1")).to_have_text("Panel")
    check_page(page, "panel-empty")

    # Record a meeting, first without the chair.
    page.get_by_role("button", name="Record a meeting").click()
    fill_date(page, "held_on", today)
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("chaired the meeting")
    check_page(page, "panel-meeting-errors")
    page.fill("#id_chair", "Made-up Chair")
    page.fill("#id_agencies", "Police, health, education, youth justice")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    check_page(page, "panel-meeting-new")

    # Add the repeat-missing child, offered first.
    page.get_by_role("button", name="Add a child").click()
    check_page(page, "panel-add-child")
    page.get_by_role("link", name="Add to meeting for Ruby Madeup").click()
    page.get_by_role("button", name="Save the discussion").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the panel's risk rating")
    check_page(page, "panel-discussion-errors")
    page.fill("#id_reason", "Made-up: missing three times in two months.")
    page.check("input[name=risk][value=high]")
    page.fill("#id_summary", "Made-up: a disruption plan agreed.")
    fill_date(page, "next_review_on", today + dt.timedelta(days=28))
    page.get_by_role("button", name="Save the discussion").click()
    section = page.locator("section", has_text="Ruby Madeup")
    expect(section).to_contain_text("High")
    check_page(page, "panel-meeting-discussed")

    # Record an action.
    section.get_by_role("link", name="Record an action for Ruby Madeup").click()
    page.fill("#id_description", "Made-up: ask the school about attendance.")
    page.fill("#id_owner", "Made-up Officer, education")
    fill_date(page, "due_on", today + dt.timedelta(days=14))
    check_page(page, "panel-action")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator("section", has_text="Ruby Madeup")).to_contain_text("Open")

    # On the panel as open; filtered by its owner.
    page.get_by_role("link", name="Panel", exact=True).click()
    page.fill("#id_owner", "education")
    page.get_by_role("button", name="Apply").click()
    row = page.locator("tr", has_text="ask the school about attendance")
    expect(row).to_contain_text("Made-up Officer, education")
    expect(page.locator("main")).to_contain_text("1 action open")
    check_page(page, "panel")

    # Change its owner: back on the panel, the open action shows the new one.
    row.get_by_role("link", name=re.compile("Change")).click()
    expect(page.locator("h1")).to_have_text("Change the action")
    check_page(page, "panel-action-change")
    page.fill("#id_owner", "Made-up Worker, education welfare")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    expect(row).to_contain_text("Made-up Worker, education welfare")

    # Mark it done: it leaves the open actions, and the meeting shows it done.
    row.get_by_role("link", name=re.compile("Mark done")).click()
    check_page(page, "panel-action-done")
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked done")
    expect(page.locator("tr", has_text="ask the school about attendance")).to_have_count(0)
    page.get_by_role("link", name=today.strftime("%-d %B %Y")).click()
    expect(page.locator("section", has_text="Ruby Madeup")).to_contain_text("Done")
    assert PanelAction.objects.get().completed_on == today
