"""Every route and every command, for every role, against one table of what each may do.

The routes come from the URL configuration itself, so a route added later cannot escape:
it fails here until its row is added to ROUTES. Ids in URLs are filled with a record the
person may see and one they may not; the one they may not see must never come back.
"""

import datetime as dt
import json
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command, get_commands
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from homeward.access.rules import (
    CLOSE_INTERVIEW,
    CORRECT_ERRORS,
    CREATE_CHILD,
    NO_PAGES,
    PSEUDONYMISED_ROWS,
    PUBLISHED_ONLY,
    RECORD_EPISODE,
    RECORD_INTERVIEW,
    RECORD_PANEL,
    RECORD_SCREENING,
)
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD
from homeward.accounts.tests.people import staff
from homeward.alerts.outbox import email_queue
from homeward.audit.models import Action, AuditEntry
from homeward.borders.tests.factories import (
    ChildContactFactory,
    CouncilContactFactory,
    PlacedInEntryFactory,
)
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.core.problems import when
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.models import Episode
from homeward.episodes.rules import OVERLAPS_ANOTHER, STILL_MISSING_ANOTHER
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.escalations.tests.factories import EscalationFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelActionFactory, PanelDiscussionFactory
from homeward.police.models import Notification
from homeward.police.tests.factories import NotificationFactory
from homeward.police.tokens import force_create, force_token_issue

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 7, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# The home page's six months: February to July 2020.
SIX_MONTHS_FROM = dt.datetime(2020, 2, 1, tzinfo=LONDON)
TEAM = "Made-up matrix team"

pytestmark = pytest.mark.django_db

NO_ROLE = "no role"
ANONYMOUS = "anonymous"
CASE = "case pages"
REPORTS = "reports"
ROWS = "row-level downloads"
# The statutory returns name every looked-after child: named rows, whole council.
RETURNS = "statutory returns"
PANEL = "panel pages"
ESCALATIONS = "escalations"
PEOPLE_PAGES = "people pages"
YOUR_CHILDREN = "their allocated children"  # a page and a link of their own (children:mine)
FORCE_TOKEN = "a police force's token"
EMAILS_SENT = "emails sent"  # every email Homeward sent (alerts: coordinators, administrators)
PAPER_AUTHOR = "the committee paper's author"  # edits and issues it (access.rules)

