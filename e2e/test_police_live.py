"""A police report of a child at high risk appears on the home page and on Missing now within
seconds of arriving, in a real browser, without anyone reloading."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_missing_now import sign_in
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.police.services import notification_receive

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FORCE = "Made-up Shire Constabulary"


def reported(child, ref: str) -> None:
    """The force's report, received as the API and the CSV import receive it."""
    seen = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "force": FORCE,
        "police_ref": ref,
        "event": "missing",
        "last_seen_at": seen.strftime("%d/%m/%Y %H:%M"),
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
        "sex": child.sex,
        "postcode": child.postcode,
        "risk": "High Risk",
    }
    received = notification_receive(council=child.council, force_name=FORCE, data=data)
    assert received.notification.state == "applied", received.notification.outcome


def test_a_high_risk_report_appears_on_the_home_page_and_missing_now_unreloaded(page, settings):
    settings.HOMEWARD_MISSING_NOW_REFRESH_SECONDS = 1
    coordinator = UserFactory(roles=[roles.MISSING_COORDINATOR])
    keira, tyler = (
        ChildFactory(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sex=sex,
            postcode="OX4 1AB",
        )
        for first, last, born, sex in (
            ("Keira", "Fairweather", dt.date(2012, 4, 9), "female"),
            ("Tyler", "Quillfeather", dt.date(2011, 8, 30), "male"),
        )
    )
    sign_in(page, coordinator.username)

    page.goto("/")
    listed = page.locator("#missing-now-list")
    expect(listed).to_contain_text("No child is recorded as missing now.")
    reported(keira, "MSC-LIVE-1")
    row = listed.locator("tr", has_text="Keira Fairweather")
    expect(row).to_contain_text("From the police")
    expect(row).to_contain_text("Police reference MSC-LIVE-1")
    expect(row).to_contain_text("High")
    expect(page.locator("#missing-now-status")).to_have_text("Missing now updated: 1 child added.")
    check_page(page, "home-from-the-police")

    page.goto("/missing-now/")
    expect(page.locator("tr", has_text="Keira Fairweather")).to_contain_text("MSC-LIVE-1")
    reported(tyler, "MSC-LIVE-2")
    row = page.locator("tr", has_text="Tyler Quillfeather")
    expect(row).to_contain_text("From the police")
    expect(row).to_contain_text("MSC-LIVE-2")
    expect(page.locator("#missing-now-status")).to_have_text("Missing now updated: 1 child added.")
    check_page(page, "missing-now-from-the-police")


def test_between_full_refreshes_an_open_list_asks_whether_it_changed(page, settings):
    # The full refresh is a minute away: only the quick check can bring the report in time.
    settings.HOMEWARD_MISSING_NOW_REFRESH_SECONDS = 60
    settings.HOMEWARD_MISSING_NOW_CHECK_SECONDS = 1
    coordinator = UserFactory(roles=[roles.MISSING_COORDINATOR])
    mia = ChildFactory(
        first_name="Mia",
        last_name="Thistledown",
        date_of_birth=dt.date(2010, 2, 17),
        sex="female",
        postcode="OX4 1AB",
    )
    sign_in(page, coordinator.username)
    page.goto("/missing-now/")
    expect(page.locator("#missing-now-list")).to_contain_text(
        "No child is recorded as missing now."
    )
    reported(mia, "MSC-LIVE-3")
    row = page.locator("tr", has_text="Mia Thistledown")
    expect(row).to_contain_text("MSC-LIVE-3", timeout=5000)
    expect(page.locator("#missing-now-status")).to_have_text("Missing now updated: 1 child added.")
