import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_mark_returned, episode_record, episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON)


def record(child, **overrides):
    values = {
        "child": child,
        "category": "missing",
        "last_seen_at": EVENING,
        "missing_from": "home",
        "legal_status": "child_in_need",
        "risk": "medium",
    } | overrides
    return episode_record(**values)


def refused(field, **overrides) -> str:
    child = overrides.pop("child", None) or ChildFactory()
    with pytest.raises(ValidationError) as caught:
        record(child, **overrides)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def test_it_records_an_episode_and_who_recorded_it(django_user_model):
    user = django_user_model.objects.create_user("coordinator")
    child = ChildFactory()
    episode = record(child, by=user, returned_at=EVENING + dt.timedelta(hours=5))
    assert episode.child == child and episode.council == child.council
    assert episode.created_by == user and episode.changed_by == user
    assert episode.version == 1


def test_it_refuses_a_return_before_last_seen():
    message = refused("returned_at", returned_at=EVENING - dt.timedelta(minutes=1))
    assert "before the child was last seen" in message


def test_it_refuses_last_seen_in_the_future(time_machine):
    time_machine.move_to(EVENING)
    message = refused("last_seen_at", last_seen_at=EVENING + dt.timedelta(hours=1))
    assert "in the future" in message


def test_it_refuses_overlapping_episodes_of_one_child():
    existing = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=10))
    message = refused(
        "last_seen_at",
        child=existing.child,
        last_seen_at=EVENING + dt.timedelta(hours=2),
        returned_at=EVENING + dt.timedelta(hours=20),
    )
    assert f"overlaps episode {existing.local_id}" in message


def test_it_refuses_an_episode_that_would_contain_an_existing_one():
    existing = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=1))
    message = refused(
        "last_seen_at",
        child=existing.child,
        last_seen_at=EVENING - dt.timedelta(hours=1),
        returned_at=EVENING + dt.timedelta(hours=3),
    )
    assert existing.local_id in message


def test_it_allows_an_episode_that_starts_as_the_last_one_ends():
    existing = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=1))
    later = record(existing.child, last_seen_at=EVENING + dt.timedelta(hours=1))
    assert later.pk


def test_it_refuses_a_second_open_episode_while_the_child_is_still_missing():
    open_episode = EpisodeFactory(last_seen_at=EVENING, returned_at=None)
    message = refused(
        "last_seen_at", child=open_episode.child, last_seen_at=EVENING + dt.timedelta(days=3)
    )
    assert f"still missing from episode {open_episode.local_id}" in message
    assert Episode.objects.filter(child=open_episode.child).count() == 1


def test_it_refuses_an_episode_before_the_child_was_born():
    child = ChildFactory(date_of_birth=dt.date(2020, 3, 3))
    message = refused("last_seen_at", child=child)
    assert "before the child's date of birth" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("category", "absent"), ("risk", "severe"), ("missing_from", "school"), ("legal_status", "x")],
)
def test_it_refuses_unknown_codes(field, value):
    message = refused(field, **{field: value})
    assert f"'{value}' is not a known" in message


def test_it_refuses_a_placement_of_another_child():
    placement = PlacementFactory()
    message = refused("placement", placement=placement)
    assert "belongs to another child" in message


def test_a_refused_episode_writes_nothing():
    child = ChildFactory()
    with pytest.raises(ValidationError):
        record(child, returned_at=EVENING - dt.timedelta(hours=1), seen_with=[ChildFactory()])
    assert not Episode.objects.exists()


def test_it_marks_a_return_and_counts_the_version():
    episode = EpisodeFactory(returned_at=None)
    returned = episode_mark_returned(
        episode=episode,
        returned_at=episode.last_seen_at + dt.timedelta(hours=8),
        expected_version=1,
        found_location="Made-up Street",
    )
    assert returned.returned_at == episode.last_seen_at + dt.timedelta(hours=8)
    assert returned.found_location == "Made-up Street"
    assert returned.version == 2


def test_a_second_edit_from_an_old_copy_is_refused_showing_what_changed(django_user_model):
    first, second = (django_user_model.objects.create_user(n) for n in ("first", "second"))
    episode = EpisodeFactory(risk="medium")
    stale_copy = Episode.objects.get(pk=episode.pk)
    episode_update(episode=episode, expected_version=1, by=first, risk="high")
    with pytest.raises(ChangedByAnotherUser) as caught:
        episode_update(episode=stale_copy, expected_version=1, by=second, risk="low")
    assert "first changed this record" in str(caught.value)
    assert [(d.field, d.theirs) for d in caught.value.differences] == [("risk", "high")]
    assert Episode.objects.get(pk=episode.pk).risk == "high"


def test_correcting_an_episode_does_not_clash_with_itself():
    episode = EpisodeFactory()
    updated = episode_update(
        episode=episode,
        expected_version=1,
        returned_at=episode.returned_at + dt.timedelta(hours=1),
    )
    assert updated.version == 2
