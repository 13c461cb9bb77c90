"""A record entered in error leaves every list and count, stays in the child's history, and
comes back when the mark is undone."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.models import Screening
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.in_error.rules import (
    PARENT_IN_ERROR,
    PLACEMENT_IN_USE,
    REASON_REQUIRED,
    UNDO_WOULD_CLASH,
)
from homeward.in_error.services import in_error_mark, in_error_undo
from homeward.in_error.tests.conftest import DAY, HOUR, NOW
from homeward.interviews.models import ReturnInterview
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.models import PanelDiscussion, PanelMeeting
from homeward.panel.tests.factories import PanelDiscussionFactory

WRONG_CHILD = "Made-up reason: recorded for the wrong child."
REPORT = {
    "period_from_day": 1,
    "period_from_month": 1,
    "period_from_year": 2020,
    "period_to_day": 30,
    "period_to_month": 6,
    "period_to_year": 2020,
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A child missing now; a child missing three times lately (repeat missing), the last
    return 20 hours ago with no interview yet, an earlier one interviewed."""
    missing = ChildFactory(first_name="Keira", last_name="Madeup")
    now_missing = EpisodeFactory(child=missing, last_seen_at=NOW - 5 * HOUR, returned_at=None)
    repeat = ChildFactory(first_name="Tyler", last_name="Fictional")
    episodes = [
        EpisodeFactory(
            child=repeat, last_seen_at=NOW - days * DAY, returned_at=NOW - days * DAY + 10 * HOUR
        )
        for days in (40, 20)
    ]
    latest = EpisodeFactory(child=repeat, last_seen_at=NOW - 30 * HOUR, returned_at=NOW - 20 * HOUR)
    interview = ReturnInterviewFactory(episode=episodes[1])
    return {
        "missing": missing,
        "now_missing": now_missing,
        "repeat": repeat,
        "episodes": [*episodes, latest],
        "latest": latest,
        "interview": interview,
    }


def counts(client) -> dict:
    """The numbers on each page and in the report, for this person."""
    home = client.get(reverse("dashboard:home")).context
    report = json.loads(client.get(reverse("reports:download", args=["json"]), REPORT).content)
    return {
        "home missing now": len(home["missing_now"]),
        "home interviews due": home["interviews_owed"].total,
        "home episodes": home["total"]["missing_episodes"],
        "home children": home["total"]["children_missing"],
        "home repeat": home["total"]["repeat_children"],
        "home completed": home["total"]["rhi_completed_within_72h"]["n"],
        "missing now": client.get(reverse("episodes:missing-now")).context["total"],
        "interviews": client.get(reverse("interviews:due")).context["total"],
        "repeat missing": client.get(reverse("exploitation:repeat-missing")).context["total"],
        "report episodes": report["missing"]["episodes"],
        "report children": report["missing"]["children"],
        "report completed": report["rhi"]["completed"]["n"],
    }


BEFORE = {
    "home missing now": 1,
    # The latest return, 20 hours ago, and the one 40 days ago: nothing recorded after either.
    "home interviews due": 2,
    "home episodes": 4,
    "home children": 2,
    "home repeat": 1,
    "home completed": 1,  # completed 30 hours after the return
    "missing now": 1,
    "interviews": 2,
    "repeat missing": 1,
    "report episodes": 4,
    "report children": 2,
    "report completed": 1,
}


def test_the_world_counts_as_expected_before_anything_is_marked(signed_in, world):
    assert counts(signed_in) == BEFORE


def test_an_episode_in_error_leaves_every_list_and_count_and_comes_back_on_undo(
    signed_in, world, coordinator
):
    before = counts(signed_in)
    in_error_mark(record=world["now_missing"], reason=WRONG_CHILD, by=coordinator)
    after = counts(signed_in)
    assert after == before | {
        "home missing now": 0,
        "missing now": 0,
        "home episodes": 3,
        "home children": 1,
        "report episodes": 3,
        "report children": 1,
    }
    in_error_undo(record=world["now_missing"], by=coordinator)
    assert counts(signed_in) == before


