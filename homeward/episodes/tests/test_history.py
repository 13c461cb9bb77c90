"""An episode's change history: who, when, each field from and to, in words and UK time."""

import datetime as dt

import lxml.html
import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.services import episode_record, episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

NOW = dt.datetime(2020, 7, 17, 10, 0, tzinfo=LONDON)  # summer time: UK time is UTC + 1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def rows(response) -> dict[str, list[str]]:
    page = lxml.html.fromstring(response.content)
    found = {}
    for tr in page.iter("tr"):
        header = tr.find("th")
        if header is not None and header.get("scope") == "row":
            cells = [" ".join(td.text_content().split()) for td in tr.findall("td")]
            found.setdefault(header.text_content().strip(), cells)
    return found


def test_an_episodes_history_says_who_changed_what_and_when(client):
    here = LocalityFactory(name="Made-up here")
    coordinator = staff(roles.MISSING_COORDINATOR, username="made-up-coordinator")
    child = ChildFactory()
    seen = NOW - dt.timedelta(hours=30)
    episode = episode_record(
        child=child,
        category="missing",
        last_seen_at=seen,
        missing_from="home",
        legal_status="child_in_need",
        by=coordinator,
    )
    returned = NOW - dt.timedelta(hours=3)
    episode_update(
        episode=episode,
        expected_version=1,
        returned_at=returned,
        risk="high",
        locality=here,
        by=coordinator,
    )
    client.force_login(coordinator)
    url = reverse("episodes:history", args=[episode.pk])
    assert url in client.get(reverse("children:detail", args=[child.pk])).content.decode()
    response = client.get(url)
    html = response.content.decode()
    assert "Changed 17 Jul 2020, 10:00 by made-up-coordinator" in html
    assert "Recorded 17 Jul 2020, 10:00 by made-up-coordinator" in html
    shown = rows(response)
    assert shown["Returned"] == ["Not recorded", "17 Jul 2020 07:00"]  # UK time
    assert shown["Police risk grading"] == ["Not recorded", "High"]
    assert shown["Locality"] == ["Not recorded", "Made-up here"]
    assert shown["Last seen"] == ["16 Jul 2020 04:00"]  # as recorded
    assert "by a bundle import" not in html
    assert AuditEntry.objects.filter(action=Action.VIEW_CHILD, user=coordinator).exists()


def test_an_episode_someone_may_not_see_has_no_history_for_them(client):
    here, there = LocalityFactory(name="Made-up here"), LocalityFactory(name="Made-up there")
    episode = EpisodeFactory(child__home_locality=here, locality=there)
    client.force_login(staff(roles.POLICE_LIAISON, localities=[here]))
    assert client.get(reverse("episodes:history", args=[episode.pk])).status_code == 404