# What each role may use. This is the expected behaviour, written out independently of
# access.rules.DEFAULT_ACCESS, so that a change to either shows up here.
MAY_USE = {
    roles.ADMINISTRATOR: {CASE, CREATE_CHILD, RECORD_EPISODE, RECORD_INTERVIEW,
                          RECORD_SCREENING, REPORTS, ROWS, RETURNS, PANEL, RECORD_PANEL,
                          CORRECT_ERRORS, CLOSE_INTERVIEW, PEOPLE_PAGES, ESCALATIONS,
                          EMAILS_SENT, PAPER_AUTHOR},
    roles.MISSING_COORDINATOR: {CASE, CREATE_CHILD, RECORD_EPISODE, RECORD_INTERVIEW,
                                RECORD_SCREENING, REPORTS, ROWS, RETURNS, PANEL, RECORD_PANEL,
                                CORRECT_ERRORS, CLOSE_INTERVIEW, ESCALATIONS, EMAILS_SENT,
                                PAPER_AUTHOR},
    roles.PRACTITIONER: {CASE, YOUR_CHILDREN, RECORD_EPISODE, RECORD_INTERVIEW,
                         RECORD_SCREENING},
    roles.EXPLOITATION_LEAD: {CASE, RECORD_EPISODE, RECORD_INTERVIEW, RECORD_SCREENING,
                              REPORTS, PANEL, RECORD_PANEL, ESCALATIONS},
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
    "accounts:stay-signed-in": {"needs": None},
    "accounts:two-factor": {"needs": "signed in", "status": 302},  # no device: set up first
    "accounts:two-factor-set-up": {"needs": "signed in", "status": 200},
    # Sign-in through an identity provider: not set up here (accounts/tests/test_oidc.py).
    "oidc:start": {"needs": None},
    "oidc:callback": {"needs": None},
    "dashboard:home": {"needs": CASE},
    "dashboard:missing-now-table": {"needs": CASE},
    "episodes:missing-now": {"needs": CASE},
    "episodes:missing-now-table": {"needs": CASE},
    "episodes:missing-now-changed": {"needs": CASE},
    "episodes:start": {"needs": RECORD_EPISODE},
    "episodes:record": {"needs": RECORD_EPISODE, "ids": {"child_pk": "child"}},
    "episodes:edit": {"needs": RECORD_EPISODE, "ids": {"pk": "episode"}},
    "episodes:mark-returned": {"needs": RECORD_EPISODE, "ids": {"pk": "episode"}},
    # Police notifications: seen through the episode (or child) they are linked to.
    "notifications:index": {"needs": RECORD_EPISODE},
    "notifications:detail": {"needs": RECORD_EPISODE, "ids": {"pk": "notification"}},
    # A force's CSV file uploaded by someone who records episodes (their council's only).
    "notifications:upload": {"needs": CREATE_CHILD},
    "interviews:due": {"needs": CASE},
    # Every casework role may open it (their allocations, if any); only those whose access
    # follows allocations are offered it (NAVIGATION).
    "children:mine": {"needs": CASE},
    "interviews:record": {"needs": RECORD_INTERVIEW, "ids": {"episode_pk": "returned"}},
    "interviews:close": {"needs": CLOSE_INTERVIEW, "ids": {"episode_pk": "returned"}},
    "children:search": {"needs": CASE},
    "children:create": {"needs": CREATE_CHILD},
    "children:detail": {"needs": CASE, "ids": {"pk": "child"}},
    "children:edit": {"needs": CREATE_CHILD, "ids": {"pk": "child"}},
    "children:history": {"needs": CASE, "ids": {"pk": "child"}},
    "children:placement-edit": {"needs": CREATE_CHILD, "ids": {"pk": "placement"}},
    "children:placement-history": {"needs": CASE, "ids": {"pk": "placement"}},
    "episodes:history": {"needs": CASE, "ids": {"pk": "episode"}},
    "interviews:edit": {"needs": RECORD_INTERVIEW, "ids": {"pk": "interview"}},
    "interviews:history": {"needs": CASE, "ids": {"pk": "interview"}},
    "exploitation:screening-edit": {"needs": RECORD_SCREENING, "ids": {"pk": "screening"}},
    "exploitation:screening-history": {"needs": CASE, "ids": {"pk": "screening"}},
    "exploitation:repeat-missing": {"needs": CASE},
    "exploitation:record-screening": {"needs": RECORD_SCREENING, "ids": {"child_pk": "child"}},
    "reports:index": {"needs": REPORTS},
    "reports:download": {"needs": REPORTS, "ids": {"fmt": "json"}, "query": REPORT_QUERY},
    # The committee paper: its author edits and issues it (the changes are POSTs only);
    # everyone who reads reports reads an issued paper (scrutiny: publication versions only).
    "reports:open-paper": {"needs": PAPER_AUTHOR, "post_only": True},
    "reports:paper": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper"}},
    "reports:add-finding": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper"}},
    "reports:finding": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper", "finding_id": "author-1"}},
    "reports:remove-finding": {
        "needs": PAPER_AUTHOR,
        "ids": {"draft": "paper", "finding_id": "author-1"},
        "post_only": True,
    },
    "reports:paper-details": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper"}},
    "reports:remove-note": {
        "needs": PAPER_AUTHOR,
        "ids": {"draft": "paper", "index": "1"},
        "post_only": True,
    },
    "reports:issue": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper"}, "post_only": True},
    "reports:paper-download": {"needs": PAPER_AUTHOR, "ids": {"draft": "paper", "fmt": "json"}},
    "reports:paper-in-template": {
        "needs": PAPER_AUTHOR,
        "ids": {"draft": "paper"},
        "post_only": True,
    },
    "reports:issued": {"needs": REPORTS, "ids": {"draft": "paper", "number": "1"}},
    "reports:issued-in-template": {
        "needs": REPORTS,
        "ids": {"draft": "paper", "number": "1"},
        "post_only": True,
    },
    "reports:issued-download": {
        "needs": REPORTS,
        "ids": {"draft": "paper", "number": "1", "fmt": "json"},
    },
    # The statutory returns' pages (a refused return lists the records to fix, linked).
    "reports:ssda903": {"needs": RETURNS, "query": {"year": 2020}},
    "reports:annex-a": {"needs": RETURNS},
    # The records to fix before a clean return, each linked: for those who make the returns.
    "reports:data-quality": {"needs": RETURNS},
    # The council's population by ethnic group, loaded by its data officer: who makes the returns.
    "reports:population": {"needs": RETURNS},
    "exchange:exports": {"needs": ROWS, "query": REPORT_QUERY},
    "exchange:interviews": {"needs": CASE, "query": REPORT_QUERY},
    "exchange:screenings": {"needs": CASE, "query": REPORT_QUERY},
    "exchange:panel-actions": {"needs": PANEL, "query": REPORT_QUERY},
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
    # Escalations (every role that has them has the panel's pages too, to refer to it).
    "escalations:index": {"needs": ESCALATIONS},
    "escalations:detail": {"needs": ESCALATIONS, "ids": {"pk": "escalation"}},
    "escalations:edit": {"needs": ESCALATIONS, "ids": {"pk": "escalation"}},
    "escalations:close": {"needs": ESCALATIONS, "ids": {"pk": "escalation"}},
    "escalations:refer": {"needs": ESCALATIONS, "ids": {"pk": "escalation"}},
    # Records entered in error and merged children (in_error): "episodes" is the kind of
    # record in the URL, as written; each kind is found through the same rule.
    "in_error:mark": {"needs": CORRECT_ERRORS, "ids": {"kind": "episodes", "pk": "episode"}},
    "in_error:undo": {"needs": CORRECT_ERRORS, "ids": {"kind": "episodes", "pk": "episode"}},
    "in_error:merge": {"needs": CORRECT_ERRORS, "ids": {"pk": "child"}},
    "in_error:unmerge": {"needs": CORRECT_ERRORS, "ids": {"pk": "child"}},
    # Placing councils told (notices): the list for case roles; sending (or recording how
    # they were told) for those who record episodes, of an episode they may see. The public
    # acknowledgement page takes a signed link: one made up here names no notice (404).
    "notices:index": {"needs": CASE},
    "notices:send": {"needs": RECORD_EPISODE, "ids": {"pk": "episode", "kind": "missing"}},
    "notices:told": {"needs": RECORD_EPISODE, "ids": {"pk": "episode", "kind": "missing"}},
    "notices:send-outcome": {
        "needs": RECORD_EPISODE,
        "ids": {"pk": "returned", "kind": "interview_outcome", "interview_pk": "interview"},
    },
    "notices:told-outcome": {
        "needs": RECORD_EPISODE,
        "ids": {"pk": "returned", "kind": "interview_outcome", "interview_pk": "interview"},
    },
    "notices:acknowledged-otherwise": {"needs": RECORD_EPISODE, "ids": {"pk": "notice"}},
    "notices:acknowledge": {"needs": "anyone", "ids": {"token": "token"}},
    # People (administrators), and the password pages anyone may open.
    "people:index": {"needs": PEOPLE_PAGES},
    "people:create": {"needs": PEOPLE_PAGES},
    "people:detail": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:edit": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:active": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:password-link": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:two-factor": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:allocate": {"needs": PEOPLE_PAGES, "ids": {"pk": "person"}},
    "people:allocate-child": {"needs": PEOPLE_PAGES, "ids": {"child_pk": "child"}},
    "people:end-allocation": {"needs": PEOPLE_PAGES, "ids": {"pk": "allocation"}},
    "people:forgotten-password": {"needs": "anyone"},
    "people:set-password": {"needs": "anyone", "ids": {"uidb64": "uidb64", "token": "token"}},
    # Police forces and their API tokens (administrators, under People).
    "forces:index": {"needs": PEOPLE_PAGES},
    "forces:create": {"needs": PEOPLE_PAGES},
    "forces:detail": {"needs": PEOPLE_PAGES, "ids": {"pk": "force"}},
    "forces:councils": {"needs": PEOPLE_PAGES, "ids": {"pk": "force"}},
    "forces:issue": {"needs": PEOPLE_PAGES, "ids": {"pk": "force"}},
    "forces:rotate": {"needs": PEOPLE_PAGES, "ids": {"pk": "force_token"}},
    "forces:revoke": {"needs": PEOPLE_PAGES, "ids": {"pk": "force_token"}},
    # The police notifications API takes a force's token, never a session: everyone here is
    # refused (401); homeward/police/tests/test_api.py posts with tokens. Its OpenAPI
    # document is public: it describes the API and holds no record.
    "api:notifications": {"needs": FORCE_TOKEN},
    "api:openapi": {"needs": "anyone"},
    # Alerts: each person's own choices (a role without children's records is told it gets
    # none); the emails sent; retrying one (POST only); the demo's caught mail, which does
    # not exist outside the demo (alerts/tests/test_views.py tests it there).
    "alerts:preferences": {"needs": "signed in", "status": 200},
    "alerts:emails": {"needs": EMAILS_SENT},
    "alerts:retry": {"needs": EMAILS_SENT, "ids": {"pk": "email"}},
    "alerts:demo-mail": {"needs": "signed in", "status": 404},
    "alerts:demo-mail-message": {
        "needs": "signed in",
        "status": 404,
        "ids": {"name": "caught.eml"},
    },
    # Across council borders. The placed-in register and its flag follow the child; an entry
    # is recorded or changed by those who see every child and create records (CREATE_CHILD:
    # coordinators and administrators), who also read the councils' contacts directory;
    # administrators keep the directory (PEOPLE_PAGES). Linking and creating are POST only.
    "borders:register": {"needs": CASE},
    "borders:unregistered": {"needs": CASE},
    "borders:entry": {"needs": CASE, "ids": {"pk": "entry"}},
    "borders:record": {"needs": CREATE_CHILD},
    "borders:upload": {"needs": CREATE_CHILD},
    "borders:edit": {"needs": CREATE_CHILD, "ids": {"pk": "entry"}},
    "borders:discharge": {"needs": CREATE_CHILD, "ids": {"pk": "entry"}},
    "borders:link": {"needs": CREATE_CHILD, "ids": {"pk": "entry"}, "post_only": True},
    "borders:create-child": {"needs": CREATE_CHILD, "ids": {"pk": "entry"}, "post_only": True},
    "borders:elsewhere": {"needs": RECORD_EPISODE, "ids": {"child_pk": "child"}},
    "borders:elsewhere-upload": {"needs": RECORD_EPISODE},
    "borders:child-contact-add": {"needs": CREATE_CHILD, "ids": {"child_pk": "child"}},
    "borders:child-contact-remove": {"needs": CREATE_CHILD, "ids": {"pk": "child_contact"}},
    "borders:directory": {"needs": CREATE_CHILD},
    "borders:contact-add": {"needs": PEOPLE_PAGES},
    "borders:contact-edit": {"needs": PEOPLE_PAGES, "ids": {"pk": "contact"}},
    "borders:contact-remove": {"needs": PEOPLE_PAGES, "ids": {"pk": "contact"}},
}
# Records every person who may use their page sees, whoever else they concern: a panel
# meeting is the council's (the children discussed at it are filtered on its page).
COUNCIL_WIDE = {
    "json",
    "paper",
    "author-1",
    "1",
    "meeting",
    "person",
    "allocation",
    "uidb64",
    "token",
    "force",
    "force_token",
    "email",
    "caught.eml",
    "contact",  # the councils' contacts directory: about councils, not children
}


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
    # An episode of the seen child away from the police liaison's locality: everyone who sees
    # the child sees it, except the police liaison, who sees only their locality's episodes.
    elsewhere = EpisodeFactory(child=seen, locality=there, last_seen_at=NOW - 480 * HOUR)
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
        # A screening makes its child the exploitation lead's, so the "unseen" screening is of
        # the child discussed at the panel, whom the lead sees already (SEES_DISCUSSED).
        # The interview awaits its outcome, so the return still waits for an interview.
        records[key] = {
            "child": child,
            "episode": episode,
            "returned": back,
            "placement": PlacementFactory(child=child, locality=area),
            "interview": ReturnInterviewFactory(
                episode=back, outcome="no_contact", completed_at=None
            ),
            "screening": ScreeningFactory(child=talked_about),
            # An escalation makes its child the exploitation lead's too, so the "unseen" one
            # is of the child discussed at the panel (with another child's episode for its
            # trigger: that child has none of their own, and their page lists none of it).
            "escalation": EscalationFactory(child=talked_about, trigger=back),
            "meeting": discussion.meeting,
            "discussion": discussion,
            "action": action,
            # A police notification applied to the open episode, naming the child as the
            # police did: never shown to whoever may not see the episode.
            "notification": NotificationFactory(
                state="applied",
                child=child,
                episode=episode,
                raw={
                    "police_ref": f"MATRIX-{key}",
                    "first_name": key.capitalize(),
                    "last_name": "Madeup",
                    "risk": "Made-up grade",
                },
            ),
        }
    records["seen"]["elsewhere"] = elsewhere
    for key in ("seen", "unseen"):  # a person, and an allocation, for the people pages
        records[key]["person"] = staff(roles.PRACTITIONER, username=f"made-up-{key}-person")
        records[key]["allocation"] = child_allocate(
            child=records[key]["child"], team=f"Made-up {key} team", allocated_on=NOW.date()
        )
        force = force_create(name=f"Made-up {key} police", councils=[council()], by=None)
        records[key]["force"] = force
        records[key]["force_token"] = force_token_issue(force=force, by=None).token
        records[key]["email"], _ = email_queue(
            key=f"matrix:{key}",
            to=f"made-up-{key}@made-up-council.test",
            subject="Homeward: a child is missing at high risk",
            body="Made-up body",
            purpose="high-risk",
            child=records[key]["child"],
        )
        # A placed-in register entry of the child (named as the child, so that a list showing
        # it to someone who may not see the child would be caught), and a directory entry.
        child = records[key]["child"]
        records[key]["entry"] = PlacedInEntryFactory(
            child=child, first_name=child.first_name, last_name=child.last_name
        )
        records[key]["contact"] = CouncilContactFactory()
        records[key]["child_contact"] = ChildContactFactory(child=child)
        # A notice to the child's placing council about their open episode, not acknowledged.
        records[key]["notice"] = apps.get_model("notices", "PlacingCouncilNotice").objects.create(
            council=council(),
            episode=records[key]["episode"],
            kind="missing",
            child=child,
            placing_council=council("886"),
            prepared_at=NOW - 4 * HOUR,
        )
    return records, here