def test_a_repeat_childs_episode_in_error_takes_them_off_repeat_missing(
    signed_in, world, coordinator
):
    before = counts(signed_in)
    in_error_mark(record=world["latest"], reason=WRONG_CHILD, by=coordinator)
    after = counts(signed_in)
    assert after["repeat missing"] == 0  # three times in 90 days: twice now
    assert after["home repeat"] == 1  # twice in six months: still
    # Its return owed one; the return of 40 days ago still does.
    assert after["interviews"] == after["home interviews due"] == 1
    assert after["report episodes"] == before["report episodes"] - 1
    in_error_mark(record=world["episodes"][0], reason=WRONG_CHILD, by=coordinator)
    assert counts(signed_in)["home repeat"] == 0
    in_error_undo(record=world["latest"], by=coordinator)
    in_error_undo(record=world["episodes"][0], by=coordinator)
    assert counts(signed_in) == before


def test_an_episodes_interviews_go_with_it_and_come_back_with_it(signed_in, world, coordinator):
    episode, interview = world["episodes"][1], world["interview"]
    other = ReturnInterviewFactory(episode=world["episodes"][0])
    in_error_mark(record=other, reason="Made-up: typed twice.", by=coordinator)
    in_error_mark(record=episode, reason=WRONG_CHILD, by=coordinator)
    interview.refresh_from_db()
    assert interview.entered_in_error_reason == WRONG_CHILD
    assert not ReturnInterview.objects.filter(pk=interview.pk).exists()
    assert counts(signed_in)["report completed"] == 0
    in_error_undo(record=episode, by=coordinator)
    assert ReturnInterview.objects.filter(pk=interview.pk).exists()
    # Marked on its own before: it stays marked.
    assert not ReturnInterview.objects.filter(pk=other.pk).exists()


def test_an_interview_in_error_is_not_counted_and_its_return_is_owed_again(
    signed_in, world, coordinator
):
    before = counts(signed_in)
    in_error_mark(record=world["interview"], reason=WRONG_CHILD, by=coordinator)
    after = counts(signed_in)
    assert after["report completed"] == before["report completed"] - 1
    assert after["interviews"] == before["interviews"] + 1
    in_error_undo(record=world["interview"], by=coordinator)
    assert counts(signed_in) == before


