"""Receiving police notifications: once, on the right child, in any order, never overwriting
a coordinator's correction; and a person's decisions on those waiting for review."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import AuditEntry
from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.police.models import EpisodeReference, Notification, RiskGrading, State
from homeward.police.services import (
    episode_relink,
    notification_ask_more,
    notification_link,
    notification_new_child,
    notification_receive,
    notification_resolve_conflict,
    notification_retry,
    notification_set_aside,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
FORCE = "Made-up Shire Police"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def child():
    return ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        sex="male",
        police_id="PID-1001",
        postcode="ZZ1 1AA",
    )


def report(**fields) -> dict:
    data = {
        "police_ref": "MS-0001",
        "event": "missing",
        "last_seen_at": "09/03/2026 21:30",
        "reported_at": "09/03/2026 23:00",
        "first_name": "Jordan",
        "last_name": "Madeupson",
        "date_of_birth": "03/04/2011",
        "sex": "male",
        "police_id": "PID-1001",
        "risk": "Medium",
    }
    return data | fields


def receive(data, force_name=FORCE, **kwargs):
    return notification_receive(council=council(), force_name=force_name, data=data, **kwargs)


def coordinator():
    return UserFactory(roles=[roles.MISSING_COORDINATOR])


def test_a_report_records_an_episode_with_its_reference_and_grading(child):
    received = receive(report())
    notification = received.notification
    assert received.created and not received.problems
    assert notification.state == State.APPLIED
    episode = Episode.objects.get(child=child)
    assert notification.episode == episode and notification.link_method == "police_id"
    assert episode.police_reference == "MS-0001" and episode.risk == "medium"
    assert episode.returned_at is None
    assert list(episode.police_refs.values_list("police_ref", flat=True)) == ["MS-0001"]
    grading = RiskGrading.objects.get(episode=episode)
    assert (grading.verbatim, grading.mapped, grading.force_name) == ("Medium", "medium", FORCE)
    assert f"Recorded a new missing episode, {episode.local_id}" in notification.outcome
    assert AuditEntry.objects.filter(object_id=str(notification.pk)).exists()


def test_the_same_event_sent_twice_changes_nothing(child):
    first = receive(report())
    again = receive(report(last_seen_at="2026-03-09T21:30:00+00:00"))
    assert not again.created and again.notification == first.notification
    assert Episode.objects.filter(child=child).count() == 1
    assert Notification.objects.count() == 1


def test_an_unreadable_notification_is_kept_as_a_problem(child):
    received = receive(report(event="vanished", date_of_birth="31/02/2011"))
    notification = received.notification
    assert received.created
    assert notification.state == State.PROBLEM
    assert {p.field for p in received.problems} == {"event", "date_of_birth"}
    assert notification.raw["event"] == "vanished"
    assert "Could not be read: 2 problems" in notification.outcome
    assert not Episode.objects.exists()
    assert not receive(report(event="vanished", date_of_birth="31/02/2011")).created


def test_a_found_before_its_missing_is_held_then_applied(child):
    found = receive(
        {"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"}
    ).notification
    assert found.state == State.HELD and "Held" in found.outcome
    receive(report())
    found.refresh_from_db()
    episode = Episode.objects.get(child=child)
    assert found.state == State.APPLIED and found.episode == episode
    assert episode.returned_at == dt.datetime(2026, 3, 10, 8, 15, tzinfo=LONDON)
    assert "return home interview is due by" in found.outcome
    assert "It had been held" in found.outcome


def test_a_found_closes_the_episode_and_starts_the_interview_clock(child):
    receive(report())
    found = receive(
        {
            "police_ref": "MS-0001",
            "event": "found",
            "found_at": "10/03/2026 08:15",
            "found_location": "Made-up Park",
        }
    ).notification
    episode = Episode.objects.get(child=child)
    assert episode.returned_at == dt.datetime(2026, 3, 10, 8, 15, tzinfo=LONDON)
    assert episode.found_location == "Made-up Park"
    assert "due by 13 Mar 2026 08:15" in found.outcome


def test_a_second_reference_joins_the_episode_the_child_is_in(child):
    receive(report())
    other = receive(
        report(
            police_ref="NB-7777",
            last_seen_at="10/03/2026 02:00",
            reported_at="10/03/2026 02:30",
            risk="High",
        ),
        force_name="Made-up Borders Police",
    ).notification
    episode = Episode.objects.get(child=child)
    assert other.state == State.APPLIED and other.episode == episode
    assert "Joined" in other.outcome
    refs = list(episode.police_refs.values_list("police_ref", "force_name"))
    assert refs == [("MS-0001", FORCE), ("NB-7777", "Made-up Borders Police")]
    assert episode.risk == "high"


def test_regradings_are_kept_as_a_history_and_the_episode_shows_the_latest(child):
    receive(report())
    receive(
        {
            "police_ref": "MS-0001",
            "event": "update",
            "event_at": "10/03/2026 09:00",
            "risk": "Grade 1 - High",
        }
    )
    episode = Episode.objects.get(child=child)
    gradings = list(episode.risk_gradings.values_list("verbatim", "mapped"))
    assert gradings == [("Medium", "medium"), ("Grade 1 - High", "")]
    receive(
        {"police_ref": "MS-0001", "event": "update", "event_at": "10/03/2026 10:00", "risk": "high"}
    )
    episode.refresh_from_db()
    assert episode.risk == "high"
    assert episode.risk_gradings.count() == 3


def test_an_update_never_overwrites_a_coordinators_correction(child):
    receive(report())
    episode = Episode.objects.get(child=child)
    episode_update(episode=episode, expected_version=episode.version, risk="high")
    update = receive(
        {"police_ref": "MS-0001", "event": "update", "risk": "low", "event_at": "10/03/2026 09:00"}
    ).notification
    episode.refresh_from_db()
    assert episode.risk == "high"
    assert update.state == State.REVIEW and update.review_reason == "conflict"
    assert update.conflicts == [{"field": "risk", "coordinator": "high", "police": "low"}]
    assert "a coordinator corrected it: risk grading" in update.outcome

    person = coordinator()
    resolved = notification_resolve_conflict(
        notification=update, keep="police", expected_version=update.version, by=person
    )
    episode.refresh_from_db()
    assert episode.risk == "low" and resolved.state == State.APPLIED
    assert "Took the police's risk grading" in resolved.outcome


def test_a_coordinators_return_is_kept_when_the_police_give_another(child):
    receive(report())
    episode = Episode.objects.get(child=child)
    back = dt.datetime(2026, 3, 10, 7, 0, tzinfo=LONDON)
    episode_update(episode=episode, expected_version=episode.version, returned_at=back)
    found = receive(
        {"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"}
    ).notification
    episode.refresh_from_db()
    assert episode.returned_at == back
    assert found.conflicts[0]["field"] == "returned_at"
    kept = notification_resolve_conflict(
        notification=found, keep="coordinator", expected_version=found.version, by=coordinator()
    )
    episode.refresh_from_db()
    assert episode.returned_at == back
    assert kept.state == State.APPLIED and "Kept the coordinator's returned" in kept.outcome


def test_a_report_about_an_episode_a_coordinator_recorded_joins_it(child):
    episode = EpisodeFactory(
        child=child,
        police_reference="MS-0001",
        last_seen_at=NOW - dt.timedelta(hours=20),
        returned_at=None,
    )
    notification = receive(report()).notification
    assert notification.episode == episode and notification.link_method == "reference"
    assert Episode.objects.filter(child=child).count() == 1
    assert EpisodeReference.objects.get(police_ref="MS-0001").episode == episode


def test_news_goes_to_the_episode_the_reference_was_added_to_before_one_recorded_with_it(child):
    """Two episodes have the reference: the one it was added to (a neighbouring force's log,
    say) is the one it is about, though a coordinator recorded a later one with it too."""
    added_to = EpisodeFactory(
        child=child,
        last_seen_at=NOW - dt.timedelta(days=9),
        returned_at=NOW - dt.timedelta(days=8),
        risk="low",
    )
    EpisodeReference.objects.create(council=child.council, episode=added_to, police_ref="MS-0001")
    recorded_with = EpisodeFactory(
        child=child,
        police_reference="MS-0001",
        last_seen_at=NOW - dt.timedelta(days=2),
        returned_at=NOW - dt.timedelta(days=1),
        risk="low",
    )
    update = receive(
        {"police_ref": "MS-0001", "event": "update", "risk": "high", "event_at": "10/03/2026 09:00"}
    ).notification
    assert update.episode == added_to and update.link_method == "reference"
    added_to.refresh_from_db()
    recorded_with.refresh_from_db()
    assert (added_to.risk, recorded_with.risk) == ("high", "low")


def twins():
    twin = dict(
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        sex="male",
        postcode="ZZ1 1AA",
        address="1 Made-up Road",
    )
    return ChildFactory(first_name="Jordan", **twin), ChildFactory(first_name="Jayden", **twin)


def test_a_twin_waits_for_a_person_who_links_the_right_child():
    jordan, jayden = twins()
    waiting = receive(
        report(police_id="", first_name="Jordon", postcode="ZZ1 1AA", address="1 Made-up Road")
    ).notification
    assert waiting.state == State.REVIEW and waiting.review_reason == "unsure"
    assert {c["child_id"] for c in waiting.candidates} >= {jordan.pk}
    assert not Episode.objects.exists()

    read_at = waiting.version
    notification_ask_more(
        notification=waiting,
        note="Asked for the address",
        expected_version=read_at,
        by=coordinator(),
    )
    with pytest.raises(ChangedByAnotherUser):
        notification_link(
            notification=waiting, child=jordan, expected_version=read_at, by=coordinator()
        )
    assert not Episode.objects.exists()
    linked = notification_link(
        notification=waiting, child=jordan, expected_version=read_at + 1, by=coordinator()
    )
    assert linked.state == State.APPLIED and linked.link_method == "person"
    assert Episode.objects.get().child == jordan


def test_a_held_update_waits_for_the_report_that_waits_for_review():
    jordan, _ = twins()
    waiting = receive(report(police_id="", first_name="Jordon")).notification
    update = receive(
        {"police_ref": "MS-0001", "event": "update", "risk": "high", "event_at": "10/03/2026 09:00"}
    ).notification
    assert update.state == State.HELD
    notification_link(
        notification=waiting, child=jordan, expected_version=waiting.version, by=coordinator()
    )
    update.refresh_from_db()
    assert update.state == State.APPLIED
    assert Episode.objects.get().risk == "high"


def test_an_unknown_child_is_proposed_never_made_silently():
    waiting = receive(
        report(
            police_id="", first_name="Quill", last_name="Nobodyknows", date_of_birth="01/01/2012"
        )
    ).notification
    assert waiting.state == State.REVIEW and waiting.review_reason == "new_child"
    assert not Child.objects.filter(last_name="Nobodyknows").exists()
    made = notification_new_child(
        notification=waiting, expected_version=waiting.version, by=coordinator()
    )
    child = Child.objects.get(last_name="Nobodyknows")
    assert made.child == child and made.episode.child == child
    assert child.date_of_birth == dt.date(2012, 1, 1)


def test_set_aside_and_asking_for_more_say_who_and_why():
    waiting = receive(
        report(police_id="", first_name="Quill", last_name="Nobodyknows")
    ).notification
    person = coordinator()
    with pytest.raises(ValidationError):
        notification_ask_more(
            notification=waiting, note=" ", expected_version=waiting.version, by=person
        )
    asked = notification_ask_more(
        notification=waiting,
        note="Rang the force for the DOB",
        expected_version=waiting.version,
        by=person,
    )
    assert asked.state == State.REVIEW and asked.review_reason == "more_needed"
    assert "Rang the force for the DOB" in asked.outcome
    aside = notification_set_aside(
        notification=asked, reason="A test message", expected_version=asked.version, by=person
    )
    assert aside.state == State.SET_ASIDE and person.username in aside.outcome
    with pytest.raises(ValidationError):
        notification_link(
            notification=aside, child=ChildFactory(), expected_version=aside.version, by=person
        )


def test_a_wrong_link_is_undone_by_moving_the_episode(child):
    receive(report())
    episode = Episode.objects.get(child=child)
    right = ChildFactory(first_name="Jorden", last_name="Madeupson")
    person = coordinator()
    moved = episode_relink(
        episode=episode, child=right, expected_version=episode.version, by=person
    )
    assert moved.child == right
    notification = Notification.objects.get()
    assert notification.child == right and notification.link_method == "person"
    assert f"Moved episode {episode.local_id} from {child.local_id} to {right.local_id}" in (
        notification.outcome
    )
    assert AuditEntry.objects.filter(object_id=str(episode.pk), user=person).exists()
    with pytest.raises(ValidationError):
        episode_relink(episode=moved, child=right, expected_version=moved.version, by=person)


def test_a_report_that_cannot_be_applied_is_kept_with_the_reason(child):
    EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    notification = receive(report(last_seen_at="06/03/2026 09:00")).notification
    assert notification.state == State.PROBLEM
    assert "overlaps episode" in notification.outcome
    assert notification.problems[0]["field"] == "last_seen_at"
    assert Episode.objects.filter(child=child).count() == 1


def refused_by_an_overlap(child) -> tuple[Episode, Notification]:
    """A report the episode rules refuse: the child's episode of 7 to 9 March overlaps it."""
    overlapping = EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    refused = receive(report(last_seen_at="06/03/2026 09:00")).notification
    assert refused.state == State.PROBLEM
    return overlapping, refused


