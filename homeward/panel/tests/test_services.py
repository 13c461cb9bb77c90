import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from homeward.children.tests.factories import ChildFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.tests.factories import council
from homeward.panel.models import PanelDiscussion
from homeward.panel.rules import (
    ALREADY_DISCUSSED,
    CHAIR_MISSING,
    COMPLETED_IN_FUTURE,
    OTHER_COUNCIL,
)
from homeward.panel.services import (
    panel_action_complete,
    panel_action_record,
    panel_action_update,
    panel_discussion_record,
    panel_discussion_update,
    panel_meeting_record,
    panel_meeting_update,
)
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def test_it_records_a_meeting_with_who_recorded_it():
    meeting = panel_meeting_record(
        council=council(), held_on=dt.date(2020, 6, 2), chair=" Made-up Chair ", agencies="Police"
    )
    assert (meeting.chair, meeting.version, meeting.local_id[:6]) == ("Made-up Chair", 1, "HW-PM-")


def test_a_meeting_needs_a_chair():
    errors = refusal(panel_meeting_record, council=council(), held_on=NOW.date(), chair="  ")
    assert errors == {"chair": [CHAIR_MISSING]}


def test_a_child_is_discussed_once_per_meeting():
    meeting = PanelMeetingFactory()
    child = ChildFactory(first_name="Ruby", last_name="Sample")
    panel_discussion_record(meeting=meeting, child=child, reason="Repeat missing", risk="high")
    errors = refusal(
        panel_discussion_record, meeting=meeting, child=child, reason="Again", risk="low"
    )
    assert errors["child"] == [ALREADY_DISCUSSED.format(child="Ruby Sample")]
    assert PanelDiscussion.objects.count() == 1


def test_a_discussion_needs_a_known_rating_a_reason_and_a_review_after_the_meeting():
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 5, 5))
    errors = refusal(
        panel_discussion_record,
        meeting=meeting,
        child=ChildFactory(),
        reason="",
        risk="severe",
        next_review_on=dt.date(2020, 5, 1),
    )
    assert "'severe' is not a known risk rating" in errors["risk"][0]
    assert "Enter why the child was brought" in errors["reason"][0]
    assert "before the meeting (5 May 2020)" in errors["next_review_on"][0]


def test_a_child_of_another_council_cannot_be_added():
    other = ChildFactory(council=council("825"))
    errors = refusal(
        panel_discussion_record,
        meeting=PanelMeetingFactory(),
        child=other,
        reason="Placed here",
        risk="low",
    )
    assert errors["child"] == [OTHER_COUNCIL]


def test_an_action_is_due_on_or_after_its_meeting_and_not_done_in_the_future():
    discussion = PanelDiscussionFactory(meeting__held_on=dt.date(2020, 5, 5))
    errors = refusal(
        panel_action_record,
        discussion=discussion,
        description="Visit school",
        owner="",
        due_on=dt.date(2020, 5, 4),
        completed_on=dt.date(2020, 5, 18),
    )
    assert "before the meeting that agreed the action" in errors["due_on"][0]
    assert errors["owner"] == ["Enter who will do it: a person, an agency, or both."]
    assert errors["completed_on"] == [COMPLETED_IN_FUTURE.format(completed="18 May 2020")]
    action = panel_action_record(
        discussion=discussion,
        description="Visit school",
        owner="Made-up Officer",
        due_on=dt.date(2020, 5, 5),
    )
    assert action.is_open


def test_marking_an_action_done_moves_its_version_on():
    action = PanelActionFactory()
    done = panel_action_complete(
        action=action, completed_on=dt.date(2020, 5, 16), expected_version=1
    )
    assert (done.completed_on, done.version) == (dt.date(2020, 5, 16), 2)


def test_marking_an_action_done_before_its_meeting_is_refused():
    action = PanelActionFactory(discussion__meeting__held_on=dt.date(2020, 5, 5))
    errors = refusal(
        panel_action_complete, action=action, completed_on=dt.date(2020, 5, 1), expected_version=1
    )
    assert "before the meeting that agreed it (5 May 2020)" in errors["completed_on"][0]


def test_a_stale_edit_is_refused_and_keeps_the_other_change():
    action = PanelActionFactory(owner="Made-up Officer")
    stale = type(action).objects.get(pk=action.pk)
    panel_action_update(action=action, expected_version=1, owner="Made-up Nurse, health")
    with pytest.raises(ChangedByAnotherUser) as caught:
        panel_action_complete(action=stale, completed_on=dt.date(2020, 5, 16), expected_version=1)
    assert caught.value.record.owner == "Made-up Nurse, health"
    action.refresh_from_db()
    assert action.completed_on is None


def test_editing_a_discussion_and_a_meeting():
    discussion = PanelDiscussionFactory(risk="medium", meeting__held_on=dt.date(2020, 5, 5))
    panel_discussion_update(discussion=discussion, expected_version=1, risk="very_high")
    assert discussion.get_risk_display() == "Very high"
    meeting = discussion.meeting
    panel_meeting_update(meeting=meeting, expected_version=1, chair="Made-up Deputy Chair")
    assert (meeting.chair, meeting.version) == ("Made-up Deputy Chair", 2)


def test_a_meeting_cannot_move_after_its_reviews():
    discussion = PanelDiscussionFactory(
        meeting__held_on=dt.date(2020, 5, 5), next_review_on=dt.date(2020, 6, 2)
    )
    errors = refusal(
        panel_meeting_update,
        meeting=discussion.meeting,
        expected_version=1,
        held_on=dt.date(2020, 6, 9),
    )
    assert "The next review (2 Jun 2020) is before the meeting (9 Jun 2020)" in errors["held_on"][0]


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        panel_action_update(action=PanelActionFactory(), expected_version=1, child=None)
