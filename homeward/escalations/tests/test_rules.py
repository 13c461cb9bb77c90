"""The rules at their thresholds and not below, on plain data, with the window's edges."""

import datetime as dt
from zoneinfo import ZoneInfo

from homeward.escalations.models import EscalationKind
from homeward.escalations.rules import (
    HIGH_RISK,
    PLACED_IN_REPEAT,
    REPEAT,
    Seen,
    escalation_rules,
    pattern_met,
    rule_named,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)


def seen(pk, days_ago, *, risk="medium", category="missing", extra=dt.timedelta()):
    return Seen(pk, NOW - dt.timedelta(days=days_ago) - extra, category, risk)


def test_the_defaults_are_the_common_local_protocol():
    rules = {rule.code: rule for rule in escalation_rules()}
    assert (rules[REPEAT].episodes, rules[REPEAT].days) == (3, 30)
    assert rules[REPEAT].kind == EscalationKind.STRATEGY_DISCUSSION
    assert rules[HIGH_RISK].kind == EscalationKind.CE_SCREENING
    assert (rules[PLACED_IN_REPEAT].episodes, rules[PLACED_IN_REPEAT].days) == (3, 90)
    assert rules[PLACED_IN_REPEAT].kind == EscalationKind.PLAN_REVIEW
    assert rules[REPEAT].description == "A child missing 3 or more times in 30 days"


def test_two_episodes_in_30_days_raise_nothing_and_three_raise_one():
    rule = rule_named(REPEAT)
    two = [seen(1, 20), seen(2, 1)]
    assert pattern_met(rule, two, now=NOW) is None
    pattern = pattern_met(rule, [*two, seen(3, 0)], now=NOW)
    assert pattern.trigger == 3
    assert pattern.episodes == (1, 2, 3)


def test_the_window_counts_30_days_back_from_the_triggers_last_seen_exactly():
    rule = rule_named(REPEAT)
    # Last seen exactly 30 days before the third: in the window.
    edge = [seen(1, 30), seen(2, 10), seen(3, 0)]
    assert pattern_met(rule, edge, now=NOW).episodes == (1, 2, 3)
    # One second more: out of it.
    beyond = [seen(1, 30, extra=dt.timedelta(seconds=1)), seen(2, 10), seen(3, 0)]
    assert pattern_met(rule, beyond, now=NOW) is None


def test_away_episodes_are_not_counted():
    rule = rule_named(REPEAT)
    episodes = [seen(1, 20), seen(2, 10, category="away"), seen(3, 0)]
    assert pattern_met(rule, episodes, now=NOW) is None


def test_an_old_pattern_raises_nothing_today(settings):
    settings.HOMEWARD_ESCALATION_RECENT_DAYS = 30
    rule = rule_named(REPEAT)
    old = [seen(1, 60), seen(2, 50), seen(3, 40)]
    assert pattern_met(rule, old, now=NOW) is None
    # Its trigger last seen exactly 30 days ago is recent still.
    assert pattern_met(rule, [seen(1, 50), seen(2, 40), seen(3, 30)], now=NOW).trigger == 3


def test_only_episodes_after_a_closed_escalation_count_again():
    rule = rule_named(REPEAT)
    episodes = [seen(1, 25), seen(2, 20), seen(3, 15), seen(4, 10), seen(5, 5)]
    covered_up_to = NOW - dt.timedelta(days=15)  # the first escalation covered 1 to 3
    assert pattern_met(rule, episodes[:4], now=NOW, after=covered_up_to) is None
    assert pattern_met(rule, [*episodes, seen(6, 0)], now=NOW, after=covered_up_to).episodes == (
        4,
        5,
        6,
    )


def test_any_high_risk_episode_raises_and_medium_does_not():
    rule = rule_named(HIGH_RISK)
    assert pattern_met(rule, [seen(1, 2, risk="medium")], now=NOW) is None
    assert pattern_met(rule, [seen(1, 2, risk="high")], now=NOW).episodes == (1,)


def test_the_placed_in_rule_counts_90_days(settings):
    rule = rule_named(PLACED_IN_REPEAT)
    assert rule.placed_in_only
    assert pattern_met(rule, [seen(1, 90), seen(2, 30), seen(3, 0)], now=NOW).trigger == 3
    assert pattern_met(rule, [seen(1, 91), seen(2, 30), seen(3, 0)], now=NOW) is None


def test_thresholds_come_from_the_settings(settings):
    settings.HOMEWARD_ESCALATION_REPEAT_EPISODES = 4
    settings.HOMEWARD_ESCALATION_REPEAT_DAYS = 10
    settings.HOMEWARD_ESCALATION_HIGH_RISK = False
    settings.HOMEWARD_ESCALATION_PLACED_IN_EPISODES = 0
    rules = escalation_rules()
    assert [rule.code for rule in rules] == [REPEAT]
    assert rules[0].description == "A child missing 4 or more times in 10 days"
    three = [seen(1, 9), seen(2, 5), seen(3, 0)]
    assert pattern_met(rules[0], three, now=NOW) is None
    assert pattern_met(rules[0], [seen(0, 10), *three], now=NOW).trigger == 3


def test_an_episode_after_now_is_no_trigger():
    later = Seen(1, NOW + dt.timedelta(hours=1), "missing", "high")
    assert pattern_met(rule_named(HIGH_RISK), [later], now=NOW) is None
