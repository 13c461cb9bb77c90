"""Loading the council's population by ethnic group in a real browser: the data officer finds
the page on the Reports page, sees every problem of a bad file and that nothing changed, then
loads a good one and sees what it replaced."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.benchmarks.models import PopulationByEthnicity

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = "ethnic_group,population_0_17\r\n"


def test_a_data_officer_loads_the_population_and_sees_what_it_replaced(page, tmp_path):
    UserFactory(username="made-up-officer", roles=[roles.MISSING_COORDINATOR])
    bad, good = tmp_path / "bad.csv", tmp_path / "census.csv"
    bad.write_text(HEADER + "White,80000\r\nPurple,10\r\n", encoding="utf-8")
    good.write_text(
        HEADER + "White,80000\r\nmixed,6000\r\nasian,8000\r\nblack,4000\r\nother,2000\r\n",
        encoding="utf-8",
    )
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", "made-up-officer")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/reports/")
    page.get_by_role("link", name="Population by ethnic group").click()
    expect(page.locator("#loaded-now")).to_contain_text("No population by ethnic group is loaded")
    check_page(page, "population-empty")

    page.get_by_role("button", name="Load the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the CSV file")
    page.set_input_files("#id_file", str(bad))
    page.fill("#id_source", "Census 2021, ONS table TS021")
    page.get_by_role("button", name="Load the file").click()
    expect(page.locator("#problems")).to_contain_text("Nothing was loaded: 2 problems")
    expect(page.locator("#problems")).to_contain_text("bad.csv, row 3, column ethnic_group")
    check_page(page, "population-problems")
    assert not PopulationByEthnicity.objects.exists()

    page.set_input_files("#id_file", str(good))
    page.fill("#id_source", "Census 2021, ONS table TS021")
    page.get_by_role("button", name="Load the file").click()
    expect(page.locator("#loaded")).to_contain_text("(100,000 children)")
    expect(page.locator("#population")).to_contain_text("80,000")
    check_page(page, "population-loaded")
    page.goto("/reports/population-by-ethnic-group/")
    expect(page.locator("#loaded-now")).to_contain_text("by made-up-officer")
    expect(page.get_by_text("Loading a file replaces these figures")).to_be_visible()
    check_page(page, "population-replace")
    assert PopulationByEthnicity.objects.count() == 5
