"""Who may see what: the one rule every page, list, search, export and command asks.

A person's roles (accounts.roles) and their staff profile (council, team, localities)
decide which children and episodes they may see, which fields of them, and which pages
they may use. Lists and single records are both filtered through `children_visible_to`
and `episodes_visible_to`, so a list can never show what the record's page would refuse.

What each role may do is one table, `DEFAULT_ACCESS`; `settings.HOMEWARD_ACCESS` (from the
environment variable of the same name, as JSON) overrides any entry, role by role.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from homeward.accounts import roles
from homeward.core.keys import pseudonym_key

# Which children a role sees (the "children" entry).
ALL_IN_COUNCIL = "council"
ALLOCATED = "allocated"  # allocated to them or their team
# Repeat missing, ever screened, or ever discussed at the panel (which goes on following a
# child after the episodes stop; the name is kept so that installations' overrides still work).
REPEAT_OR_SCREENED = "repeat_or_screened"
OWN_LOCALITIES = "localities"  # home or an episode in one of their localities
NO_CHILDREN = ""  # no case pages at all

# Which return home interview findings a role sees (the "findings" entry).
ALL_FINDINGS = "all"
OWN_FINDINGS = "own"  # those they recorded
NO_FINDINGS = "none"

# What a role may record (the "actions" entry).
CREATE_CHILD = "create_child"
RECORD_EPISODE = "record_episode"
RECORD_INTERVIEW = "record_interview"
RECORD_SCREENING = "record_screening"
RECORD_PANEL = "record_panel"  # meetings, children discussed, actions
# Mark records entered in error (and undo it), cancel panel meetings, merge duplicate children.
CORRECT_ERRORS = "correct_errors"
# Close the interview owed after a return without an outcome, with a reason (and undo it).
CLOSE_INTERVIEW = "close_interview"

# Row-level exports (the "rows" entry) and reports (the "reports" entry).
NAMED_ROWS = "named"
PSEUDONYMISED_ROWS = "pseudonymised"
ALL_REPORTS = "all"
PUBLISHED_REPORT = "published"

_EVERYTHING = {
    "children": ALL_IN_COUNCIL,
    "findings": ALL_FINDINGS,
    "actions": {
        CREATE_CHILD,
        RECORD_EPISODE,
        RECORD_INTERVIEW,
        RECORD_SCREENING,
        RECORD_PANEL,
        CORRECT_ERRORS,
        CLOSE_INTERVIEW,
    },
    "who_looked": True,
    "rows": NAMED_ROWS,
    "reports": ALL_REPORTS,
    "panel": True,
    "escalations": True,
    "people": False,
}
_NOTHING = {
    "children": NO_CHILDREN,
    "findings": NO_FINDINGS,
    "actions": set(),
    "who_looked": False,
    "rows": "",
    "reports": "",
    "panel": False,  # the panel's pages: its meetings and open actions
    # The escalations raised by repeat or high-risk missing: the list, and acting on them.
    "escalations": False,
    # The people pages: accounts, roles, sign-in links, two-factor set-up and allocations.
    "people": False,
}

DEFAULT_ACCESS: dict[str, dict] = {
    roles.ADMINISTRATOR: _EVERYTHING | {"people": True},
    roles.MISSING_COORDINATOR: dict(_EVERYTHING),
    roles.PRACTITIONER: _NOTHING
    | {
        "children": ALLOCATED,
        "findings": OWN_FINDINGS,
        "actions": {RECORD_EPISODE, RECORD_INTERVIEW, RECORD_SCREENING},
    },
    roles.EXPLOITATION_LEAD: _NOTHING
    | {
        "children": REPEAT_OR_SCREENED,
        "findings": ALL_FINDINGS,
        "actions": {RECORD_EPISODE, RECORD_INTERVIEW, RECORD_SCREENING, RECORD_PANEL},
        "reports": ALL_REPORTS,
        "panel": True,
        "escalations": True,
    },
    roles.POLICE_LIAISON: _NOTHING
    | {"children": OWN_LOCALITIES, "findings": NO_FINDINGS, "actions": {RECORD_EPISODE}},
    roles.ANALYST: _NOTHING | {"rows": PSEUDONYMISED_ROWS, "reports": ALL_REPORTS},
    roles.SCRUTINY: _NOTHING | {"reports": PUBLISHED_REPORT},
}

NO_CASE_PAGES = roles.NO_ROLE_FOR_PAGE
NOT_YOUR_ACTION = (
    "Your role cannot record this. Ask a missing children coordinator to record it for you."
)
FINDINGS_HIDDEN = "Not shown to your role"
NO_REPORTS = "Your role cannot see the reports. Ask your Homeward administrator if you need access."
PUBLISHED_ONLY = (
    "You see the publication version: figures for fewer than 5 children are shown as c."
)
NO_PAGES = (
    "Your account has no role in Homeward yet, so there is no page you can use. "
    "Ask your Homeward administrator to give you the role your work needs."
)
CANNOT_FIND_CHILD = (
    "You see only the children your role gives you access to. If you cannot find a child, "
    "ask the missing children coordinator to add their record, or to give you access to it; "
    "your Homeward administrator can change what your role gives you access to."
)
MATCH_NOT_SHOWN = (
    "{count} possible match{plural} you cannot see. Ask the missing children coordinator "
    "whether it is the same child before adding a new record."
)
NO_PEOPLE_PAGES = (
    "Only a Homeward administrator can manage people's accounts and allocations. "
    "Ask your Homeward administrator for the change you need."
)
NO_RETURNS = (
    "The statutory returns (SSDA903, Ofsted's Annex A) name every looked-after child of the "
    "council, so only a role that sees every child and downloads named rows (a missing "
    "children coordinator) may download them. Ask your Homeward administrator if you need them."
)
NO_DATA_QUALITY = (
    "The data quality page lists the council's children and episodes by id, each linked to "
    "the record to fix, so only the roles that make the statutory returns (a missing children "
    "coordinator) may use it. Ask your Homeward administrator if you need it."
)
NO_ESCALATION_PAGES = (
    "Your role cannot see the escalations. Ask the missing children coordinator or your "
    "Homeward administrator if you need access."
)
NO_PANEL_PAGES = (
    "Your role cannot see the panel's pages. Ask the panel chair or your Homeward "
    "administrator if you need access."
)


def role_table() -> dict[str, dict]:
    """The defaults with the installation's overrides (settings.HOMEWARD_ACCESS) on top."""
    table = {role: dict(rules) for role, rules in DEFAULT_ACCESS.items()}
    for role, overrides in getattr(settings, "HOMEWARD_ACCESS", {}).items():
        if role not in table:
            raise ValueError(f"HOMEWARD_ACCESS names '{role}', which is not a role.")
        rules = table[role] | overrides
        rules["actions"] = set(rules["actions"])
        table[role] = rules
    return table


