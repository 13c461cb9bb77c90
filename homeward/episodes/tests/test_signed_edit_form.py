"""The edit form's signed copy of what the person saw is bound to its episode and expires."""

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.core.signed import FORM_NOT_FOR_THIS_RECORD, FORM_TOO_OLD
from homeward.episodes import services
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.episodes.tests.test_views import HOUR, NOW, edit_page_form
from homeward.web.edits import TYPED_NOT_KEPT

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    client.person = UserFactory(roles=[roles.MISSING_COORDINATOR])
    client.force_login(client.person)
    return client


def later(client, time_machine, moment):
    """Hours later: signed in again, as the session would have ended meanwhile."""
    time_machine.move_to(moment, tick=False)
    client.force_login(client.person)


def edit(client, episode, data):
    return client.post(reverse("episodes:edit", args=[episode.pk]), data)


def test_a_token_from_another_episodes_page_is_refused(coordinator):
    mine = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    other = EpisodeFactory(last_seen_at=NOW - 30 * HOUR, returned_at=None, risk="low")
    borrowed = edit_page_form(coordinator, other)["based_on"]
    data = edit_page_form(coordinator, mine) | {"based_on": borrowed, "risk": "high"}
    response = edit(coordinator, mine, data)
    assert response.status_code == 200
    assert FORM_NOT_FOR_THIS_RECORD in response.content.decode()
    mine.refresh_from_db()
    assert (mine.risk, mine.version) == ("low", 1)


def test_a_token_signed_for_the_old_salt_is_refused(coordinator):
    """The token used to be signed with a fixed salt and no record: such a page is refused."""
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    data = edit_page_form(coordinator, episode)
    forged = signing.dumps({"risk": "high"}, salt="episode-edit")
    response = edit(coordinator, episode, data | {"based_on": forged, "risk": "high"})
    assert response.status_code == 200
    episode.refresh_from_db()
    assert episode.risk == "low"


def test_a_page_opened_more_than_12_hours_ago_is_refused_keeping_what_was_typed(
    coordinator, time_machine, settings
):
    settings.HOMEWARD_FORM_MAX_HOURS = 12
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    data = edit_page_form(coordinator, episode) | {
        "risk": "high",
        "found_location": "Made-up bus station",
    }
    later(coordinator, time_machine, NOW + 12 * HOUR + HOUR / 60)
    response = edit(coordinator, episode, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert FORM_TOO_OLD.format(hours=12) in html
    assert "Made-up bus station" in html  # what they typed is still in the form
    episode.refresh_from_db()
    assert (episode.risk, episode.version) == ("low", 1)
    # Nobody changed the episode meanwhile, so the page now carries a fresh token: saving
    # again what is on it is accepted.
    again = dict(response.context["form"].data.items())
    assert edit(coordinator, episode, again).status_code == 302
    episode.refresh_from_db()
    assert (episode.risk, episode.found_location) == ("high", "Made-up bus station")


def test_a_page_within_12_hours_saves(coordinator, time_machine):
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    data = edit_page_form(coordinator, episode) | {"risk": "high"}
    later(coordinator, time_machine, NOW + 11 * HOUR)
    assert edit(coordinator, episode, data).status_code == 302
    episode.refresh_from_db()
    assert episode.risk == "high"


def test_an_old_page_of_an_episode_changed_since_starts_again_from_the_episode_now(
    coordinator, time_machine, settings
):
    settings.HOMEWARD_FORM_MAX_HOURS = 12
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    data = edit_page_form(coordinator, episode) | {"found_location": "Made-up bus station"}
    later(coordinator, time_machine, NOW + 13 * HOUR)
    services.episode_update(episode=episode, expected_version=1, risk="medium")
    response = edit(coordinator, episode, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert FORM_TOO_OLD.format(hours=12) in html
    assert "Made-up bus station" not in html  # their old values could undo the other change
    assert escape(TYPED_NOT_KEPT) in html  # and the page says so
    assert response.context["form"]["risk"].value() == "medium"
    episode.refresh_from_db()
    assert (episode.risk, episode.version, episode.found_location) == ("medium", 2, "")


def test_a_borrowed_token_with_an_out_of_date_version_is_refused_with_a_sentence(coordinator):
    mine = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    other = EpisodeFactory(last_seen_at=NOW - 30 * HOUR, returned_at=None, risk="low")
    borrowed = edit_page_form(coordinator, other)
    data = edit_page_form(coordinator, mine) | {"based_on": borrowed["based_on"], "version": 7}
    response = edit(coordinator, mine, data | {"risk": "high"})
    assert response.status_code == 200
    assert FORM_NOT_FOR_THIS_RECORD in response.content.decode()
    mine.refresh_from_db()
    assert (mine.risk, mine.version) == ("low", 1)
