"""The demo's made-up force feed (police/demo_feed.py): which notifications a round sends,
about which children, and that each reads and matches as the demo needs."""

import dataclasses
import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.police.demo_feed import (
    FORCE,
    SECOND_FORCE,
    Feed,
    as_written,
    children_to_report,
    nicknames_of,
    send,
    typo,
)
from homeward.police.matching import LINK, NEW, REVIEW, PersonDetails, match_child
from homeward.police.models import Notification
from homeward.police.reading import COLUMNS, read_notification
from homeward.police.services import notification_receive
from homeward.police.tests.factories import feed_children

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def children():
    return feed_children(council())


def one_round(children, number: int = 1) -> list:
    feed = Feed(council_code="931", started=NOW, seed=number)
    return feed.next_round(children_to_report(council(), NOW), NOW)


def test_a_round_sends_each_kind_of_notification_once(children):
    posts = one_round(children)
    events = [post.payload.get("event") for post in posts]
    assert events == [
        "missing",
        "missing",
        "update",
        "missing",
        "found",
        "missing",
        "missing",
        "missing",
        "vanished",
    ]
    assert [post.readable for post in posts] == [True] * 8 + [False]
    refs = [post.payload["police_ref"] for post in posts]
    assert len(set(refs)) == len(refs) - 2  # the regrading and the found reuse a report's
    for post in posts:
        assert set(post.payload) <= set(COLUMNS) | {"council"}
        assert post.payload["council"] == "931"
        assert all(isinstance(value, str) and value for value in post.payload.values())


def test_every_notification_reads_but_the_unreadable_one(children):
    posts = one_round(children)
    for post in posts[:-1]:
        assert read_notification(post.payload, now=NOW).problems == [], post.what
    problems = read_notification(posts[-1].payload, now=NOW).problems
    assert {p.field for p in problems} >= {"event", "date_of_birth", "last_seen_at"}


def matched(post):
    reading = read_notification(post.payload, now=NOW)
    names = {field.name for field in dataclasses.fields(PersonDetails)}
    given = {name: reading.values[name] for name in names if reading.values.get(name)}
    return match_child(council=council(), details=PersonDetails(**given))


def test_the_reports_link_to_the_children_they_are_about(children):
    posts = one_round(children)
    by_id = {child.local_id: child for child in children}
    first, second, _, neighbours, _, third = posts[:6]
    for post in (first, second, neighbours, third):
        match = matched(post)
        assert match.decision == LINK, post.what
        assert match.child.local_id in post.what
        assert by_id[match.child.local_id] == match.child
    assert neighbours.second_force and neighbours.payload["force"] == SECOND_FORCE
    assert first.payload["force"] == FORCE


def test_the_unrecorded_brother_or_sister_waits_for_a_person(children):
    sibling = one_round(children)[6]
    known = next(c for c in children if c.local_id in sibling.what)
    assert sibling.payload["last_name"] == known.last_name
    assert sibling.payload["address"] == known.address
    assert sibling.payload["first_name"] != known.first_name
    match = matched(sibling)
    assert match.decision == REVIEW
    assert match.best.child == known


def test_the_unknown_child_matches_nobody(children):
    unknown = one_round(children)[7]
    assert matched(unknown).decision == NEW


def test_the_regrading_and_the_found_are_about_reports_of_the_same_round(children):
    posts = one_round(children)
    assert posts[2].payload["police_ref"] == posts[1].payload["police_ref"]
    assert posts[2].payload["risk"] == "HIGH RISK"
    assert posts[4].payload["police_ref"] == posts[5].payload["police_ref"]
    assert "found_at" in posts[4].payload  # sent before its report


def test_children_missing_longest_are_found_in_later_rounds(children):
    feed = Feed(council_code="931", started=NOW)
    free = children_to_report(council(), NOW)
    rounds = [feed.next_round(free, NOW) for _ in range(5)]
    # Two reported missing a round: six are kept missing, so the fifth finds the first two.
    for earlier in rounds[:4]:  # until then each round's founds are of its own reports
        own = {p.payload["police_ref"] for p in earlier if p.payload["event"] == "missing"}
        assert all(p.payload["police_ref"] in own for p in earlier if p.payload["event"] == "found")
    reported = [p.payload["police_ref"] for p in rounds[0][:2]]
    assert [p.payload["event"] for p in rounds[4][:2]] == ["found", "found"]
    assert [p.payload["police_ref"] for p in rounds[4][:2]] == reported


