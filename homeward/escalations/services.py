"""Raising escalations when a child's episodes make a pattern, and working them to a close.

Every route that records or changes an episode (a page, the police, a bundle, the SSD, an
SSDA903 import) asks for the child's rules to be checked once its transaction commits
(`escalations_check_after_commit`, `escalations_check_council_after_commit`); the sweep
`escalations_raise_due`, run by `homeward send-alerts`, checks every recent child again,
so nothing is missed if a check failed. Raising twice is impossible: the database holds one
escalation per trigger and one open escalation per rule and child.
"""

import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max
from django.utils import timezone

from homeward.access.rules import escalation_owners
from homeward.accounts import roles
from homeward.audit.models import Action
from homeward.audit.services import (
    audit_record,
    record_change,
    save_audited,
    values_before_change,
)
from homeward.children.models import Child
from homeward.children.services import new_local_id
from homeward.core.concurrency import refuse_unknown_fields
from homeward.core.problems import Problem, code_problem, raise_if_any
from homeward.episodes.models import Episode
from homeward.escalations.models import Escalation, EscalationKind, EscalationOutcome
from homeward.escalations.rules import (
    Rule,
    Seen,
    due_days,
    escalation_rules,
    joining,
    lookback_days,
    pattern_met,
)
from homeward.panel.models import PanelDiscussion, PanelMeeting, PanelRisk
from homeward.panel.services import panel_discussion_record

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = {"owner", "due_on"}
# Who owns a new escalation of each kind when HOMEWARD_ESCALATION_OWNERS names nobody.
OWNER_ROLES = {
    EscalationKind.STRATEGY_DISCUSSION: roles.MISSING_COORDINATOR,
    EscalationKind.CE_SCREENING: roles.EXPLOITATION_LEAD,
    EscalationKind.PLAN_REVIEW: roles.EXPLOITATION_LEAD,
}

ALREADY_CLOSED = "This escalation was closed on {when}: it cannot be changed or closed again."
OUTCOME_NEEDED = "Choose how the escalation ended."
NOTES_NEEDED = "Say in a sentence what was done or decided, for whoever reads this next."
OWNER_NOT_HERE = (
    "{person} cannot own this escalation: choose someone of this council whose role works "
    "on escalations."
)
DUE_BEFORE_RAISED = "The due date cannot be before the escalation was raised, on {raised}."
ALREADY_REFERRED = (
    "This escalation was already referred to the panel meeting on {held_on}: see the meeting."
)
MEETING_PAST = "Choose a panel meeting on or after today: the meeting on {held_on} has been held."
MEETING_OTHER_COUNCIL = "Choose one of this council's panel meetings."
REASON_NEEDED = "Say why the child is referred to the panel."


# Raising.


def escalations_check_after_commit(*, child_id: int) -> None:
    """Check the child's rules once the episode being written is committed (a failed check is
    logged and left to the sweep, never undoing the episode). A child already to be checked
    when this transaction commits (several of their episodes written in it: a file's rows)
    is checked once, and the children to be checked are read together for whether any rule
    may act for them (`_Together`)."""
    connection = transaction.get_connection()
    pending = [
        check
        for _, check, _ in (connection.run_on_commit if connection.in_atomic_block else ())
        if hasattr(check, "escalations_child_id")
    ]
    if any(check.escalations_child_id == child_id for check in pending):
        return
    together = pending[0].escalations_together if pending else _Together()
    together.child_ids.append(child_id)
    check = functools.partial(_check_child, child_id=child_id, together=together)
    check.escalations_child_id = child_id
    check.escalations_together = together
    transaction.on_commit(check, robust=True)


class _Together:
    """The children whose checks one transaction asked for. The first check run after the
    commit reads, for them all at once, which of them a rule may act for (`_may_act`, two
    queries for them all instead of two a child); the others' checks end there."""

    def __init__(self):
        self.child_ids: list[int] = []
        self.read: set[int] = set()
        self.acting: set[int] = set()

    def may_act(self, child_id: int) -> bool:
        if child_id not in self.read:
            unread = [pk for pk in self.child_ids if pk not in self.read]
            self.acting |= _may_act_together(unread, timezone.now())
            self.read.update(unread)
        return child_id in self.acting