@dataclass(frozen=True)
class Access:
    """What one person may do: the union of their roles' rules, and where they work."""

    roles: frozenset[str]
    scopes: frozenset[str]
    findings: str
    actions: frozenset[str]
    who_looked: bool
    rows: str
    reports: str
    panel: bool
    escalations: bool
    people: bool
    council_id: int | None
    team: str
    locality_ids: frozenset[int]  # read only for a role that sees by locality

    @property
    def uses_case_pages(self) -> bool:
        return bool(self.scopes)


_FINDINGS_ORDER = ["", NO_FINDINGS, OWN_FINDINGS, ALL_FINDINGS]
_ROWS_ORDER = ["", PSEUDONYMISED_ROWS, NAMED_ROWS]
_REPORTS_ORDER = ["", PUBLISHED_REPORT, ALL_REPORTS]


def access_for(user) -> Access:
    """The person's access, worked out once per request (kept on the user object)."""
    cached = getattr(user, "_homeward_access", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        held, profile = [], None
    else:
        held, profile = _roles_and_profile(user)
    table = role_table()
    rules = [table[role] for role in held]
    scopes = frozenset(rule["children"] for rule in rules if rule["children"])
    council_id, team, locality_ids = (
        _workplace(profile, reads_localities=OWN_LOCALITIES in scopes)
        if held
        else (None, "", frozenset())
    )
    access = Access(
        roles=frozenset(held),
        scopes=scopes,
        findings=max((r["findings"] for r in rules), key=_FINDINGS_ORDER.index, default=""),
        actions=frozenset().union(*(rule["actions"] for rule in rules)),
        who_looked=any(rule["who_looked"] for rule in rules),
        rows=max((r["rows"] for r in rules), key=_ROWS_ORDER.index, default=""),
        reports=max((r["reports"] for r in rules), key=_REPORTS_ORDER.index, default=""),
        panel=any(rule.get("panel") for rule in rules),
        escalations=any(rule.get("escalations") for rule in rules),
        people=any(rule.get("people") for rule in rules),
        council_id=council_id,
        team=team,
        locality_ids=locality_ids,
    )
    if user is not None:
        user._homeward_access = access
    return access


def _roles_and_profile(user) -> tuple[list[str], tuple | None]:
    """The person's roles, and their staff profile as (id, council id, team) if they have
    one: one query (the user's groups joined to their profile), not one for each."""
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            "groups__name", "staff_profile__id", "staff_profile__council_id", "staff_profile__team"
        )
    )
    held, profile = [], None
    for group, profile_id, council_id, team in rows:
        if group in roles.ROLES and group not in held:
            held.append(group)
        if profile_id is not None:
            profile = (profile_id, council_id, team)
    return held, profile


