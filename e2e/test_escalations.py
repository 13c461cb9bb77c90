"""A coordinator works the escalation list in a real browser and closes one, with the
accessibility check on every page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.escalations.models import Escalation
from homeward.escalations.services import escalations_raise_for_child

# Transactional, because the live server reads from another thread; the councils the
# migrations load are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def missing(child, *days_ago, risk="medium"):
    for days in days_ago:
        seen = timezone.now() - dt.timedelta(days=days)
        EpisodeFactory(
            child=child, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=5), risk=risk
        )
    escalations_raise_for_child(child_id=child.pk)


def test_the_coordinator_closes_an_escalation_from_the_list(page):
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    missing(ChildFactory(first_name="Ruby", last_name="Madeup"), 20, 10, 2)
    missing(ChildFactory(first_name="Alfie", last_name="Testwell"), 3, risk="high")
    sign_in_with_the_keyboard(page, coordinator.username)

    # The list: both open, the oldest due first.
    page.get_by_role("link", name="Escalations", exact=True).click()
    expect(page.locator("h1")).to_have_text("Escalations")
    rows = page.locator("#escalations tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ruby Madeup")
    expect(rows.nth(0)).to_contain_text("Strategy discussion to hold")
    expect(rows.nth(1)).to_contain_text("Exploitation screening due")
    check_page(page, "escalations")

    # Ruby's: why, then closed, first without an outcome.
    rows.nth(0).get_by_role("link", name="Strategy discussion to hold").click()
    expect(page.locator("#episodes tbody tr")).to_have_count(3)
    check_page(page, "escalation")
    page.get_by_role("button", name="Close with an outcome").click()
    page.get_by_role("button", name="Close the escalation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how the escalation ended")
    check_page(page, "escalation-close-errors")
    page.check("input[name=outcome][value=done]")
    page.fill("#id_outcome_notes", "Made-up: strategy discussion held with police and health.")
    page.get_by_role("button", name="Close the escalation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("closed")
    expect(page.locator("#escalation")).to_contain_text("strategy discussion held")

    # Off the open list, on the closed one.
    page.get_by_role("link", name="Escalations", exact=True).click()
    expect(page.locator("#escalations tbody tr")).to_have_count(1)
    page.select_option("#id_showing", "closed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#escalations tbody tr")).to_contain_text("Ruby Madeup")
    check_page(page, "escalations-closed")
    ruby = Escalation.objects.get(child__first_name="Ruby")
    assert ruby.outcome == "done" and ruby.closed_by == coordinator
