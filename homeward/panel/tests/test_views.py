import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from homeward.access import rules as access
from homeward.access.rules import NO_PANEL_PAGES
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting
from homeward.panel.services import panel_action_update
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)
from homeward.panel.views import ACTION_DONE_PAGE, ACTION_PAGE, DISCUSSION_PAGE, MEETING_PAGE
from homeward.web.edits import carried

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
PANEL = reverse("panel:index")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def signed_in(client, role):
    client.force_login(staff(role))
    return client


@pytest.fixture
def lead(client):
    return signed_in(client, roles.EXPLOITATION_LEAD)


def repeat_missing(child):
    for days in (20, 40, 60):
        EpisodeFactory(child=child, last_seen_at=NOW - dt.timedelta(days=days))
    return child


@pytest.fixture
def discussed():
    """Ruby (repeat missing) and Alfie (seen by the lead only because the panel discussed him)."""
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 5, 5), chair="Made-up Chair")
    ruby = repeat_missing(ChildFactory(first_name="Ruby", last_name="Sample"))
    alfie = ChildFactory(first_name="Alfie", last_name="Testwell")
    ruby_talk = PanelDiscussionFactory(meeting=meeting, child=ruby, risk="very_high")
    alfie_talk = PanelDiscussionFactory(meeting=meeting, child=alfie)
    PanelActionFactory(
        discussion=ruby_talk, description="Made-up: visit the school", due_on=dt.date(2020, 5, 10)
    )
    PanelActionFactory(
        discussion=ruby_talk,
        description="Made-up: ask health",
        owner="Made-up Nurse, health",
        due_on=dt.date(2020, 5, 30),
    )
    PanelActionFactory(discussion=alfie_talk, description="Made-up: Alfie's action")
    return meeting, ruby_talk, alfie_talk


@pytest.fixture
def member(settings, discussed):
    """A practitioner on the panel with Ruby allocated: may not see Alfie.

    Everyone else here sees every child discussed (the lead follows them all), so refusals of
    a child the person may not see are a panel member's.
    """
    practitioner = access.DEFAULT_ACCESS[roles.PRACTITIONER]
    settings.HOMEWARD_ACCESS = {
        roles.PRACTITIONER: {
            "panel": True,
            "actions": [*practitioner["actions"], access.RECORD_PANEL],
        }
    }
    user = staff(roles.PRACTITIONER)
    ruby = discussed[1].child
    child_allocate(child=ruby, worker=user, allocated_on=dt.date(2020, 1, 1))
    client = Client()
    client.force_login(user)
    return client