def _workplace(profile, *, reads_localities: bool) -> tuple[int | None, str, frozenset[int]]:
    from homeward.accounts.models import StaffProfile
    from homeward.councils.installation import installation_council

    profile_id, council_id, team = profile or (None, None, "")
    if council_id is None:
        try:
            council_id = installation_council().pk
        except ImproperlyConfigured:  # no such council: nobody sees any child
            council_id = None
    if profile_id is None or not reads_localities:
        return council_id, team.strip(), frozenset()
    localities = StaffProfile.localities.through.objects.filter(staffprofile_id=profile_id)
    return council_id, team.strip(), frozenset(localities.values_list("locality_id", flat=True))


# The rule itself.


def children_visible_to(user) -> QuerySet:
    """Every child this person may see: the one filter for pages, lists, searches and exports."""
    from homeward.children.models import Child

    access = access_for(user)
    if not access.scopes or access.council_id is None:
        return Child.objects.none()
    allowed = Q(pk__in=[])
    for scope in access.scopes:
        allowed |= _SCOPES[scope](user, access)
    return Child.objects.filter(allowed, council_id=access.council_id)


def episodes_visible_to(user, *, in_error: bool = False) -> QuerySet:
    """Every episode this person may see: police liaison by the episode's own locality.
    `in_error`: those entered in error too (for what must still be said of them)."""
    from homeward.children.models import Child
    from homeward.episodes.models import Episode

    access = access_for(user)
    if not access.scopes or access.council_id is None:
        return Episode.objects.none()
    allowed = Q(pk__in=[])
    for scope in access.scopes:
        if scope == OWN_LOCALITIES:
            allowed |= _episode_in_localities(access)
        elif scope == ALL_IN_COUNCIL:
            # Every episode has a child, so "its child is any child" is every episode: said
            # directly, without a subquery over all children for the database to plan.
            allowed |= Q(pk__isnull=False)
        else:
            children = Child.objects.filter(_SCOPES[scope](user, access))
            allowed |= Q(child__in=children.values("pk"))
    manager = Episode.all_records if in_error else Episode.objects
    return manager.filter(allowed, council_id=access.council_id)


def episodes_for_rows(user) -> QuerySet:
    """The episodes in this person's row-level downloads.

    Named rows follow `episodes_visible_to`. Pseudonymised rows (analysts) cover the whole
    council: they carry no name, id or free text, only a pseudonym and the month of birth.
    """
    from homeward.episodes.models import Episode

    access = access_for(user)
    if access.rows == NAMED_ROWS:
        return episodes_visible_to(user)
    if access.rows == PSEUDONYMISED_ROWS and access.council_id is not None:
        return Episode.objects.filter(council_id=access.council_id)
    return Episode.objects.none()


