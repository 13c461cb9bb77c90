"""The one access rule: three people in every test (the owner, a team member, a stranger)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.access import rules as access
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.councils.installation import installation_council
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelDiscussionFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def detail(client, user, child) -> int:
    client.force_login(user)
    return client.get(reverse("children:detail", args=[child.pk])).status_code


# Practitioners: allocated to them, or to their team.


@pytest.fixture
def caseload():
    owner = staff(roles.PRACTITIONER, team="North team")
    teammate = staff(roles.PRACTITIONER, team="North team")
    stranger = staff(roles.PRACTITIONER, team="South team")
    mine = ChildFactory(first_name="Mine", last_name="Madeup")
    child_allocate(child=mine, worker=owner, allocated_on=dt.date(2020, 1, 1))
    teams = ChildFactory(first_name="Teams", last_name="Madeup")
    child_allocate(child=teams, team="North team", allocated_on=dt.date(2020, 1, 1))
    return owner, teammate, stranger, mine, teams


def test_a_practitioner_sees_their_own_and_their_teams_children_only(client, caseload):
    owner, teammate, stranger, mine, teams = caseload
    assert set(access.children_visible_to(owner)) == {mine, teams}
    assert set(access.children_visible_to(teammate)) == {teams}
    assert set(access.children_visible_to(stranger)) == set()
    assert [detail(client, person, mine) for person in caseload[:3]] == [200, 404, 404]
    assert [detail(client, person, teams) for person in caseload[:3]] == [200, 200, 404]


def test_a_practitioners_search_lists_only_what_their_pages_would_show(client, caseload):
    owner, teammate, stranger, mine, teams = caseload
    for person, shown in [(owner, {mine, teams}), (teammate, {teams}), (stranger, set())]:
        client.force_login(person)
        html = client.get(reverse("children:search"), {"q": "madeup"}).content.decode()
        assert {child for child in (mine, teams) if str(child) in html} == shown


def test_an_ended_or_future_allocation_gives_no_access(caseload):
    owner = caseload[0]
    ended = ChildFactory()
    child_allocate(child=ended, worker=owner, allocated_on=dt.date(2019, 1, 1))
    ended.allocations.update(ended_on=dt.date(2020, 5, 16))
    future = ChildFactory()
    child_allocate(child=future, worker=owner, allocated_on=dt.date(2020, 6, 1))
    assert not access.can_see_child(owner, ended)
    assert not access.can_see_child(owner, future)


def test_a_practitioner_sees_the_findings_they_recorded_only(client, caseload):
    owner, teammate = caseload[:2]
    teams = caseload[4]
    episode = EpisodeFactory(child=teams)
    ReturnInterviewFactory(episode=episode, findings="Made-up finding by owner", created_by=owner)
    ReturnInterviewFactory(episode=episode, findings="Made-up finding by another")
    client.force_login(owner)
    html = client.get(reverse("children:detail", args=[teams.pk])).content.decode()
    assert "Made-up finding by owner" in html
    assert "Made-up finding by another" not in html
    assert access.FINDINGS_HIDDEN in html


# Police liaison: their own localities only, and never interview findings.


@pytest.fixture
def areas():
    a, b = LocalityFactory(name="Made-up A"), LocalityFactory(name="Made-up B")
    in_a = ChildFactory(first_name="Alpha", last_name="Madeup", home_locality=a)
    in_b = ChildFactory(first_name="Bravo", last_name="Madeup", home_locality=b)
    for child, area in [(in_a, a), (in_b, b)]:
        EpisodeFactory(child=child, locality=area, last_seen_at=NOW - 5 * HOUR, returned_at=None)
        back = EpisodeFactory(child=child, locality=area, last_seen_at=NOW - 30 * HOUR)
        # No contact yet: the return is still waiting for its interview, so it is listed.
        ReturnInterviewFactory(
            episode=back, outcome="no_contact", findings=f"Made-up finding about {child}"
        )
    police_a = staff(roles.POLICE_LIAISON, localities=[a])
    police_b = staff(roles.POLICE_LIAISON, localities=[b])
    police_nowhere = staff(roles.POLICE_LIAISON)
    return police_a, police_b, police_nowhere, in_a, in_b


LISTS = [
    ("dashboard:home", {}),
    ("dashboard:missing-now-table", {}),
    ("episodes:missing-now", {}),
    ("episodes:missing-now-table", {}),
    ("interviews:due", {}),
    ("exploitation:repeat-missing", {"episodes": 2, "days": 30}),
    ("children:search", {"q": "madeup"}),
    ("episodes:start", {"q": "madeup"}),
]


@pytest.mark.parametrize("name,query", LISTS, ids=[name for name, _ in LISTS])
def test_police_liaison_never_see_another_localitys_child_in_any_list(client, areas, name, query):
    police_a, police_b, police_nowhere, in_a, in_b = areas
    for person, shown in [(police_a, {in_a}), (police_b, {in_b}), (police_nowhere, set())]:
        client.force_login(person)
        response = client.get(reverse(name), query)
        assert response.status_code == 200
        html = response.content.decode()
        assert {child for child in (in_a, in_b) if str(child) in html} == shown, person


def test_police_liaison_see_no_findings_and_no_other_locality(client, areas):
    police_a, police_b, police_nowhere, in_a, in_b = areas
    assert [detail(client, person, in_a) for person in areas[:3]] == [200, 404, 404]
    client.force_login(police_a)
    html = client.get(reverse("children:detail", args=[in_a.pk])).content.decode()
    assert "Made-up finding" not in html
    assert access.FINDINGS_HIDDEN in html


def test_police_liaison_see_a_child_from_elsewhere_only_through_their_areas_episode(areas):
    police_a, police_b, _, in_a, in_b = areas
    visitor = EpisodeFactory(child=in_b, locality=police_a.staff_profile.localities.get())
    assert access.can_see_child(police_a, in_b)
    assert set(access.episodes_visible_to(police_a).filter(child=in_b)) == {visitor}


# Exploitation lead: repeat-missing and screened children.


def missing_twice(child) -> None:
    """Two episodes of the child in the last fortnight, one after the other."""
    EpisodeFactory(child=child, last_seen_at=NOW - 200 * HOUR)
    EpisodeFactory(child=child, last_seen_at=NOW - 100 * HOUR)


def test_the_exploitation_lead_sees_repeat_and_screened_children(client):
    lead = staff(roles.EXPLOITATION_LEAD)
    other_lead = staff(roles.EXPLOITATION_LEAD)
    practitioner = staff(roles.PRACTITIONER)
    repeat, screened, once = ChildFactory(), ChildFactory(), ChildFactory()
    missing_twice(repeat)
    ScreeningFactory(child=screened)
    EpisodeFactory(child=once)
    # Discussed at the panel, though missing only once, long ago, and never screened: the
    # panel still follows them, so the lead does too.
    discussed = ChildFactory()
    talked_about = EpisodeFactory(child=discussed, last_seen_at=NOW - 400 * 24 * HOUR)
    PanelDiscussionFactory(child=discussed)
    assert set(access.children_visible_to(lead)) == {repeat, screened, discussed}
    assert set(access.children_visible_to(other_lead)) == {repeat, screened, discussed}
    assert set(access.children_visible_to(practitioner)) == set()
    assert access.can_see_episode(lead, talked_about)
    assert detail(client, lead, discussed) == 200
    assert detail(client, lead, once) == 404


def test_the_repeat_threshold_is_a_setting(settings):
    settings.HOMEWARD_ACCESS_REPEAT_EPISODES = 3
    child = ChildFactory()
    missing_twice(child)
    assert not access.can_see_child(staff(roles.EXPLOITATION_LEAD), child)


# Councils, roles without case pages, and the table that can be overridden.


def test_nobody_sees_a_child_of_another_council_and_a_profile_elsewhere_sees_nothing():
    theirs = ChildFactory(council=council("933"), responsible_la=council("933"))
    ours = ChildFactory()
    coordinator = staff(roles.MISSING_COORDINATOR)
    elsewhere = staff(roles.MISSING_COORDINATOR, council=council("933"))
    assert set(access.children_visible_to(coordinator)) == {ours}
    assert set(access.children_visible_to(elsewhere)) == {theirs}


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY, None])
def test_roles_without_case_pages_see_no_child_and_are_refused(client, role):
    child = ChildFactory()
    person = staff(*([role] if role else []))
    assert not access.children_visible_to(person).exists()
    assert not access.episodes_visible_to(person).exists()
    assert detail(client, person, child) == 403


def test_an_installation_can_widen_or_narrow_a_role(settings):
    child = ChildFactory()
    settings.HOMEWARD_ACCESS = {roles.PRACTITIONER: {"children": access.ALL_IN_COUNCIL}}
    assert access.can_see_child(staff(roles.PRACTITIONER), child)
    settings.HOMEWARD_ACCESS = {roles.MISSING_COORDINATOR: {"children": access.NO_CHILDREN}}
    assert not access.can_see_child(staff(roles.MISSING_COORDINATOR), child)
    settings.HOMEWARD_ACCESS = {"no such role": {}}
    with pytest.raises(ValueError, match="not a role"):
        access.role_table()


def test_someone_in_two_roles_gets_both():
    a = LocalityFactory(name="Made-up A")
    in_a, allocated, neither = ChildFactory(home_locality=a), ChildFactory(), ChildFactory()
    person = staff(roles.PRACTITIONER, roles.POLICE_LIAISON, localities=[a])
    child_allocate(child=allocated, worker=person, allocated_on=dt.date(2020, 1, 1))
    assert set(access.children_visible_to(person)) == {in_a, allocated}
    assert neither not in access.children_visible_to(person)


def test_pseudonyms_are_stable_and_carry_no_name():
    child = ChildFactory(first_name="Maisie", last_name="Notreal", local_id="LOCAL-1")
    assert access.pseudonym(child) == access.pseudonym(child)
    assert "LOCAL" not in access.pseudonym(child) and "Maisie" not in access.pseudonym(child)
    assert access.month_of(dt.date(2008, 4, 3)) == "2008-04"


# Audit of every look, search and change.


def test_a_view_of_a_childs_record_is_audited_and_shown_to_the_coordinator_only(client, caseload):
    owner, mine = caseload[0], caseload[3]
    coordinator = staff(roles.MISSING_COORDINATOR, username="made-up-coordinator")
    assert detail(client, owner, mine) == 200
    html = client.get(reverse("children:detail", args=[mine.pk])).content.decode()
    assert "Who has looked at this record" not in html
    client.force_login(coordinator)
    html = client.get(reverse("children:detail", args=[mine.pk])).content.decode()
    assert "Who has looked at this record" in html
    assert owner.username in html and "made-up-coordinator" in html
    entry = AuditEntry.objects.filter(action=Action.VIEW_CHILD).first()
    assert entry.label == f"child {mine.local_id}" and str(mine) not in entry.label


def test_a_refused_look_shows_nothing_and_a_search_is_audited_as_typed(client, caseload):
    stranger, mine = caseload[2], caseload[3]
    assert detail(client, stranger, mine) == 404
    assert not AuditEntry.objects.filter(action=Action.VIEW_CHILD).exists()
    client.get(reverse("children:search"), {"q": "Mine Madeup", "page": 1})
    entry = AuditEntry.objects.get(action=Action.SEARCH)
    assert (entry.username, entry.details) == (stranger.username, {"query": {"q": "Mine Madeup"}})


def test_a_search_by_worker_and_a_new_child_are_audited(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    client.get(reverse("interviews:due"), {"worker": "Made-up worker"})
    search = AuditEntry.objects.get(action=Action.SEARCH)
    assert search.details == {"query": {"worker": "Made-up worker"}}
    data = {
        "first_name": "Newly",
        "last_name": "Madeup",
        "date_of_birth_day": 3,
        "date_of_birth_month": 4,
        "date_of_birth_year": 2008,
        "sex": "female",
    }
    assert client.post(reverse("children:create"), data).status_code == 302
    change = AuditEntry.objects.get(action=Action.CHANGE)
    assert change.details["first_name"] == {"before": None, "after": "Newly"}
    assert "Newly" not in change.label


def test_a_persons_roles_and_workplace_are_read_in_one_query(django_assert_num_queries):
    coordinator = staff(roles.MISSING_COORDINATOR, team="North team")
    police = staff(roles.POLICE_LIAISON, localities=[LocalityFactory(name="Made-up here")])
    installation_council()  # the installation's council is read once a process
    with django_assert_num_queries(1):
        seen = access.access_for(coordinator)
    assert seen.team == "North team" and seen.locality_ids == frozenset()
    with django_assert_num_queries(2):  # and their localities, for a role that needs them
        seen = access.access_for(police)
    assert len(seen.locality_ids) == 1


# The parts of the service a person may use, and where they land.


def test_the_pages_a_person_may_use_and_where_they_land_come_from_the_table(settings):
    analyst, scrutiny, nobody = staff(roles.ANALYST), staff(roles.SCRUTINY), staff()
    assert access.pages_for(analyst) == [access.REPORT_PAGES, access.ROW_PAGES]
    assert access.landing_page_for(analyst) == access.REPORT_PAGES
    assert access.landing_page_for(scrutiny) == access.REPORT_PAGES
    assert access.only_published_report(scrutiny) and not access.only_published_report(analyst)
    assert access.pages_for(nobody) == [] and access.landing_page_for(nobody) is None
    assert access.landing_page_for(staff(roles.POLICE_LIAISON)) == access.CASE_PAGES
    settings.HOMEWARD_ACCESS = {roles.ANALYST: {"reports": ""}}
    assert access.landing_page_for(staff(roles.ANALYST)) == access.ROW_PAGES


def test_someone_in_two_roles_reads_the_wider_report():
    both = staff(roles.SCRUTINY, roles.ANALYST)
    assert access.may_see_reports(both) and not access.only_published_report(both)
    assert not access.may_see_reports(staff(roles.PRACTITIONER))
