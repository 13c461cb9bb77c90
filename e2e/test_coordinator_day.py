"""The coordinator's day in a real browser, with the accessibility check on every page."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.children.services import child_update
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.services import screening_update
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")

# Transactional, because the live server reads from another thread; the councils the
# migrations load are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_when(page, field: str, moment: dt.datetime) -> None:
    local = moment.astimezone(LONDON)
    page.fill(f"#id_{field}_day", str(local.day))
    page.fill(f"#id_{field}_month", str(local.month))
    page.fill(f"#id_{field}_year", str(local.year))
    page.fill(f"#id_{field}_time", local.strftime("%H:%M"))


def sign_in_with_the_keyboard(
    page, username: str, lands_on: str = "children missing and returned"
) -> None:
    """Open Homeward's address and sign in; the person lands on their role's page."""
    page.goto("/")
    check_page(page, "sign-in")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.focus("#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(lands_on)


@pytest.fixture
def coordinator():
    return UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])


def test_the_coordinators_day(page, coordinator):
    locality = LocalityFactory(name="Made-up Vale")
    child = ChildFactory(
        first_name="Keira",
        last_name="Madeup",
        police_id="TV9990001",
        home_locality=locality,
        date_of_birth=dt.date(2009, 6, 1),
    )
    now = timezone.now()
    sign_in_with_the_keyboard(page, coordinator.username)
    check_page(page, "home")

    # Record an episode, finding the child first.
    page.get_by_role("link", name="Record an episode").click()
    check_page(page, "record-start")
    page.fill("#id_q", "Madeup")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Record episode for Keira Madeup").click()
    expect(page.locator("h1")).to_have_text("Record a missing episode")
    page.get_by_role("button", name="Record the episode").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date and time")
    check_page(page, "record-episode-errors")
    fill_when(page, "last_seen_at", now - dt.timedelta(hours=5))
    page.check("#id_missing_from_0")
    page.check("input[name=legal_status][value=child_in_need]")
    page.select_option("#id_risk", "high")
    page.select_option("#id_locality", label="Made-up Vale")
    page.get_by_role("button", name="Record the episode").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded for Keira")
    check_page(page, "child-missing")

    # See it on Missing now.
    page.get_by_role("link", name="Missing now").click()
    row = page.locator("tr", has_text="Keira Madeup")
    expect(row).to_contain_text("High")
    expect(row).to_contain_text(re.compile(r"\b[45]\b"))
    check_page(page, "missing-now")

    # Mark the return.
    row.get_by_role("link", name=re.compile("Mark returned")).click()
    fill_when(page, "returned_at", now - dt.timedelta(hours=1))
    page.fill("#id_found_location", "A made-up bus station")
    check_page(page, "mark-returned")
    page.get_by_role("button", name="Save the return").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("recorded as back")
    expect(banner).to_contain_text(re.compile(r"A return home interview is due by .*: due in"))

    # The interview is due, with its clock.
    page.get_by_role("link", name="Interviews").click()
    row = page.locator("tr", has_text="Keira Madeup")
    expect(row).to_contain_text(re.compile(r"Due in 2 days 2[23] hours"))
    check_page(page, "interviews")

    # Record the interview from the row; the return leaves the list.
    row.get_by_role("link", name=re.compile("Record offer or outcome")).click()
    check_page(page, "record-interview")
    fill_when(page, "offered_at", now - dt.timedelta(minutes=50))
    page.check("input[name=outcome][value=completed]")
    fill_when(page, "completed_at", now - dt.timedelta(minutes=20))
    page.fill("#id_conducted_by", "Made-up Worker")
    page.fill("#id_findings", "Made-up finding: met an older friend at the station.")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Interview recorded")
    expect(page.locator("table tr", has_text="Keira Madeup")).to_have_count(0)

    # Find the child and read the timeline.
    page.get_by_role("link", name="Find a child").click()
    page.fill("#id_q", "TV9990001")
    page.get_by_role("button", name="Search").click()
    check_page(page, "find-a-child")
    page.get_by_role("link", name="Keira Madeup").click()
    timeline = page.locator(".hw-timeline")
    expect(timeline).to_contain_text("Return home interview: completed")
    expect(timeline).to_contain_text("met an older friend at the station")
    expect(timeline).to_contain_text("A made-up bus station")
    expect(timeline).to_contain_text("Missing (episode")
    check_page(page, "child")
    assert child.episodes.get().returned_at is not None


def test_the_other_pages_pass_the_accessibility_check(page, coordinator):
    child = ChildFactory(first_name="Ruby", last_name="Sample")
    episode = EpisodeFactory(child=child, last_seen_at=timezone.now() - dt.timedelta(days=3))
    for days in (20, 30):
        seen = timezone.now() - dt.timedelta(days=days)
        back = EpisodeFactory(
            child=child, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=4)
        )
    placement = PlacementFactory(child=child, provider_name="Made-up House")
    interview = ReturnInterviewFactory(episode=back, outcome="no_contact", completed_at=None)
    # Another child's screening: Ruby is the repeat-missing child with none, below.
    screening = ScreeningFactory(child=ChildFactory(first_name="Maisie", last_name="Sample"))
    # A change each, so that every history page has its table.
    child_update(child=child, expected_version=1, police_id="TV-MADE-UP", by=coordinator)
    screening_update(screening=screening, expected_version=1, outcome="high", by=coordinator)
    sign_in_with_the_keyboard(page, coordinator.username)
    pages = {
        "repeat-missing": "/repeat-missing/",
        "record-screening": f"/children/{child.pk}/screenings/new/",
        "add-a-child": "/children/new/",
        "change-episode": f"/episodes/{episode.pk}/edit/",
        "children": "/children/",
        "change-child": f"/children/{child.pk}/edit/",
        "child-history": f"/children/{child.pk}/history/",
        "change-placement": f"/placements/{placement.pk}/edit/",
        "placement-history": f"/placements/{placement.pk}/history/",
        "episode-history": f"/episodes/{episode.pk}/history/",
        "record-interview-outcome": f"/interviews/{interview.pk}/edit/",
        "interview-history": f"/interviews/{interview.pk}/history/",
        "change-screening": f"/screenings/{screening.pk}/edit/",
        "screening-history": f"/screenings/{screening.pk}/history/",
    }
    for name, path in pages.items():
        page.goto(path)
        check_page(page, name)
    page.goto("/repeat-missing/")
    expect(page.locator("tr", has_text="Ruby Sample")).to_contain_text("No screening")
    page.goto("/children/new/")
    page.get_by_role("button", name="Add the child").click()
    check_page(page, "add-a-child-errors")


def test_someone_without_a_casework_role_is_refused(page):
    UserFactory(username="made-up-analyst", roles=[roles.ANALYST])
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", "made-up-analyst")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/missing-now/")
    expect(page.locator("h1")).to_have_text("You cannot see this page")
    check_page(page, "refused")