def sees_every_child(user) -> bool:
    """Whether this person sees every child of their council (coordinators, administrators)."""
    return ALL_IN_COUNCIL in access_for(user).scopes


def can_see_child(user, child) -> bool:
    """Whether this person may open this child's record."""
    return children_visible_to(user).filter(pk=child.pk).exists()


def can_see_episode(user, episode) -> bool:
    return episodes_visible_to(user).filter(pk=episode.pk).exists()


def can_see_findings(user, interview) -> bool:
    """Whether this person may read what a child said in this return home interview."""
    findings = access_for(user).findings
    if findings == ALL_FINDINGS:
        return True
    return findings == OWN_FINDINGS and interview.created_by_id == user.pk


def may_see_who_looked(user) -> bool:
    return access_for(user).who_looked


def check_case_pages(user) -> None:
    """Refuse (403) a person whose role does not work with case records at all."""
    if not access_for(user).uses_case_pages:
        raise PermissionDenied(NO_CASE_PAGES)


def check_action(user, action: str) -> None:
    """Refuse (403) a person whose role may not record this kind of thing."""
    check_case_pages(user)
    if action not in access_for(user).actions:
        raise PermissionDenied(NOT_YOUR_ACTION)


def has_allocated_children(user) -> bool:
    """Whether this person's access follows their allocations (practitioners): they have a
    page of their children (children:mine) and land on it."""
    return ALLOCATED in access_for(user).scopes


def may(user, action: str) -> bool:
    return action in access_for(user).actions


def sees_every_episode(user) -> bool:
    """Whether this person sees every episode of their council, so that counting for them is
    counting for the council (a role that sees some children or some localities is not)."""
    access = access_for(user)
    return ALL_IN_COUNCIL in access.scopes and access.council_id is not None


def sees_every_episode_of_their_children(user) -> bool:
    """Whether every episode of each child this person sees is one they see too: not so for a
    role that sees by locality, who sees a child's episodes in their localities only."""
    return OWN_LOCALITIES not in access_for(user).scopes


# Reports: the whole report, or the published version only (figures about fewer than 5
# children suppressed, whatever the person asks for).


def may_see_reports(user) -> bool:
    return bool(access_for(user).reports)


def only_published_report(user) -> bool:
    """Whether this person may read the report in its publication version only."""
    return access_for(user).reports == PUBLISHED_REPORT


def check_reports(user) -> None:
    """Refuse (403) a person whose role does not read reports."""
    if not may_see_reports(user):
        raise PermissionDenied(NO_REPORTS)


# The committee paper's author: edits its findings and recommendations and issues it. The
# paper speaks of every child in the council, so it is written by someone who reads the whole
# report and sees every child (the missing coordinator and the administrator by default).
NOT_THE_AUTHOR = (
    "Only the paper's author can edit or issue it: a person who reads the whole report and "
    "sees every child in the council. Ask your Homeward administrator if you need to."
)


def may_author_reports(user) -> bool:
    access = access_for(user)
    return access.reports == ALL_REPORTS and ALL_IN_COUNCIL in access.scopes


def check_author_reports(user) -> None:
    """Refuse (403) a person who may not edit or issue the committee paper."""
    if not may_author_reports(user):
        raise PermissionDenied(NOT_THE_AUTHOR)


# Statutory returns (SSDA903, Annex A): the whole council's looked-after children by id and
# date of birth, so for named row-level downloads by someone who sees every child.


def may_download_returns(user) -> bool:
    access = access_for(user)
    whole_council = ALL_IN_COUNCIL in access.scopes and access.council_id is not None
    return access.rows == NAMED_ROWS and whole_council


def check_returns(user) -> None:
    """Refuse (403) a person who may not download the statutory returns."""
    if not may_download_returns(user):
        raise PermissionDenied(NO_RETURNS)


