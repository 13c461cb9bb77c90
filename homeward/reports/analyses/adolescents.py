"""Frequently missing adolescents: children aged 13-17 with three or more missing episodes.

A child counts when they went missing three or more times in the period and were aged 13
to 17 when last seen the first of those times; their groups (sex, legal status, placement,
locality) are as at their latest episode in the period.
"""

from homeward.core.clock import Period
from homeward.core.codes import ScreeningOutcome
from homeward.exploitation.models import Screening
from homeward.panel.models import PanelDiscussion
from homeward.reports.analyses.common import (
    few_counts,
    few_groups,
    few_share,
    grouped,
    hidden,
    is_few,
    missing_rows,
    pct,
    share,
    shown,
)
from homeward.reports.scope import Scope

AGES = (13, 17)
EPISODES = 3
GROUPS = {
    "by_sex": "sex",
    "by_legal_status": "legal_status",
    "by_placement_type": "place",
    "by_locality": "locality_name",
}


def count(scope: Scope, period: Period) -> dict:
    """The period's frequently missing adolescents, their groups, screening and panel."""
    rows = missing_rows(scope, period)
    per_child: dict[int, list[dict]] = {}
    for row in rows:
        per_child.setdefault(row["child_id"], []).append(row)
    chosen = {
        child: episodes
        for child, episodes in per_child.items()
        if len(episodes) >= EPISODES and AGES[0] <= episodes[0]["age"] <= AGES[1]
    }
    theirs = [row for episodes in chosen.values() for row in episodes]
    latest = {child: episodes[-1] for child, episodes in chosen.items()}
    children = sorted(chosen)
    episodes = len(theirs)
    screening = _screening(children, period)
    discussed = (
        PanelDiscussion.objects.filter(child__in=children, meeting__held_on__lte=period.last)
        .values("child")
        .distinct()
        .count()
    )
    return {
        "ages": list(AGES),
        "min_episodes": EPISODES,
        "children": len(children),
        "episodes": episodes,
        "share_of_episodes": share(episodes, len(rows)),
        **{
            name: grouped(
                [row | {"of": latest[row["child_id"]][field]} for row in theirs],
                lambda r: r["of"],
            )
            for name, field in GROUPS.items()
        },
        **screening,
        "discussed_at_panel": share(discussed, len(children)),
    }


def _screening(children: list[int], period: Period) -> dict:
    """Children screened by the period's end, their latest outcome and its concerns."""
    latest: dict[int, Screening] = {}
    for screening in Screening.objects.filter(
        child__in=children, completed_on__lte=period.last
    ).order_by("child", "completed_on", "pk"):
        latest[screening.child_id] = screening
    outcomes = {o: 0 for o in ScreeningOutcome.values}
    concerns: dict[str, int] = {}
    for screening in latest.values():
        outcomes[screening.outcome] += 1
        for concern in screening.concern_list:
            concerns[concern] = concerns.get(concern, 0) + 1
    return {
        "screened": share(len(latest), len(children)),
        "screening_outcomes": outcomes,
        "concerns": dict(sorted(concerns.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def suppress(data: dict) -> dict:
    """The publication version: groups of fewer than 5 children and counts of 1 to 4 "c"."""
    if is_few(data["children"]):
        return hidden(data, keep=("ages", "min_episodes"))
    published = dict(data)
    for name in GROUPS:
        published[name] = few_groups(data[name])
    for name in ("share_of_episodes", "screened", "discussed_at_panel"):
        published[name] = few_share(data[name])
    published["screening_outcomes"] = few_counts(data["screening_outcomes"])
    published["concerns"] = few_counts(data["concerns"])
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    if not data["children"]:
        return ["No child aged 13 to 17 went missing three or more times in the period."]
    share_ = data["share_of_episodes"]
    sentences = [
        f"{shown(data['children'])} children aged 13 to 17 went missing three or more times "
        f"in the period: {shown(share_['n'])} of the {shown(share_['of'])} missing episodes "
        f"({pct(share_['pct'])})."
    ]
    screened, panel = data["screened"], data["discussed_at_panel"]
    sentences.append(
        f"{shown(screened['n'])} of them had an exploitation screening by the period's end "
        f"and {shown(panel['n'])} had been discussed at the panel."
    )
    return sentences
