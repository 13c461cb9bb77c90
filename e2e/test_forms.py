"""Forms that invite the right answer, in a real browser with the accessibility check: the
new-episode form filled in from what Homeward knows, and a screening's several concerns."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from e2e.test_coordinator_day import fill_when, sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.models import Screening

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_episode_starts_from_what_is_known_and_a_screening_keeps_two_concerns(page):
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    vale = LocalityFactory(name="Made-up Vale")
    abbie = ChildFactory(first_name="Abbie", last_name="Madeup", home_locality=vale)
    now = timezone.now()
    seen = now - dt.timedelta(days=40)
    EpisodeFactory(
        child=abbie,
        local_id="E-PLAN",
        legal_status="child_protection",
        last_seen_at=seen,
        returned_at=seen + dt.timedelta(hours=6),
    )
    sign_in_with_the_keyboard(page, coordinator.username)
    page.goto(f"/children/{abbie.pk}/")

    # The legal status and locality start as Homeward knows them, saying where from.
    page.get_by_role("link", name="A new missing episode").click()
    legal_status = page.get_by_role("group", name="Legal status")
    expect(legal_status.get_by_label("Child protection plan")).to_be_checked()
    expect(legal_status.get_by_label("Looked after")).not_to_be_checked()
    expect(legal_status).to_contain_text("From Abbie's last episode, E-PLAN")
    expect(page.locator("#id_locality option:checked")).to_have_text("Made-up Vale")
    expect(page.locator("#id_locality-hint")).to_contain_text("Abbie's home locality")
    check_page(page, "new-episode-prefilled")
    fill_when(page, "last_seen_at", now - dt.timedelta(hours=5))
    fill_when(page, "reported_at", now - dt.timedelta(hours=4))
    page.get_by_role("group", name="Missing from").get_by_label("Home").check()
    page.get_by_role("button", name="Record the episode").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("recorded for Abbie Madeup")
    expect(banner).to_contain_text("The legal status (Child protection plan) and locality")
    episode = Episode.objects.get(child=abbie, returned_at__isnull=True)
    assert (episode.legal_status, episode.locality_id) == ("child_protection", vale.pk)
    newest = page.locator(".hw-timeline__event").first
    expect(newest).to_contain_text("Reported to police")

    # A screening with two concerns: ticked as checkboxes, saved, and read as words.
    page.get_by_role("link", name="An exploitation screening").click()
    today = timezone.localdate()
    page.fill("#id_completed_on_day", str(today.day))
    page.fill("#id_completed_on_month", str(today.month))
    page.fill("#id_completed_on_year", str(today.year))
    page.get_by_role("group", name="Outcome").get_by_label("High").check()
    concerns = page.get_by_role("group", name="Concerns")
    expect(concerns.get_by_role("checkbox")).to_have_count(5)
    concerns.get_by_label("Child sexual exploitation").check()
    concerns.get_by_label("Child criminal exploitation").check()
    check_page(page, "screening-two-concerns")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Screening recorded")
    screening = page.locator(".hw-timeline__event--screening")
    expect(screening).to_contain_text("Child sexual exploitation, child criminal exploitation")
    assert Screening.objects.get(child=abbie).concerns == "cse;cce"

    # Its change page shows both boxes ticked.
    screening.get_by_role("link", name="Change").first.click()
    concerns = page.get_by_role("group", name="Concerns")
    expect(concerns.get_by_label("Child sexual exploitation")).to_be_checked()
    expect(concerns.get_by_label("Child criminal exploitation")).to_be_checked()
    expect(concerns.get_by_label("Trafficking")).not_to_be_checked()
