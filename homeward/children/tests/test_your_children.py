"""Your children: a practitioner's allocated children, with what each needs, and their
returns owed an interview."""

import datetime as dt
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.allocations import allocation_end
from homeward.children.caseload import NO_CHILDREN_ALLOCATED
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
TEAM = "Made-up North team"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def practitioner(client):
    user = staff(roles.PRACTITIONER, team=TEAM)
    client.force_login(user)
    return user


def rows(response, table: str) -> list[list[str]]:
    page = lxml.html.fromstring(response.content)
    return [
        [" ".join(" ".join(cell.itertext()).split()) for cell in row.xpath("./th|./td")]
        for row in page.xpath(f"//table[@id='{table}']/tbody/tr")
    ]


def test_it_lists_the_children_allocated_to_them_or_their_team_with_what_each_needs(
    client, practitioner
):
    mine = ChildFactory(first_name="Mine", last_name="Madeup", date_of_birth=dt.date(2006, 5, 1))
    child_allocate(child=mine, worker=practitioner, allocated_on=dt.date(2020, 1, 1))
    # Missing now for 30 hours, after a return 90 hours ago still owed an interview (overdue).
    EpisodeFactory(child=mine, last_seen_at=NOW - 30 * HOUR, returned_at=None)
    back = EpisodeFactory(child=mine, last_seen_at=NOW - 100 * HOUR, returned_at=NOW - 90 * HOUR)
    review = dt.date(2020, 5, 1)  # overdue
    ScreeningFactory(child=mine, completed_on=dt.date(2020, 1, 10), next_review_on=review)
    teams = ChildFactory(first_name="Teams", last_name="Madeup")
    child_allocate(child=teams, team=TEAM, allocated_on=dt.date(2020, 2, 1))
    # Back 10 hours ago: owed an interview, due within the 72 hours.
    EpisodeFactory(child=teams, last_seen_at=NOW - 20 * HOUR, returned_at=NOW - 10 * HOUR)
    quiet = ChildFactory(first_name="Quiet", last_name="Madeup")
    child_allocate(child=quiet, team=TEAM, allocated_on=dt.date(2020, 2, 1))
    settled = EpisodeFactory(child=quiet, last_seen_at=NOW - 200 * HOUR)
    ReturnInterviewFactory(episode=settled, outcome="completed")
    # Not theirs: another worker's child, and a child whose allocation to them has ended.
    other = ChildFactory(first_name="Other", last_name="Madeup")
    child_allocate(child=other, worker=staff(roles.PRACTITIONER), allocated_on=dt.date(2020, 1, 1))
    ended = ChildFactory(first_name="Ended", last_name="Madeup")
    allocation = child_allocate(child=ended, worker=practitioner, allocated_on=dt.date(2020, 1, 1))
    allocation_end(allocation=allocation, by=practitioner)

    response = client.get(reverse("children:mine"))

    assert response.status_code == 200
    children = rows(response, "your-children")
    assert [row[0].split(" C0")[0] for row in children] == [
        "Mine Madeup",  # missing now first
        "Teams Madeup",  # then owed an interview
        "Quiet Madeup",
    ]
    first, second, third = children
    assert first[0] == f"Mine Madeup {mine.local_id}" + (
        f", {mine.home_locality}" if mine.home_locality else ""
    )
    assert first[1] == "14, born 1 May 2006"
    assert first[2] == "You"
    assert first[3] == "Missing for 1 day 6 hours"
    assert first[4] == "Overdue by 18 hours"
    assert first[5].endswith(")") and first[5].startswith("16 May 2020")
    assert first[6] == "Due 1 May 2020"  # the screening's review, overdue
    assert second[2] == f"Your team, {TEAM}"
    assert second[3] == "No"
    assert second[4] == "Due in 2 days 14 hours"
    assert second[6] == "None set"
    assert third[4] == "None owed"
    # Below them, their returns owed an interview, the longest owed first.
    interviews = rows(response, "your-interviews")
    assert [row[0] for row in interviews] == [
        f"Mine Madeup Episode {back.local_id}",
        f"Teams Madeup Episode {teams.episodes.get().local_id}",
    ]
    assert interviews[0][2] == "Overdue by 18 hours"
    assert interviews[0][4].startswith("Record offer or outcome")
    html = response.content.decode()
    assert "Other Madeup" not in html and "Ended Madeup" not in html


def test_a_team_allocation_naming_another_worker_says_so(client, practitioner):
    child = ChildFactory(first_name="Shared", last_name="Madeup")
    colleague = staff(roles.PRACTITIONER, team=TEAM)
    colleague.first_name, colleague.last_name = "Sam", "Colleague"
    colleague.save()
    child_allocate(child=child, worker=colleague, team=TEAM, allocated_on=dt.date(2020, 1, 1))

    children = rows(client.get(reverse("children:mine")), "your-children")

    assert children[0][2] == f"Your team, {TEAM} (with Sam Colleague)"


def test_with_nothing_allocated_it_says_so_and_who_allocates(client, practitioner):
    ChildFactory(first_name="Unallocated", last_name="Madeup")

    response = client.get(reverse("children:mine"))

    html = response.content.decode()
    assert NO_CHILDREN_ALLOCATED in html
    assert "Unallocated Madeup" not in html
    assert rows(response, "your-children") == []


def test_other_casework_roles_see_only_their_own_allocations(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    client.force_login(coordinator)
    theirs, not_theirs = ChildFactory(first_name="Theirs"), ChildFactory(first_name="Notheirs")
    child_allocate(child=theirs, worker=coordinator, allocated_on=dt.date(2020, 1, 1))
    child_allocate(child=not_theirs, team=TEAM, allocated_on=dt.date(2020, 1, 1))

    html = client.get(reverse("children:mine")).content.decode()

    assert "Theirs" in html and "Notheirs" not in html


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_roles_without_case_pages_are_refused(client, role):
    client.force_login(staff(role))
    assert client.get(reverse("children:mine")).status_code == 403


def test_it_reads_the_same_few_queries_however_many_children(client, practitioner):
    def allocate(count: int) -> None:
        for _ in range(count):
            child = ChildFactory()
            child_allocate(child=child, worker=practitioner, allocated_on=dt.date(2020, 1, 1))
            EpisodeFactory(child=child, last_seen_at=NOW - 30 * HOUR, returned_at=None)
            back = EpisodeFactory(child=child, last_seen_at=NOW - 100 * HOUR)
            ReturnInterviewFactory(episode=back, outcome="no_contact", completed_at=None)
            ScreeningFactory(child=child, completed_on=dt.date(2020, 1, 10))

    allocate(1)
    client.get(reverse("children:mine"))  # the first sign of the day
    counted = []
    for more in (0, 5):
        allocate(more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("children:mine")).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]


def test_an_allocation_shows_only_a_child_the_access_rule_lets_them_see(client):
    """Police liaison see children through their localities, not allocations: a child
    allocated to them elsewhere stays hidden here as everywhere."""
    here = LocalityFactory(name="Made-up here")
    police = staff(roles.POLICE_LIAISON, localities=[here])
    client.force_login(police)
    near = ChildFactory(first_name="Near", home_locality=here)
    far = ChildFactory(first_name="Far", home_locality=LocalityFactory(name="Made-up far"))
    for child in (near, far):
        child_allocate(child=child, worker=police, allocated_on=dt.date(2020, 1, 1))

    html = client.get(reverse("children:mine")).content.decode()

    assert "Near" in html and "Far " not in html