def test_only_children_free_to_go_missing_are_reported(children):
    EpisodeFactory(child=children[0], last_seen_at=NOW - dt.timedelta(hours=3), returned_at=None)
    EpisodeFactory(
        child=children[1],
        last_seen_at=NOW - dt.timedelta(hours=9),
        returned_at=NOW - dt.timedelta(hours=2),
    )
    ChildFactory(date_of_birth=dt.date(2006, 1, 1))  # 20: too old
    ChildFactory(date_of_birth=dt.date(2020, 1, 1))  # 6: too young
    free = children_to_report(council(), NOW)
    assert [c.local_id for c in free] == [c.local_id for c in children[2:]]


def test_first_names_are_written_as_a_nickname_or_with_a_typo():
    rng = random.Random(1)
    assert as_written(rng, "Joshua") == "Josh"
    assert "josh" in nicknames_of("Joshua")
    mistyped = as_written(rng, "Keira")
    assert mistyped != "Keira" and mistyped[0] == "K"
    for _ in range(20):
        slipped = typo(rng, "Vasquez")
        assert slipped != "Vasquez" and slipped[0] == "V"
        assert sorted(slipped) == sorted("Vasquez") or len(slipped) == len("Vasquez") + 1


def test_the_feed_is_for_the_demo_only(settings):
    settings.HOMEWARD_DEMO = False
    with pytest.raises(CommandError, match="for the demo only"):
        call_command("demo-police-feed", "--once")


def test_without_a_token_the_feed_says_how_to_give_one(settings, monkeypatch):
    settings.HOMEWARD_DEMO = True
    monkeypatch.delenv("HOMEWARD_FEED_TOKEN", raising=False)
    with pytest.raises(CommandError, match="Give the force's API token"):
        call_command("demo-police-feed", "--once")


def test_a_server_that_cannot_be_reached_is_said_so():
    answer = send("http://127.0.0.1:9", "made-up-token", {"police_ref": "X"}, timeout=2)
    assert answer.status == 0
    assert answer.said.startswith("could not reach http://127.0.0.1:9")


def test_an_address_that_is_not_a_web_address_is_refused():
    answer = send("file:///etc/passwd", "made-up-token", {})
    assert answer.status == 0 and "is not a web address" in answer.said


def test_a_round_received_moves_missing_now_and_fills_the_queue(children):
    here = council()
    now = timezone.now()
    feed = Feed(council_code="931", started=now)
    posts = feed.next_round(children_to_report(here, now), now)
    kept = []
    for post in posts:
        data = {k: v for k, v in post.payload.items() if k != "council"}
        kept.append(notification_receive(council=here, force_name=data["force"], data=data))
    states = [received.notification.state for received in kept]
    # The found is held when it arrives, and applied with its report.
    assert states == ["applied"] * 4 + ["held", "applied", "review", "review", "problem"]
    held = Notification.objects.get(pk=kept[4].notification.pk)
    assert held.state == "applied" and "(It had been held.)" in held.outcome
    first, second = (posts[0].payload["police_ref"], posts[1].payload["police_ref"])
    open_now = Episode.objects.filter(returned_at__isnull=True)
    by_ref = {e.police_reference: e for e in open_now}
    assert set(by_ref) == {first, second}
    assert by_ref[first].risk == by_ref[second].risk == "high"  # reported, and regraded
    assert list(by_ref[first].police_refs.values_list("police_ref", flat=True)) == [
        first,
        posts[3].payload["police_ref"],
    ]
    found = Episode.objects.get(police_reference=posts[5].payload["police_ref"])
    assert found.returned_at is not None
    assert Notification.objects.get(police_ref=posts[7].payload["police_ref"]).review_reason == (
        "new_child"
    )