# Data quality: the records that stand between the data and a clean return, by id, each
# linked to the page it is corrected on: for those who make the returns (and so see every
# child and may correct them). Each line is still of a record the person may see.


def may_check_data_quality(user) -> bool:
    return may_download_returns(user)


def check_data_quality(user) -> None:
    """Refuse (403) a person who may not use the data quality page."""
    if not may_check_data_quality(user):
        raise PermissionDenied(NO_DATA_QUALITY)


# The council's own population aged 0-17 by ethnic group, which the committee paper compares
# missing children with: loaded on the Reports page by the council's data officer, the person
# who makes the statutory returns (by default the missing coordinator and the administrator).

NO_POPULATION_LOADS = (
    "The council's population by ethnic group is loaded by its data officer: the person who "
    "makes the statutory returns (a missing children coordinator). Ask them to load the file, "
    "or your Homeward administrator if you need to."
)


def may_load_population(user) -> bool:
    return may_download_returns(user)


def check_population_loads(user) -> None:
    """Refuse (403) a person who may not load the council's population by ethnic group."""
    if not may_load_population(user):
        raise PermissionDenied(NO_POPULATION_LOADS)


# Pages: which of the service's parts a person may open, in the order they are offered, and
# the page they land on after signing in: the first they may use.

CASE_PAGES = "dashboard:home"
PANEL_PAGES = "panel:index"
ESCALATION_PAGES = "escalations:index"
REPORT_PAGES = "reports:index"
ROW_PAGES = "exchange:exports"
PEOPLE_PAGES = "people:index"


def pages_for(user) -> list[str]:
    """The home pages of the parts this person may use (case pages, panel, reports, rows)."""
    access = access_for(user)
    uses = {
        CASE_PAGES: access.uses_case_pages,
        PANEL_PAGES: access.panel,
        ESCALATION_PAGES: access.escalations and access.uses_case_pages,
        REPORT_PAGES: bool(access.reports),
        ROW_PAGES: bool(access.rows),
        PEOPLE_PAGES: access.people,
    }
    return [page for page, allowed in uses.items() if allowed]


def landing_page_for(user) -> str | None:
    """The URL name of the page this person lands on after signing in; None if there is no
    page they may use."""
    return next(iter(pages_for(user)), None)


def may_manage_people(user) -> bool:
    """Whether this person may manage accounts and allocations (the people pages)."""
    return access_for(user).people


def check_people(user) -> None:
    """Refuse (403) a person whose role does not manage people."""
    if not may_manage_people(user):
        raise PermissionDenied(NO_PEOPLE_PAGES)


# Emails sent (homeward/alerts): to whom and what, the placing councils' notifications among
# them, so for those who see every child (coordinators) and administrators, who keep the
# mail working. The demo's caught mail, for administrators only.

NO_EMAILS_SENT = (
    "Only a missing children coordinator or a Homeward administrator can see the emails "
    "Homeward sent. Ask them if you need to know whether an email went."
)


def may_see_emails_sent(user) -> bool:
    return sees_every_child(user) or may_manage_people(user)


def emails_visible_to(user) -> QuerySet:
    """The emails of this person's council: those queued for it (its notices, its children's
    alerts), and those to its people; an email of neither is the installation's council's."""
    from homeward.alerts.models import Email
    from homeward.councils.installation import installation_council

    access = access_for(user)
    if not may_see_emails_sent(user) or access.council_id is None:
        return Email.objects.none()
    mine = Q(council_id=access.council_id) | Q(
        council__isnull=True, recipient__staff_profile__council_id=access.council_id
    )
    if access.council_id == installation_council().pk:
        mine |= Q(council__isnull=True, recipient__staff_profile__council__isnull=True)
    return Email.objects.filter(mine)


def check_emails_sent(user) -> None:
    """Refuse (403) a person who may not see the emails Homeward sent."""
    if not may_see_emails_sent(user):
        raise PermissionDenied(NO_EMAILS_SENT)


# The panel: its meetings are the council's, seen by the roles that use the panel's pages;
# a child's discussions and their actions follow the child, like everything else about them.


