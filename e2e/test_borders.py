"""The placed-in register in a real browser: the flag, the notice's form and the list, with
the accessibility check on every page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import sign_in_with_the_keyboard
from e2e.test_panel import fill_date
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.borders.models import PlacedInEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.models import Council
from homeward.episodes.tests.factories import EpisodeFactory

# Transactional, because the live server reads from another thread; the councils the
# migrations load are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_records_the_notice_nobody_sent(page):
    coordinator = UserFactory(username="made-up-borders", roles=[roles.MISSING_COORDINATOR])
    camden = Council.objects.get(code="202")
    child = ChildFactory(
        first_name="Keira",
        last_name="Notreal",
        date_of_birth=dt.date(2009, 5, 17),
        responsible_la=camden,
    )
    seen = timezone.now() - dt.timedelta(days=3)
    EpisodeFactory(child=child, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=6))
    sign_in_with_the_keyboard(page, coordinator.username)

    # Nobody told us: the register is empty, and the list names Keira.
    page.get_by_role("link", name="Placed in", exact=True).click()
    expect(page.locator("h1")).to_have_text("Placed-in register")
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 placed-in child went missing")
    check_page(page, "borders-register-empty")
    page.get_by_role("link", name="Placed-in children nobody told us about").click()
    expect(page.locator("table")).to_contain_text("Keira Notreal")
    expect(page.locator("table")).to_contain_text("Camden")
    check_page(page, "borders-nobody-told-us")

    # Record the notice from the list: the child is filled in; first with a mistake.
    page.get_by_role("link", name="Record the notice for Keira Notreal").click()
    expect(page.locator("#id_first_name")).to_have_value("Keira")
    admitted = seen.date() - dt.timedelta(days=30)
    page.check("input[name=legal_basis][value=care_order]")
    page.fill("#id_provider_name", "Made-up House")
    page.fill("#id_provider_urn", "SC000001")
    fill_date(page, "admitted_on", admitted)
    fill_date(page, "notified_on", seen.date())
    page.fill("#id_iro_name", "Jo Madeup")
    page.fill("#id_iro_email", "not an address")
    page.get_by_role("button", name="Save the notice").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not an email address")
    check_page(page, "borders-notice-errors")
    page.fill("#id_iro_email", "jo.iro@camden.example.gov.uk")
    page.get_by_role("button", name="Save the notice").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("linked to Keira Notreal")
    check_page(page, "borders-entry")
    assert PlacedInEntry.objects.get().child_id == child.pk

    # On the register now, and the flag is gone from the child's page.
    page.get_by_role("link", name="Back to the register").click()
    row = page.locator("tr", has_text="Keira Notreal")
    expect(row).to_contain_text("Made-up House")
    expect(row).to_contain_text("Placed here now")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    check_page(page, "borders-register")
    page.get_by_role("link", name=child.local_id).click()
    expect(page.locator("h1")).to_have_text("Keira Notreal")
    expect(page.locator("#not-on-register")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("jo.iro@camden.example.gov.uk")


def test_an_administrator_keeps_the_directory_and_records_an_episode_elsewhere(page):
    admin = UserFactory(username="made-up-directory-admin", roles=[roles.ADMINISTRATOR])
    child = ChildFactory(first_name="Tyler", last_name="Sample")
    sign_in_with_the_keyboard(page, admin.username)

    # The directory: Camden has no address yet; add one.
    page.goto("/contacts/?council=Camden")
    expect(page.locator("main")).to_contain_text("Nobody at Camden can be told by email")
    check_page(page, "borders-directory")
    page.get_by_role("link", name="Add an address").click()
    page.select_option("#id_council", label="Camden")
    page.check("input[name=purpose][value=missing]")
    page.fill("#id_email", "missing@camden.example.gov.uk")
    check_page(page, "borders-contact-form")
    page.get_by_role("button", name="Save the address").click()
    expect(page.locator("table")).to_contain_text("missing@camden.example.gov.uk")
    page.get_by_role("link", name="Remove missing@camden.example.gov.uk").click()
    check_page(page, "borders-contact-remove")
    page.get_by_role("button", name="Remove the address").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is removed")

    # One of our children, missing in Camden's area, as Camden told us.
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Record an episode in another council's area").click()
    check_page(page, "borders-elsewhere-form")
    page.select_option("#id_host_council", label="Camden")
    seen = timezone.localdate() - dt.timedelta(days=2)
    fill_date(page, "last_seen_at", seen)
    page.fill("#id_last_seen_at_time", "18:00")
    fill_date(page, "told_at", seen + dt.timedelta(days=1))
    page.fill("#id_told_at_time", "09:30")
    page.get_by_role("button", name="Save the episode").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("in Camden's area")
    expect(page.locator(".hw-timeline")).to_contain_text("In Camden's area")
    check_page(page, "borders-child-elsewhere")


def test_a_coordinator_loads_a_file_of_host_councils_notifications(page, tmp_path):
    coordinator = UserFactory(
        username="made-up-file-coordinator", roles=[roles.MISSING_COORDINATOR]
    )
    child = ChildFactory(first_name="Tyler", last_name="Sample", local_id="OUTFILE1")
    seen = timezone.localdate() - dt.timedelta(days=3)
    good = tmp_path / "host-notices.csv"
    good.write_text(
        "child_id,host_council_code,last_seen_at,told_at\n"
        f"OUTFILE1,202,{seen:%d/%m/%Y} 18:00,{seen + dt.timedelta(days=1):%d/%m/%Y} 09:30\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "child_id,host_council_code,last_seen_at,told_at\nNOBODY,202,,\n", encoding="utf-8"
    )
    sign_in_with_the_keyboard(page, coordinator.username)

    page.goto(f"/children/{child.pk}/episodes/elsewhere/")
    page.get_by_role("link", name="Load a file of host councils' notifications").click()
    check_page(page, "borders-elsewhere-upload")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Load the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing was loaded: 3 problems")
    expect(summary).to_contain_text("Row 2, column child_id")
    check_page(page, "borders-elsewhere-upload-problems")
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Load the file").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Added 1 episode in other councils")
    check_page(page, "borders-elsewhere-upload-loaded")
    page.goto(f"/children/{child.pk}/")
    expect(page.locator(".hw-timeline")).to_contain_text("In Camden's area")
