"""Every route and every command, for every role, against one table of what each may do.

The routes come from the URL configuration itself, so a route added later cannot escape:
it fails here until its row is added to ROUTES. Ids in URLs are filled with a record the
person may see and one they may not; the one they may not see must never come back.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from homeward.access.rules import (
    CREATE_CHILD,
    RECORD_EPISODE,
    RECORD_INTERVIEW,
    RECORD_PANEL,
    RECORD_SCREENING,
)
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.tests.factories import PanelActionFactory, PanelDiscussionFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 7, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
TEAM = "Made-up matrix team"

pytestmark = pytest.mark.django_db

NO_ROLE = "no role"
ANONYMOUS = "anonymous"
CASE = "case pages"
REPORTS = "reports"
ROWS = "row-level downloads"
PANEL = "panel pages"

# What each role may use. This is the expected behaviour, written out independently of
# access.rules.DEFAULT_ACCESS, so that a change to either shows up here.
MAY_USE = {
    roles.ADMINISTRATOR: {CASE, CREATE_CHILD, RECORD_EPISODE, RECORD_INTERVIEW,
                          RECORD_SCREENING, REPORTS, ROWS, PANEL, RECORD_PANEL},
    roles.MISSING_COORDINATOR: {CASE, CREATE_CHILD, RECORD_EPISODE, RECORD_INTERVIEW,
                                RECORD_SCREENING, REPORTS, ROWS, PANEL, RECORD_PANEL},
    roles.PRACTITIONER: {CASE, RECORD_EPISODE, RECORD_INTERVIEW, RECORD_SCREENING},
    roles.EXPLOITATION_LEAD: {CASE, RECORD_EPISODE, RECORD_INTERVIEW, RECORD_SCREENING,
                              REPORTS, PANEL, RECORD_PANEL},
    roles.POLICE_LIAISON: {CASE, RECORD_EPISODE},
    roles.ANALYST: {REPORTS, ROWS},
    roles.SCRUTINY: {REPORTS},
    NO_ROLE: set(),
}  # fmt: skip
# Who sees the child that is neither allocated to them, in their area, repeat missing nor
# discussed at the panel.
SEES_EVERY_CHILD = {roles.ADMINISTRATOR, roles.MISSING_COORDINATOR}
# Who sees a child only because the panel discussed them: the exploitation lead follows every
# child the panel discusses, so the "unseen" discussion and action are of a child the lead sees.
SEES_DISCUSSED = SEES_EVERY_CHILD | {roles.EXPLOITATION_LEAD}
PEOPLE = [*MAY_USE, ANONYMOUS]

REPORT_QUERY = {
    "period_from_day": 1,
    "period_from_month": 1,
    "period_from_year": 2020,
    "period_to_day": 30,
    "period_to_month": 6,
    "period_to_year": 2020,
}

# Every route: what it needs, which record each id in it names, a query, and for pages
# every signed-in person may use, the status they get.
ROUTES = {
    "accounts:sign-in": {"needs": None},
    "accounts:sign-out": {"needs": None},
    "accounts:two-factor": {"needs": "signed in", "status": 302},  # no device: set up first
    "accounts:two-factor-set-up": {"needs": "signed in", "status": 200},
    "dashboard:home": {"needs": CASE},
    "episodes:missing-now": {"needs": CASE},
    "episodes:start": {"needs": RECORD_EPISODE},
    "episodes:record": {"needs": RECORD_EPISODE, "ids": {"child_pk": "child"}},
    "episodes:edit": {"needs": RECORD_EPISODE, "ids": {"pk": "episode"}},
    "episodes:mark-returned": {"needs": RECORD_EPISODE, "ids": {"pk": "episode"}},
    "interviews:due": {"needs": CASE},
    "interviews:record": {"needs": RECORD_INTERVIEW, "ids": {"episode_pk": "returned"}},
    "children:search": {"needs": CASE},
    "children:create": {"needs": CREATE_CHILD},
    "children:detail": {"needs": CASE, "ids": {"pk": "child"}},
    "exploitation:repeat-missing": {"needs": CASE},
    "exploitation:record-screening": {"needs": RECORD_SCREENING, "ids": {"child_pk": "child"}},
    "reports:index": {"needs": REPORTS},
    "reports:download": {"needs": REPORTS, "ids": {"fmt": "json"}, "query": REPORT_QUERY},
    "exchange:exports": {"needs": ROWS, "query": REPORT_QUERY},
    "panel:index": {"needs": PANEL},
    "panel:meeting": {"needs": PANEL, "ids": {"pk": "meeting"}},
    "panel:meeting-record": {"needs": RECORD_PANEL},
    "panel:meeting-edit": {"needs": RECORD_PANEL, "ids": {"pk": "meeting"}},
    "panel:add-child": {"needs": RECORD_PANEL, "ids": {"meeting_pk": "meeting"}},
    "panel:discussion-record": {
        "needs": RECORD_PANEL,
        "ids": {"meeting_pk": "meeting", "child_pk": "child"},
    },
    "panel:discussion-edit": {"needs": RECORD_PANEL, "ids": {"pk": "discussion"}},
    "panel:action-record": {
        "needs": RECORD_PANEL,
        "ids": {"discussion_pk": "discussion"},
    },
    "panel:action-edit": {"needs": RECORD_PANEL, "ids": {"pk": "action"}},
    "panel:action-done": {"needs": RECORD_PANEL, "ids": {"pk": "action"}},
}
# Records every person who may use their page sees, whoever else they concern: a panel
# meeting is the council's (the children discussed at it are filtered on its page).
COUNCIL_WIDE = {"json", "meeting"}


def url_names(patterns=None, namespace: str = ""):
    """(name, parameters) of every route in the URL configuration, however deeply included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"Every route needs a name: {pattern.pattern}"
            yield f"{namespace}{pattern.name}", set(pattern.pattern.regex.groupindex)


