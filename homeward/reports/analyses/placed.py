"""Children placed in the council by others, and children it placed elsewhere: episodes,
repeat episodes and the placing councils with the most episodes.

Placed in: the child's responsible council is another (as figures.py counts `placed_in`).
Placed out: the episode's placement is hosted by another council. Telling the placing
councils is counted from the notices Homeward records (homeward/notices), by the same rule as
the paper's 24-hour figure (figures.NOTIFY_WITHIN, notices.selectors.told_within), so that the
two can never disagree.
"""

from django.db.models import F, Q

from homeward.core.clock import Period
from homeward.core.codes import Category
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import told_within
from homeward.reports.analyses.common import SUPPRESSED, few, few_share, hidden, is_few, shown
from homeward.reports.figures import NOTIFY_WITHIN, seen_in, share
from homeward.reports.scope import Scope

TOP = 5


def count(scope: Scope, period: Period) -> dict:
    """Placed-in and placed-out children, episodes, repeat episodes, top placing councils."""
    episodes = scope.episodes().filter(seen_in(period), category=Category.MISSING)
    placed_in_episodes = episodes.filter(~Q(child__responsible_la=F("council")))
    placed_in = placed_in_episodes.values_list("child_id", "child__responsible_la__name")
    placed_out = (
        episodes.filter(placement__isnull=False, placement__host_la__isnull=False)
        .filter(~Q(placement__host_la=F("council")))
        .values_list("child_id", "placement__host_la__name")
    )
    return {
        "placed_in": _side(list(placed_in), "placing_councils"),
        "placed_out": _side(list(placed_out), "host_councils"),
        "notices": _notices(placed_in_episodes),
    }


def _notices(placed_in_episodes) -> dict:
    """The placing councils told within 24 hours of the placed-in episodes, and how many of
    the missing notices Homeward recorded were acknowledged by their recipients."""
    total = placed_in_episodes.count()
    in_time = placed_in_episodes.filter(told_within(NOTIFY_WITHIN)).count()
    notices = PlacingCouncilNotice.objects.filter(
        episode__in=placed_in_episodes, kind=NoticeKind.MISSING
    )
    recorded = notices.count()
    acknowledged = notices.filter(acknowledged_at__isnull=False).count()
    return {
        "told_within_24h": share(in_time, total),
        "notices_recorded": recorded,
        "acknowledged": share(acknowledged, recorded),
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
    notices = data["notices"]
    published["notices"] = {
        "told_within_24h": few_share(notices["told_within_24h"]),
        "notices_recorded": few(notices["notices_recorded"]),
        "acknowledged": few_share(notices["acknowledged"]),
    }
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    placed_in = data["placed_in"]
    if placed_in["children"] == 0:
        return ["No child placed here by another council went missing in the period."]
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
    sentences.extend(_told(data["notices"]))
    return sentences


def _told(notices: dict) -> list[str]:
    told, acknowledged = notices["told_within_24h"], notices["acknowledged"]
    if told["n"] == SUPPRESSED:
        return ["Fewer than 5 of their episodes, or fewer than 5 told, so no share is given."]
    sentences = [
        f"Their placing councils were told within 24 hours of {told['n']} of those "
        f"{told['of']} episodes ({told['pct']}%)."
    ]
    if acknowledged["of"] == 0:
        sentences.append("No missing notice to a placing council was recorded for them.")
    elif acknowledged["n"] == SUPPRESSED:
        sentences.append("Fewer than 5 notices, or fewer than 5 acknowledged: not shown.")
    else:
        sentences.append(
            f"{acknowledged['n']} of the {acknowledged['of']} missing notices recorded "
            f"({acknowledged['pct']}%) were acknowledged by the placing council."
        )
    return sentences
