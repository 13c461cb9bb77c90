"""The committee paper in a real browser: its author changes a finding, gives the author and
contact officer, and issues the paper; every page is checked with axe."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.reports.models import IssuedPaper

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EDITED = "Not one of the three returns in the six months was followed by an interview in time."


def test_the_author_edits_a_finding_and_issues_the_paper(page):
    coordinator = UserFactory(username="made-up-author", roles=[roles.MISSING_COORDINATOR])
    locality = LocalityFactory(name="Made-up Vale", population_0_17=40_000)
    for day in (3, 40, 90):
        seen = dt.datetime(2020, 1, 1, 20, 0, tzinfo=LONDON) + dt.timedelta(days=day)
        EpisodeFactory(last_seen_at=seen, locality=locality)
    sign_in_with_the_keyboard(page, coordinator.username)
    page.get_by_role("link", name="Reports").click()
    page.select_option("#id_half_year", label="January to June 2020")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#paragraph-1")).to_contain_text("1. The Committee is RECOMMENDED")
    page.get_by_role("button", name="Edit and issue this paper").click()
    expect(page.locator("h1")).to_have_text("Edit and issue the paper")
    check_page(page, "paper-draft")

    page.get_by_role("link", name="Change finding 1").click()
    check_page(page, "paper-finding")
    page.get_by_label("Finding").fill(EDITED)
    page.get_by_role("button", name="Save the finding").click()
    expect(page.get_by_role("alert")).to_contain_text("Your change was saved.")
    expect(page.locator(".govuk-summary-card").first).to_contain_text(EDITED)
    history = page.get_by_role("table", name="Every change, the latest first")
    expect(history).to_contain_text("Changed finding rhi-72h-below-target")

    page.get_by_role("button", name="Issue the paper").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be issued yet")

    page.get_by_role("link", name="Change the author, implications and notes").click()
    check_page(page, "paper-details")
    page.get_by_label("Report author: name").fill("Made-up Author")
    page.get_by_label("Report author: role").fill("Made-up Head of Service")
    page.get_by_label("Contact officer: name").fill("Made-up Contact")
    page.get_by_label("Contact officer: email or telephone").fill("contact@example.invalid")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Your change was saved.")

    page.get_by_role("button", name="Issue the paper").click()
    expect(page.get_by_role("alert")).to_contain_text("The paper was issued as issue 1")
    expect(page.locator("main")).to_contain_text(EDITED)
    expect(page.locator("main")).to_contain_text("Report author: Made-up Author")
    check_page(page, "paper-issued")
    assert IssuedPaper.objects.get().report["findings"][0]["text"] == EDITED