def check_panel(user) -> None:
    """Refuse (403) a person whose role does not use the panel's pages."""
    if not access_for(user).panel:
        raise PermissionDenied(NO_PANEL_PAGES)


def panel_meetings_visible_to(user) -> QuerySet:
    """The panel meetings this person may open: their council's, for the panel's roles."""
    from homeward.panel.models import PanelMeeting

    access = access_for(user)
    if not access.panel or access.council_id is None:
        return PanelMeeting.objects.none()
    return PanelMeeting.objects.filter(council_id=access.council_id)


def panel_discussions_visible_to(user) -> QuerySet:
    """Every panel discussion of a child this person may see (the child's record shows them)."""
    from homeward.panel.models import PanelDiscussion

    access = access_for(user)
    if access.council_id is None:
        return PanelDiscussion.objects.none()
    discussions = PanelDiscussion.objects.filter(council_id=access.council_id)
    if ALL_IN_COUNCIL in access.scopes:
        # A discussion's child is always the council's (panel services refuse another
        # council's child), so "its child is any child of the council" is every discussion
        # of the council: said directly, as for episodes, without a subquery over children.
        return discussions
    return discussions.filter(child__in=children_visible_to(user).values("pk"))


def panel_actions_visible_to(user) -> QuerySet:
    """Every panel action agreed for a child this person may see."""
    from homeward.panel.models import PanelAction

    discussions = panel_discussions_visible_to(user).values("pk")
    return PanelAction.objects.filter(discussion__in=discussions)


# Escalations: a child's escalations follow the child, for the roles that act on them.


def may_see_escalations(user) -> bool:
    access = access_for(user)
    return access.escalations and access.uses_case_pages and access.council_id is not None


def check_escalations(user) -> None:
    """Refuse (403) a person whose role does not act on escalations."""
    if not may_see_escalations(user):
        raise PermissionDenied(NO_ESCALATION_PAGES)


def escalations_visible_to(user) -> QuerySet:
    """Every escalation of a child this person may see, for the roles that act on them."""
    from homeward.escalations.models import Escalation

    if not may_see_escalations(user):
        return Escalation.objects.none()
    access = access_for(user)
    escalations = Escalation.objects.filter(council_id=access.council_id)
    if ALL_IN_COUNCIL in access.scopes:
        return escalations  # every escalation's child is the council's, as for discussions
    return escalations.filter(child__in=children_visible_to(user).values("pk"))


def escalation_owners(council_id: int) -> QuerySet:
    """The active people of a council whose role acts on escalations: who may own one."""
    from homeward.councils.installation import installation_council

    acting = [role for role, rule in role_table().items() if rule.get("escalations")]
    here = Q(staff_profile__council_id=council_id)
    try:
        if installation_council().pk == council_id:  # no council on the profile: this one
            here |= Q(staff_profile__council__isnull=True) | Q(staff_profile__isnull=True)
    except ImproperlyConfigured:
        pass
    people = get_user_model().objects.filter(here, is_active=True, groups__name__in=acting)
    return people.distinct().order_by("username")


# Scopes: each is a condition on Child.


def _all_in_council(user, access: Access) -> Q:
    # Not Q(): an empty Q vanishes when combined with |, and would then allow nothing.
    return Q(pk__isnull=False)


def _allocated(user, access: Access) -> Q:
    from homeward.children.models import Allocation

    today = timezone.localdate()
    mine = Q(worker=user)
    if access.team:
        mine |= Q(team=access.team)
    current = Allocation.objects.filter(
        mine, Q(ended_on__isnull=True) | Q(ended_on__gte=today), allocated_on__lte=today
    )
    return Q(Exists(current.filter(child=OuterRef("pk"))))


