import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.accounts.tests.people import staff
from homeward.children.models import Child
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.episodes.models import Companion
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelActionFactory, PanelDiscussionFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


@pytest.mark.parametrize("role", [roles.ANALYST, None])
def test_it_refuses_a_child_to_someone_without_a_casework_role(client, role):
    child = ChildFactory()
    client.force_login(UserFactory(roles=[role] if role else []))
    assert client.get(reverse("children:detail", args=[child.pk])).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"q": "maisie notreal"},
        {"q": "TV0000042"},
        {"q": "LOCAL-42"},
        {"date_of_birth_day": 3, "date_of_birth_month": 4, "date_of_birth_year": 2008},
    ],
    ids=["name", "police id", "local id", "date of birth"],
)
def test_search_finds_a_child_by(coordinator, query):
    ChildFactory(
        first_name="Maisie",
        last_name="Notreal",
        police_id="TV0000042",
        local_id="LOCAL-42",
        date_of_birth=dt.date(2008, 4, 3),
    )
    ChildFactory(first_name="Tyler", last_name="Fictional")
    html = coordinator.get(reverse("children:search"), query).content.decode()
    assert "Maisie Notreal" in html
    assert "Tyler Fictional" not in html


def test_the_child_page_tells_the_story(coordinator):
    child = ChildFactory(first_name="Keira", last_name="Madeup")
    friend = ChildFactory(first_name="Jayden", last_name="Sample")
    PlacementFactory(child=child, start_date=dt.date(2019, 1, 1), provider_name="Made-up House")
    episode = EpisodeFactory(child=child, found_location="A made-up park")
    Companion.objects.create(episode=episode, child=friend)
    ReturnInterviewFactory(episode=episode, findings="Made-up finding: pull factors")
    ScreeningFactory(child=child)
    html = coordinator.get(reverse("children:detail", args=[child.pk])).content.decode()
    for text in [
        "Keira Madeup",
        "Children&#x27;s home, Made-up House",
        "Returned (episode",
        "A made-up park",
        "Return home interview: completed",
        "Made-up finding: pull factors",
        "Exploitation screening",
        "Placement began",
        "Jayden Sample",
    ]:
        assert text in html, text
    # Most recent first: the return comes before the episode that began it.
    assert html.index("Returned (episode") < html.index("Missing (episode")


def test_the_timeline_shows_panel_discussions_and_their_actions(coordinator):
    child = ChildFactory()
    discussion = PanelDiscussionFactory(child=child, risk="very_high")
    PanelActionFactory(discussion=discussion, description="Made-up action: call the school")
    PanelActionFactory(
        discussion=discussion,
        description="Made-up action: share with police",
        completed_on=dt.date(2020, 5, 8),
    )
    PanelActionFactory(
        discussion=discussion, description="Made-up action: visit", due_on=dt.date(2020, 5, 10)
    )
    html = coordinator.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Discussed at the panel: very high risk" in html
    assert (
        "Made-up action: visit. Owner: Made-up Officer, education. Due 10 May 2020, overdue."
        in html
    )
    assert (
        "Made-up action: call the school. Owner: Made-up Officer, education. Due 20 May 2020."
        in html
    )
    assert (
        "Made-up action: share with police. Owner: Made-up Officer, education. Done 8 May 2020."
        in html
    )
    meeting_url = reverse("panel:meeting", args=[discussion.meeting_id])
    assert f'href="{meeting_url}"' in html


def test_the_meeting_is_not_linked_for_a_role_without_the_panel_pages(client):
    child = ChildFactory()
    discussion = PanelDiscussionFactory(child=child)
    worker = staff(roles.PRACTITIONER)
    child_allocate(child=child, worker=worker, allocated_on=dt.date(2020, 1, 1))
    client.force_login(worker)
    html = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Discussed at the panel" in html
    assert reverse("panel:meeting", args=[discussion.meeting_id]) not in html


def _story(child, episodes: int) -> None:
    for number in range(episodes):
        seen = dt.datetime(2019, 1, 10, 18, 0, tzinfo=LONDON) + dt.timedelta(days=20 * number)
        episode = EpisodeFactory(child=child, last_seen_at=seen)
        Companion.objects.create(episode=episode, child=ChildFactory())
        ReturnInterviewFactory(episode=episode)
        PlacementFactory(
            child=child,
            start_date=seen.date(),
            end_date=seen.date() + dt.timedelta(days=19),
        )
        ScreeningFactory(child=child, completed_on=seen.date())


def test_the_child_page_reads_the_same_few_queries_however_long_the_story(coordinator):
    short, long = ChildFactory(), ChildFactory()
    _story(short, episodes=1)
    _story(long, episodes=6)
    coordinator.get(reverse("children:detail", args=[short.pk]))  # the first sign of the day
    counted = []
    for child in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(reverse("children:detail", args=[child.pk])).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]


def test_the_child_page_does_not_ask_for_records_the_child_has_none_of(coordinator):
    bare, full = ChildFactory(), ChildFactory()
    EpisodeFactory(child=bare)
    _story(full, episodes=1)  # a placement, a screening, a child seen with them
    coordinator.get(reverse("children:detail", args=[bare.pk]))  # the first sign of the day
    counted = {}
    for name, child in (("bare", bare), ("full", full)):
        with CaptureQueriesContext(connection) as queries:
            coordinator.get(reverse("children:detail", args=[child.pk]))
        counted[name] = len(queries)
    # No placements, screenings or companions to read (nor which companions this person
    # may see): four queries fewer.
    assert counted["bare"] == counted["full"] - 4


def test_the_headline_placement_is_the_one_current_today(coordinator):
    child = ChildFactory()
    PlacementFactory(
        child=child,
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2019, 12, 31),
        provider_name="Made-up Old House",
    )
    PlacementFactory(child=child, start_date=dt.date(2020, 1, 1), provider_name="Made-up New House")
    PlacementFactory(child=child, start_date=dt.date(2020, 9, 1), provider_name="Made-up Future")
    html = coordinator.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Made-up New House, since 1 Jan 2020" in html
    assert "Made-up Old House, since" not in html


def test_adding_a_child_then_recording_their_episode(coordinator):
    data = {
        "first_name": "Alfie",
        "last_name": "Testwell",
        "date_of_birth_day": 1,
        "date_of_birth_month": 2,
        "date_of_birth_year": 2009,
        "sex": "male",
    }
    response = coordinator.post(reverse("children:create") + "?then=episode", data)
    child = Child.objects.get(first_name="Alfie")
    assert response.url == reverse("episodes:record", args=[child.pk])
    assert child.date_of_birth == dt.date(2009, 2, 1)


def test_an_impossible_date_of_birth_is_refused(coordinator):
    data = {
        "first_name": "Alfie",
        "last_name": "Testwell",
        "date_of_birth_day": 31,
        "date_of_birth_month": 2,
        "date_of_birth_year": 2009,
        "sex": "male",
    }
    html = coordinator.post(reverse("children:create"), data).content.decode()
    assert "The date of birth must be a real date" in html
    assert not Child.objects.filter(first_name="Alfie").exists()