def test_a_refused_report_is_applied_when_tried_again_after_the_episodes_are_corrected(child):
    overlapping, refused = refused_by_an_overlap(child)
    person = coordinator()
    # The overlapping episode was recorded with the wrong dates: a coordinator corrects them.
    episode_update(
        episode=overlapping,
        expected_version=overlapping.version,
        last_seen_at=NOW - dt.timedelta(days=9),
        returned_at=NOW - dt.timedelta(days=8),
        by=person,
    )
    applied = notification_retry(notification=refused, expected_version=refused.version, by=person)
    assert applied.state == State.APPLIED and applied.problems == []
    assert applied.episode.child == child and applied.episode != overlapping
    assert applied.episode.police_reference == "MS-0001"
    assert f"Tried again by {person.username}, 10 Mar 2026 12:00: Recorded a new" in applied.outcome
    assert applied.outcome.startswith("Could not be applied")  # what happened first is kept
    assert AuditEntry.objects.filter(object_id=str(refused.pk), user=person).exists()


def test_a_report_refused_again_is_left_as_it_was_with_the_rules_sentence(child):
    _, refused = refused_by_an_overlap(child)
    with pytest.raises(ValidationError) as again:
        notification_retry(notification=refused, expected_version=refused.version, by=coordinator())
    said = " ".join(again.value.messages)
    assert "was tried again and refused again" in said and "overlaps episode" in said
    assert "left as it was" in said
    before = refused.version
    refused.refresh_from_db()
    assert refused.state == State.PROBLEM and refused.version == before
    assert Episode.objects.filter(child=child).count() == 1


