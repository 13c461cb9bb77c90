"""Recording the panel: meetings, the children discussed at them, and the actions agreed."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Child
from homeward.children.services import new_local_id
from homeward.core.concurrency import refuse_unknown_fields
from homeward.core.problems import Problem, code_problem, raise_if_any
from homeward.councils.models import Council
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting, PanelRisk
from homeward.panel.rules import (
    ALREADY_DISCUSSED,
    OTHER_COUNCIL,
    action_problems,
    completion_problems,
    discussion_problems,
    meeting_problems,
)

MEETING_FIELDS = {"held_on", "chair", "agencies", "notes"}
DISCUSSION_FIELDS = {"reason", "risk", "summary", "next_review_on"}
ACTION_FIELDS = {"description", "owner", "due_on", "completed_on"}


@transaction.atomic
def panel_meeting_record(
    *,
    council: Council,
    held_on: dt.date,
    chair: str,
    agencies: str = "",
    notes: str = "",
    local_id: str | None = None,
    by=None,
) -> PanelMeeting:
    """Record a meeting of the panel, held or planned."""
    raise_if_any(meeting_problems(chair=chair))
    meeting = PanelMeeting.objects.create(
        council=council,
        local_id=local_id or new_local_id("PM"),
        held_on=held_on,
        chair=chair.strip(),
        agencies=agencies.strip(),
        notes=notes,
        created_by=by,
        changed_by=by,
    )
    record_change(record=meeting, by=by)
    return meeting


@transaction.atomic
def panel_meeting_update(
    *, meeting: PanelMeeting, expected_version: int, by=None, **changes
) -> PanelMeeting:
    """Correct a meeting, refusing if someone else changed it since it was read."""
    refuse_unknown_fields(changes, MEETING_FIELDS, "Panel meetings")
    values = {field: getattr(meeting, field) for field in MEETING_FIELDS} | changes
    problems = meeting_problems(chair=values["chair"])
    moved = values["held_on"]
    if moved != meeting.held_on:
        problems += _meeting_move_problems(meeting, moved)
    raise_if_any(problems)
    return save_audited(
        meeting,
        before=values_before_change(meeting),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )


def _meeting_move_problems(meeting: PanelMeeting, held_on: dt.date) -> list[Problem]:
    """A meeting moved later must still come before its reviews and its actions' dates."""
    problems = []
    for discussion in meeting.discussions.prefetch_related("actions"):
        problems += discussion_problems(
            held_on=held_on, reason=discussion.reason, next_review_on=discussion.next_review_on
        )
        for action in discussion.actions.all():
            problems += action_problems(
                held_on=held_on,
                description=action.description,
                owner=action.owner,
                due_on=action.due_on,
                completed_on=action.completed_on,
                today=timezone.localdate(),
            )
    return [Problem("held_on", problem.message) for problem in problems]


@transaction.atomic
def panel_discussion_record(
    *,
    meeting: PanelMeeting,
    child: Child,
    reason: str,
    risk: str,
    summary: str = "",
    next_review_on: dt.date | None = None,
    local_id: str | None = None,
    by=None,
) -> PanelDiscussion:
    """Add a child to a meeting: why, the panel's risk rating, what it decided, when next."""
    # Lock the meeting so that two people adding the same child at once cannot both pass.
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    problems = discussion_problems(
        held_on=meeting.held_on, reason=reason, next_review_on=next_review_on
    )
    problems.append(code_problem("risk", risk, PanelRisk.values, "risk rating"))
    if child.council_id != meeting.council_id:
        problems.append(Problem("child", OTHER_COUNCIL))
    elif meeting.discussions.filter(child=child).exists():
        problems.append(Problem("child", ALREADY_DISCUSSED.format(child=child)))
    raise_if_any(p for p in problems if p)
    try:
        with transaction.atomic():
            discussion = PanelDiscussion.objects.create(
                council=meeting.council,
                local_id=local_id or new_local_id("PD"),
                meeting=meeting,
                child=child,
                reason=reason.strip(),
                risk=risk,
                summary=summary,
                next_review_on=next_review_on,
                created_by=by,
                changed_by=by,
            )
    except IntegrityError:  # added by someone else a moment ago
        raise_if_any([Problem("child", ALREADY_DISCUSSED.format(child=child))])
        raise
    record_change(record=discussion, by=by)
    return discussion


@transaction.atomic
def panel_discussion_update(
    *, discussion: PanelDiscussion, expected_version: int, by=None, **changes
) -> PanelDiscussion:
    """Correct a discussion, refusing if someone else changed it since it was read."""
    refuse_unknown_fields(changes, DISCUSSION_FIELDS, "Panel discussions")
    values = {field: getattr(discussion, field) for field in DISCUSSION_FIELDS} | changes
    problems = discussion_problems(
        held_on=discussion.meeting.held_on,
        reason=values["reason"],
        next_review_on=values["next_review_on"],
    )
    problems.append(code_problem("risk", values["risk"], PanelRisk.values, "risk rating"))
    raise_if_any(p for p in problems if p)
    return save_audited(
        discussion,
        before=values_before_change(discussion),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )


@transaction.atomic
def panel_action_record(
    *,
    discussion: PanelDiscussion,
    description: str,
    owner: str,
    due_on: dt.date,
    completed_on: dt.date | None = None,
    local_id: str | None = None,
    by=None,
) -> PanelAction:
    """Record an action the panel agreed for a child: what, who, by when."""
    raise_if_any(
        action_problems(
            held_on=discussion.meeting.held_on,
            description=description,
            owner=owner,
            due_on=due_on,
            completed_on=completed_on,
            today=timezone.localdate(),
        )
    )
    action = PanelAction.objects.create(
        council=discussion.council,
        local_id=local_id or new_local_id("PA"),
        discussion=discussion,
        description=description.strip(),
        owner=owner.strip(),
        due_on=due_on,
        completed_on=completed_on,
        created_by=by,
        changed_by=by,
    )
    record_change(record=action, by=by)
    return action


@transaction.atomic
def panel_action_update(
    *, action: PanelAction, expected_version: int, by=None, **changes
) -> PanelAction:
    """Correct an action, refusing if someone else changed it since it was read."""
    refuse_unknown_fields(changes, ACTION_FIELDS, "Panel actions")
    values = {field: getattr(action, field) for field in ACTION_FIELDS} | changes
    raise_if_any(
        action_problems(
            held_on=action.discussion.meeting.held_on, today=timezone.localdate(), **values
        )
    )
    return save_audited(
        action,
        before=values_before_change(action),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )


@transaction.atomic
def panel_action_complete(
    *, action: PanelAction, completed_on: dt.date, expected_version: int, by=None
) -> PanelAction:
    """Mark an action done on a date, refusing if someone else changed it since it was read."""
    raise_if_any(
        completion_problems(
            held_on=action.discussion.meeting.held_on,
            completed_on=completed_on,
            today=timezone.localdate(),
        )
    )
    changes = {"completed_on": completed_on}
    return save_audited(
        action,
        before=values_before_change(action),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )
