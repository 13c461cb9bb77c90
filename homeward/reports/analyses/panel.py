"""The panel: children discussed in the period, actions agreed, done and overdue by agency;
and, for children first discussed in the period, their missing episodes in the six months
before and after that first discussion.

The before and after counts are a comparison, not a measure of the panel's effect: children
are often brought to the panel at their worst, so fewer episodes afterwards is expected
whatever the panel does (regression to the mean), and a child whose six months after have
not yet passed is counted only once they have.
"""

import datetime as dt

from django.db.models import Min
from django.utils import timezone

from homeward.core.clock import LONDON, Period
from homeward.core.codes import Category
from homeward.episodes.models import Episode
from homeward.panel.models import PanelAction, PanelDiscussion
from homeward.reports.analyses.common import few, few_counts, hidden, is_few, shown
from homeward.reports.figures import seen_in
from homeward.reports.scope import Scope

SIX_MONTHS = dt.timedelta(days=182)
LIMITS = (
    "Before and after counts are a comparison, not a measure of the panel's effect: children "
    "are brought to the panel when their going missing is at its worst, so fewer episodes "
    "afterwards is expected whatever the panel does, and other help given at the same time "
    "counts in it too."
)
NO_AGENCY = "not_recorded"


def _discussions(scope: Scope):
    discussions = PanelDiscussion.objects.all()
    if scope.council is not None:
        discussions = discussions.filter(council=scope.council)
    return discussions


def count(scope: Scope, period: Period) -> dict:
    """Children discussed, their actions by agency, and episodes before and after."""
    in_period = _discussions(scope).filter(
        meeting__held_on__gte=period.first, meeting__held_on__lte=period.last
    )
    children = set(in_period.values_list("child_id", flat=True))
    actions = PanelAction.objects.filter(discussion__in=in_period).values(
        "owner", "due_on", "completed_on"
    )
    agencies: dict[str, dict] = {}
    for action in actions:
        agency = agencies.setdefault(
            action["owner"].strip() or NO_AGENCY, {"agreed": 0, "done": 0, "overdue": 0}
        )
        agency["agreed"] += 1
        done = action["completed_on"] is not None and action["completed_on"] <= period.last
        agency["done"] += done
        agency["overdue"] += not done and action["due_on"] < period.last
    totals = {k: sum(a[k] for a in agencies.values()) for k in ("agreed", "done", "overdue")}
    return {
        "children_discussed": len(children),
        "actions": totals,
        "actions_by_agency": dict(sorted(agencies.items())),
        "before_after": _before_after(scope, period),
        "before_after_limits": LIMITS,
    }


def _before_after(scope: Scope, period: Period) -> dict:
    firsts = (
        _discussions(scope)
        .values("child_id")
        .annotate(first=Min("meeting__held_on"))
        .filter(first__gte=period.first, first__lte=period.last)
    )
    firsts = list(firsts)
    today = timezone.localdate()
    over = {row["child_id"]: row["first"] for row in firsts if row["first"] + SIX_MONTHS <= today}
    waiting = len(firsts) - len(over)
    before, after = 0, 0
    # Their missing episodes in the year around the period, in one query, sorted here.
    window = Period(period.first - SIX_MONTHS, period.last + SIX_MONTHS)
    episodes = Episode.objects.filter(
        seen_in(window), child__in=list(over), category=Category.MISSING
    ).values_list("child_id", "last_seen_at")
    for child, seen in episodes:
        day = seen.astimezone(LONDON).date()
        first = over[child]
        before += first - SIX_MONTHS <= day < first
        after += first <= day < first + SIX_MONTHS
    counted = len(over)
    return {
        "children": counted,
        "not_yet_six_months": waiting,
        "episodes_before": before,
        "episodes_after": after,
    }


def suppress(data: dict) -> dict:
    """The publication version: counts of 1 to 4 "c"; the before and after comparison of
    fewer than 5 children all "c"; agencies listed with their counts of 1 to 4 "c"."""
    published = dict(data)
    published["children_discussed"] = few(data["children_discussed"])
    published["actions_by_agency"] = {
        name: few_counts(counts) for name, counts in data["actions_by_agency"].items()
    }
    comparison = data["before_after"]
    if comparison["children"] < 5:
        published["before_after"] = hidden(comparison)
    published["before_after"]["not_yet_six_months"] = few(comparison["not_yet_six_months"])
    if is_few(data["children_discussed"]):
        published["actions"] = hidden(data["actions"])
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the tables' own figures."""
    if not data["children_discussed"]:
        return ["The panel discussed no child in the period."]
    actions = data["actions"]
    sentences = [
        f"The panel discussed {shown(data['children_discussed'])} children in the period and "
        f"agreed {shown(actions['agreed'])} actions: {shown(actions['done'])} done by the "
        f"period's end and {shown(actions['overdue'])} overdue."
    ]
    comparison = data["before_after"]
    if isinstance(comparison["children"], int) and comparison["children"]:
        sentences.append(
            f"The {comparison['children']} children first discussed in the period went missing "
            f"{comparison['episodes_before']} times in the six months before their first "
            f"discussion and {comparison['episodes_after']} times in the six months after. "
            + LIMITS
        )
    return sentences