def _check_child(*, child_id: int, together: _Together) -> None:
    if together.may_act(child_id):
        escalations_raise_for_child(child_id=child_id)


def escalations_check_council_after_commit(
    *, council_id: int, now: dt.datetime | None = None
) -> None:
    """Check every recently missing child of the council once an import is committed."""
    transaction.on_commit(
        lambda: escalations_raise_for_council(council_id=council_id, now=now), robust=True
    )


def escalations_raise_for_child(*, child_id: int, now: dt.datetime | None = None) -> int:
    """Raise the escalations the child's episodes call for now (and add later episodes of an
    open one's pattern to it); the number raised."""
    now = now or timezone.now()
    if not _may_act(child_id, now):
        return 0
    with transaction.atomic():
        # One check of a child at a time; the constraints hold even if this lock does not.
        child = Child.objects.select_for_update(no_key=True).filter(pk=child_id).first()
        if child is None:
            return 0
        seen = _recent_episodes(child, now)
        raised = 0
        for rule in escalation_rules():
            if rule.placed_in_only and not child.is_placed_in:
                continue
            raised += _apply(rule, child, seen, now)
        return raised


def escalations_raise_for_council(*, council_id: int, now: dt.datetime | None = None) -> int:
    """Check every child of the council missing recently; the number of escalations raised."""
    now = now or timezone.now()
    return sum(
        escalations_raise_for_child(child_id=child_id, now=now)
        for child_id in _recently_missing(now, council_id=council_id)
    )


def escalations_raise_due(now: dt.datetime) -> int:
    """The sweep `homeward send-alerts` runs: check every child missing recently, in every
    council; safe to run again and again. The number of escalations raised."""
    return sum(
        escalations_raise_for_child(child_id=child_id, now=now)
        for child_id in _recently_missing(now)
    )


# What `homeward send-alerts` says this source's number counts (it queues no emails itself).
escalations_raise_due.what_it_counts = "escalation{s} raised"


def _recently_missing(now: dt.datetime, council_id: int | None = None) -> list[int]:
    since = now - dt.timedelta(days=settings.HOMEWARD_ESCALATION_RECENT_DAYS)
    episodes = Episode.objects.filter(last_seen_at__gte=since, last_seen_at__lte=now)
    if council_id is not None:
        episodes = episodes.filter(council_id=council_id)
    return sorted(set(episodes.values_list("child_id", flat=True)))


def _may_act(child_id: int, now: dt.datetime) -> bool:
    """Whether the check could raise or add to an escalation: a rule's pattern is met by the
    child's recent episodes, or one of the rules has an escalation open for the child. Read
    without the child's lock (one query, no transaction: the recent episodes, each saying
    whether an escalation is open; a second only if there are none), as most checks (a
    child's first episode, news of one) find nothing to do: the locked check then reads it
    all again. An episode committed after this read is checked by its own writer's check."""
    open_ones = Escalation.objects.filter(child_id=child_id, closed_at__isnull=True)
    since = now - dt.timedelta(days=lookback_days())
    rows = list(
        Episode.objects.filter(child_id=child_id, last_seen_at__gte=since)
        .annotate(escalation_open=Exists(open_ones))
        .values_list("pk", "last_seen_at", "category", "risk", "escalation_open")
    )
    escalation_open = rows[0][-1] if rows else open_ones.exists()
    if escalation_open:
        return True
    seen = [Seen(*row[:-1]) for row in rows]
    return any(pattern_met(rule, seen, now=now) is not None for rule in escalation_rules())