ALL_ROUTES = sorted(url_names())


def test_every_route_is_in_the_matrix():
    missing = {name for name, _ in ALL_ROUTES} - set(ROUTES)
    assert not missing, f"Add these routes to ROUTES with who may use them: {sorted(missing)}"
    for name, parameters in ALL_ROUTES:
        assert parameters == set(ROUTES[name].get("ids", {})), f"ids of {name}"


@pytest.fixture
def world(time_machine):
    """Records every casework role may see, and records only coordinators may see.

    A child discussed at the panel is seen by the exploitation lead, so the unseen child has
    no discussion: the "unseen" discussion and action are of a third child, "Discussed",
    whom only coordinators and the lead see (SEES_DISCUSSED).
    """
    time_machine.move_to(NOW, tick=False)
    here, there = LocalityFactory(name="Made-up here"), LocalityFactory(name="Made-up there")
    seen = ChildFactory(first_name="Seen", last_name="Madeup", home_locality=here)
    child_allocate(child=seen, team=TEAM, allocated_on=dt.date(2020, 1, 1))
    unseen = ChildFactory(first_name="Unseen", last_name="Madeup", home_locality=there)
    discussed = ChildFactory(first_name="Discussed", last_name="Madeup", home_locality=there)
    records = {}
    for key, child, area in [("seen", seen, here), ("unseen", unseen, there)]:
        # The unseen child's earlier episode is over a year old, so they are not repeat missing.
        ago = 40 * HOUR if key == "seen" else dt.timedelta(days=400)
        back = EpisodeFactory(child=child, locality=area, last_seen_at=NOW - ago)
        episode = EpisodeFactory(
            child=child, locality=area, last_seen_at=NOW - 5 * HOUR, returned_at=None
        )
        if key == "seen":  # seen twice: repeat missing, for the exploitation lead
            EpisodeFactory(child=child, locality=area, last_seen_at=NOW - 400 * HOUR)
        talked_about = seen if key == "seen" else discussed
        discussion = PanelDiscussionFactory(
            child=talked_about, meeting__held_on=dt.date(2020, 7, 7)
        )
        action = PanelActionFactory(discussion=discussion, due_on=dt.date(2020, 7, 14))
        records[key] = {
            "child": child,
            "episode": episode,
            "returned": back,
            "meeting": discussion.meeting,
            "discussion": discussion,
            "action": action,
        }
    return records, here