def _repeat_or_screened(user, access: Access) -> Q:
    from homeward.core.codes import Category
    from homeward.episodes.models import Episode
    from homeward.escalations.models import Escalation
    from homeward.exploitation.models import Screening
    from homeward.panel.models import PanelDiscussion

    since = timezone.now() - dt.timedelta(days=settings.HOMEWARD_ACCESS_REPEAT_DAYS)
    repeat = (
        Episode.objects.filter(category=Category.MISSING, last_seen_at__gte=since)
        .values("child")
        .annotate(episodes=Count("pk"))
        .filter(episodes__gte=settings.HOMEWARD_ACCESS_REPEAT_EPISODES)
        .values("child")
    )
    screened = Screening.objects.filter(child=OuterRef("pk"))
    discussed = PanelDiscussion.objects.filter(child=OuterRef("pk"))
    # An escalated child is one the exploitation lead works on (a screening due, a plan to
    # review with the panel chair), however few their episodes.
    escalated = Escalation.objects.filter(child=OuterRef("pk"))
    return Q(pk__in=repeat) | Q(Exists(screened)) | Q(Exists(discussed)) | Q(Exists(escalated))


def _in_localities(user, access: Access) -> Q:
    from homeward.episodes.models import Episode

    if not access.locality_ids:
        return Q(pk__in=[])
    there = Episode.objects.filter(child=OuterRef("pk"), locality_id__in=access.locality_ids)
    return Q(home_locality_id__in=access.locality_ids) | Q(Exists(there))


def _episode_in_localities(access: Access) -> Q:
    if not access.locality_ids:
        return Q(pk__in=[])
    return Q(locality_id__in=access.locality_ids) | Q(
        locality__isnull=True, child__home_locality_id__in=access.locality_ids
    )


_SCOPES = {
    ALL_IN_COUNCIL: _all_in_council,
    ALLOCATED: _allocated,
    REPEAT_OR_SCREENED: _repeat_or_screened,
    OWN_LOCALITIES: _in_localities,
}


# What analysts see instead of a child: a pseudonym, the month of birth, no name.


def pseudonym(child) -> str:
    """A stable id for a child that cannot be turned back into the child without the key."""
    message = f"{child.council_id}:{child.local_id}".encode()
    digest = hmac.new(pseudonym_key(), message, hashlib.sha256).hexdigest()
    return f"P-{digest[:16].upper()}"


def month_of(day: dt.date | None) -> str:
    """A date of birth reduced to its month, as analysts see it."""
    return day.strftime("%Y-%m") if day else ""


# The placed-in register (borders): other councils' children placed here, as the homes'
# notices told us. An entry linked to a child follows the child; an entry not yet linked to
# any record names a child nobody may otherwise see, so only those who see every child do.

NO_REGISTER_CHANGES = (
    "Only a missing children coordinator can record or change the placed-in register. Ask "
    "them to record the home's notice."
)
NO_DIRECTORY_CHANGES = (
    "Only a Homeward administrator can change the councils' contacts directory. Ask your "
    "Homeward administrator for the change you need."
)


def placed_in_entries_visible_to(user) -> QuerySet:
    """The placed-in register entries this person may see: those of the children they see."""
    from homeward.borders.models import PlacedInEntry

    access = access_for(user)
    if not access.scopes or access.council_id is None:
        return PlacedInEntry.objects.none()
    entries = PlacedInEntry.objects.filter(council_id=access.council_id)
    if ALL_IN_COUNCIL in access.scopes:
        return entries
    return entries.filter(child__in=children_visible_to(user).values("pk"))


def may_keep_register(user) -> bool:
    """Whether this person records the homes' notices: who sees every child and creates them."""
    return sees_every_child(user) and CREATE_CHILD in access_for(user).actions


def check_register_changes(user) -> None:
    """Refuse (403) a person who may not record or change the placed-in register."""
    check_case_pages(user)
    if not may_keep_register(user):
        raise PermissionDenied(NO_REGISTER_CHANGES)


def may_keep_directory(user) -> bool:
    """Whether this person keeps the councils' contacts directory (administrators)."""
    return access_for(user).people


def check_directory_changes(user) -> None:
    """Refuse (403) a person who may not change the contacts directory."""
    if not may_keep_directory(user):
        raise PermissionDenied(NO_DIRECTORY_CHANGES)
