"""Reads for the panel: its meetings, the children discussed, and the actions still open.

Every read goes through the rule (access.rules): meetings for the panel's roles, and a
child's discussions and actions only for people who may see that child.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from homeward.access.rules import (
    panel_actions_visible_to,
    panel_discussions_visible_to,
    panel_meetings_visible_to,
)
from homeward.children.models import Child
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting


@dataclass(frozen=True)
class Meetings:
    upcoming: list[PanelMeeting]  # soonest first
    past: list[PanelMeeting]  # latest first


def panel_meetings(*, user, today: dt.date) -> Meetings:
    """The council's panel meetings, each with how many children it discussed."""
    meetings = panel_meetings_visible_to(user).annotate(children=Count("discussions"))
    listed = list(meetings.order_by("held_on", "pk"))
    return Meetings(
        upcoming=[meeting for meeting in listed if meeting.held_on >= today],
        past=[meeting for meeting in reversed(listed) if meeting.held_on < today],
    )


def panel_meeting_discussions(*, user, meeting: PanelMeeting) -> list[PanelDiscussion]:
    """The children discussed at a meeting whom this person may see, with their actions."""
    discussions = panel_discussions_visible_to(user).filter(meeting=meeting)
    return list(discussions.select_related("child").prefetch_related("actions").order_by("pk"))


def panel_open_actions(*, user, owner: str = "") -> QuerySet[PanelAction]:
    """Actions not yet done, the earliest due first; `owner` narrows to owners containing it."""
    actions = panel_actions_visible_to(user).filter(completed_on__isnull=True)
    if owner.strip():
        actions = actions.filter(owner__icontains=owner.strip())
    return actions.select_related("discussion__child", "discussion__meeting").order_by(
        "due_on", "pk"
    )


def panel_candidates(*, meeting: PanelMeeting, children: list) -> list:
    """Of `children`, those not yet on the meeting's list."""
    already = set(meeting.discussions.values_list("child_id", flat=True))
    return [child for child in children if _pk(child) not in already]


def _pk(child) -> int:
    return child.pk if isinstance(child, Child) else child.child_id


# A child's discussions, for the child's timeline.


@dataclass(frozen=True)
class ChildPanelAction:
    action_id: int
    description: str
    owner: str
    due_on: dt.date
    completed_on: dt.date | None
    is_overdue: bool  # open and due before today


@dataclass(frozen=True)
class ChildPanelDiscussion:
    discussion_id: int
    meeting_id: int
    held_on: dt.date
    risk: str  # a PanelRisk code
    risk_display: str  # "Low", "Medium", "High", "Very high"
    reason: str
    summary: str
    next_review_on: dt.date | None
    actions: tuple[ChildPanelAction, ...]  # earliest due first


def panel_discussions_for_child(*, user, child: Child) -> list[ChildPanelDiscussion]:
    """The child's panel discussions this person may see, latest meeting first (two queries)."""
    discussions = list(
        panel_discussions_visible_to(user)
        .filter(child=child)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-pk")
    )
    if not discussions:
        return []
    today = timezone.localdate()
    by_discussion: dict[int, list[ChildPanelAction]] = {d.pk: [] for d in discussions}
    actions = PanelAction.objects.filter(discussion__in=list(by_discussion)).order_by(
        "due_on", "pk"
    )
    for action in actions:
        by_discussion[action.discussion_id].append(_child_action(action, today))
    return [
        ChildPanelDiscussion(
            discussion_id=d.pk,
            meeting_id=d.meeting_id,
            held_on=d.meeting.held_on,
            risk=d.risk,
            risk_display=d.get_risk_display(),
            reason=d.reason,
            summary=d.summary,
            next_review_on=d.next_review_on,
            actions=tuple(by_discussion[d.pk]),
        )
        for d in discussions
    ]


def _child_action(action: PanelAction, today: dt.date) -> ChildPanelAction:
    return ChildPanelAction(
        action_id=action.pk,
        description=action.description,
        owner=action.owner,
        due_on=action.due_on,
        completed_on=action.completed_on,
        is_overdue=action.completed_on is None and action.due_on < today,
    )