def _may_act_together(child_ids: list[int], now: dt.datetime) -> set[int]:
    """The children `_may_act` says yes for, read for them all in two queries."""
    open_for = set(
        Escalation.objects.filter(child_id__in=child_ids, closed_at__isnull=True).values_list(
            "child_id", flat=True
        )
    )
    since = now - dt.timedelta(days=lookback_days())
    seen = {child_id: [] for child_id in child_ids}
    rows = Episode.objects.filter(child_id__in=child_ids, last_seen_at__gte=since).values_list(
        "child_id", "pk", "last_seen_at", "category", "risk"
    )
    for child_id, *row in rows:  # each child's in the order `_recent_episodes` reads them
        seen[child_id].append(Seen(*row))
    return {
        child_id
        for child_id in child_ids
        if child_id in open_for
        or any(
            pattern_met(rule, seen[child_id], now=now) is not None for rule in escalation_rules()
        )
    }


def _recent_episodes(child: Child | int, now: dt.datetime) -> list[Seen]:
    since = now - dt.timedelta(days=lookback_days())
    rows = Episode.objects.filter(child=child, last_seen_at__gte=since).values_list(
        "pk", "last_seen_at", "category", "risk"
    )
    return [Seen(*row) for row in rows]


def _apply(rule: Rule, child: Child, seen: list[Seen], now: dt.datetime) -> int:
    """Join new episodes to the rule's open escalation, or raise one if the pattern recurs."""
    escalations = Escalation.objects.filter(child=child, rule=rule.code)
    open_one = escalations.filter(closed_at__isnull=True).first()
    if open_one is not None:
        _join(open_one, rule, seen)
        return 0
    if pattern_met(rule, seen, now=now) is None:
        return 0  # nor, then, among the episodes after those a closed one covered
    covered = Episode.all_records.filter(pk__in=_covered(escalations)).aggregate(
        last=Max("last_seen_at")
    )
    pattern = pattern_met(rule, seen, now=now, after=covered["last"])
    if pattern is None:
        return 0
    return 1 if _raise(rule, child, pattern.trigger, pattern.episodes, now) else 0


def _covered(escalations):
    through = Escalation.episodes.through.objects
    return through.filter(escalation__in=escalations.values("pk")).values("episode_id")


def _join(escalation: Escalation, rule: Rule, seen: list[Seen]) -> None:
    """Add the episodes of the pattern recorded since the escalation was raised."""
    have = set(escalation.episodes.values_list("pk", flat=True))
    first = Episode.all_records.filter(pk__in=have).order_by("last_seen_at").first()
    if first is None:
        return
    new = [pk for pk in joining(rule, seen, since=first.last_seen_at) if pk not in have]
    if not new:
        return
    escalation.episodes.add(*new)
    ids = list(Episode.objects.filter(pk__in=new).values_list("local_id", flat=True))
    audit_record(action=Action.CHANGE, obj=escalation, details={"episodes": {"added": sorted(ids)}})


def _raise(rule: Rule, child: Child, trigger: int, episodes, now: dt.datetime) -> Escalation | None:
    """Create the escalation, or nothing if another check raised it a moment ago."""
    try:
        # Only the escalation's own constraints may be caught here: its audit entry is written
        # after, so a failed entry is not taken for "already raised" but undoes the check.
        with transaction.atomic():
            escalation = Escalation.objects.create(
                council_id=child.council_id,
                local_id=new_local_id("ES"),
                child=child,
                rule=rule.code,
                kind=rule.kind,
                trigger_id=trigger,
                raised_at=now,
                owner=default_owner(council_id=child.council_id, kind=rule.kind),
                due_on=timezone.localdate(now) + dt.timedelta(days=due_days(rule.kind)),
            )
            escalation.episodes.set(episodes)
    except IntegrityError:
        logger.info("Escalation %s of child %s already raised", rule.code, child.pk)
        return None
    record_change(record=escalation, by=None)
    return escalation


def default_owner(*, council_id: int, kind: str):
    """The person a new escalation of this kind goes to: the one named for the kind in
    HOMEWARD_ESCALATION_OWNERS, else the only active person holding its role (None if
    nobody or several do: a person chooses, rather than Homeward guessing)."""
    people = escalation_owners(council_id)
    named = settings.HOMEWARD_ESCALATION_OWNERS.get(kind)
    if named:
        return people.filter(username=named).first()
    holders = list(people.filter(groups__name=OWNER_ROLES[kind])[:2])
    return holders[0] if len(holders) == 1 else None


