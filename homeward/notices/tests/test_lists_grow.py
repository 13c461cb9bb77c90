"""*Placing councils to tell* as it grows: its queries do not grow with its rows, and each
of its two lists is paged on its own, keeping every notice (the last page too)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.borders.services import child_contact_add, council_contact_add
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices.selectors import notices_due
from homeward.notices.services import notice_send
from homeward.web.paging import PER_PAGE

from .conftest import HOUR, KENT, KENT_MISSING, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def kent():
    council_contact_add(
        council=council(KENT), purpose="missing", email=KENT_MISSING, name="Kent missing team"
    )


def _episodes(how_many: int, start: int = 0) -> list:
    """Kent's children placed here, each missing once: every third back, with an IRO of
    their own on every other one, the later ones more lately."""
    episodes = []
    for n in range(start, start + how_many):
        child = ChildFactory(last_name=f"Madeup{n:03d}", responsible_la=council(KENT))
        PlacementFactory(child=child, placing_la=council(KENT), start_date=dt.date(2025, 1, 1))
        if n % 2:
            child_contact_add(
                child=child, role="iro", email=f"iro{n}@kent.made-up.test", name="IRO"
            )
        seen = NOW - 200 * HOUR + n * HOUR
        returned = seen + HOUR if n % 3 == 0 else None
        episodes.append(EpisodeFactory(child=child, last_seen_at=seen, returned_at=returned))
    return episodes


def _grow(how_many: int, start: int = 0) -> None:
    """As many episodes again: a third of them back and told of both (awaiting
    acknowledgement), the first of those with an interview's outcome to tell."""
    episodes = _episodes(how_many, start)
    told = Episode.objects.filter(pk__in=[episode.pk for episode in episodes[::3]])
    for _missing_then_returned in range(2):
        for due in notices_due(episodes=told, now=NOW):
            notice_send(due=due, now=NOW - HOUR)
    ReturnInterviewFactory(episode=episodes[0], outcome="completed")


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notices:index"))
    assert response.status_code == 200

    return len(queries)


def test_the_list_reads_as_many_queries_for_thirty_episodes_as_for_three(client, coordinator, kent):
    client.force_login(coordinator)
    _grow(3)
    client.get(reverse("notices:index"))  # what is read once a session, read
    few = _queries(client)
    _grow(27, start=3)
    page = client.get(reverse("notices:index")).context
    assert page["to_send"].paginator.count == 20 + 2  # and two interviews' outcomes
    assert page["awaiting"].paginator.count == 20
    kinds = {due.kind for due in page["to_send"].object_list}
    assert kinds == {"missing", "interview_outcome"}
    assert _queries(client) == few


def test_each_list_pages_on_its_own_and_its_last_page_holds_the_rest(client, coordinator, kent):
    client.force_login(coordinator)
    episodes = _episodes(PER_PAGE + 2)
    first = client.get(reverse("notices:index")).context["to_send"]
    last = client.get(reverse("notices:index"), {"send": 2, "awaiting": 1})
    rows = list(first.object_list) + list(last.context["to_send"].object_list)
    assert len(last.context["to_send"].object_list) == 2
    # Oldest first, each once: the two missing most lately are on the last page.
    assert [due.episode.pk for due in rows] == [episode.pk for episode in episodes]
    text = last.content.decode()
    assert "Page 2 of 2" in text and "Madeup051" in text and "Madeup050" in text
    # Paging back keeps the other list's page.
    assert "awaiting=1&amp;send=1#to-send" in text