def test_trying_again_is_refused_after_someone_else_acted_or_for_an_unreadable_one(child):
    _, refused = refused_by_an_overlap(child)
    notification_set_aside(
        notification=refused, reason="Recorded by hand", expected_version=refused.version,
        by=coordinator(),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="decided first"):
        notification_retry(notification=refused, expected_version=refused.version, by=coordinator())
    unreadable = receive(report(police_ref="BAD-1", event="vanished")).notification
    with pytest.raises(ValidationError, match="could not be read"):
        notification_retry(
            notification=unreadable, expected_version=unreadable.version, by=coordinator()
        )


def test_trying_again_at_a_version_someone_changed_since_is_refused(child):
    _, refused = refused_by_an_overlap(child)
    Notification.objects.filter(pk=refused.pk).update(version=refused.version + 1)
    with pytest.raises(ChangedByAnotherUser):
        notification_retry(notification=refused, expected_version=refused.version, by=coordinator())
    assert Notification.objects.get(pk=refused.pk).state == State.PROBLEM


def test_news_that_cannot_be_applied_changes_nothing_and_keeps_no_grading(child):
    receive(report())
    found = {"police_ref": "MS-0001", "event": "found", "found_at": "09/03/2026 20:00"}
    notification = receive(found | {"risk": "High"}).notification
    assert notification.state == State.PROBLEM
    episode = Episode.objects.get(child=child)
    assert episode.returned_at is None and episode.risk == "medium"
    assert list(episode.risk_gradings.values_list("verbatim", flat=True)) == ["Medium"]