# Working an escalation.


def _refuse_if_closed(escalation: Escalation) -> None:
    if not escalation.is_open:
        when = timezone.localtime(escalation.closed_at).strftime("%-d %B %Y")
        raise ValidationError({"__all__": [ALREADY_CLOSED.format(when=when)]})


@transaction.atomic
def escalation_update(
    *, escalation: Escalation, expected_version: int, by=None, **changes
) -> Escalation:
    """Change an escalation's owner or due date, refusing if someone else changed it since."""
    refuse_unknown_fields(changes, EDITABLE_FIELDS, "Escalations")
    current = Escalation.objects.get(pk=escalation.pk)
    _refuse_if_closed(current)
    problems = []
    owner = changes.get("owner", escalation.owner)
    if owner is not None and not escalation_owners(escalation.council_id).filter(pk=owner.pk):
        problems.append(Problem("owner", OWNER_NOT_HERE.format(person=owner.get_username())))
    raised = timezone.localdate(current.raised_at)
    if changes.get("due_on", escalation.due_on) < raised:
        problems.append(Problem("due_on", DUE_BEFORE_RAISED.format(raised=f"{raised:%-d %B %Y}")))
    raise_if_any(problems)
    return save_audited(
        escalation,
        before=values_before_change(escalation),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )


@transaction.atomic
def escalation_close(
    *, escalation: Escalation, outcome: str, notes: str, expected_version: int, by=None
) -> Escalation:
    """Close an escalation with an outcome and a sentence saying what was done or decided."""
    _refuse_if_closed(Escalation.objects.get(pk=escalation.pk))
    problems = [code_problem("outcome", outcome, EscalationOutcome.values, "outcome")]
    if not outcome:
        problems = [Problem("outcome", OUTCOME_NEEDED)]
    if not notes.strip():
        problems.append(Problem("outcome_notes", NOTES_NEEDED))
    raise_if_any(p for p in problems if p)
    changes = {
        "closed_at": timezone.now(),
        "closed_by": by,
        "outcome": outcome,
        "outcome_notes": notes.strip(),
    }
    return save_audited(
        escalation,
        before=values_before_change(escalation),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )


@transaction.atomic
def escalation_refer_to_panel(
    *,
    escalation: Escalation,
    meeting: PanelMeeting,
    risk: str,
    reason: str,
    expected_version: int,
    by=None,
) -> PanelDiscussion:
    """Refer the escalation's child to a coming panel meeting: the child is added to the
    meeting's list with the reason (the panel rates them when it meets, and may change the
    rating proposed), and the escalation records the referral."""
    current = Escalation.objects.get(pk=escalation.pk)
    _refuse_if_closed(current)
    if current.panel_discussion_id is not None:
        held_on = current.panel_discussion.meeting.held_on
        raise ValidationError(
            {"meeting": [ALREADY_REFERRED.format(held_on=f"{held_on:%-d %B %Y}")]}
        )
    problems = [code_problem("risk", risk, PanelRisk.values, "risk rating")]
    if meeting.council_id != escalation.council_id:
        problems.append(Problem("meeting", MEETING_OTHER_COUNCIL))
    elif meeting.held_on < timezone.localdate():
        problems.append(
            Problem("meeting", MEETING_PAST.format(held_on=f"{meeting.held_on:%-d %B %Y}"))
        )
    if not reason.strip():
        problems.append(Problem("reason", REASON_NEEDED))
    raise_if_any(p for p in problems if p)
    discussion = meeting.discussions.filter(child_id=escalation.child_id).first()
    if discussion is None:
        discussion = panel_discussion_record(
            meeting=meeting, child=escalation.child, reason=reason, risk=risk, by=by
        )
    changes = {"panel_discussion": discussion, "referred_at": timezone.now(), "referred_by": by}
    save_audited(
        escalation,
        before=values_before_change(escalation),
        expected_version=expected_version,
        changes=changes,
        by=by,
    )
    return discussion
