"""Row-level episode exports: named for coordinators, pseudonymised for analysts.

Rows come from `access.rules.episodes_for_rows`: named rows follow the same rule as every
page, so a named export can never hold what the person's pages would refuse.
"""

import datetime as dt

from homeward.access.rules import (
    FINDINGS_HIDDEN,
    PSEUDONYMISED_ROWS,
    access_for,
    can_see_findings,
    children_visible_to,
    episodes_for_rows,
    episodes_visible_to,
    month_of,
    panel_actions_visible_to,
)
from homeward.access.rules import pseudonym as child_pseudonym
from homeward.core.clock import Period


def _locality(episode) -> str:
    return episode.locality.name if episode.locality else ""


# Each column of the downloads with how its cell is written from an episode (with its
# child), declared together so that a heading cannot drift from its values.
_SHARED = (
    ("category", lambda e: e.get_category_display()),
    ("last_seen_at", lambda e: e.last_seen_at),
    ("reported_at", lambda e: e.reported_at),
    ("returned_at", lambda e: e.returned_at),
    ("risk", lambda e: e.get_risk_display()),
    ("missing_from", lambda e: e.get_missing_from_display()),
    ("locality", _locality),
    ("legal_status", lambda e: e.get_legal_status_display()),
)
NAMED = (
    ("episode_id", lambda e: e.local_id),
    ("child_id", lambda e: e.child.local_id),
    ("first_name", lambda e: e.child.first_name),
    ("last_name", lambda e: e.child.last_name),
    ("date_of_birth", lambda e: e.child.date_of_birth),
    ("sex", lambda e: e.child.get_sex_display()),
    ("ethnicity", lambda e: e.child.ethnicity_words),
    *_SHARED,
    ("found_location", lambda e: e.found_location),
    ("reported_by", lambda e: e.reported_by),
)
# No names, no ids that lead back to the child, the month of birth only, no free text.
PSEUDONYMISED = (
    ("child", lambda e: child_pseudonym(e.child)),
    ("birth_month", lambda e: month_of(e.child.date_of_birth)),
    ("sex", lambda e: e.child.get_sex_display()),
    ("ethnicity", lambda e: e.child.ethnicity_words),
    *_SHARED,
)


def episode_rows(*, user, council, day_from: dt.date, day_to: dt.date):
    """(columns, rows) of the episodes last seen in the period that this person may see."""
    pseudonymised = access_for(user).rows == PSEUDONYMISED_ROWS
    period = Period(day_from, day_to)
    start, end = period.starts_at, period.ends_before
    episodes = (
        episodes_for_rows(user)
        .filter(council=council, last_seen_at__gte=start, last_seen_at__lt=end)
        .select_related("child", "locality")
        .order_by("last_seen_at", "pk")
    )
    declared = PSEUDONYMISED if pseudonymised else NAMED
    columns = tuple(name for name, _ in declared)
    cells = [cell for _, cell in declared]
    return columns, ([cell(e) for cell in cells] for e in episodes.iterator())


# Interviews, screenings and panel actions: each download holds the records of the page it is
# offered from, read through the same rule (access.rules), named as that page names them.


def interview_rows(*, user, council, day_from: dt.date, day_to: dt.date):
    """(columns, rows) of the return home interviews after returns in the period that this
    person may see; what a child said only where they may read it."""
    from homeward.interviews.models import ReturnInterview

    period = Period(day_from, day_to)
    interviews = (
        ReturnInterview.objects.filter(
            episode__in=episodes_visible_to(user).filter(council=council).values("pk"),
            episode__returned_at__gte=period.starts_at,
            episode__returned_at__lt=period.ends_before,
        )
        .select_related("episode", "episode__child", "created_by")
        .order_by("episode__returned_at", "offered_at", "pk")
    )
    columns = (
        "interview_id",
        "episode_id",
        "child_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "returned_at",
        "offered_at",
        "outcome",
        "completed_at",
        "conducted_by",
        "held_by",
        "not_held_reason",
        "factors",
        "findings",
    )
    rows = [
        [
            i.local_id,
            i.episode.local_id,
            i.episode.child.local_id,
            i.episode.child.first_name,
            i.episode.child.last_name,
            i.episode.child.date_of_birth,
            i.episode.returned_at,
            i.offered_at,
            i.get_outcome_display(),
            i.completed_at,
            i.conducted_by,
            i.get_conducted_by_type_display(),
            i.get_not_held_reason_display(),
            # What the child said, coded: as private as the findings.
            i.factors if can_see_findings(user, i) else FINDINGS_HIDDEN,
            i.findings if can_see_findings(user, i) else FINDINGS_HIDDEN,
        ]
        for i in interviews
    ]
    return columns, rows


def screening_rows(*, user, council, day_from: dt.date, day_to: dt.date):
    """(columns, rows) of the exploitation screenings completed in the period of the children
    this person may see."""
    from homeward.core.codes import Concern
    from homeward.exploitation.models import Screening

    words = dict(Concern.choices)
    screenings = (
        Screening.objects.filter(
            child__in=children_visible_to(user).filter(council=council).values("pk"),
            completed_on__gte=day_from,
            completed_on__lte=day_to,
        )
        .select_related("child")
        .order_by("completed_on", "pk")
    )
    columns = (
        "screening_id",
        "child_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "completed_on",
        "outcome",
        "concerns",
        "next_review_on",
    )
    rows = [
        [
            s.local_id,
            s.child.local_id,
            s.child.first_name,
            s.child.last_name,
            s.child.date_of_birth,
            s.completed_on,
            s.get_outcome_display(),
            "; ".join(words.get(code, code) for code in s.concern_list),
            s.next_review_on,
        ]
        for s in screenings
    ]
    return columns, rows


def panel_action_rows(*, user, day_from: dt.date, day_to: dt.date, today: dt.date):
    """(columns, rows) of the panel's actions due in the period, for children this person may
    see, open or done."""
    actions = (
        panel_actions_visible_to(user)
        .filter(due_on__gte=day_from, due_on__lte=day_to)
        .select_related("discussion__child", "discussion__meeting")
        .order_by("due_on", "pk")
    )
    columns = (
        "action_id",
        "meeting_held_on",
        "child_id",
        "first_name",
        "last_name",
        "description",
        "owner",
        "due_on",
        "completed_on",
        "status",
    )
    rows = [
        [
            a.local_id,
            a.discussion.meeting.held_on,
            a.discussion.child.local_id,
            a.discussion.child.first_name,
            a.discussion.child.last_name,
            a.description,
            a.owner,
            a.due_on,
            a.completed_on,
            _action_status(a, today),
        ]
        for a in actions
    ]
    return columns, rows


def _action_status(action, today: dt.date) -> str:
    if action.completed_on is not None:
        return "Done"
    return "Overdue" if action.due_on < today else "Open"
