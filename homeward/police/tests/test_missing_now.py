"""An episode Homeward records from a police notification is on Missing now and the home page
like any other, flagged as from the police, with every reference the police know it by."""

import datetime as dt

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.services import episode_mark_returned, episode_record, episode_update
from homeward.police.models import EpisodeReference
from homeward.police.services import notification_receive
from homeward.police.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def from_the_police(child, ref: str, *, risk: str = "high", hours: int = 1):
    """The episode as the notification service records it: by no person, with the report's
    reference kept as one the episode is known by."""
    notification = NotificationFactory(police_ref=ref, state="applied", child=child)
    episode = episode_record(
        child=child,
        category="missing",
        last_seen_at=timezone.now() - hours * HOUR,
        missing_from="home",
        legal_status="none",
        police_reference=ref,
        risk=risk,
    )
    EpisodeReference.objects.create(
        council=child.council,
        episode=episode,
        police_ref=ref,
        force_name=notification.force_name,
        notification=notification,
    )
    return episode


def report(child, ref: str, *, risk: str, hours: int) -> dict:
    """A force's report that `child` went missing `hours` ago, as a notification's fields."""
    seen = timezone.localtime() - hours * HOUR
    return {
        "force": "Made-up Shire Constabulary",
        "police_ref": ref,
        "event": "missing",
        "last_seen_at": seen.strftime("%d/%m/%Y %H:%M"),
        "first_name": child.first_name,
        "last_name": child.last_name,
        "risk": risk,
    }


def rows(html: str, *, first_header: str) -> list[str]:
    """The text of each row of the table whose first column is `first_header`."""
    page = lxml.html.fromstring(html)
    for table in page.xpath("//table"):
        headers = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
        if headers and headers[0] == first_header:
            return [" ".join(tr.text_content().split()) for tr in table.xpath("./tbody/tr")]
    raise AssertionError(f"No table starting with {first_header!r}")