def person(role: str, here):
    if role == ANONYMOUS:
        return None
    return staff(*([] if role == NO_ROLE else [role]), team=TEAM, localities=[here])


def expected(name: str, role: str, which: str) -> int:
    route = ROUTES[name]
    needs = route["needs"]
    if name == "accounts:sign-in":
        return 200 if role == ANONYMOUS else 302  # signed in already: sent on
    if name == "accounts:sign-out":
        return 405  # POST only
    if role == ANONYMOUS:
        return 302  # to sign in
    if needs == "signed in":
        return route["status"]
    if needs not in MAY_USE[role]:
        return 403
    if name == "reports:download" and role == roles.SCRUTINY:
        # Scrutiny read only the published report, and one about this world's few children
        # is refused (reports/publication.py); reports/tests/test_publication.py has theirs.
        return 400
    kinds = route.get("ids", {}).values()
    if which == "unseen" and any(role not in seen_by(kind) for kind in kinds):
        return 404  # whether the child exists is itself private
    return 200


def seen_by(kind: str) -> set[str]:
    """Who may see the "unseen" record of this kind."""
    if kind in COUNCIL_WIDE:
        return set(PEOPLE)
    if kind in ("discussion", "action"):
        return SEES_DISCUSSED
    return SEES_EVERY_CHILD


def url_for(name: str, record: dict) -> str:
    kwargs = {
        parameter: record[kind].pk if kind in record else kind
        for parameter, kind in ROUTES[name].get("ids", {}).items()
    }
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", PEOPLE)
@pytest.mark.parametrize("name", [name for name, _ in ALL_ROUTES])
def test_every_route_for_every_role(client, world, name, role):
    records, here = world
    user = person(role, here)
    if user is not None:
        client.force_login(user)
    has_ids = bool(ROUTES[name].get("ids"))
    for which in ("seen", "unseen") if has_ids else ("seen",):
        response = client.get(url_for(name, records[which]), ROUTES[name].get("query", {}))
        assert response.status_code == expected(name, role, which), (name, role, which)
        shown = body(response)
        if role not in SEES_EVERY_CHILD:  # nowhere, not even in a list on a page they may use
            assert "Unseen Madeup" not in shown, (name, role, which)
        if role not in SEES_DISCUSSED:
            assert "Discussed Madeup" not in shown, (name, role, which)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# Commands. Those run by the server's operator (shell access) act for the installation and
# take no person's role; a command that acts for a named person (--by) checks their role.
OPERATOR = "operator only"
COMMANDS = {
    "audit": OPERATOR,
    "demo-data": OPERATOR,  # writes made-up data only
    "demo-panel": OPERATOR,  # demo only: made-up panel meetings
    "demo-users": OPERATOR,
    "export-bundle": OPERATOR,
    "import-bundle": CREATE_CHILD,  # --by USER must be someone who may record children
    "load-dfe": OPERATOR,  # published figures only
    "report": OPERATOR,
    "two-factor-invite": OPERATOR,
    "two-factor-reset": OPERATOR,
}


def test_every_command_is_in_the_matrix():
    ours = {name for name, app in get_commands().items() if app.startswith("homeward")}
    assert ours == set(COMMANDS), "Say in COMMANDS who may run each command"


@pytest.mark.parametrize("role", list(MAY_USE))
def test_an_import_by_a_named_person_needs_their_role(world, role, tmp_path):
    user = person(role, world[1])
    if CREATE_CHILD in MAY_USE[role]:
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import-bundle", str(tmp_path), "--by", user.username)
    else:
        with pytest.raises(CommandError, match="may not import"):
            call_command("import-bundle", str(tmp_path), "--by", user.username)