def test_an_interview_cannot_come_back_while_its_episode_is_in_error(world, coordinator):
    in_error_mark(record=world["episodes"][1], reason=WRONG_CHILD, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        in_error_undo(record=world["interview"], by=coordinator)
    assert refused.value.messages == [PARENT_IN_ERROR.format(parent="episode")]


def test_an_episode_in_error_does_not_block_a_new_one_and_cannot_then_come_back(world, coordinator):
    from homeward.episodes.services import episode_record

    in_error_mark(record=world["now_missing"], reason=WRONG_CHILD, by=coordinator)
    again = episode_record(
        child=world["missing"],
        category="missing",
        last_seen_at=NOW - 4 * HOUR,
        missing_from="home",
        legal_status="child_in_need",
        by=coordinator,
    )
    with pytest.raises(ValidationError) as refused:
        in_error_undo(record=world["now_missing"], by=coordinator)
    assert refused.value.messages == [
        UNDO_WOULD_CLASH.format(
            other=again.local_id, seen="17 May 2020 06:00", returned="still missing"
        )
    ]


def test_a_reason_is_required(world, coordinator):
    with pytest.raises(ValidationError) as refused:
        in_error_mark(record=world["now_missing"], reason="  ", by=coordinator)
    assert refused.value.messages == [REASON_REQUIRED]
    assert Episode.objects.filter(pk=world["now_missing"].pk).exists()


def test_a_placement_episodes_went_missing_from_cannot_be_marked(world, coordinator):
    placement = PlacementFactory(child=world["missing"])
    Episode.objects.filter(pk=world["now_missing"].pk).update(placement=placement)
    with pytest.raises(ValidationError) as refused:
        in_error_mark(record=placement, reason=WRONG_CHILD, by=coordinator)
    assert refused.value.messages == [
        PLACEMENT_IN_USE.format(episodes=world["now_missing"].local_id)
    ]


def test_a_screening_in_error_no_longer_screens_the_child(signed_in, world, coordinator):
    screening = ScreeningFactory(child=world["repeat"], completed_on=dt.date(2020, 5, 1))
    rows = signed_in.get(reverse("exploitation:repeat-missing")).context["page"].object_list
    assert not rows[0].needs_screening
    in_error_mark(record=screening, reason=WRONG_CHILD, by=coordinator)
    rows = signed_in.get(reverse("exploitation:repeat-missing")).context["page"].object_list
    assert rows[0].needs_screening
    assert not Screening.objects.filter(pk=screening.pk).exists()
    assert Screening.all_records.filter(pk=screening.pk).exists()


def test_marking_and_undoing_are_audited(world, coordinator):
    episode = world["episodes"][1]
    in_error_mark(record=episode, reason=WRONG_CHILD, by=coordinator)
    in_error_undo(record=episode, by=coordinator)
    entries = AuditEntry.objects.filter(
        action=Action.CHANGE, object_type="episodes.episode", object_id=str(episode.pk)
    ).order_by("sequence")
    assert [e.details["entered_in_error_reason"] for e in entries] == [
        {"before": "", "after": WRONG_CHILD},
        {"before": WRONG_CHILD, "after": ""},
    ]
    interview_entries = AuditEntry.objects.filter(
        object_type="interviews.returninterview", object_id=str(world["interview"].pk)
    )
    assert interview_entries.count() == 2


def test_a_cancelled_meeting_leaves_the_panels_pages_with_its_discussions(signed_in, coordinator):
    discussion = PanelDiscussionFactory()
    meeting = discussion.meeting
    assert meeting.chair in signed_in.get(reverse("panel:index")).content.decode()
    page = signed_in.get(reverse("panel:meeting", args=[meeting.pk])).content.decode()
    assert reverse("in_error:mark", args=["meetings", meeting.pk]) in page
    assert reverse("in_error:mark", args=["discussions", discussion.pk]) in page
    in_error_mark(record=meeting, reason="Made-up: the meeting did not take place.", by=coordinator)
    assert signed_in.get(reverse("panel:meeting", args=[meeting.pk])).status_code == 404
    index = signed_in.get(reverse("panel:index")).content.decode()
    assert (
        'id="cancelled-meetings"' in index and "Made-up: the meeting did not take place." in index
    )
    assert reverse("in_error:undo", args=["meetings", meeting.pk]) in index
    assert not PanelDiscussion.objects.filter(pk=discussion.pk).exists()
    assert not PanelMeeting.objects.filter(pk=meeting.pk).exists()
    in_error_undo(record=meeting, by=coordinator)
    assert PanelDiscussion.objects.filter(pk=discussion.pk).exists()
    assert signed_in.get(reverse("panel:meeting", args=[meeting.pk])).status_code == 200


# The pages.


def test_the_confirmation_page_says_the_interviews_go_with_the_episode(signed_in, world):
    episode = world["episodes"][1]
    url = reverse("in_error:mark", args=["episodes", episode.pk])
    html = signed_in.get(url).content.decode()
    assert "Its return home interviews go with it and are marked too" in html
    assert f"Return home interview {world['interview'].local_id}" in html


def test_the_page_marks_with_a_reason_and_the_childs_page_shows_it_struck_through(signed_in, world):
    episode = world["now_missing"]
    url = reverse("in_error:mark", args=["episodes", episode.pk])
    refused = signed_in.post(url, {"reason": ""})
    assert escape(REASON_REQUIRED) in refused.content.decode()
    response = signed_in.post(url, {"reason": WRONG_CHILD})
    assert response.url == reverse("children:detail", args=[world["missing"].pk])
    html = signed_in.get(response.url).content.decode()
    assert 'id="entered-in-error"' in html
    assert f"<s>Missing episode {episode.local_id}" in html
    assert WRONG_CHILD in html
    assert "Missing now: last seen" not in html
    undo = reverse("in_error:undo", args=["episodes", episode.pk])
    assert undo in html
    assert signed_in.post(undo).status_code == 302
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_a_practitioner_may_not_mark_records(client, world):
    client.force_login(UserFactory(roles=[roles.PRACTITIONER]))
    url = reverse("in_error:mark", args=["episodes", world["now_missing"].pk])
    assert client.post(url, {"reason": WRONG_CHILD}).status_code == 403
    assert Episode.objects.filter(pk=world["now_missing"].pk).exists()


def test_an_unknown_kind_of_record_is_not_found(signed_in, world):
    url = reverse("in_error:mark", args=["children", world["missing"].pk])
    assert signed_in.get(url).status_code == 404
