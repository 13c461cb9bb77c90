"""The scrutiny report in a real browser: choose a half-year, read the paper, check its access."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_reads_the_half_yearly_report(page):
    coordinator = UserFactory(username="made-up-lead", roles=[roles.MISSING_COORDINATOR])
    locality = LocalityFactory(name="Made-up Vale", population_0_17=40_000)
    for day in (3, 40, 90):
        seen = dt.datetime(2020, 1, 1, 20, 0, tzinfo=LONDON) + dt.timedelta(days=day)
        EpisodeFactory(last_seen_at=seen, locality=locality)
    sign_in_with_the_keyboard(page, coordinator.username)
    page.get_by_role("link", name="Reports").click()
    check_page(page, "reports")
    page.select_option("#id_half_year", label="January to June 2020")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#executive-summary")).to_be_visible()
    expect(page.get_by_role("link", name="Word (DOCX)")).to_be_visible()
    # The page says that findings are edited here, on the web, by the paper's authors.
    expect(page.get_by_text("choose Edit and issue this paper below it")).to_be_visible()
    expect(page.get_by_role("button", name="Edit and issue this paper")).to_be_visible()
    check_page(page, "report-2020-H1")
