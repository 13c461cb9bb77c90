"""Every page that shows a child's details writes a look at that child, by the person looking.

So *Who has looked* on the child's page lists everyone who saw the child's name and details,
wherever they saw them. (Reading the report on its page: reports/tests/test_views.py.)
"""

import datetime as dt

import pytest
from django.urls import reverse

from homeward.access import rules as access
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.audit.selectors import who_looked
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
)

pytestmark = pytest.mark.django_db


def looks() -> list[tuple[str, str, str]]:
    """(who, which child, which page) for every look written, in order."""
    entries = AuditEntry.objects.filter(action=Action.VIEW_CHILD).order_by("sequence")
    return [(e.username, e.object_id, e.details.get("page")) for e in entries]


def child_page(child):
    return reverse("children:detail", args=[child.pk]), child, "children:detail"


def new_episode(child):
    return reverse("episodes:record", args=[child.pk]), child, "episodes:record"


def episode_edit(child):
    episode = EpisodeFactory(child=child)
    return reverse("episodes:edit", args=[episode.pk]), child, "episodes:edit"


def mark_returned(child):
    episode = EpisodeFactory(child=child, returned_at=None)
    return reverse("episodes:mark-returned", args=[episode.pk]), child, "episodes:mark-returned"


def record_interview(child):
    episode = EpisodeFactory(child=child)
    return reverse("interviews:record", args=[episode.pk]), child, "interviews:record"


def record_screening(child):
    url = reverse("exploitation:record-screening", args=[child.pk])
    return url, child, "exploitation:record-screening"


def add_to_meeting(child):
    discussion = PanelDiscussionFactory()
    url = reverse("panel:discussion-record", args=[discussion.meeting.pk, child.pk])
    return url, child, "panel:discussion-record"


def change_discussion(child):
    discussion = PanelDiscussionFactory(child=child)
    url = reverse("panel:discussion-edit", args=[discussion.pk])
    return url, child, "panel:discussion-edit"


def record_action(child):
    discussion = PanelDiscussionFactory(child=child)
    url = reverse("panel:action-record", args=[discussion.pk])
    return url, child, "panel:action-record"


def change_action(child):
    action = PanelActionFactory(discussion=PanelDiscussionFactory(child=child))
    return (
        reverse("panel:action-edit", args=[action.pk]),
        child,
        ("panel:action-edit"),
    )


def mark_action_done(child):
    action = PanelActionFactory(discussion=PanelDiscussionFactory(child=child))
    return (
        reverse("panel:action-done", args=[action.pk]),
        child,
        ("panel:action-done"),
    )


PAGES = [
    child_page,
    new_episode,
    episode_edit,
    mark_returned,
    record_interview,
    record_screening,
    add_to_meeting,
    change_discussion,
    record_action,
    change_action,
    mark_action_done,
]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_a_page_showing_a_child_writes_a_look_at_that_child(client, page):
    coordinator = staff(roles.MISSING_COORDINATOR, username="made-up-looker")
    child = ChildFactory(first_name="Made-up", last_name="Lookedat")
    ChildFactory()  # another child, not shown
    url, shown, name = page(child)
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert "Made-up Lookedat" in response.text
    assert looks() == [("made-up-looker", str(shown.pk), name)]
    assert [person.username for person in who_looked(shown, limit=10)] == ["made-up-looker"]


def test_a_form_shown_again_with_its_problems_is_another_look(client):
    coordinator = staff(roles.MISSING_COORDINATOR, username="made-up-looker")
    child = ChildFactory()
    client.force_login(coordinator)
    url = reverse("exploitation:record-screening", args=[child.pk])
    response = client.post(url, {"outcome": "not-an-outcome"})
    assert "<title>Error: " in response.text
    assert looks() == [("made-up-looker", str(child.pk), "exploitation:record-screening")]


def test_a_refused_page_writes_no_look(client):
    practitioner = staff(roles.PRACTITIONER)
    child = ChildFactory()  # not allocated to them
    client.force_login(practitioner)
    assert client.get(reverse("episodes:record", args=[child.pk])).status_code == 404
    assert looks() == []


def test_the_meeting_page_writes_a_look_at_each_child_it_shows(client, settings):
    ruby, alfie = ChildFactory(), ChildFactory()
    ruby_talk = PanelDiscussionFactory(child=ruby)
    PanelDiscussionFactory(meeting=ruby_talk.meeting, child=alfie)
    url = reverse("panel:meeting", args=[ruby_talk.meeting.pk])
    lead = staff(roles.MISSING_COORDINATOR, username="made-up-chair")
    client.force_login(lead)
    assert client.get(url).status_code == 200
    page = "panel:meeting"
    assert looks() == [
        ("made-up-chair", str(ruby.pk), page),
        ("made-up-chair", str(alfie.pk), page),
    ]


def test_the_meeting_page_looks_only_at_the_children_the_person_sees(client, settings):
    practitioner = access.DEFAULT_ACCESS[roles.PRACTITIONER]
    settings.HOMEWARD_ACCESS = {
        roles.PRACTITIONER: {"panel": True, "actions": list(practitioner["actions"])}
    }
    ruby, alfie = ChildFactory(), ChildFactory()
    ruby_talk = PanelDiscussionFactory(child=ruby)
    PanelDiscussionFactory(meeting=ruby_talk.meeting, child=alfie)
    member = staff(roles.PRACTITIONER, username="made-up-member")
    child_allocate(child=ruby, worker=member, allocated_on=dt.date(2020, 1, 1))
    client.force_login(member)
    url = reverse("panel:meeting", args=[ruby_talk.meeting.pk])
    assert client.get(url).status_code == 200
    assert looks() == [("made-up-member", str(ruby.pk), "panel:meeting")]
