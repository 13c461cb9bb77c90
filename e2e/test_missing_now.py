"""Missing now in a real browser: the questions it answers, refreshing itself, on a phone
and on paper; and the pages a person meets when something is not there."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import EpisodeFactory

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 320, "height": 640}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 320")


def test_missing_now_answers_refreshes_itself_and_fits_a_phone_and_paper(page, settings):
    settings.HOMEWARD_MISSING_NOW_REFRESH_SECONDS = 1
    coordinator = UserFactory(
        username="made-up-coordinator",
        first_name="Made-up",
        last_name="Coordinator",
        roles=[roles.MISSING_COORDINATOR],
    )
    now = timezone.now()
    vale = LocalityFactory(name="Made-up Vale")
    ruby = ChildFactory(first_name="Ruby", last_name="Madeup", responsible_la=council("933"))
    EpisodeFactory(
        child=ruby,
        last_seen_at=now - dt.timedelta(days=3, hours=4, minutes=10),
        returned_at=None,
        risk="high",
        risk_reviewed_at=now - dt.timedelta(hours=6),
        last_seen_location="Made-up Road bus station",
        police_reference="TV-MADE-UP-0042",
        reported_by="Made-up Children's Home",
        locality=vale,
    )
    alfie = EpisodeFactory(
        child=ChildFactory(first_name="Alfie", last_name="Madeup"),
        last_seen_at=now - dt.timedelta(hours=2),
        returned_at=None,
    )
    sign_in(page, coordinator.username)
    page.goto("/missing-now/")
    ruby_row = page.locator("tr", has_text="Ruby Madeup")
    for shown in (
        "Made-up Road bus station",
        "TV-MADE-UP-0042",
        "3 days 4 hours",
        "Reviewed",
        "Made-up Children's Home",
        "Yes, by Somerset",
        "Not yet told",
    ):
        expect(ruby_row).to_contain_text(shown)
    check_page(page, "missing-now-columns")

    # Sorted by locality, Ruby first; the refresh keeps that order and says who came and went.
    page.select_option("#id_sort", "locality")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("th[aria-sort]")).to_have_text("Locality")
    with transaction.atomic():  # both at once, so that one refresh sees both
        EpisodeFactory(
            child=ChildFactory(first_name="Maisie", last_name="Madeup"),
            last_seen_at=timezone.now() - dt.timedelta(minutes=30),
            returned_at=None,
        )
        alfie.returned_at = timezone.now()
        alfie.save()
    status = page.locator("#missing-now-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("Missing now updated: 1 child added, 1 no longer missing.")
    expect(page.locator("tbody th a")).to_have_text(["Ruby Madeup", "Maisie Madeup"])
    assert "sort=locality" in page.url  # no reload: the page is the one sorted by hand

    # A second page of the list: the current page's number is legible (axe's contrast).
    EpisodeFactory.create_batch(
        50,
        child__first_name="Zara",
        child__last_name="Listfill",
        last_seen_at=now - dt.timedelta(hours=1),
        returned_at=None,
    )
    page.goto("/missing-now/")
    expect(page.locator(".govuk-pagination")).to_contain_text("Page 1 of 2")
    check_page(page, "missing-now-pages")

    # On a phone each row stacks under its headings, nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.goto("/missing-now/")
    expect(page.locator("td[data-label='Police reference']").first).to_be_visible()
    assert fits(page), "Missing now is wider than a 320 px phone"
    check_page(page, "missing-now-phone")
    page.goto(f"/children/{ruby.pk}/")
    assert fits(page), "the child's page is wider than a 320 px phone"
    check_page(page, "child-phone")

    # On paper: a briefing sheet, no navigation or buttons, marked and signed.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/missing-now/")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()
    marking = page.locator(".hw-print-marking")
    expect(marking).to_contain_text("OFFICIAL-SENSITIVE")
    expect(marking).to_contain_text("by Made-up Coordinator")
    expect(page.locator("tr", has_text="Ruby Madeup")).to_be_visible()
    page.goto(f"/children/{ruby.pk}/")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".hw-print-marking")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".hw-print-marking")).to_be_hidden()

    # A page that is not there, in the GOV.UK pattern.
    page.goto("/children/999999999/")
    expect(page.locator("h1")).to_have_text("Page not found")
    check_page(page, "not-found")
