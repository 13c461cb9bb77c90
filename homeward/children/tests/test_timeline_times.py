"""Every time an episode and its interview keep is on the child's timeline, and every code
reads as words."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
SEEN = dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def timeline(client, child) -> str:
    html = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    return html[html.index('class="hw-timeline"') :]


def test_the_timeline_shows_each_time_recorded(coordinator):
    # Placed here by another council, which must be told.
    child = ChildFactory(responsible_la=council("825"))
    episode = EpisodeFactory(
        child=child,
        last_seen_at=SEEN,
        reported_at=SEEN + dt.timedelta(minutes=95),
        placing_la_notified_at=SEEN + dt.timedelta(hours=14, minutes=5),
        returned_at=SEEN + dt.timedelta(hours=20),
    )
    ReturnInterviewFactory(
        episode=episode,
        offered_at=SEEN + dt.timedelta(hours=26, minutes=10),
        completed_at=SEEN + dt.timedelta(hours=40, minutes=45),
    )
    ScreeningFactory(child=child, concerns="cse;cce;trafficking")
    html = timeline(coordinator, child)
    for label, when in [
        ("Reported to police", "2 Mar 2020 19:35"),
        ("Placing council told", "3 Mar 2020 08:05"),
        ("Offered", "3 Mar 2020 20:10"),
        ("Completed", "4 Mar 2020 10:45"),
    ]:
        assert f'>{label}</dt><dd class="govuk-summary-list__value">{when}<' in html, label
    assert "Child sexual exploitation, child criminal exploitation, trafficking" in html


def test_a_time_not_yet_recorded_is_said_where_it_is_owed(coordinator):
    placed_in = ChildFactory(responsible_la=council("825"))
    EpisodeFactory(child=placed_in, reported_at=None, placing_la_notified_at=None)
    html = timeline(coordinator, placed_in)
    assert 'Reported to police</dt><dd class="govuk-summary-list__value">Not recorded' in html
    assert 'Placing council told</dt><dd class="govuk-summary-list__value">Not recorded' in html
    # This council's own child: no placing council to tell.
    own = ChildFactory()
    EpisodeFactory(child=own)
    assert "Placing council told" not in timeline(coordinator, own)