def test_a_reference_left_on_an_episode_entered_in_error_moves_to_the_new_episode(child):
    wrong = receive(report()).notification.episode
    Episode.all_records.filter(pk=wrong.pk).update(entered_in_error_at=NOW)
    notification = receive(report(reported_at="09/03/2026 23:30")).notification
    assert notification.state == State.APPLIED
    assert notification.episode != wrong
    reference = EpisodeReference.objects.get(police_ref="MS-0001")
    assert reference.episode == notification.episode
    assert reference.notification == notification


EVENTS = {
    "missing": report(risk="Medium", reported_at="09/03/2026 22:00"),
    "high": {
        "police_ref": "MS-0001",
        "event": "update",
        "risk": "High",
        "event_at": "10/03/2026 06:00",
    },
    "low": {
        "police_ref": "MS-0001",
        "event": "update",
        "risk": "Low",
        "event_at": "10/03/2026 02:00",
    },
    "found": {"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"},
}


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)))
def test_in_any_order_the_events_make_the_same_episode(child, order):
    for name in order:
        receive(EVENTS[name])
    episode = Episode.objects.get(child=child)
    assert episode.returned_at == dt.datetime(2026, 3, 10, 8, 15, tzinfo=LONDON)
    assert episode.risk == "high"  # the latest grading, whenever it arrived
    gradings = list(episode.risk_gradings.values_list("verbatim", flat=True))
    assert gradings == ["Medium", "Low", "High"]
    assert set(Notification.objects.values_list("state", flat=True)) == {State.APPLIED}


