"""Headers and sessions: nothing of a child's kept in a cache or a cookie, sessions that end,
and OPTIONS and TRACE that render no page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.idle import SIGNED_IN_TOO_LONG
from homeward.accounts.tests.people import staff
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
PERIOD = {
    "period_from_day": 1,
    "period_from_month": 1,
    "period_from_year": 2020,
    "period_to_day": 16,
    "period_to_month": 5,
    "period_to_year": 2020,
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory(first_name="Zebedee", last_name="Madeup")
    EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(hours=40))
    client.force_login(staff(roles.MISSING_COORDINATOR))
    return client, child


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_for_a_signed_in_person_says_no_store(signed_in):
    client, child = signed_in
    episode = child.episodes.get()
    for url, query in [
        (reverse("dashboard:home"), {}),
        (reverse("children:detail", args=[child.pk]), {}),
        (reverse("children:search"), {"q": "Zebedee"}),
        (reverse("episodes:edit", args=[episode.pk]), {}),
        (reverse("episodes:missing-now"), {}),
        (reverse("reports:index"), PERIOD),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200, url
        assert no_store(response), url


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_report_downloads_say_no_store(signed_in, fmt):
    client, _ = signed_in
    response = client.get(reverse("reports:download", args=[fmt]), PERIOD)
    assert response.status_code == 200
    assert no_store(response)


def test_row_downloads_say_no_store(signed_in):
    client, _ = signed_in
    response = client.get(reverse("exchange:exports"), PERIOD)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert no_store(response)


@pytest.mark.parametrize("method", ["options", "trace"])
def test_options_and_trace_render_no_page(signed_in, method):
    client, child = signed_in
    for url in (reverse("children:detail", args=[child.pk]), reverse("dashboard:home")):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response.content == b"", url
        assert "GET" in response["Allow"]


def test_options_and_trace_render_no_page_before_sign_in(client):
    for method in ("options", "trace"):
        response = getattr(client, method)(reverse("accounts:sign-in"))
        assert response.status_code == 405
        assert response.content == b""


def test_no_cookie_carries_a_childs_name_after_recording_one(client):
    LocalityFactory()
    client.force_login(staff(roles.MISSING_COORDINATOR))
    saved = client.post(
        reverse("children:create"),
        {
            "first_name": "Quillonius",
            "last_name": "Madeup",
            "date_of_birth_day": 3,
            "date_of_birth_month": 4,
            "date_of_birth_year": 2008,
            "sex": "female",
        },
    )
    assert saved.status_code == 302
    shown = client.get(saved["Location"])
    # The flash message names the child on the page it is shown on...
    assert "Quillonius" in shown.content.decode()
    # ...but never travels in a cookie, neither on the redirect nor on that page.
    for response in (saved, shown):
        for name, cookie in response.cookies.items():
            assert "Quillonius" not in cookie.value, name
    assert "messages" not in client.cookies


def test_a_session_ends_after_the_absolute_lifetime_however_busy(client, settings, time_machine):
    settings.HOMEWARD_SESSION_MAX_HOURS = 12
    settings.SESSION_COOKIE_AGE = 30 * 60
    time_machine.move_to(NOW, tick=False)
    user = staff(roles.MISSING_COORDINATOR)
    client.force_login(user)
    home = reverse("dashboard:home")
    assert client.get(home).status_code == 200
    # Used every 20 minutes, so the idle timeout never ends it...
    for step in range(1, 36):  # up to 11 hours 40 minutes after signing in
        moment = NOW + step * dt.timedelta(minutes=20)
        time_machine.move_to(moment, tick=False)
        assert client.get(home).status_code == 200, moment
    # ...but 12 hours after signing in it ends, with a sentence saying why.
    time_machine.move_to(NOW + dt.timedelta(hours=12, minutes=1), tick=False)
    response = client.get(home, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:sign-in"))
    assert SIGNED_IN_TOO_LONG.format(hours=12) in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "table",
    ["episodes:missing-now-table", "dashboard:missing-now-table", "episodes:missing-now-changed"],
)
def test_missing_nows_own_refresh_does_not_keep_an_idle_screen_signed_in(
    client, settings, time_machine, table
):
    settings.SESSION_COOKIE_AGE = 30 * 60
    time_machine.move_to(NOW, tick=False)
    client.force_login(staff(roles.MISSING_COORDINATOR))
    table = reverse(table)
    # The page refreshes itself every minute, for 40 minutes, with nobody at the screen...
    for minute in range(1, 41):
        time_machine.move_to(NOW + dt.timedelta(minutes=minute), tick=False)
        if client.get(table).status_code != 200:
            break
    # ...and the idle sign-out still came, 30 minutes after the person last did anything.
    assert minute == 30 or minute == 31, minute
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
