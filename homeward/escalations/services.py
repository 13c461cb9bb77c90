"""Raising escalations when a child's episodes make a pattern, and working them to a close.

Every route that records or changes an episode (a page, the police, a bundle, the SSD, an
SSDA903 import) asks for the child's rules to be checked once its transaction commits
(`escalations_check_after_commit`, `escalations_check_council_after_commit`); the sweep
`escalations_raise_due`, run by `homeward send-alerts`, checks every recent child again,
so nothing is missed if a check failed. Raising twice is impossible: the database holds one
escalation per trigger and one open escalation per rule and child.
"""

import dataclasses
import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Max, Q
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

# An episode's fields as the rules see it (`Seen`).
SEEN = ("pk", "last_seen_at", "category", "risk")


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
    commit reads, for them all at once, which of them a rule would act for
    (`_may_act_together`: one or two queries for them all); the others' checks end there, or
    go on to the locked check for a child something is due for."""

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
        _raise_for_child_locked(child_id, timezone.now())


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
    return _raise_for_child_locked(child_id, now)


def _raise_for_child_locked(child_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        # One check of a child at a time; the constraints hold even if this lock does not.
        child = Child.objects.select_for_update(no_key=True).filter(pk=child_id).first()
        if child is None:
            return 0
        seen = _recent_episodes(child, now)
        open_ones = Escalation.objects.filter(child=child, closed_at__isnull=True)
        open_by_rule = {escalation.rule: escalation for escalation in open_ones}
        raised = 0
        for rule in escalation_rules():
            if rule.placed_in_only and not child.is_placed_in:
                continue
            raised += _apply(rule, child, seen, now, open_by_rule.get(rule.code))
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
    """Whether the check would raise or add to an escalation, read without the child's lock
    (`_may_act_together` for one child): the locked check then reads it all again."""
    return child_id in _may_act_together([child_id], now)


def _may_act_together(child_ids: list[int], now: dt.datetime) -> set[int]:
    """The children for whom the check would raise or add to an escalation now, decided as
    `_apply` decides, from reads without a lock and without a transaction: most checks (a
    child's first episode, news of one already in an open escalation) find nothing to do.
    One query for the children's recent episodes (`_recent_together`); a second, only for
    the children with an escalation open or a rule's pattern met, for their escalations'
    episodes. A child with no recent episode has nothing to join or raise. An episode
    committed after these reads is checked by its own writer's check, and an escalation
    raised or joined meanwhile leaves less to do."""
    since = now - dt.timedelta(days=lookback_days())
    recent = _recent_together(child_ids, since)
    unsure = {
        child_id
        for child_id, child in recent.items()
        if child.escalation_open
        or any(pattern_met(rule, child.seen, now=now) is not None for rule in child.rules)
    }
    escalations = _escalated_episodes(unsure, since)
    return {
        child_id
        for child_id in unsure
        if any(
            _would_apply(rule, recent[child_id].seen, escalations.get((child_id, rule.code)), now)
            for rule in recent[child_id].rules
        )
    }


@dataclasses.dataclass
class _Recent:
    """A child's recent episodes as the rules see them, the rules that apply to the child,
    and whether the child has an escalation open."""

    rules: list[Rule]
    seen: list[Seen] = dataclasses.field(default_factory=list)
    escalation_open: bool = False


def _recent_together(child_ids: list[int], since: dt.datetime) -> dict[int, _Recent]:
    """The children's episodes last seen from `since` on, each read with whether the child
    is placed in and the child's open escalations (a row for each, so an episode is taken
    once); children without such episodes are left out."""
    open_ones = Q(child__escalations__closed_at__isnull=True)
    rows = (
        Episode.objects.filter(child_id__in=child_ids, last_seen_at__gte=since)
        .annotate(open_one=FilteredRelation("child__escalations", condition=open_ones))
        .values_list(
            *SEEN, "child_id", "child__council_id", "child__responsible_la_id", "open_one__pk"
        )
        .order_by()  # the rules put the episodes in order themselves
    )
    in_force, recent, taken = escalation_rules(), {}, set()
    for *row, child_id, council_id, responsible_la_id, open_one in rows:
        if child_id not in recent:
            placed_in = responsible_la_id != council_id  # Child.is_placed_in
            rules = [rule for rule in in_force if placed_in or not rule.placed_in_only]
            recent[child_id] = _Recent(rules)
        child = recent[child_id]
        child.escalation_open |= open_one is not None
        if row[0] not in taken:
            taken.add(row[0])
            child.seen.append(Seen(*row))
    return recent


@dataclasses.dataclass
class _Escalated:
    """A child's escalations of one rule, as `_apply` reads them: the open one's episodes
    (with when each was last seen), and the last time any episode they covered was seen."""

    open_episodes: dict[int, dt.datetime] = dataclasses.field(default_factory=dict)
    covered_last: dt.datetime | None = None


def _escalated_episodes(child_ids: set[int], since: dt.datetime) -> dict[tuple, _Escalated]:
    """The episodes of the children's escalations that `_apply` reads, by child and rule: every
    episode of an open escalation, and those of closed ones last seen from `since` on (only
    the last of them counts, and one last seen before `since` is before all recent ones)."""
    escalated = {}
    if not child_ids:
        return escalated
    through = Escalation.episodes.through.objects.filter(escalation__child_id__in=child_ids)
    rows = through.filter(
        Q(escalation__closed_at__isnull=True) | Q(episode__last_seen_at__gte=since)
    ).values_list(
        "escalation__child_id",
        "escalation__rule",
        "escalation__closed_at",
        "episode_id",
        "episode__last_seen_at",
    )
    for child_id, rule, closed_at, episode_id, last_seen_at in rows:
        one = escalated.setdefault((child_id, rule), _Escalated())
        if closed_at is None:
            one.open_episodes[episode_id] = last_seen_at
        one.covered_last = max(one.covered_last or last_seen_at, last_seen_at)
    return escalated


def _would_apply(
    rule: Rule, seen: list[Seen], escalated: _Escalated | None, now: dt.datetime
) -> bool:
    """Whether `_apply` would join an episode to the rule's open escalation or raise one."""
    if escalated is not None and escalated.open_episodes:
        have = escalated.open_episodes
        since = min(have.values())
        return any(pk not in have for pk in joining(rule, seen, since=since))
    if pattern_met(rule, seen, now=now) is None:
        return False
    after = escalated.covered_last if escalated is not None else None
    return pattern_met(rule, seen, now=now, after=after) is not None


def _recent_episodes(child: Child | int, now: dt.datetime) -> list[Seen]:
    since = now - dt.timedelta(days=lookback_days())
    rows = Episode.objects.filter(child=child, last_seen_at__gte=since).values_list(*SEEN)
    return [Seen(*row) for row in rows]


def _apply(
    rule: Rule, child: Child, seen: list[Seen], now: dt.datetime, open_one: Escalation | None
) -> int:
    """Join new episodes to the rule's open escalation, or raise one if the pattern recurs."""
    if open_one is not None:
        _join(open_one, rule, seen)
        return 0
    if pattern_met(rule, seen, now=now) is None:
        return 0  # nor, then, among the episodes after those a closed one covered
    escalations = Escalation.objects.filter(child=child, rule=rule.code)
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
            escalation.episodes.add(*episodes)  # a new one: nothing to read first
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
