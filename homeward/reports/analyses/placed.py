"""Children placed in the council by others, and children it placed elsewhere: episodes,
repeat episodes and the placing councils with the most episodes.

Placed in: the child's responsible council is another (as figures.py counts `placed_in`).
Placed out: the episode's placement is hosted by another council. Notification and
acknowledgement times are not here: they come from the cross-border notices, which this
version does not hold (docs/report-json.md says so).
"""

from django.db.models import F, Q

from homeward.core.clock import Period
from homeward.core.codes import Category
from homeward.reports.analyses.common import SUPPRESSED, few, few_share, hidden, is_few, shown
from homeward.reports.figures import seen_in, share
from homeward.reports.scope import Scope

TOP = 5
NOTICES = (
    "Notification and acknowledgement times are not reported: Homeward does not yet record "
    "the notices councils send each other about placed children."
)


def count(scope: Scope, period: Period) -> dict:
    """Placed-in and placed-out children, episodes, repeat episodes, top placing councils."""
    episodes = scope.episodes().filter(seen_in(period), category=Category.MISSING)
    placed_in = episodes.filter(~Q(child__responsible_la=F("council"))).values_list(
        "child_id", "child__responsible_la__name"
    )
    placed_out = (
        episodes.filter(placement__isnull=False, placement__host_la__isnull=False)
        .filter(~Q(placement__host_la=F("council")))
        .values_list("child_id", "placement__host_la__name")
    )
    return {
        "placed_in": _side(list(placed_in), "placing_councils"),
        "placed_out": _side(list(placed_out), "host_councils"),
        "notices": None,
        "notices_note": NOTICES,
    }


def _side(rows: list[tuple[int, str]], councils_key: str) -> dict:
    per_child: dict[int, int] = {}
    councils: dict[str, dict] = {}
    for child, council in rows:
        per_child[child] = per_child.get(child, 0) + 1
        found = councils.setdefault(council, {"children": set(), "episodes": 0})
        found["children"].add(child)
        found["episodes"] += 1
    repeat = [n for n in per_child.values() if n >= 2]
    ranked = sorted(councils.items(), key=lambda kv: (-kv[1]["episodes"], kv[0]))[:TOP]
    return {
        "children": len(per_child),
        "episodes": len(rows),
        "repeat_children": len(repeat),
        "repeat_episodes": share(sum(repeat), len(rows)),
        councils_key: [
            {"council": name, "children": len(c["children"]), "episodes": c["episodes"]}
            for name, c in ranked
        ],
    }


def suppress(data: dict) -> dict:
    """The publication version: sides about 1 to 4 children, and councils about fewer than
    5, hidden."""
    published = dict(data)
    for side, key in (("placed_in", "placing_councils"), ("placed_out", "host_councils")):
        figures = data[side]
        if is_few(figures["children"]):
            published[side] = hidden(figures)
            continue
        published[side] = figures | {
            "repeat_children": few(figures["repeat_children"]),
            "repeat_episodes": few_share(figures["repeat_episodes"]),
            key: [c for c in figures[key] if c["children"] >= 5],
        }
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    placed_in = data["placed_in"]
    if placed_in["children"] == 0:
        return ["No child placed here by another council went missing in the period.", NOTICES]
    sentences = [
        f"{shown(placed_in['children'])} children placed here by other councils went missing "
        f"{shown(placed_in['episodes'])} times; {shown(placed_in['repeat_children'])} of them "
        "went missing two or more times."
    ]
    top = placed_in["placing_councils"]
    if top and top[0]["episodes"] != SUPPRESSED:
        first = top[0]
        sentences.append(
            f"Of the placing councils, {first['council']}'s children went missing most often: "
            f"{first['episodes']} episodes of {first['children']} children."
        )
    sentences.append(NOTICES)
    return sentences
