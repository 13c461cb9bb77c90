"""The list of placed-in children nobody told us about, as it grows: its queries do not grow
with its rows, and its pages keep every child (the last page too)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.web.paging import PER_PAGE

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _placed_in(how_many: int, start: int = 0) -> list:
    """Children placed here (half by Camden's placement, half only by their responsible
    council), each missing once with no notice on the register, the later ones more lately."""
    children = []
    for n in range(start, start + how_many):
        child = ChildFactory(last_name=f"Notreal{n:03d}", responsible_la=council("202"))
        if n % 2:
            PlacementFactory(child=child, placing_la=council("886"), start_date=dt.date(2019, 1, 1))
        EpisodeFactory(
            child=child,
            last_seen_at=dt.datetime(2020, 1, 1, 8, tzinfo=LONDON) + n * dt.timedelta(hours=1),
        )
        children.append(child)
    return children


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("borders:unregistered"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_reads_as_many_queries_for_thirty_children_as_for_three(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    _placed_in(3)
    client.get(reverse("borders:unregistered"))  # what is read once a session, read
    few = _queries(client)
    _placed_in(27, start=3)
    assert len(client.get(reverse("borders:unregistered")).context["page"].object_list) == 30
    assert _queries(client) == few


def test_each_child_is_on_one_page_and_the_last_page_holds_the_rest(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    children = _placed_in(PER_PAGE + 2)
    first = client.get(reverse("borders:unregistered")).context["page"]
    last = client.get(reverse("borders:unregistered"), {"page": 2})
    rows = list(first.object_list) + list(last.context["page"].object_list)
    assert len(last.context["page"].object_list) == 2
    # The latest missing first, each child once: the two missing first are on the last page.
    assert [row.child.pk for row in rows] == [child.pk for child in reversed(children)]
    text = last.content.decode()
    assert "Page 2 of 2" in text and "Notreal000" in text and "Notreal001" in text
    # The placing council of each row: the placement's where there is one.
    assert {row.placing_council.code for row in rows} == {"202", "886"}
    odd = next(row for row in rows if row.child.last_name == "Notreal001")
    assert odd.placing_council.code == "886"


def test_a_child_missing_twice_is_one_row_with_both_episodes(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    (child,) = _placed_in(1)
    EpisodeFactory(child=child, last_seen_at=dt.datetime(2020, 4, 1, 8, tzinfo=LONDON))
    _placed_in(1, start=1)
    rows = client.get(reverse("borders:unregistered")).context["page"].object_list
    assert [row.child.pk for row in rows][0] == child.pk
    assert [len(row.episodes) for row in rows] == [2, 1]
