"""The escalation pages, for each role: the list, one escalation, changing, closing and
referring it, and the escalations on a child's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import NO_ESCALATION_PAGES
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.escalations.models import Escalation
from homeward.escalations.services import escalation_update, escalations_raise_for_child
from homeward.escalations.tests.helpers import NOW, episodes_ago
from homeward.escalations.views import CLOSE_PAGE, EDIT_PAGE, NO_MEETING_PLANNED, REFERRED
from homeward.panel.models import PanelDiscussion
from homeward.panel.tests.factories import PanelMeetingFactory
from homeward.web.edits import carried

pytestmark = pytest.mark.django_db
INDEX = reverse("escalations:index")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def raise_for(child, *days, **values):
    episodes_ago(child, *days, **values)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    return Escalation.objects.filter(child=child).latest("pk")


@pytest.fixture
def ruby():
    """Ruby: missing three times in 20 days, her strategy discussion due 19 May 2020."""
    return raise_for(ChildFactory(first_name="Ruby", last_name="Sample"), 20, 10, 1)


@pytest.fixture
def alfie():
    """Alfie: one high-risk episode, his screening due 24 May 2020."""
    return raise_for(ChildFactory(first_name="Alfie", last_name="Testwell"), 2, risk="high")


def signed_in(client, *held, **kwargs):
    user = staff(*held, **kwargs)
    client.force_login(user)
    return user


def urls(escalation):
    return [
        reverse(f"escalations:{name}", args=[escalation.pk])
        for name in ("detail", "edit", "close", "refer")
    ]


@pytest.mark.parametrize(
    "role", [roles.MISSING_COORDINATOR, roles.EXPLOITATION_LEAD, roles.ADMINISTRATOR]
)
def test_the_roles_that_act_on_escalations_see_the_list_and_each_page(client, role, ruby, alfie):
    signed_in(client, role)
    page = client.get(INDEX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ruby Sample" in html and "Alfie Testwell" in html
    # The oldest due first.
    assert html.index("Ruby Sample") < html.index("Alfie Testwell")
    assert 'href="/escalations/"' in html  # in the navigation
    for url in urls(ruby):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role", [roles.PRACTITIONER, roles.POLICE_LIAISON, roles.ANALYST, roles.SCRUTINY]
)
def test_other_roles_are_refused_every_page(client, role, ruby):
    signed_in(client, role)
    page = client.get(INDEX)
    assert page.status_code == 403
    assert escape(NO_ESCALATION_PAGES) in page.content.decode()
    for url in urls(ruby):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"outcome": "done", "outcome_notes": "x"}).status_code == 403
    ruby.refresh_from_db()
    assert ruby.is_open


def test_a_child_the_person_may_not_see_is_left_out_and_its_pages_not_found(
    client, settings, ruby, alfie
):
    """A practitioner given escalations (HOMEWARD_ACCESS) sees those of their own children."""
    settings.HOMEWARD_ACCESS = {"practitioner": {"escalations": True}}
    worker = signed_in(client, roles.PRACTITIONER)
    child_allocate(child=ruby.child, worker=worker, allocated_on=dt.date(2020, 1, 1))
    html = client.get(INDEX).content.decode()
    assert "Ruby Sample" in html and "Alfie Testwell" not in html
    for url in urls(alfie):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(urls(alfie)[0]).status_code == 404
    assert client.get(urls(ruby)[0]).status_code == 200


def test_the_list_filters_by_status_kind_and_owner(client, ruby, alfie):
    coordinator = signed_in(client, roles.MISSING_COORDINATOR)
    escalation_update(escalation=alfie, expected_version=alfie.version, owner=coordinator)
    overdue = client.get(INDEX, {"showing": "overdue"}).content.decode()
    assert "Ruby Sample" not in overdue and "Alfie Testwell" not in overdue
    week = client.get(INDEX, {"showing": "due_week"}).content.decode()
    assert "Ruby Sample" in week and "Alfie Testwell" in week
    screening = client.get(INDEX, {"kind": "ce_screening"}).content.decode()
    assert "Alfie Testwell" in screening and "Ruby Sample" not in screening
    mine = client.get(INDEX, {"owner": str(coordinator.pk)}).content.decode()
    assert "Alfie Testwell" in mine and "Ruby Sample" not in mine
    nobody = client.get(INDEX, {"owner": "nobody"}).content.decode()
    assert "Ruby Sample" in nobody and "Alfie Testwell" not in nobody


def test_an_overdue_escalation_is_marked(client, ruby, time_machine):
    time_machine.move_to(NOW + dt.timedelta(days=5), tick=False)
    signed_in(client, roles.MISSING_COORDINATOR)
    html = client.get(INDEX, {"showing": "overdue"}).content.decode()
    assert "Ruby Sample" in html and "Overdue" in html


def test_the_child_page_shows_escalations_open_first_to_those_who_act_on_them(client, ruby):
    from homeward.escalations.services import escalation_close

    child = ruby.child
    escalation_close(escalation=ruby, outcome="done", notes="Held.", expected_version=ruby.version)
    episodes_ago(child, 0, risk="high")
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    signed_in(client, roles.MISSING_COORDINATOR)
    html = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert 'id="child-escalations"' in html
    assert html.index("Exploitation screening due") < html.index("Strategy discussion to hold")
    client.logout()
    worker = signed_in(client, roles.PRACTITIONER)
    child_allocate(child=child, worker=worker, allocated_on=dt.date(2020, 1, 1))
    html = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert 'id="child-escalations"' not in html


def test_changing_the_owner_and_due_date(client, ruby):
    coordinator = signed_in(client, roles.MISSING_COORDINATOR)
    form = carried(EDIT_PAGE, ruby)
    data = form | {
        "owner": coordinator.pk,
        "due_on_day": "30",
        "due_on_month": "5",
        "due_on_year": "2020",
    }
    response = client.post(reverse("escalations:edit", args=[ruby.pk]), data)
    assert response.status_code == 302
    ruby.refresh_from_db()
    assert ruby.owner == coordinator and ruby.due_on == dt.date(2020, 5, 30)


def test_a_concurrent_change_is_refused_with_the_other_persons_values(client, ruby):
    other = staff(roles.MISSING_COORDINATOR, username="other")
    signed_in(client, roles.MISSING_COORDINATOR)
    opened = carried(EDIT_PAGE, ruby)
    escalation_update(escalation=ruby, expected_version=ruby.version, by=other, owner=other)
    data = opened | {"owner": "", "due_on_day": "30", "due_on_month": "5", "due_on_year": "2020"}
    page = client.post(reverse("escalations:edit", args=[ruby.pk]), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "other changed this record" in html and 'id="conflict"' in html
    ruby.refresh_from_db()
    assert ruby.due_on == dt.date(2020, 5, 19) and ruby.owner == other
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id=str(ruby.pk)).exists()


def test_closing_with_an_outcome(client, ruby):
    signed_in(client, roles.EXPLOITATION_LEAD)
    url = reverse("escalations:close", args=[ruby.pk])
    empty = client.post(url, carried(CLOSE_PAGE, ruby))
    assert "Choose how the escalation ended." in empty.content.decode()
    data = carried(CLOSE_PAGE, ruby) | {
        "outcome": "done",
        "outcome_notes": "Strategy discussion held with police and health.",
    }
    assert client.post(url, data).status_code == 302
    ruby.refresh_from_db()
    assert not ruby.is_open and ruby.outcome == "done"
    detail = client.get(reverse("escalations:detail", args=[ruby.pk])).content.decode()
    assert "Strategy discussion held with police and health." in detail
    closed = client.get(INDEX, {"showing": "closed"}).content.decode()
    assert "Ruby Sample" in closed


def test_referring_to_the_panel(client, ruby):
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 6, 2))
    PanelMeetingFactory(held_on=dt.date(2020, 5, 5))  # held: not offered
    signed_in(client, roles.EXPLOITATION_LEAD)
    url = reverse("escalations:refer", args=[ruby.pk])
    page = client.get(url).content.decode()
    assert "2 June 2020" in page and "5 May 2020" not in page
    data = {"version": ruby.version, "meeting": meeting.pk, "risk": "high", "reason": "Repeat."}
    response = client.post(url, data, follow=True)
    discussion = PanelDiscussion.objects.get(child=ruby.child)
    assert discussion.meeting == meeting
    said = REFERRED.format(child=ruby.child, held_on="2 June 2020")
    assert escape(said) in response.content.decode()
    ruby.refresh_from_db()
    assert ruby.panel_discussion == discussion


def test_referring_without_a_meeting_planned_says_what_to_do(client, ruby):
    signed_in(client, roles.MISSING_COORDINATOR)
    page = client.get(reverse("escalations:refer", args=[ruby.pk]))
    assert escape(NO_MEETING_PLANNED) in page.content.decode()


def test_referring_needs_the_panels_pages(client, settings, ruby):
    """A practitioner given escalations (not the panel) may close their child's, not refer it."""
    from homeward.access.rules import NO_PANEL_PAGES

    settings.HOMEWARD_ACCESS = {"practitioner": {"escalations": True}}
    worker = signed_in(client, roles.PRACTITIONER)
    child_allocate(child=ruby.child, worker=worker, allocated_on=dt.date(2020, 1, 1))
    page = client.get(reverse("escalations:refer", args=[ruby.pk]))
    assert page.status_code == 403 and escape(NO_PANEL_PAGES) in page.content.decode()
    detail = client.get(reverse("escalations:detail", args=[ruby.pk])).content.decode()
    assert "Refer to the panel" not in detail and "Close with an outcome" in detail


def test_the_navigation_links_escalations_only_for_the_roles_that_act_on_them(client):
    signed_in(client, roles.PRACTITIONER)
    assert 'href="/escalations/"' not in client.get(reverse("children:mine")).content.decode()
    client.logout()
    signed_in(client, roles.EXPLOITATION_LEAD)
    assert 'href="/escalations/"' in client.get(reverse("panel:index")).content.decode()
