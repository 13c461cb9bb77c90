import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.access.rules import access_for
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.selectors import (
    panel_discussions_for_child,
    panel_meeting_discussions,
    panel_meetings,
    panel_open_actions,
)
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def repeat_missing(child):
    for days in (20, 40):
        EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(days=days))
    return child


@pytest.fixture
def meeting():
    """A meeting discussing a repeat-missing child and one who is not (seen, by the lead,
    only because the panel discussed them)."""
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 5, 5))
    repeat = repeat_missing(ChildFactory(first_name="Ruby", last_name="Sample"))
    other = ChildFactory(first_name="Alfie", last_name="Testwell")
    for child in (repeat, other):
        discussion = PanelDiscussionFactory(meeting=meeting, child=child)
        PanelActionFactory(discussion=discussion, due_on=dt.date(2020, 5, 10), owner="Police")
        PanelActionFactory(discussion=discussion, due_on=dt.date(2020, 5, 30), owner="School")
        PanelActionFactory(
            discussion=discussion, due_on=dt.date(2020, 5, 12), completed_on=TODAY, owner="Police"
        )
    return meeting, repeat, other


def names(discussions) -> set[str]:
    return {str(discussion.child) for discussion in discussions}


def allocated(child):
    """A practitioner with `child` allocated: sees that child's discussions and no other's."""
    practitioner = staff(roles.PRACTITIONER)
    child_allocate(child=child, worker=practitioner, allocated_on=dt.date(2020, 1, 1))
    return practitioner


def test_a_meeting_shows_each_person_only_the_children_they_may_see(meeting):
    held, repeat, other = meeting
    everyone = {"Ruby Sample", "Alfie Testwell"}
    lead = staff(roles.EXPLOITATION_LEAD)  # follows every child the panel discusses
    assert names(panel_meeting_discussions(user=lead, meeting=held)) == everyone
    coordinator = staff(roles.MISSING_COORDINATOR)
    assert names(panel_meeting_discussions(user=coordinator, meeting=held)) == everyone
    practitioner = allocated(repeat)
    assert names(panel_meeting_discussions(user=practitioner, meeting=held)) == {"Ruby Sample"}


def test_meetings_are_split_into_upcoming_and_past(meeting):
    PanelMeetingFactory(held_on=dt.date(2020, 6, 2))
    PanelMeetingFactory(held_on=dt.date(2020, 7, 7))
    PanelMeetingFactory(held_on=dt.date(2020, 4, 7))
    listed = panel_meetings(user=staff(roles.EXPLOITATION_LEAD), today=TODAY)
    assert [m.held_on.month for m in listed.upcoming] == [6, 7]
    assert [m.held_on.month for m in listed.past] == [5, 4]
    assert listed.past[0].children == 2


def test_roles_without_the_panel_see_no_meetings_or_actions(meeting):
    police = staff(roles.POLICE_LIAISON)
    assert panel_meetings(user=police, today=TODAY).past == []
    assert not access_for(police).panel


def test_open_actions_are_the_visible_childrens_not_done_earliest_first(meeting):
    held, repeat, other = meeting
    practitioner = allocated(repeat)
    actions = list(panel_open_actions(user=practitioner))
    assert [(a.owner, a.due_on.day) for a in actions] == [("Police", 10), ("School", 30)]
    assert {str(a.discussion.child) for a in actions} == {"Ruby Sample"}
    assert [a.owner for a in panel_open_actions(user=practitioner, owner="schoo")] == ["School"]
    assert len(panel_open_actions(user=staff(roles.EXPLOITATION_LEAD))) == 4
    assert len(panel_open_actions(user=staff(roles.MISSING_COORDINATOR))) == 4


def test_a_childs_discussions_with_their_actions_in_two_queries(meeting):
    held, repeat, other = meeting
    later = PanelDiscussionFactory(
        meeting=PanelMeetingFactory(held_on=dt.date(2020, 6, 2)), child=repeat, risk="very_high"
    )
    lead = staff(roles.EXPLOITATION_LEAD)
    access_for(lead)  # worked out once per request, before the page's own reads
    with CaptureQueriesContext(connection) as queries:
        found = panel_discussions_for_child(user=lead, child=repeat)
    assert len(queries) == 2
    assert [(d.held_on, d.risk_display) for d in found] == [
        (dt.date(2020, 6, 2), "Very high"),
        (dt.date(2020, 5, 5), "High"),
    ]
    assert found[0].discussion_id == later.pk and found[0].actions == ()
    actions = found[1].actions
    assert [(a.due_on.day, a.is_overdue, a.completed_on) for a in actions] == [
        (10, True, None),
        (12, False, TODAY),
        (30, False, None),
    ]


def test_a_childs_discussions_follow_who_may_see_the_child(meeting):
    held, repeat, other = meeting
    assert len(panel_discussions_for_child(user=staff(roles.EXPLOITATION_LEAD), child=other)) == 1
    assert panel_discussions_for_child(user=staff(roles.POLICE_LIAISON), child=other) == []
    practitioner = staff(roles.PRACTITIONER)
    assert panel_discussions_for_child(user=practitioner, child=other) == []
    child_allocate(child=other, worker=practitioner, allocated_on=dt.date(2020, 1, 1))
    # Read afresh: access is worked out once per request, and this is a new one.
    practitioner = type(practitioner).objects.get(pk=practitioner.pk)
    assert len(panel_discussions_for_child(user=practitioner, child=other)) == 1
    assert panel_discussions_for_child(user=staff(roles.ANALYST), child=other) == []
