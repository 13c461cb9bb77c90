"""The escalation rules: which patterns in a child's episodes raise which kind of escalation.

Every rule lives here, and every threshold comes from the settings (HOMEWARD_ESCALATION_*,
docs/escalations.md); nothing here reads the database. A rule looks at a child's missing
episodes (not `away` ones: the domain counts them apart) as plain data:

- a count rule is met by an episode (its *trigger*) when at least `episodes` missing
  episodes were last seen in the `days` days up to and including the trigger's last seen
  (the window is exact: an episode last seen exactly `days` days before is in it);
- the high-risk rule is met by any missing episode graded high risk.

A pattern raises an escalation only while it is recent (its trigger last seen within
HOMEWARD_ESCALATION_RECENT_DAYS of now): history imported or recorded late is not a task
for today. While an escalation of a rule is open, later episodes of its pattern join it;
once it is closed, only episodes last seen after the last one it covered count towards
the next: a pattern must recur to raise again.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from homeward.core.codes import Category, Risk
from homeward.escalations.models import EscalationKind

REPEAT = "repeat_missing"
HIGH_RISK = "high_risk"
PLACED_IN_REPEAT = "placed_in_repeat"


@dataclass(frozen=True)
class Rule:
    """One rule: its code, the kind of escalation it raises, and its threshold."""

    code: str
    kind: str
    episodes: int  # how many episodes make the pattern (1 for the high-risk rule)
    days: int | None  # the window they fall in; None: a single episode is enough
    placed_in_only: bool = False
    high_risk_only: bool = False

    @property
    def description(self) -> str:
        """The rule in words, with its thresholds, as the pages and docs say it."""
        if self.high_risk_only:
            return "A missing episode graded high risk"
        whose = "A child placed here by another council" if self.placed_in_only else "A child"
        return f"{whose} missing {self.episodes} or more times in {self.days} days"


def escalation_rules() -> list[Rule]:
    """The rules in force, with the installation's thresholds (a rule set to 0 is off)."""
    rules = [
        Rule(
            REPEAT,
            EscalationKind.STRATEGY_DISCUSSION,
            settings.HOMEWARD_ESCALATION_REPEAT_EPISODES,
            settings.HOMEWARD_ESCALATION_REPEAT_DAYS,
        ),
        Rule(HIGH_RISK, EscalationKind.CE_SCREENING, 1, None, high_risk_only=True),
        Rule(
            PLACED_IN_REPEAT,
            EscalationKind.PLAN_REVIEW,
            settings.HOMEWARD_ESCALATION_PLACED_IN_EPISODES,
            settings.HOMEWARD_ESCALATION_PLACED_IN_DAYS,
            placed_in_only=True,
        ),
    ]
    on = {REPEAT: True, HIGH_RISK: settings.HOMEWARD_ESCALATION_HIGH_RISK}
    return [rule for rule in rules if rule.episodes > 0 and on.get(rule.code, True)]


def rule_named(code: str) -> Rule | None:
    """The rule of this code as now configured (None: a rule since turned off)."""
    return next((rule for rule in escalation_rules() if rule.code == code), None)


def rule_words(code: str) -> str:
    """A rule's description for an escalation raised under it, even if it is now off."""
    rule = rule_named(code)
    return rule.description if rule else RULE_NAMES.get(code, code)


RULE_NAMES = {
    REPEAT: "Repeat missing",
    HIGH_RISK: "A missing episode graded high risk",
    PLACED_IN_REPEAT: "A child placed here by another council missing repeatedly",
}


def lookback_days() -> int:
    """How far back a check must read a child's episodes to see every recent pattern."""
    windows = [rule.days or 0 for rule in escalation_rules()]
    return settings.HOMEWARD_ESCALATION_RECENT_DAYS + max(windows, default=0)


@dataclass(frozen=True)
class Seen:
    """An episode as the rules see it."""

    pk: int
    last_seen_at: dt.datetime
    category: str
    risk: str


@dataclass(frozen=True)
class Pattern:
    """A rule met: the episode that completed it, and every episode of it (oldest first)."""

    trigger: int
    episodes: tuple[int, ...]


def _counted(rule: Rule, episode: Seen) -> bool:
    if episode.category != Category.MISSING:
        return False
    return not rule.high_risk_only or episode.risk == Risk.HIGH


def pattern_met(
    rule: Rule, episodes: list[Seen], *, now: dt.datetime, after: dt.datetime | None = None
) -> Pattern | None:
    """The earliest recent pattern of `rule` among `episodes`, counting only those last seen
    after `after` (the last episode a closed escalation of the rule covered)."""
    counted = sorted(
        (e for e in episodes if _counted(rule, e) and (after is None or e.last_seen_at > after)),
        key=lambda e: (e.last_seen_at, e.pk),
    )
    recent = now - dt.timedelta(days=settings.HOMEWARD_ESCALATION_RECENT_DAYS)
    for index, trigger in enumerate(counted):
        if trigger.last_seen_at < recent or trigger.last_seen_at > now:
            continue
        window = _window(rule, counted[: index + 1], trigger)
        if len(window) >= rule.episodes:
            return Pattern(trigger=trigger.pk, episodes=tuple(e.pk for e in window))
    return None


def _window(rule: Rule, upto: list[Seen], trigger: Seen) -> list[Seen]:
    if rule.days is None:
        return [trigger]
    start = trigger.last_seen_at - dt.timedelta(days=rule.days)
    return [e for e in upto if e.last_seen_at >= start]


def joining(rule: Rule, episodes: list[Seen], *, since: dt.datetime) -> list[int]:
    """The episodes of `rule`'s pattern last seen from `since` on: those that join an open
    escalation raised for an earlier part of the pattern."""
    return [e.pk for e in episodes if _counted(rule, e) and e.last_seen_at >= since]


def due_days(kind: str) -> int:
    """Days from raising an escalation of this kind to its due date."""
    return {
        EscalationKind.STRATEGY_DISCUSSION: settings.HOMEWARD_ESCALATION_STRATEGY_DUE_DAYS,
        EscalationKind.CE_SCREENING: settings.HOMEWARD_ESCALATION_SCREENING_DUE_DAYS,
        EscalationKind.PLAN_REVIEW: settings.HOMEWARD_ESCALATION_PLAN_REVIEW_DUE_DAYS,
    }[kind]