def committee_paper():
    """A draft committee paper with a finding of its author's, issued once (the report
    written by `homeward report`: access may not import the reports app)."""
    author = staff(roles.MISSING_COORDINATOR, username="made-up-paper-author")
    draft = apps.get_model("reports", "PaperDraft").objects.create(
        council_code="931",
        period_from=dt.date(2020, 1, 1),
        period_to=dt.date(2020, 6, 30),
        edits=[{"id": "author-1", "add": True, "text": "A made-up finding."}],
        context_notes=[{"from": "2020-03-23", "to": None, "text": "A made-up note."}],
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        call_command("report", "--from", "2020-01-01", "--to", "2020-06-30", "--out", str(out))
        report = json.loads(out.read_text(encoding="utf-8"))
    apps.get_model("reports", "IssuedPaper").objects.create(
        draft=draft, number=1, issued_by=author, report=report
    )
    return draft


def person(role: str, here):
    if role == ANONYMOUS:
        return None
    return staff(*([] if role == NO_ROLE else [role]), team=TEAM, localities=[here])


def expected(name: str, role: str, which: str) -> int:
    route = ROUTES[name]
    needs = route["needs"]
    if name == "accounts:sign-in":
        return 200 if role == ANONYMOUS else 302  # signed in already: sent on
    if name in ("accounts:sign-out", "accounts:stay-signed-in", "alerts:retry"):
        return 405  # POST only
    if name.startswith("oidc:"):
        return 404  # no identity provider is set up
    if name == "notices:acknowledge":
        return 404  # a made-up link names no notice, whoever opens it
    if route["needs"] == "anyone":
        return 200
    if needs == FORCE_TOKEN:
        return 401
    if role == ANONYMOUS:
        return 302  # to sign in
    if needs == "signed in":
        return route["status"]
    if name == "dashboard:home" and needs not in MAY_USE[role]:
        # Sent on to the first page they may use; a page saying there is none otherwise.
        return 302 if any(part in MAY_USE[role] for part, _ in LANDING) else 403
    if needs not in MAY_USE[role]:
        return 403
    if name.startswith("reports:issued") and role in ONLY_PUBLISHED:
        return 403  # the world's paper was issued in full, not its publication version
    if route.get("post_only"):
        return 405
    if name == "reports:download" and role in ONLY_PUBLISHED:
        # Scrutiny read only the published report, and one about this world's few children
        # is refused (reports/publication.py); reports/tests/test_publication.py has theirs.
        return 400
    kinds = route.get("ids", {}).values()
    if which == "unseen" and any(role not in seen_by(kind) for kind in kinds):
        return 404  # whether the child exists is itself private
    return 405 if route.get("post_only") else 200


def seen_by(kind: str) -> set[str]:
    """Who may see the "unseen" record of this kind."""
    if kind in COUNCIL_WIDE:
        return set(PEOPLE)
    if kind in ("discussion", "action", "screening", "escalation"):
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
    if "paper" in ROUTES[name].get("ids", {}).values():  # made only where used: it is slow
        records["seen"]["paper"] = records["unseen"]["paper"] = committee_paper()
    for which in ("seen", "unseen") if has_ids else ("seen",):
        response = client.get(url_for(name, records[which]), ROUTES[name].get("query", {}))
        assert response.status_code == expected(name, role, which), (name, role, which)
        shown = body(response)
        if role not in SEES_EVERY_CHILD:  # nowhere, not even in a list on a page they may use
            assert "Unseen Madeup" not in shown, (name, role, which)
        if role not in SEES_DISCUSSED:
            assert "Discussed Madeup" not in shown, (name, role, which)
        for episode in hidden_episodes(records, role):  # not even by its reference
            assert episode.local_id not in shown, (name, role, which, episode.local_id)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# Commands. Those run by the server's operator (shell access) act for the installation and
# take no person's role; a command that acts for a named person (--by) checks their role.
OPERATOR = "operator only"
COMMANDS = {
    "audit": OPERATOR,
    "mail-catcher": OPERATOR,  # demo only: an SMTP sink on loopback
    "close-interviews": CLOSE_INTERVIEW,  # --by USER must be someone who may close them
    "demo-data": OPERATOR,  # writes made-up data only
    "demo-panel": OPERATOR,  # demo only: made-up panel meetings
    "demo-notices": OPERATOR,  # demo only: made-up notices to placing councils
    "demo-borders": OPERATOR,  # demo only: made-up contacts, register entries
    "demo-escalations": OPERATOR,  # demo only: made-up escalations of the demo county
    "demo-police-feed": OPERATOR,  # demo only: posts made-up notifications with a force's token
    "demo-users": OPERATOR,
    "data-quality": OPERATOR,  # the records to fix before a clean return, for the data officer
    "export-903": OPERATOR,  # the SSDA903 return, for the installation's data officer
    "export-annex-a": OPERATOR,  # Ofsted's Annex A List 8
    "export-bundle": OPERATOR,
    "force-token": OPERATOR,  # police forces and their API tokens
    "import-bundle": CREATE_CHILD,  # --by USER must be someone who may record children
    "import-notifications": CREATE_CHILD,  # --by USER must be someone who may record children
    "import-903": CREATE_CHILD,  # --by USER must be someone who may record children
    "import-ssd": CREATE_CHILD,  # --by USER must be someone who may record children
    "load-dfe": OPERATOR,  # published figures only
    "load-population-by-ethnicity": OPERATOR,  # published figures only (ONS Census)
    "load-contacts": OPERATOR,  # the councils' contacts directory: no child in it
    "load-register": OPERATOR,  # homes' notices, for the installation's own council
    "load-host-notices": OPERATOR,  # host councils' notices of the installation's children
    "notifications-pending": OPERATOR,  # prints the review queue; audited as an export
    "report": OPERATOR,
    "send-alerts": OPERATOR,  # queues and sends what is due (escalations raised too); each
    # alert follows the rule
    "two-factor-invite": OPERATOR,
    "two-factor-reset": OPERATOR,
}


def test_every_command_is_in_the_matrix():
    ours = {name for name, app in get_commands().items() if app.startswith("homeward")}
    assert ours == set(COMMANDS), "Say in COMMANDS who may run each command"


IMPORTS = {
    "import-bundle": [],
    "import-ssd": [],
    "import-903": ["--year", "2025"],
}


@pytest.mark.parametrize("command", list(IMPORTS))
@pytest.mark.parametrize("role", list(MAY_USE))
def test_an_import_by_a_named_person_needs_their_role(world, role, command, tmp_path):
    user = person(role, world[1])
    arguments = [command, str(tmp_path), *IMPORTS[command], "--by", user.username]
    if CREATE_CHILD in MAY_USE[role]:
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command(*arguments)
    else:
        with pytest.raises(CommandError, match="may not import"):
            call_command(*arguments)


@pytest.mark.parametrize("role", list(MAY_USE))
def test_importing_police_notifications_by_a_named_person_needs_their_role(role, tmp_path):
    user = person(role, LocalityFactory(name="Made-up here"))
    path = tmp_path / "notifications.csv"
    path.write_text("force,police_ref,event\nMade-up Police,MS-1,update\n", encoding="utf-8")
    force_create(name="Made-up Police", councils=[council()], by=None)
    command = ["import-notifications", str(path), "--council", "931", "--by", user.username]
    if CREATE_CHILD in MAY_USE[role]:
        call_command(*command)
        assert Notification.objects.get().created_by == user
    else:
        with pytest.raises(CommandError, match="may not import police notifications"):
            call_command(*command)
        assert not Notification.objects.exists()


@pytest.mark.parametrize("role", list(MAY_USE))
def test_closing_interviews_owed_by_a_named_person_needs_their_role(role):
    user = person(role, LocalityFactory(name="Made-up here"))
    command = ["close-interviews", "--council", "931", "--returned-before", "2020-01-01"]
    command += ["--reason", "Made-up reason", "--by", user.username]
    if CLOSE_INTERVIEW in MAY_USE[role]:
        call_command(*command)
    else:
        with pytest.raises(CommandError, match="Nothing was closed"):
            call_command(*command)


# What each person sees of the world's episodes, written out in words rather than read from
# the rule: whoever sees a child sees all of its episodes, except the police liaison, who
# sees only those in their locality (the seen child's "elsewhere" episode is not).


def episodes_seen_by(records: dict, role: str) -> set:
    if CASE not in MAY_USE.get(role, set()):
        return set()
    everything = set(Episode.objects.all())
    if role in SEES_EVERY_CHILD:
        return everything
    seen = records["seen"]["child"]
    of_seen = {episode for episode in everything if episode.child_id == seen.pk}
    if role == roles.POLICE_LIAISON:
        return {episode for episode in of_seen if episode.locality_id == seen.home_locality_id}
    return of_seen


def hidden_episodes(records: dict, role: str) -> set:
    return set(Episode.objects.all()) - episodes_seen_by(records, role)


CASEWORK = [role for role in MAY_USE if CASE in MAY_USE[role]]


def plural(n: int, word: str, many: str = "s") -> str:
    return f"{n} {word}{'' if n == 1 else many}"


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def row_numbers(response, label: str) -> list[str]:
    """The numeric cells of the table row whose header is `label`."""
    page = lxml.html.fromstring(response.content)
    for row in page.iter("tr"):
        headers = [" ".join(cell.text_content().split()) for cell in row.findall("th")]
        if label in headers:
            cells = row.xpath("td[contains(@class, 'govuk-table__cell--numeric')]")
            return [" ".join(cell.text_content().split()) for cell in cells]
    raise AssertionError(f"No row '{label}'")


@pytest.mark.parametrize("role", CASEWORK)
def test_every_count_counts_only_the_episodes_the_person_may_see(client, world, role):
    records, here = world
    client.force_login(person(role, here))
    episodes = episodes_seen_by(records, role)
    missing_now = [e for e in episodes if e.returned_at is None]
    # Every return waits (however long ago): none has an interview completed or declined.
    waiting = [e for e in episodes if e.returned_at]
    seen_child = records["seen"]["child"]
    of_seen = [e for e in episodes if e.child_id == seen_child.pk]

    shown = text_of(client.get(reverse("episodes:missing-now")))
    assert f"{plural(len(missing_now), 'open episode')}, sorted by" in shown
    shown = text_of(client.get(reverse("interviews:due")))
    assert f": {len(waiting)} waiting," in shown
    # The finding that opened this: repeat missing over two years counted every episode.
    response = client.get(reverse("exploitation:repeat-missing"), {"episodes": 2, "days": 730})
    assert row_numbers(response, "Seen Madeup") == [str(len(of_seen))]
    response = client.get(reverse("children:detail", args=[seen_child.pk]))
    assert text_of(response).count("Missing (episode ") == len(of_seen)

    children_seen = {e.child_id for e in episodes}
    if role in SEES_DISCUSSED:  # discussed at the panel, and never missing
        children_seen.add(records["unseen"]["discussion"].child_id)
    shown = text_of(client.get(reverse("children:search"), {"q": "Madeup"}))
    assert f"{plural(len(children_seen), 'child', 'ren')} found" in shown

    response = client.get(reverse("dashboard:home"))
    shown = text_of(response)
    # Someone who does not see the whole council is told whose episodes the counts are.
    assert ("These count only the episodes you may see" in shown) is (role not in SEES_EVERY_CHILD)
    assert f"{plural(len(missing_now), 'open episode')}, high risk first" in shown
    assert f"{plural(len(waiting), 'return')} waiting for an interview" in shown
    in_six_months = [e for e in episodes if e.last_seen_at >= SIX_MONTHS_FROM]
    returns = [e for e in episodes if e.returned_at and e.returned_at >= SIX_MONTHS_FROM]
    children = {e.child_id for e in in_six_months}
    assert row_numbers(response, "Six months")[:5] == [
        str(len(in_six_months)),
        str(len(children)),
        str(sum(1 for c in children if sum(e.child_id == c for e in in_six_months) >= 2)),
        "0",  # away episodes
        str(len(returns)),
    ]


@pytest.mark.parametrize("role", [role for role in CASEWORK if PANEL in MAY_USE[role]])
def test_the_panels_candidates_and_meetings_count_only_what_the_person_may_see(client, world, role):
    records, here = world
    check_panel_counts(client, records, here, role)


def test_the_panels_counts_hide_what_a_police_liaison_may_not_see_once_given_the_panel(
    client, world, settings
):
    records, here = world
    settings.HOMEWARD_ACCESS = {
        roles.POLICE_LIAISON: {"panel": True, "actions": [RECORD_EPISODE, RECORD_PANEL]}
    }
    check_panel_counts(client, records, here, roles.POLICE_LIAISON)


def check_panel_counts(client, records: dict, here, role: str) -> None:
    client.force_login(person(role, here))
    seen_child = records["seen"]["child"]
    recent = [  # the candidates are children missing 3 times or more in 90 days
        e
        for e in episodes_seen_by(records, role)
        if e.child_id == seen_child.pk and NOW - e.last_seen_at <= 90 * DAY
    ]
    # The seen child is not yet on the list of the meeting that discussed the other child.
    meeting = records["unseen"]["meeting"]
    response = client.get(reverse("panel:add-child", args=[meeting.pk]))
    assert row_numbers(response, "Seen Madeup") == [str(len(recent))]
    # Each meeting discussed one child: counted only for whoever may see that child.
    response = client.get(reverse("panel:index"))
    discussed = "1" if role in SEES_DISCUSSED else "0"
    assert sorted(meeting_counts(response)) == sorted(["1", discussed])


def meeting_counts(response) -> list[str]:
    """The number of children discussed, in each meeting's row of the panel page."""
    page = lxml.html.fromstring(response.content)
    return [
        " ".join(cell.text_content().split())
        for cell in page.xpath("//td[contains(@class, 'govuk-table__cell--numeric')]")
    ]


# Links, the page a person lands on after signing in, and the report they are given: for
# the table as it is and with installations' overrides (HOMEWARD_ACCESS), each with what
# the role it changes may then use and whether their report is the published one only.
NAVIGATION = [
    (CASE, "Home"),
    (YOUR_CHILDREN, "Your children"),
    (CASE, "Missing now"),
    (RECORD_EPISODE, "Notifications"),
    (CASE, "Interviews"),
    (CASE, "Placing councils"),
    (CASE, "Repeat missing"),
    (CASE, "Placed in"),
    (CASE, "Find a child"),
    (RECORD_EPISODE, "Record an episode"),
    (ESCALATIONS, "Escalations"),
    (PANEL, "Panel"),
    (ROWS, "Downloads"),
    (REPORTS, "Reports"),
    (PEOPLE_PAGES, "People"),
]
# Where each role's work is, and the part of the service that page belongs to: a person
# lands there when their role may still use that part (accounts/landing.py).
ROLE_LANDING = {
    roles.ADMINISTRATOR: (CASE, "dashboard:home"),
    roles.MISSING_COORDINATOR: (CASE, "dashboard:home"),
    roles.PRACTITIONER: (CASE, "children:mine"),
    roles.EXPLOITATION_LEAD: (CASE, "exploitation:repeat-missing"),
    roles.POLICE_LIAISON: (CASE, "episodes:missing-now"),
    roles.ANALYST: (REPORTS, "reports:index"),
    roles.SCRUTINY: (REPORTS, "reports:index"),
}
# Otherwise the first of these a person may use is where they land; with none, a page
# saying so.
LANDING = [
    (CASE, "dashboard:home"),
    (PANEL, "panel:index"),
    (REPORTS, "reports:index"),
    (ROWS, "exchange:exports"),
]
ONLY_PUBLISHED = {roles.SCRUTINY}
OVERRIDES = {
    "analysts without reports": ({roles.ANALYST: {"reports": ""}}, {ROWS}, False),
    "police liaison with the published report": (
        {roles.POLICE_LIAISON: {"reports": "published"}},
        {CASE, RECORD_EPISODE, REPORTS},
        True,
    ),
    "scrutiny with the whole report": ({roles.SCRUTINY: {"reports": "all"}}, {REPORTS}, False),
    "scrutiny without reports": ({roles.SCRUTINY: {"reports": ""}}, set(), False),
    "practitioners without case pages": ({roles.PRACTITIONER: {"children": ""}}, set(), False),
    "the panel for an analyst": ({roles.ANALYST: {"panel": True}}, {PANEL, REPORTS, ROWS}, False),
    # An installation whose data officer, not its coordinators, makes the returns.
    "coordinators without named rows": (
        {roles.MISSING_COORDINATOR: {"rows": PSEUDONYMISED_ROWS}},
        MAY_USE[roles.MISSING_COORDINATOR] - {RETURNS},
        False,
    ),
}
SCENARIOS = [("the table as it is", role) for role in MAY_USE] + [
    (scenario, role) for scenario, (override, _, _) in OVERRIDES.items() for role in override
]


def scenario_rules(scenario: str, role: str) -> tuple[dict, set, bool]:
    """The HOMEWARD_ACCESS setting, what the role may use, and whether published only."""
    if scenario in OVERRIDES:
        return OVERRIDES[scenario]
    return {}, MAY_USE[role], role in ONLY_PUBLISHED


def navigation(response) -> list[tuple[str, str]]:
    page = lxml.html.fromstring(response.content)
    links = page.xpath("//ul[@id='navigation']//a")
    return [(" ".join(link.text_content().split()), link.get("href")) for link in links]


@pytest.mark.parametrize("scenario,role", SCENARIOS)
def test_links_and_the_landing_page_follow_the_rule(client, world, settings, scenario, role):
    override, may_use, _ = scenario_rules(scenario, role)
    settings.HOMEWARD_ACCESS = override
    user = person(role, world[1])
    signed_in = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    landing = next((page for needs, page in LANDING if needs in may_use), None)
    if role in ROLE_LANDING and ROLE_LANDING[role][0] in may_use:
        landing = ROLE_LANDING[role][1]
    if landing is None:  # nothing to use: a page saying so and whom to ask, no links
        assert signed_in.status_code == 403
        assert NO_PAGES in signed_in.content.decode()
        assert navigation(signed_in) == []
        return
    assert signed_in.status_code == 200
    assert signed_in.request["PATH_INFO"] == reverse(landing)
    links = navigation(signed_in)
    assert [label for label, _ in links] == [
        label for needs, label in NAVIGATION if needs in may_use
    ]
    for label, href in links:  # every link shown opens
        assert client.get(href).status_code == 200, label
    # Nor does the page they land on offer a link they would be refused.
    offered = lxml.html.fromstring(signed_in.content).xpath("//main//a/@href")
    for href in {h for h in offered if h.startswith("/") and "/download." not in h}:
        assert client.get(href).status_code in (200, 302), href


@pytest.mark.parametrize("scenario,role", SCENARIOS)
def test_the_population_page_is_offered_and_opens_only_for_the_data_officer(
    client, world, settings, scenario, role
):
    override, may_use, _ = scenario_rules(scenario, role)
    settings.HOMEWARD_ACCESS = override
    client.force_login(person(role, world[1]))
    page = reverse("reports:population")
    assert client.get(page).status_code == (200 if RETURNS in may_use else 403)
    if REPORTS in may_use:
        offered = f'href="{page}"' in client.get(reverse("reports:index")).content.decode()
        assert offered is (RETURNS in may_use)


def test_several_roles_land_where_the_first_in_the_order_lands(client, world):
    user = person(roles.POLICE_LIAISON, world[1])
    user.groups.add(Group.objects.get(name=roles.EXPLOITATION_LEAD))
    user.groups.add(Group.objects.get(name=roles.ANALYST))
    signed_in = client.post(
        reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    assert signed_in.url == reverse("exploitation:repeat-missing")


def test_a_next_page_wins_over_the_landing_page(client, world):
    user = person(roles.POLICE_LIAISON, world[1])
    signed_in = client.post(
        reverse("accounts:sign-in"),
        {"username": user.username, "password": PASSWORD, "next": reverse("children:search")},
    )
    assert signed_in.url == reverse("children:search")


@pytest.mark.parametrize("scenario,role", SCENARIOS)
def test_the_report_and_its_downloads_follow_the_rule(client, world, settings, scenario, role):
    override, may_use, only_published = scenario_rules(scenario, role)
    settings.HOMEWARD_ACCESS = override
    client.force_login(person(role, world[1]))
    # Enough children missing in the period for a published report (one about fewer than 5
    # children is refused: reports/tests/test_publication.py).
    for day in range(2, 8):
        EpisodeFactory(last_seen_at=dt.datetime(2020, 3, day, 18, 0, tzinfo=LONDON))
    page = client.get(reverse("reports:index"), REPORT_QUERY)
    download = client.get(reverse("reports:download", args=["json"]), REPORT_QUERY)
    if REPORTS not in may_use:
        assert (page.status_code, download.status_code) == (403, 403)
        return
    assert (page.status_code, download.status_code) == (200, 200)
    html = page.content.decode()
    # Published only: the publication version, with small numbers suppressed, whatever the
    # query asks for; there is no choice of the other.
    assert (PUBLISHED_ONLY in html) is only_published
    assert ('name="publication"' in html) is not only_published
    assert download.json()["meta"]["publication"] is only_published


# Refusals: a save refused because of another record names that record only to someone who
# may see it, and every refused save is in the audit log.
RECORDERS = [role for role in MAY_USE if RECORD_EPISODE in MAY_USE[role]]


# A new episode's locality, chosen: not known (an edit's form has no such choice).
NO_LOCALITY = {"locality": "none"}


def new_episode(last_seen_at: dt.datetime, returned_at: dt.datetime | None = None) -> dict:
    data = {"category": "missing", "missing_from": "home", "legal_status": "child_in_need"}
    for name, value in [("last_seen_at", last_seen_at), ("returned_at", returned_at)]:
        if value is not None:
            local = value.astimezone(LONDON)
            data |= {
                f"{name}_day": local.day,
                f"{name}_month": local.month,
                f"{name}_year": local.year,
                f"{name}_time": local.strftime("%H:%M"),
            }
    return data


def check_refusal(response, user, clash, sees_it: bool, hidden_message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    if sees_it:
        assert clash.local_id in html and escape(hidden_message) not in html
    else:
        assert escape(hidden_message) in html
        assert clash.local_id not in html
        for moment in (clash.last_seen_at, clash.returned_at):
            assert moment is None or when(moment) not in html
    entry = AuditEntry.objects.get(action=Action.REFUSED)
    assert entry.user == user
    assert clash.local_id not in str(entry.details["refused"]) or sees_it


@pytest.mark.parametrize("role", RECORDERS)
def test_an_overlap_names_the_other_episode_only_to_someone_who_may_see_it(client, world, role):
    records, here = world
    user = person(role, here)
    client.force_login(user)
    child, clash = records["seen"]["child"], records["seen"]["elsewhere"]
    inside = new_episode(NOW - 475 * HOUR, returned_at=NOW - 470 * HOUR) | NO_LOCALITY
    response = client.post(reverse("episodes:record", args=[child.pk]), inside)
    sees_it = clash in episodes_seen_by(records, role)
    check_refusal(response, user, clash, sees_it, OVERLAPS_ANOTHER)
    assert Episode.objects.filter(child=child).count() == 4  # nothing saved


@pytest.mark.parametrize("role", RECORDERS)
def test_a_second_open_episode_names_the_first_only_to_someone_who_may_see_it(client, world, role):
    records, here = world
    user = person(role, here)
    client.force_login(user)
    # A child living in the liaison's locality, allocated and screened (so every recorder
    # sees them), missing now from the other locality: the liaison may not see that episode.
    there = records["unseen"]["child"].home_locality
    visitor = ChildFactory(first_name="Visitor", last_name="Madeup", home_locality=here)
    child_allocate(child=visitor, team=TEAM, allocated_on=dt.date(2020, 1, 1))
    ScreeningFactory(child=visitor)
    clash = EpisodeFactory(
        child=visitor, locality=there, last_seen_at=NOW - 30 * HOUR, returned_at=None
    )
    data = new_episode(NOW - HOUR) | NO_LOCALITY
    response = client.post(reverse("episodes:record", args=[visitor.pk]), data)
    sees_it = role != roles.POLICE_LIAISON
    check_refusal(response, user, clash, sees_it, STILL_MISSING_ANOTHER)


@pytest.mark.parametrize("role", RECORDERS)
def test_a_correction_refused_by_an_overlap_is_refused_the_same_way(client, world, role):
    records, here = world
    user = person(role, here)
    client.force_login(user)
    episode, clash = records["seen"]["returned"], records["seen"]["elsewhere"]
    data = edit_form(client, episode) | new_episode(NOW - 475 * HOUR, NOW - 470 * HOUR)
    response = client.post(reverse("episodes:edit", args=[episode.pk]), data)
    sees_it = clash in episodes_seen_by(records, role)
    check_refusal(response, user, clash, sees_it, OVERLAPS_ANOTHER)


def edit_form(client, episode) -> dict:
    """The episode's edit form as the page gives it, ready to post back."""
    form = client.get(reverse("episodes:edit", args=[episode.pk])).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if hasattr(field.widget, "widgets_names"):
            parts = field.widget.decompress(value)
            for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                data[f"{name}{suffix}"] = "" if part is None else part
        else:
            data[name] = "" if value is None else getattr(value, "pk", value)
    return data


@pytest.mark.parametrize("role", RECORDERS)
def test_a_change_made_by_someone_else_shows_their_values_only_if_still_visible(
    client, world, role
):
    records, here = world
    user = person(role, here)
    client.force_login(user)
    episode = records["seen"]["returned"]
    mine = edit_form(client, episode) | {"reported_by": "Made-up mine"}
    # Meanwhile a coordinator moves the episode to the other locality and says who found it.
    there = records["unseen"]["child"].home_locality
    client.force_login(person(roles.MISSING_COORDINATOR, here))
    theirs = edit_form(client, episode) | {"locality": there.pk, "found_location": "Made-up park"}
    assert client.post(reverse("episodes:edit", args=[episode.pk]), theirs).status_code == 302
    client.force_login(user)
    response = client.post(reverse("episodes:edit", args=[episode.pk]), mine)
    html = response.content.decode()
    if role == roles.POLICE_LIAISON:  # no longer in their locality: not theirs to see
        assert response.status_code == 404
        assert "Made-up park" not in html
    else:
        assert response.status_code == 200
        assert "changed this record" in html and "Made-up park" in html
        assert AuditEntry.objects.get(action=Action.REFUSED).user == user
    episode.refresh_from_db()
    assert episode.reported_by != "Made-up mine"


@pytest.mark.parametrize("role", list(MAY_USE))
def test_every_link_on_every_page_a_person_may_use_opens_for_them(client, world, role):
    """Not only the navigation: no page offers a link its reader would be refused."""
    records, here = world
    client.force_login(person(role, here))
    records["seen"]["paper"] = committee_paper()  # the paper's pages offer links too
    pages = [
        url_for(name, records["seen"])
        for name, _ in ALL_ROUTES
        # The sign-in pages (and the password pages beside them) are for signing in; a
        # person's own alert choices are an account page too, open to someone with no role
        # (whose home page is the page saying there is none: 403 by design).
        if not name.startswith(("accounts:", "alerts:preferences", "reports:download", "exchange:"))
        and name not in ("people:forgotten-password", "people:set-password")
        and expected(name, role, "seen") == 200
    ]
    links = {}  # each link once, with the first page that offers it
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for href in lxml.html.fromstring(response.content).xpath("//a/@href"):
            if href.startswith("/") and not href.startswith("/static/"):
                links.setdefault(href, page)
    refused = {}
    for href, page in sorted(links.items()):
        if "/download." in href:  # the documents themselves are checked by the report test
            continue
        status = client.get(href).status_code
        if status not in (200, 302):
            refused[href] = (page, status)
    assert not refused, f"Links a {role} is offered but refused: {refused}"
