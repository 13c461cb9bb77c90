"""The public page on which a notice's recipient acknowledges receipt: works once, expires,
refuses a tampered link, and shows nothing about the child with or without a link."""

import datetime as dt

import pytest
from django.urls import reverse

from homeward.audit.models import AuditEntry
from homeward.notices import links
from homeward.notices.models import PlacingCouncilNotice
from homeward.notices.selectors import due_now
from homeward.notices.services import ACKNOWLEDGER_LIMIT, NAME_TOO_LONG, notice_send

from .conftest import NOW

pytestmark = pytest.mark.django_db
NAME = "Made-up Kent Officer"


@pytest.fixture
def notice(kent_contacts, episode):
    return notice_send(due=due_now(episode=episode, now=NOW), now=NOW)


@pytest.fixture
def url(notice):
    return links.acknowledgement_path(notice)


def _reveals_nothing(response, episode):
    text = response.content.decode()
    child = episode.child
    for secret in (
        child.first_name,
        child.last_name,
        "2011",
        episode.police_reference,
        episode.local_id,
        child.local_id,
        "Kent",
    ):
        assert secret not in text


def test_it_acknowledges_once(client, notice, url, episode):
    page = client.get(url)
    assert page.status_code == 200
    assert "Acknowledge receipt" in page.content.decode()
    _reveals_nothing(page, episode)

    done = client.post(url, {"name": NAME})
    assert "Receipt acknowledged" in done.content.decode()
    notice.refresh_from_db()
    assert (notice.acknowledged_at, notice.acknowledged_by_name) == (NOW, NAME)
    entry = AuditEntry.objects.filter(object_id=str(notice.pk)).latest("sequence")
    assert entry.username == f"{NAME} (acknowledged by link)"

    again = client.post(url, {"name": "Someone else"})
    assert again.status_code == 410
    assert links.LINK_USED in again.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_by_name == NAME
    _reveals_nothing(again, episode)


def test_a_name_is_needed(client, notice, url):
    page = client.post(url, {"name": "  "})
    assert "Enter your name" in page.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_it_expires(client, settings, time_machine, notice, url, episode):
    settings.HOMEWARD_NOTICE_LINK_DAYS = 14
    time_machine.move_to(NOW + dt.timedelta(days=14, seconds=1), tick=False)
    page = client.post(url, {"name": NAME})
    assert page.status_code == 410
    assert links.LINK_EXPIRED in page.content.decode()
    _reveals_nothing(page, episode)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_it_works_until_it_expires(client, time_machine, notice, url):
    time_machine.move_to(NOW + dt.timedelta(days=13, hours=23), tick=False)
    client.post(url, {"name": NAME})
    notice.refresh_from_db()
    assert notice.acknowledged_by_name == NAME


def test_a_tampered_link_is_refused(client, notice, url, episode):
    token = url.rstrip("/").rsplit("/", 1)[1]
    other = PlacingCouncilNotice(pk=notice.pk + 1)
    forged_payload = links.acknowledgement_token(other).split(":")[0]
    tampered = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        forged_payload + ":" + token.split(":", 1)[1],
        "not-a-token",
    ]
    for bad in tampered:
        page = client.post(reverse("notices:acknowledge", kwargs={"token": bad}), {"name": NAME})
        assert page.status_code == 404
        assert links.LINK_NOT_VALID in page.content.decode()
        _reveals_nothing(page, episode)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_acknowledgement_needs_the_csrf_token(notice, url):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"name": NAME}).status_code == 403
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_acknowledgement_shows_on_the_episode_and_child_pages(
    client, coordinator, notice, url, episode
):
    client.post(url, {"name": NAME})
    client.force_login(coordinator)
    for page in (
        reverse("episodes:edit", kwargs={"pk": episode.pk}),
        reverse("children:detail", kwargs={"pk": episode.child_id}),
    ):
        text = client.get(page).content.decode()
        assert f"3 Mar 2026, 10:00 by {NAME}" in text


def test_a_name_too_long_to_keep_whole_is_refused_and_the_longest_kept_whole(client, notice, url):
    too_long = "Made-up Officer " * 9  # 144 characters: once cut in the audit entry
    page = client.post(url, {"name": too_long}).content.decode()
    assert NAME_TOO_LONG.format(limit=ACKNOWLEDGER_LIMIT, length=len(too_long.strip())) in page
    notice.refresh_from_db()
    assert notice.acknowledged_at is None

    longest = "M" * ACKNOWLEDGER_LIMIT
    client.post(url, {"name": longest}, REMOTE_ADDR="192.0.2.62")
    notice.refresh_from_db()
    assert notice.acknowledged_by_name == longest
    entry = AuditEntry.objects.filter(object_id=str(notice.pk)).latest("sequence")
    assert (entry.username, entry.ip) == (f"{longest} (acknowledged by link)", "192.0.2.62")
