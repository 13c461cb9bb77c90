"""Finding a child as people type them, and searching before adding one, in a real browser."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_finds_children_as_typed_and_is_shown_a_likely_match(page):
    coordinator = UserFactory(username="made-up-searcher", roles=[roles.MISSING_COORDINATOR])
    ChildFactory(first_name="Zoë", last_name="Madeup")
    ChildFactory(first_name="Sean", last_name="O'Brien", date_of_birth=dt.date(2012, 4, 3))
    ChildFactory(first_name="Abbie", last_name="Patel")
    sign_in_with_the_keyboard(page, coordinator.username)

    for typed, name in [
        ("Zoe", "Zoë Madeup"),
        ("OBrien", "Sean O'Brien"),
        ("Patel, Abbie", "Abbie Patel"),
    ]:
        page.goto("/children/")
        page.fill("#id_q", typed)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("tbody tr").first.get_by_role("link")).to_have_text(name)
    check_page(page, "search-results")

    # Adding a child with an existing child's name and date of birth: the match is shown
    # and nothing is added until the coordinator says none of them is the child.
    page.goto("/children/new/")
    page.fill("#id_first_name", "Sean")
    page.fill("#id_last_name", "OBrien")
    page.fill("#id_date_of_birth_day", "3")
    page.fill("#id_date_of_birth_month", "4")
    page.fill("#id_date_of_birth_year", "2012")
    page.check("#id_sex_0")
    page.get_by_role("button", name="Add the child").click()
    expect(page.locator("#likely-matches")).to_contain_text("may already be recorded")
    expect(page.get_by_role("link", name="Sean O'Brien")).to_be_visible()
    check_page(page, "likely-matches")
    assert Child.objects.filter(last_name="OBrien").count() == 0
    page.get_by_role("button", name="None of these is the child — create a new record").click()
    expect(page.locator("h1")).to_contain_text("Sean OBrien")
    assert Child.objects.filter(last_name="OBrien").count() == 1
