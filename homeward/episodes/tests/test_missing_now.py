"""Missing now answers what is asked about a missing child, and its list refreshes in place."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes import services
from homeward.episodes.selectors import days_and_hours
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def missing(first: str, *, hours: int = 76, **extra):
    child = extra.pop("child", None) or ChildFactory(first_name=first, last_name="Madeup")
    return EpisodeFactory(child=child, last_seen_at=NOW - hours * HOUR, returned_at=None, **extra)


def test_each_row_answers_the_questions_asked_about_a_missing_child(client):
    somerset = council("933")
    missing(
        "Ruby",
        child=ChildFactory(first_name="Ruby", last_name="Madeup", responsible_la=somerset),
        last_seen_location="Made-up Street bus stop",
        police_reference="TV-20200514-0042",
        risk="high",
        risk_reviewed_at=NOW - 5 * HOUR,
        reported_by="Made-up Children's Home",
        placing_la_notified_at=None,
    )
    client.force_login(staff(roles.MISSING_COORDINATOR))
    html = client.get(reverse("episodes:missing-now")).content.decode()
    for shown in (
        "14 May 2020, 06:00",  # last seen: 76 hours before 17 May, 10:00
        "Made-up Street bus stop",
        "TV-20200514-0042",
        "Reviewed 17 May 2020, 05:00",
        "3 days 4 hours",
        "Made-up Children&#x27;s Home",
        "Yes, by Somerset",
        "Not yet told",
    ):
        assert shown in html, shown


def test_what_was_not_recorded_says_so(client):
    missing("Alfie", risk="", reported_by="")
    client.force_login(staff(roles.MISSING_COORDINATOR))
    html = client.get(reverse("episodes:missing-now")).content.decode()
    assert "Place not recorded" in html
    assert "Not graded" in html
    assert html.count("Not recorded") >= 2  # police reference, who reported


def test_the_placing_council_told_shows_when(client):
    missing(
        "Ruby",
        child=ChildFactory(first_name="Ruby", last_name="Madeup", responsible_la=council("933")),
        placing_la_notified_at=NOW - 2 * HOUR,
    )
    client.force_login(staff(roles.MISSING_COORDINATOR))
    html = client.get(reverse("episodes:missing-now")).content.decode()
    assert "Told 17 May 2020, 08:00" in html
    assert "Not yet told" not in html


def test_grading_or_regrading_the_risk_records_when(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    episode = services.episode_record(
        child=ChildFactory(),
        category="missing",
        last_seen_at=NOW - 3 * HOUR,
        missing_from="home",
        legal_status="child_in_need",
        risk="medium",
        by=coordinator,
    )
    assert episode.risk_reviewed_at == NOW
    later = NOW + 2 * HOUR
    with time_machine.travel(later, tick=False):
        unchanged = services.episode_update(
            episode=episode, expected_version=episode.version, reported_by="Made-up carer"
        )
        assert unchanged.risk_reviewed_at == NOW
        regraded = services.episode_update(
            episode=episode, expected_version=unchanged.version, risk="high"
        )
    regraded.refresh_from_db()
    assert regraded.risk_reviewed_at == later


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0, "Less than 1 hour"),
        (1, "1 hour"),
        (24, "1 day"),
        (49, "2 days 1 hour"),
        (76, "3 days 4 hours"),
    ],
)
def test_time_missing_reads_in_days_and_hours(hours, words):
    assert days_and_hours(hours) == words


def test_the_refreshed_list_keeps_the_filter_and_sort_and_is_never_stored(client):
    north, south = LocalityFactory(name="Made-up North"), LocalityFactory(name="Made-up South")
    missing("Ruby", locality=north, hours=30)
    missing("Maisie", locality=north, hours=2)
    missing("Alfie", locality=south)
    client.force_login(staff(roles.MISSING_COORDINATOR))
    url = reverse("episodes:missing-now-table")
    response = client.get(url, {"locality": north.pk, "sort": "hours"})
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"].split(", ")
    assert "<html" not in html  # the list alone, to put in the open page
    assert html.index("Ruby Madeup") < html.index("Maisie Madeup")
    assert "Alfie Madeup" not in html


def test_the_refreshed_list_shows_a_police_liaison_only_their_localities(client):
    north, south = LocalityFactory(name="Made-up North"), LocalityFactory(name="Made-up South")
    theirs = missing("Ruby", locality=north)
    other = missing("Alfie", locality=south)
    client.force_login(staff(roles.POLICE_LIAISON, localities=[north]))
    html = client.get(reverse("episodes:missing-now-table")).content.decode()
    assert "Ruby Madeup" in html
    assert "Alfie Madeup" not in html
    assert f'data-listed="{theirs.pk}"' in html  # the ids the page compares, theirs only
    assert str(other.pk) not in html.split('data-listed="')[1].split('"')[0]


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_the_refreshed_list_refuses_people_who_see_counts_only(client, role):
    missing("Ruby")
    client.force_login(staff(role))
    response = client.get(reverse("episodes:missing-now-table"))
    assert response.status_code == 403
    assert "Ruby Madeup" not in response.content.decode()


def test_the_refreshed_list_sends_someone_signed_out_to_sign_in(client):
    response = client.get(reverse("episodes:missing-now-table"))
    assert response.status_code == 302


def test_the_whole_list_on_one_page_for_printing(client):
    for n in range(51):
        missing(f"Child{n:02d}")
    client.force_login(staff(roles.MISSING_COORDINATOR))
    paged = client.get(reverse("episodes:missing-now")).content.decode()
    assert "Show all 51 on one page" in paged
    whole = client.get(reverse("episodes:missing-now"), {"all": "1"}).content.decode()
    assert whole.count("data-episode=") == 51
    assert "OFFICIAL-SENSITIVE" in whole
