import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.access.rules import NO_PAGES
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.dashboard.views import HOME_INTERVIEWS_SHOWN
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
HOME = reverse("dashboard:home")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def missing_since(hours_ago: float, **fields):
    return EpisodeFactory(last_seen_at=NOW - hours_ago * HOUR, returned_at=None, **fields)


def returned_ago(hours_ago: float, **fields):
    return EpisodeFactory(
        last_seen_at=NOW - (hours_ago + 10) * HOUR, returned_at=NOW - hours_ago * HOUR, **fields
    )


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign-in')}?next=/"


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_it_sends_someone_who_reads_reports_only_to_the_reports(client, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(HOME)
    assert (response.status_code, response.url) == (302, reverse("reports:index"))


def test_it_tells_someone_with_no_role_that_there_is_nothing_yet_and_whom_to_ask(client):
    UserFactory(username="made-up-admin", roles=[roles.ADMINISTRATOR])
    UserFactory(first_name="Made-up", last_name="Boss", roles=[roles.ADMINISTRATOR])
    UserFactory(first_name="Made-up", last_name="Gone", roles=[roles.ADMINISTRATOR]).groups.clear()
    client.force_login(UserFactory(roles=[]))
    response = client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 403
    assert NO_PAGES in html
    assert "<li>Made-up Boss</li>" in html and "<li>made-up-admin</li>" in html
    assert "Made-up Gone" not in html


@pytest.mark.parametrize("role", roles.CASEWORK_ROLES)
def test_it_shows_every_casework_role_the_council(client, role):
    client.force_login(UserFactory(roles=[role]))
    html = page(client)
    assert '<h1 class="govuk-heading-xl">Oxfordshire: children missing and returned</h1>' in html
    assert "As at 17 May 2020, 10:00." in html
    # The page's title is the council's name, and the refreshing script is in the page.
    assert "<title>Oxfordshire – Homeward</title>" in " ".join(html.split())
    assert html.count("missing-now.js") == 1


def test_it_shows_a_child_missing_now_and_not_one_who_has_returned(coordinator):
    missing_since(5, child=ChildFactory(first_name="Keira", last_name="Madeup"))
    returned = ChildFactory(first_name="Tyler", last_name="Fictional")
    EpisodeFactory(child=returned, last_seen_at=NOW - 500 * HOUR, returned_at=NOW - 480 * HOUR)
    html = page(coordinator)
    assert ">Keira Madeup</a></th>" in html
    assert "Tyler Fictional" not in html.split('id="interviews-due"')[0]


def test_it_shows_a_child_placed_here_by_another_council(coordinator):
    missing_since(5, child=ChildFactory(responsible_la=council("933")))
    assert "Placed in by Somerset" in page(coordinator)


def test_it_shows_interviews_due_and_overdue(coordinator):
    returned_ago(10, child=ChildFactory(first_name="Ruby", last_name="Sample"))
    returned_ago(80, child=ChildFactory(first_name="Jayden", last_name="Notreal"))
    html = page(coordinator)
    assert "Due in 2 days 14 hours" in html
    assert "Overdue by 8 hours" in html
    assert html.index("Jayden Notreal") < html.index("Ruby Sample")


def test_a_return_owed_for_weeks_stays_and_reads_in_days(coordinator):
    returned_ago(24 * 31, child=ChildFactory(first_name="Ruby", last_name="Sample"))
    html = page(coordinator)
    assert "Ruby Sample" in html
    assert "Overdue by 28 days" in html
    assert "1 return owed an interview: <strong>1 overdue</strong>." in html


def test_it_lists_the_longest_owed_and_links_to_all_of_them(coordinator):
    for days in range(HOME_INTERVIEWS_SHOWN + 2):
        returned_ago(24 * (days + 1), child=ChildFactory(last_name=f"Owed{days:02d}"))
    html = page(coordinator)
    shown = HOME_INTERVIEWS_SHOWN
    assert f"The {shown} owed longest are below" in html
    assert f"see all {shown + 2} on the Interviews page" in html
    assert "Owed11" in html and "Owed02" in html
    assert "Owed01" not in html and "Owed00" not in html


def test_it_counts_the_last_six_months(coordinator):
    returned_ago(24 * 40)
    missing_since(3)
    html = page(coordinator)
    assert "December 2019 to May 2020" in html
    assert '<th scope="row" class="govuk-table__header">Six months</th>' in html
    assert "0 of 1 (0%)" in html


def test_it_says_the_children_are_made_up_in_a_demo(coordinator, settings):
    settings.HOMEWARD_DEMO = True
    assert "Demonstration data: every child here is made up" in page(coordinator)


def test_it_does_not_say_so_in_a_real_installation(coordinator, settings):
    settings.HOMEWARD_DEMO = False
    assert "Demonstration data" not in page(coordinator)


def test_the_number_of_queries_does_not_grow_with_children(coordinator):
    missing_since(3)
    returned_ago(10)
    page(coordinator)  # the first page after sign-in also moves the session's expiry on
    with CaptureQueriesContext(connection) as few:
        page(coordinator)
    for hours in range(4, 10):
        missing_since(hours, child=ChildFactory(responsible_la=council("933")))
        returned_ago(hours * 10)
    with CaptureQueriesContext(connection) as many:
        page(coordinator)
    assert len(many) == len(few)