@pytest.fixture
def world(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    longer = ChildFactory(first_name="Alfie", last_name="Madeup")
    episode_record(
        child=longer,
        category="missing",
        last_seen_at=timezone.now() - 30 * HOUR,
        missing_from="home",
        legal_status="none",
        police_reference="TYPED-1",
        risk="medium",
        by=coordinator,
    )
    reported = ChildFactory(first_name="Ruby", last_name="Notreal")
    episode = from_the_police(reported, "MSC-0001")
    # A neighbouring force's log of the same episode joins it.
    EpisodeReference.objects.create(
        council=reported.council,
        episode=episode,
        police_ref="NBR-77",
        force_name="Made-up Neighbour Police",
        notification=NotificationFactory(police_ref="NBR-77", state="applied"),
    )
    client.force_login(coordinator)
    return client


def test_missing_now_lists_it_first_flagged_from_the_police_with_its_references(world):
    for url in (reverse("episodes:missing-now"), reverse("episodes:missing-now-table")):
        listed = rows(world.get(url).content.decode(), first_header="Child")
        assert len(listed) == 2
        ruby, alfie = listed
        assert ruby.startswith("Ruby Notreal From the police")
        assert "High" in ruby
        assert "MSC-0001; NBR-77" in ruby
        assert alfie.startswith("Alfie Madeup")
        assert "From the police" not in alfie
        assert "TYPED-1" in alfie


def test_the_home_page_lists_it_first_flagged_from_the_police_with_its_references(world):
    listed = rows(world.get(reverse("dashboard:home")).content.decode(), first_header="Child")
    ruby, alfie = listed[:2]
    assert ruby.startswith("Ruby Notreal From the police Police reference MSC-0001; NBR-77")
    assert "High" in ruby
    assert alfie.startswith("Alfie Madeup")
    assert "From the police" not in alfie


def test_a_coordinators_episode_joined_by_a_police_report_is_not_from_the_police(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    child = ChildFactory(first_name="Keira", last_name="Sample")
    episode = episode_record(
        child=child,
        category="missing",
        last_seen_at=timezone.now() - HOUR,
        missing_from="home",
        legal_status="none",
        by=coordinator,
    )
    EpisodeReference.objects.create(
        council=child.council,
        episode=episode,
        police_ref="MSC-0002",
        notification=NotificationFactory(police_ref="MSC-0002", state="applied"),
    )
    client.force_login(coordinator)
    (keira,) = rows(
        client.get(reverse("episodes:missing-now")).content.decode(), first_header="Child"
    )
    assert "From the police" not in keira
    assert "MSC-0002" in keira


def test_a_high_risk_report_received_is_on_both_pages_at_once(client):
    child = ChildFactory(
        first_name="Keira",
        last_name="Fairweather",
        date_of_birth=dt.date(2012, 4, 9),
        sex="female",
        postcode="OX4 1AB",
    )
    data = report(child, "MSC-LIVE-1", risk="High Risk", hours=2)
    data |= {"date_of_birth": "09/04/2012", "sex": "female", "postcode": "OX4 1AB"}
    received = notification_receive(council=child.council, force_name=data["force"], data=data)
    assert received.notification.state == "applied"
    client.force_login(staff(roles.MISSING_COORDINATOR))
    (on_missing_now,) = rows(
        client.get(reverse("episodes:missing-now-table")).content.decode(), first_header="Child"
    )
    assert on_missing_now.startswith("Keira Fairweather From the police")
    assert "MSC-LIVE-1" in on_missing_now and "High" in on_missing_now
    (on_home,) = rows(client.get(reverse("dashboard:home")).content.decode(), first_header="Child")
    assert on_home.startswith("Keira Fairweather From the police Police reference MSC-LIVE-1")


def test_a_forces_own_grading_is_said_on_both_pages_not_only_not_graded(client):
    child = ChildFactory(first_name="Tegan", last_name="Madeup", date_of_birth=dt.date(2011, 3, 2))
    seen = timezone.localtime() - 3 * HOUR
    data = report(child, "MSC-OWN-1", risk="Grade 2", hours=3)
    data |= {"date_of_birth": "02/03/2011", "police_id": child.police_id}
    received = notification_receive(council=child.council, force_name=data["force"], data=data)
    assert received.notification.state == "applied", received.notification.outcome
    assert received.notification.episode.risk == ""
    said = 'Not graded: Made-up Shire Constabulary said "Grade 2"'
    client.force_login(staff(roles.MISSING_COORDINATOR))
    (on_missing_now,) = rows(
        client.get(reverse("episodes:missing-now-table")).content.decode(), first_header="Child"
    )
    (on_home,) = rows(client.get(reverse("dashboard:home")).content.decode(), first_header="Child")
    for row in (on_missing_now, on_home):
        assert said in row.replace("&quot;", '"'), row
    # Graded by a word Homeward maps, the grade is said, not the force's own word.
    an_hour_later = (seen + HOUR).strftime("%d/%m/%Y %H:%M")
    regrading = data | {"event": "update", "risk": "High", "event_at": an_hour_later}
    notification_receive(council=child.council, force_name=data["force"], data=regrading)
    (on_missing_now,) = rows(
        client.get(reverse("episodes:missing-now-table")).content.decode(), first_header="Child"
    )
    assert "High" in on_missing_now and "Grade 2" not in on_missing_now


def test_the_home_pages_list_refreshes_itself_from_a_fragment_never_stored(world):
    home = world.get(reverse("dashboard:home")).content.decode()
    page = lxml.html.fromstring(home)
    (listed,) = page.xpath("//div[@id='missing-now-list']")
    assert listed.get("data-refresh-url") == reverse("dashboard:missing-now-table")
    assert listed.get("data-changed-url") == reverse("episodes:missing-now-changed")
    assert (
        "While the page is open, this list updates itself within 1 second of a child going "
        "missing or coming back, and every 10 seconds in any case."
    ) in " ".join(page.text_content().split())
    assert page.xpath("//script[contains(@src, 'missing-now.js')]")
    response = world.get(reverse("dashboard:missing-now-table"))
    assert "no-store" in response["Cache-Control"].split(", ")
    fragment = response.content.decode()
    assert "<html" not in fragment
    ruby, alfie = rows(fragment, first_header="Child")
    assert ruby.startswith("Ruby Notreal From the police Police reference MSC-0001; NBR-77")
    ids = lxml.html.fromstring(fragment).xpath("//@data-listed")[0].split()
    assert len(ids) == 2


def state_asked(client) -> str:
    response = client.get(reverse("episodes:missing-now-changed"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    return response.json()["state"]


def state_shown(client, route: str) -> str:
    (shown,) = lxml.html.fromstring(client.get(reverse(route)).content).xpath("//@data-state")
    return shown


def test_an_open_list_is_told_when_the_list_it_shows_has_changed(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    client.force_login(coordinator)
    keira = ChildFactory(first_name="Keira", last_name="Fairweather")
    before = state_asked(client)
    # Nothing changed: asking again, and both lists, give the same state.
    assert state_asked(client) == before
    assert state_shown(client, "episodes:missing-now-table") == before
    assert state_shown(client, "dashboard:missing-now-table") == before

    episode = from_the_police(keira, "MSC-STATE-1")
    reported = state_asked(client)
    assert reported != before
    assert state_shown(client, "episodes:missing-now-table") == reported

    # A regrading changes the list's row, so it changes the state.
    episode.refresh_from_db()
    episode_update(episode=episode, expected_version=episode.version, risk="medium", by=coordinator)
    regraded = state_asked(client)
    assert regraded != reported

    # Back: the child leaves the list.
    episode.refresh_from_db()
    episode_mark_returned(
        episode=episode,
        expected_version=episode.version,
        returned_at=timezone.now(),
        by=coordinator,
    )
    back = state_asked(client)
    assert back != regraded
    # Nobody missing again: the same list as at first, so the same state.
    assert back == before


def test_the_state_tells_nobody_a_count_or_a_time_and_is_refused_without_case_pages(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    from_the_police(ChildFactory(), "MSC-STATE-2")
    state = state_asked(client)
    assert len(state) == 32 and int(state, 16) >= 0  # an opaque digest, nothing readable
    client.force_login(staff(roles.ANALYST))
    assert client.get(reverse("episodes:missing-now-changed")).status_code == 403