def date(field: str, day: dt.date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def changes() -> list[dict]:
    """Changes audited to the panel's records (the fixtures' allocations are audited too)."""
    entries = AuditEntry.objects.filter(action=Action.CHANGE, object_type__startswith="panel.")
    return list(entries.order_by("sequence").values("object_type", "details"))


# The panel page.


def test_the_panel_lists_open_actions_with_the_overdue_marked(lead, discussed):
    html = lead.get(PANEL).content.decode()
    assert "3 actions open, <strong>1 overdue</strong>" in html
    overdue_row = html[html.index("visit the school") :].split("</tr>")[0]
    assert "Overdue" in overdue_row
    assert "Alfie Testwell" in html  # discussed at the panel: the lead follows him
    assert "5 May 2020" in html and "Made-up Chair" in html  # the past meeting


def test_a_panel_member_sees_only_the_actions_of_their_children(member):
    html = member.get(PANEL).content.decode()
    assert "2 actions open, <strong>1 overdue</strong>" in html
    assert "visit the school" in html and "Alfie" not in html


def test_the_panel_filters_actions_by_owner_and_audits_the_search(lead, discussed):
    html = lead.get(PANEL, {"owner": "nurse"}).content.decode()
    assert "ask health" in html and "visit the school" not in html
    assert AuditEntry.objects.filter(action=Action.SEARCH).count() == 1


def test_a_coordinator_sees_every_childs_actions(client, discussed):
    html = signed_in(client, roles.MISSING_COORDINATOR).get(PANEL).content.decode()
    assert "Alfie Testwell" in html and "Record a meeting" in html


@pytest.mark.parametrize("role", [roles.PRACTITIONER, roles.POLICE_LIAISON, roles.ANALYST])
def test_roles_without_the_panel_are_refused(client, discussed, role):
    response = signed_in(client, role).get(PANEL)
    assert response.status_code == 403
    assert escape(NO_PANEL_PAGES) in response.content.decode()


def test_the_panel_is_in_the_navigation_only_for_its_roles(client, discussed):
    assert 'href="/panel/"' in signed_in(client, roles.EXPLOITATION_LEAD).get("/").content.decode()
    client.logout()
    html = signed_in(client, roles.PRACTITIONER).get("/").content.decode()
    assert 'href="/panel/"' not in html


def test_the_panel_link_is_marked_current_on_every_panel_page(lead, discussed):
    meeting = discussed[0]
    for url in ("/panel/", reverse("panel:meeting", args=[meeting.pk])):
        html = lead.get(url).content.decode()
        assert 'href="/panel/" aria-current="page"' in html, url


# A meeting's page.


def test_a_meeting_shows_the_children_the_person_may_see(lead, member, discussed):
    meeting, ruby_talk, _ = discussed
    url = reverse("panel:meeting", args=[meeting.pk])
    html = member.get(url).content.decode()
    assert "Ruby Sample" in html and "Very high" in html and "visit the school" in html
    assert "Alfie" not in html
    assert "Alfie Testwell" in lead.get(url).content.decode()


def test_a_coordinator_sees_every_child_discussed(client, discussed):
    meeting = discussed[0]
    url = reverse("panel:meeting", args=[meeting.pk])
    html = signed_in(client, roles.MISSING_COORDINATOR).get(url).content.decode()
    assert "Ruby Sample" in html and "Alfie Testwell" in html


def test_a_meeting_of_another_council_is_not_found(lead):
    from homeward.councils.tests.factories import council

    other = PanelMeetingFactory(council=council("825"))
    assert lead.get(reverse("panel:meeting", args=[other.pk])).status_code == 404


# Recording and changing a meeting.


def test_recording_a_meeting(lead):
    data = date("held_on", dt.date(2020, 6, 2)) | {"chair": "Made-up Chair", "agencies": "Police"}
    response = lead.post(reverse("panel:meeting-record"), data)
    meeting = PanelMeeting.objects.get()
    assert response.url == reverse("panel:meeting", args=[meeting.pk])
    assert changes()[0]["details"]["chair"] == {"before": None, "after": "Made-up Chair"}
    html = lead.get(PANEL).content.decode()
    upcoming = html.index("Upcoming meetings")
    assert upcoming < html.index("2 June 2020", upcoming) < html.index("Past meetings")


def test_a_meeting_without_a_date_or_chair_is_shown_back_with_the_problems(lead):
    response = lead.post(reverse("panel:meeting-record"), {"chair": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter the date of the meeting." in html
    assert "Enter the name of the person who chaired the meeting." in html
    assert not PanelMeeting.objects.exists()


def test_the_practitioner_may_not_record_a_meeting(client):
    response = signed_in(client, roles.PRACTITIONER).post(
        reverse("panel:meeting-record"), {"chair": "Made-up"}
    )
    assert response.status_code == 403 and not PanelMeeting.objects.exists()


def test_changing_a_meeting_someone_else_changed_is_refused(lead, discussed):
    meeting = discussed[0]
    url = reverse("panel:meeting-edit", args=[meeting.pk])
    data = date("held_on", meeting.held_on) | {
        "chair": "Made-up Deputy",
        "agencies": meeting.agencies,
    }
    data |= {"notes": meeting.notes} | carried(MEETING_PAGE, meeting)
    PanelMeeting.objects.filter(pk=meeting.pk).update(chair="Made-up Other", version=2)
    html = lead.post(url, data).content.decode()
    assert "while you were editing it, so your change was not saved" in html
    # What they saved is in the table of changes; the form keeps your change on version 2.
    assert "Made-up Other" in html.split('id="conflict"')[1].split("</table>")[0]
    assert 'value="Made-up Deputy"' in html and 'value="2"' in html
    meeting.refresh_from_db()
    assert meeting.chair == "Made-up Other"
    refused = AuditEntry.objects.get(action=Action.REFUSED)  # the attempt is in the log
    assert refused.object_id == str(meeting.pk)
    assert refused.details["tried"]["chair"] == "Made-up Deputy"
    assert lead.post(url, data | {"version": 2}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.version) == ("Made-up Deputy", 3)


# Adding a child.


def test_adding_a_child_offers_the_repeat_missing_not_yet_discussed(lead, discussed):
    meeting = discussed[0]
    waiting = repeat_missing(ChildFactory(first_name="Keira", last_name="Madeup"))
    url = reverse("panel:add-child", args=[meeting.pk])
    html = lead.get(url).content.decode()
    assert "Keira Madeup" in html and "Ruby Sample" not in html  # Ruby is on the list already
    link = reverse("panel:discussion-record", args=[meeting.pk, waiting.pk])
    assert link in html
    found = lead.get(url, {"q": "Sample"}).content.decode()
    assert "1 child found" in found and "Ruby Sample" in found


def test_recording_a_discussion(lead, discussed):
    meeting = discussed[0]
    keira = repeat_missing(ChildFactory(first_name="Keira", last_name="Madeup"))
    url = reverse("panel:discussion-record", args=[meeting.pk, keira.pk])
    data = {"reason": "Made-up: three episodes", "risk": "high"} | date(
        "next_review_on", dt.date(2020, 6, 2)
    )
    assert lead.post(url, data).status_code == 302
    assert PanelDiscussion.objects.get(child=keira).get_risk_display() == "High"
    again = lead.post(url, data).content.decode()
    assert "Keira Madeup is already on this meeting&#x27;s list" in again


def test_a_discussion_needs_a_risk_rating(lead, discussed):
    meeting, ruby_talk, _ = discussed
    keira = repeat_missing(ChildFactory())
    url = reverse("panel:discussion-record", args=[meeting.pk, keira.pk])
    html = lead.post(url, {"reason": "Made-up"}).content.decode()
    assert "Choose the panel&#x27;s risk rating." in html


def test_a_child_the_lead_may_not_see_cannot_be_added(lead, discussed):
    meeting = discussed[0]
    unseen = ChildFactory()
    url = reverse("panel:discussion-record", args=[meeting.pk, unseen.pk])
    response = lead.post(url, {"reason": "Made-up", "risk": "low"})
    assert response.status_code == 404
    assert not PanelDiscussion.objects.filter(child=unseen).exists()


def test_changing_a_discussion_is_audited(lead, member, discussed):
    _, ruby_talk, alfie_talk = discussed
    url = reverse("panel:discussion-edit", args=[ruby_talk.pk])
    data = {"reason": ruby_talk.reason, "risk": "medium", "summary": ruby_talk.summary}
    data |= date("next_review_on", ruby_talk.next_review_on)
    data |= carried(DISCUSSION_PAGE, ruby_talk)
    assert lead.post(url, data).status_code == 302
    assert changes()[0]["details"]["risk"] == {"before": "very_high", "after": "medium"}
    hidden = reverse("panel:discussion-edit", args=[alfie_talk.pk])
    assert member.get(hidden).status_code == 404


# Actions.


def test_recording_an_action(lead, discussed):
    ruby_talk = discussed[1]
    url = reverse("panel:action-record", args=[ruby_talk.pk])
    data = {"description": "Made-up: a return home interview", "owner": "Made-up Worker"}
    early = lead.post(url, data | date("due_on", dt.date(2020, 5, 1))).content.decode()
    assert "before the meeting that agreed the action (5 May 2020)" in early
    assert lead.post(url, data | date("due_on", dt.date(2020, 5, 31))).status_code == 302
    assert PanelAction.objects.filter(owner="Made-up Worker", due_on__day=31).exists()


def test_marking_an_action_done_from_the_panel(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-done", args=[action.pk]) + "?back=panel"
    response = lead.post(url, date("completed_on", dt.date(2020, 5, 16)) | done_data(action))
    assert response.url == PANEL
    action.refresh_from_db()
    assert action.completed_on == dt.date(2020, 5, 16)
    assert "visit the school" not in lead.get(PANEL).content.decode()


def test_marking_an_action_done_in_the_future_is_refused(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-done", args=[action.pk])
    html = lead.post(url, date("completed_on", dt.date(2020, 5, 18)) | done_data(action))
    assert "is in the future" in html.content.decode()


def test_marking_done_an_action_someone_else_changed_is_refused(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    opened = done_data(action)
    panel_action_update(action=action, expected_version=1, owner="Made-up Other")
    url = reverse("panel:action-done", args=[action.pk])
    html = lead.post(url, date("completed_on", dt.date(2020, 5, 16)) | opened)
    assert "your change was not saved" in html.content.decode()
    action.refresh_from_db()
    assert action.completed_on is None


def test_an_action_for_a_child_the_person_may_not_see_is_not_found(member):
    hidden = PanelAction.objects.get(description="Made-up: Alfie's action")
    url = reverse("panel:action-done", args=[hidden.pk])
    response = member.post(url, date("completed_on", dt.date(2020, 5, 16)) | done_data(hidden))
    assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.completed_on is None


# Changing an action.


def done_data(action) -> dict:
    """What the mark-done page carries for `action` as it is now."""
    return carried(ACTION_DONE_PAGE, action)


def action_data(action, **changes) -> dict:
    data = {"description": action.description, "owner": action.owner}
    data |= carried(ACTION_PAGE, action)
    data |= date("due_on", action.due_on)
    if action.completed_on:
        data |= date("completed_on", action.completed_on)
    return data | changes


def test_the_meeting_and_the_panel_link_to_changing_an_action(lead, discussed):
    meeting = discussed[0]
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-edit", args=[action.pk])
    meeting_page = lead.get(reverse("panel:meeting", args=[meeting.pk]))
    assert f'href="{url}"' in meeting_page.content.decode()
    assert f'href="{url}?back=panel"' in lead.get(PANEL).content.decode()


def test_changing_an_actions_owner_and_due_date_is_audited(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-edit", args=[action.pk]) + "?back=panel"
    form = lead.get(url).content.decode()
    assert "Change the action" in form and 'value="Made-up Officer, education"' in form
    data = action_data(action, owner="Made-up Worker, youth justice") | date(
        "due_on", dt.date(2020, 5, 29)
    )
    response = lead.post(url, data)
    assert response.url == PANEL
    action.refresh_from_db()
    assert (action.owner, action.due_on, action.version) == (
        "Made-up Worker, youth justice",
        dt.date(2020, 5, 29),
        2,
    )
    details = changes()[0]["details"]
    assert details["owner"] == {
        "before": "Made-up Officer, education",
        "after": "Made-up Worker, youth justice",
    }
    assert details["due_on"]["after"] == "2020-05-29"
    assert "description" not in details and "completed_on" not in details  # not changed
    row = lead.get(PANEL).content.decode().split("visit the school")[1].split("</tr>")[0]
    assert "Made-up Worker, youth justice" in row and "Overdue" not in row


def test_emptying_the_date_done_reopens_an_action(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    panel_action_update(action=action, expected_version=1, completed_on=dt.date(2020, 5, 12))
    url = reverse("panel:action-edit", args=[action.pk])
    assert 'value="12"' in lead.get(url).content.decode()
    data = action_data(action) | date("completed_on", dt.date(2020, 5, 12))
    data |= {"completed_on_day": "", "completed_on_month": "", "completed_on_year": ""}
    assert lead.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.completed_on is None
    assert changes()[-1]["details"]["completed_on"] == {"before": "2020-05-12", "after": None}
    assert "visit the school" in lead.get(PANEL).content.decode()


def test_a_changed_action_breaking_the_rules_is_shown_back_with_the_problems(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-edit", args=[action.pk])
    data = action_data(action, owner="Made-up Other") | date("due_on", dt.date(2020, 5, 1))
    data |= date("completed_on", dt.date(2020, 5, 18))
    html = lead.post(url, data).content.decode()
    assert "There is a problem" in html and 'href="#id_due_on_day"' in html
    assert "before the meeting that agreed the action (5 May 2020)" in html
    assert "is in the future" in html
    refused = AuditEntry.objects.get(action=Action.REFUSED)
    assert refused.details["tried"]["due_on"] == "2020-05-01"
    action.refresh_from_db()
    assert (action.owner, action.version, action.completed_on) == (
        "Made-up Officer, education",
        1,
        None,
    )
    assert not changes()
    blank = lead.post(url, action_data(action, owner=" ")).content.decode()
    assert "Enter who will do it: a person, an agency, or both." in blank


def test_changing_an_action_someone_else_changed_is_refused(lead, discussed):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-edit", args=[action.pk])
    data = action_data(action, owner="Made-up Mine")
    panel_action_update(action=action, expected_version=1, owner="Made-up Theirs")
    html = lead.post(url, data).content.decode()
    assert "while you were editing it, so your change was not saved" in html
    assert "Made-up Theirs" in html.split('id="conflict"')[1].split("</table>")[0]
    assert 'value="Made-up Mine"' in html and 'value="2"' in html
    action.refresh_from_db()
    assert action.owner == "Made-up Theirs"
    assert [change["details"]["owner"]["after"] for change in changes()] == ["Made-up Theirs"]
    assert lead.post(url, data | {"version": 2}).status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.version) == ("Made-up Mine", 3)


def test_a_coordinator_may_change_any_childs_action(client, discussed):
    hidden = PanelAction.objects.get(description="Made-up: Alfie's action")
    url = reverse("panel:action-edit", args=[hidden.pk])
    coordinator = signed_in(client, roles.MISSING_COORDINATOR)
    assert coordinator.post(url, action_data(hidden, owner="Made-up Lead")).status_code == 302
    hidden.refresh_from_db()
    assert hidden.owner == "Made-up Lead"


@pytest.mark.parametrize("role", [roles.PRACTITIONER, roles.POLICE_LIAISON, roles.ANALYST])
def test_roles_without_the_panel_may_not_change_an_action(client, discussed, role):
    action = PanelAction.objects.get(description="Made-up: visit the school")
    url = reverse("panel:action-edit", args=[action.pk])
    response = signed_in(client, role).post(url, action_data(action, owner="Made-up Other"))
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.owner == "Made-up Officer, education" and action.version == 1


def test_changing_an_action_for_a_child_the_person_may_not_see_is_not_found(member):
    hidden = PanelAction.objects.get(description="Made-up: Alfie's action")
    url = reverse("panel:action-edit", args=[hidden.pk])
    assert member.get(url).status_code == 404
    assert member.post(url, action_data(hidden, owner="Made-up Other")).status_code == 404
    hidden.refresh_from_db()
    assert hidden.owner == "Made-up Officer, education" and hidden.version == 1