def test_a_nul_or_half_a_surrogate_pair_is_kept_as_a_problem_not_lost(child):
    received = receive(report(circumstances="left\x00 home", address="1 Made-up \ud800Road"))
    notification = Notification.objects.get(pk=received.notification.pk)
    assert notification.state == State.PROBLEM
    assert {p.field for p in received.problems} >= {"circumstances", "address"}
    assert notification.raw["circumstances"] == "left\\x00 home"
    assert notification.raw["address"] == "1 Made-up \ufffdRoad"


def test_a_report_made_before_the_child_was_last_seen_cannot_be_read(child):
    received = receive(report(last_seen_at="10/03/2026 04:00", reported_at="10/03/2026 01:00"))
    assert received.notification.state == State.PROBLEM
    assert [p.field for p in received.problems] == ["reported_at"]


def test_no_second_record_of_a_child_is_made_from_a_later_report(child):
    details = dict(
        police_id="", first_name="Quill", last_name="Nobodyknows", date_of_birth="01/01/2012"
    )
    first = receive(report(**details)).notification
    second = receive(report(police_ref="MS-0002", **details)).notification
    person = coordinator()
    made = notification_new_child(notification=first, expected_version=first.version, by=person)
    with pytest.raises(ValidationError, match=made.child.local_id):
        notification_new_child(notification=second, expected_version=second.version, by=person)
    assert Child.objects.filter(last_name="Nobodyknows").count() == 1


def test_a_police_postcode_that_is_not_one_is_left_off_the_new_child_and_said():
    waiting = receive(
        report(police_id="", first_name="Quill", last_name="Nobodyknows", postcode="NFA")
    ).notification
    made = notification_new_child(
        notification=waiting, expected_version=waiting.version, by=coordinator()
    )
    assert made.child.postcode == ""
    assert "'NFA' is not a UK postcode" in made.outcome
    assert made.episode is not None


def test_the_police_value_is_not_taken_over_a_correction_made_since(child):
    receive(report())
    episode = Episode.objects.get(child=child)
    episode = episode_update(episode=episode, expected_version=episode.version, risk="high")
    conflict = receive(
        {"police_ref": "MS-0001", "event": "update", "risk": "low", "event_at": "10/03/2026 09:00"}
    ).notification
    episode_update(episode=episode, expected_version=episode.version, risk="medium")
    with pytest.raises(ValidationError, match="changed after this conflict was found"):
        notification_resolve_conflict(
            notification=conflict,
            keep="police",
            expected_version=conflict.version,
            by=coordinator(),
        )
    episode.refresh_from_db()
    assert episode.risk == "medium"


