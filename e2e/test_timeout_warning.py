"""Nothing typed is lost, in a real browser: the timeout warning opens before the idle
sign-out and is answered from the keyboard; a form saved after the session ended comes back
filled in once the same person signs in again."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import ReturnInterview

LONDON = ZoneInfo("Europe/London")
IDLE_SECONDS = 15
WARN_SECONDS = 11

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")


def test_the_warning_extends_the_session_and_a_form_posted_after_it_ended_is_kept(page, settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.HOMEWARD_TIMEOUT_WARNING_SECONDS = WARN_SECONDS
    user = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    episode = EpisodeFactory(
        last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON),
        returned_at=dt.datetime(2020, 3, 3, 9, 0, tzinfo=LONDON),
    )
    form_url = f"/episodes/{episode.pk}/interviews/new/"
    page.goto(form_url)
    sign_in(page, user.username)
    signed_in_at = time.monotonic()
    expect(page.locator("h1")).to_have_text("Record a return home interview")

    # The warning opens a little before the idle sign-out, its first button focused.
    dialog = page.locator("#timeout-warning")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog).to_contain_text("You’re about to be signed out")
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    check_page(page, "timeout-warning")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    # Past the moment the session would have ended, the person is still signed in.
    time.sleep(max(0.0, signed_in_at + IDLE_SECONDS + 1 - time.monotonic()))
    still = page.request.get(form_url)
    assert "Record a return home interview" in still.text()

    # They do nothing more: the warning opens again, then says the session has ended.
    signed_out = page.get_by_role("heading", name="You have been signed out")
    expect(signed_out).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    # What they type on the page now is not lost when they save it.
    page.check("#id_outcome_0")  # completed
    page.fill("#id_conducted_by", "Made-up Worker Zoë")
    page.fill("#id_findings", "Made-up findings typed before the sign-out")
    page.get_by_role("button", name="Save the interview").click()

    # Asked to sign in again, then back on the form as they left it, nothing saved yet.
    expect(page.locator("#id_username")).to_be_visible()
    sign_in(page, user.username)
    expect(page.locator("h1")).to_have_text("Record a return home interview")
    expect(page.locator("main")).to_contain_text("What you typed has been kept")
    expect(page.locator("#id_conducted_by")).to_have_value("Made-up Worker Zoë")
    expect(page.locator("#id_findings")).to_have_value("Made-up findings typed before the sign-out")
    expect(page.locator("#id_outcome_0")).to_be_checked()
    assert not ReturnInterview.objects.exists()