def test_a_link_the_episode_rules_refuse_is_refused_and_the_notification_still_waits():
    jordan, jayden = twins()
    EpisodeFactory(
        child=jayden,
        last_seen_at=NOW - dt.timedelta(days=3),
        returned_at=NOW - dt.timedelta(days=1),
    )
    waiting = receive(
        report(police_id="", first_name="Jordon", last_seen_at="06/03/2026 09:00")
    ).notification
    assert waiting.state == State.REVIEW
    with pytest.raises(ValidationError, match="overlaps episode"):
        notification_link(
            notification=waiting, child=jayden, expected_version=waiting.version, by=coordinator()
        )
    waiting.refresh_from_db()
    assert waiting.state == State.REVIEW and waiting.child is None
    linked = notification_link(
        notification=waiting, child=jordan, expected_version=waiting.version, by=coordinator()
    )
    assert linked.state == State.APPLIED and linked.episode.child == jordan


def test_a_risk_word_of_the_forces_own_says_the_episodes_grading_is_left_as_it_was(child):
    first = receive(report(risk="Grade 2")).notification
    episode = Episode.objects.get(child=child)
    assert episode.risk == "" and first.risk == ""
    assert "'Grade 2' is the force's own grading" in first.outcome
    assert "left not graded" in first.outcome
    receive(report(risk="high", event="update", event_at="10/03/2026 09:00"))
    later = receive(report(risk="Amber", event="update", event_at="10/03/2026 10:00")).notification
    episode.refresh_from_db()
    assert episode.risk == "high"
    assert "left high" in later.outcome


def test_a_person_linking_a_report_is_told_of_the_held_found_it_brought_in():
    details = dict(police_id="", first_name="Quill", last_name="Nobodyknows")
    found = receive(
        {"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"}
    ).notification
    waiting = receive(report(**details)).notification
    assert found.state == State.HELD and waiting.state == State.REVIEW
    made = notification_new_child(
        notification=waiting, expected_version=waiting.version, by=coordinator()
    )
    assert made.episode.returned_at == dt.datetime(2026, 3, 10, 8, 15, tzinfo=LONDON)
    assert "1 notification held for police reference MS-0001 was applied with it" in made.outcome
    assert "returned at 10 Mar 2026 08:15: the return home interview is due by" in made.outcome


def test_a_decision_made_after_someone_elses_says_who_decided_and_when(child):
    jordan, _ = twins()
    waiting = receive(report(police_id="", first_name="Jordon")).notification
    first, second = coordinator(), coordinator()
    notification_link(
        notification=waiting, child=jordan, expected_version=waiting.version, by=first
    )
    with pytest.raises(ValidationError) as refused:
        notification_set_aside(
            notification=waiting, reason="Sent twice", expected_version=waiting.version, by=second
        )
    said = " ".join(refused.value.messages)
    assert f"{first.username} decided first, at 10 Mar 2026 12:00" in said
    assert "it is now applied" in said and "nothing was done" in said


def test_a_link_on_the_details_says_how_likely_in_words_never_a_score_of_1(child):
    linked = receive(report(police_id="", postcode="ZZ1 1AA")).notification
    assert linked.link_method == "automatic"
    assert "matched on their details, over 99% likely" in linked.outcome
    assert "score" not in linked.outcome


def test_a_found_for_an_episode_entered_in_error_says_so_and_can_be_tried_again(child):
    episode = receive(report()).notification.episode
    Episode.all_records.filter(pk=episode.pk).update(entered_in_error_at=NOW)
    found = {"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"}
    held = receive(found).notification
    assert held.state == State.HELD
    assert "no episode has police reference" not in held.outcome
    assert (
        f"the episode with police reference MS-0001, {episode.local_id} ({child.local_id}), "
        "was marked entered in error" in held.outcome
    )
    assert "undo the mark on the episode's page, then try this notification again" in held.outcome
    with pytest.raises(ValidationError, match="still held"):
        notification_retry(notification=held, expected_version=held.version, by=coordinator())
    Episode.all_records.filter(pk=episode.pk).update(entered_in_error_at=None)
    applied = notification_retry(notification=held, expected_version=held.version, by=coordinator())
    assert applied.state == State.APPLIED and applied.episode == episode
    episode.refresh_from_db()
    assert episode.returned_at == dt.datetime(2026, 3, 10, 8, 15, tzinfo=LONDON)
