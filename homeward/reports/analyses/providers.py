"""Providers: missing episodes per child placed, by provider (Ofsted URN) and placement type,
within each locality, on a funnel plot so that each provider is judged against its size.

A provider is its Ofsted URN (its name when it has none), a placement's locality where the
provider is. Each funnel compares providers of one placement type across the council: its
centre is that type's episodes per child placed; limits as funnel.py (Poisson). The same
points are shown locality by locality (`by_locality`), each against its own type's limits,
which is what the paper draws and tables. Provider
names are for the roles that read the whole report (access.rules ALL_REPORTS: administrator,
missing coordinator, exploitation lead, analyst); the published version hides every
provider with fewer than 5 children placed, name and URN with its figures (`suppress`).
"""

import math

from django.db.models import Case, F, Q, Value, When

from homeward.children.models import Placement
from homeward.core.clock import Period
from homeward.core.codes import Category
from homeward.reports.analyses.common import NOT_KNOWN, SUPPRESSED, hidden, is_few, shown
from homeward.reports.figures import seen_in
from homeward.reports.funnel import CURVE_POINTS, Z_95, Z_998, funnel, limits_curve, standing
from homeward.reports.publication import to_hide
from homeward.reports.scope import Scope
from homeward.reports.wording import PLACEMENT, decimal

OUT_OF_AREA = "out_of_area"
PLACES = {OUT_OF_AREA: "out of the area", NOT_KNOWN: "locality not recorded"}


def count(scope: Scope, period: Period) -> dict:
    """Per placement type, each provider's children placed and episodes from it, with limits."""
    placements = Placement.objects.order_by().filter(start_date__lte=period.last)
    placements = placements.filter(Q(end_date__isnull=True) | Q(end_date__gte=period.first))
    if scope.council is not None:
        placements = placements.filter(council=scope.council)
    placements = placements.exclude(provider_urn="", provider_name="")
    rows = placements.annotate(
        away=Case(When(host_la=F("council"), then=Value(False)), default=Value(True))
    ).values(
        "pk",
        "child_id",
        "placement_type",
        "provider_urn",
        "provider_name",
        "locality__name",
        "away",
    )
    providers: dict[tuple, dict] = {}
    of_placement = {}
    for row in rows:
        key = (row["placement_type"], row["provider_urn"] or row["provider_name"])
        provider = providers.setdefault(
            key,
            {
                "name": row["provider_name"] or row["provider_urn"],
                "urn": row["provider_urn"] or None,
                "locality": row["locality__name"] or (OUT_OF_AREA if row["away"] else NOT_KNOWN),
                "placed": set(),
                "count": 0,
            },
        )
        provider["placed"].add(row["child_id"])
        # One URN may carry different names on different placements: take the name by the
        # rule the paper's children's homes table takes it (figures.childrens_homes: the
        # greatest), so that the paper never names one home two ways.
        provider["name"] = max(provider["name"], row["provider_name"] or row["provider_urn"])
        of_placement[row["pk"]] = key
    episodes = (
        scope.whole()
        .episodes()
        .filter(seen_in(period), category=Category.MISSING, placement__in=list(of_placement))
    )
    for placement in episodes.values_list("placement", flat=True):
        providers[of_placement[placement]]["count"] += 1
    by_type: dict[str, list[dict]] = {}
    for (placement_type, _), p in sorted(providers.items(), key=lambda kv: kv[1]["name"]):
        point = {k: p[k] for k in ("name", "urn", "locality", "count")}
        by_type.setdefault(placement_type, []).append(point | {"size": len(p["placed"])})
    charts = {t: _funnel(points) for t, points in sorted(by_type.items())}
    return {
        "measure": "missing episodes per child placed",
        "by_type": charts,
        "by_locality": _by_locality(charts),
    }


def _funnel(points: list[dict]) -> dict:
    placed = sum(p["size"] for p in points)
    episodes = sum(p["count"] for p in points)
    chart = funnel(points, centre=episodes / placed if placed else 0.0, method="poisson")
    chart["points"] = sorted(chart["points"], key=lambda p: (p["locality"], p["name"]))
    return {"children": placed, "episodes": episodes, **chart}


def _by_locality(charts: dict) -> dict:
    """The same points regrouped by locality, each with its type and its type's limits, and
    the episodes expected of a provider of its type and size (its children placed times its
    type's centre): the ratio of its episodes to those is outside 1 ± z/sqrt(expected)
    exactly when its rate is outside its type's limits, so one funnel per locality can show
    providers of every type, each judged as its type's funnel judges it."""
    localities: dict[str, list[dict]] = {}
    for placement_type, chart in charts.items():
        for point in chart["points"]:
            expected = point["size"] * chart["episodes"] / chart["children"]
            localities.setdefault(point["locality"], []).append(
                point
                | {
                    "placement_type": placement_type,
                    "expected": round(expected, 2),
                    "ratio": round(point["count"] / expected, 2) if expected else None,
                }
            )
    order = sorted(localities, key=lambda name: (name in PLACES, name))
    return {
        name: {
            "children": sum(p["size"] for p in localities[name]),
            "episodes": sum(p["count"] for p in localities[name]),
            "points": sorted(localities[name], key=lambda p: (p["placement_type"], p["name"])),
            "curve": _ratio_curve(localities[name]),
        }
        for name in order
    }


def _ratio_curve(points: list[dict]) -> list[dict]:
    """The limits of the ratio of episodes to those expected, 1 ± z/sqrt(expected)."""
    expected = [p["expected"] for p in points if p["expected"]]
    if not expected:
        return []
    low, high = min(expected), max(expected)
    sizes = sorted(
        {round(low + i * (high - low) / (CURVE_POINTS - 1), 2) for i in range(CURVE_POINTS)}
    )
    return [
        {
            "expected": size,
            "lower_95": round(max(0.0, 1 - Z_95 / math.sqrt(size)), 2),
            "upper_95": round(1 + Z_95 / math.sqrt(size), 2),
            "lower_998": round(max(0.0, 1 - Z_998 / math.sqrt(size)), 2),
            "upper_998": round(1 + Z_998 / math.sqrt(size), 2),
        }
        for size in sizes
    ]


def outside(data: dict) -> list[dict]:
    """Providers outside their limits (funnel.standing: the table's own marking), each once,
    locality by locality."""
    return [
        point
        for chart in data["by_locality"].values()
        for point in chart["points"]
        if standing(point) is not None and point["name"] != SUPPRESSED
    ]


def suppress(data: dict) -> dict:
    """The publication version. A provider with fewer than 5 children placed loses its name,
    URN and figures (its locality and type stay), and so does the next smallest when it alone
    would be hidden among the providers of its type or of its locality (whose totals are
    shown); a provider's episodes of 1 to 4 are "c", with its rate; totals of 1 to 4 are "c"."""

    def key(point: dict, placement_type: str) -> tuple:
        return placement_type, point["name"], point["urn"]

    def cell(point: dict) -> dict:
        return {"children": point["size"], "episodes": point["count"]}

    # Each type's funnel table and each locality's table shows its totals: hide the same
    # providers in both, growing until neither leaves one hidden provider alone.
    tables = [
        {key(p, t): cell(p) for p in chart["points"]} for t, chart in data["by_type"].items()
    ] + [
        {key(p, p["placement_type"]): cell(p) for p in chart["points"]}
        for chart in data["by_locality"].values()
    ]
    hide: set = set()
    while True:
        grown = set().union(hide, *(to_hide(table, hide & set(table)) for table in tables))
        if grown == hide:
            break
        hide = grown

    def published(point: dict, placement_type: str) -> dict:
        if key(point, placement_type) in hide:
            return hidden(point, keep=("locality", "placement_type"))
        if is_few(point["count"]):
            few_ = ("count", "value", "ratio")
            return {k: SUPPRESSED if k in few_ else v for k, v in point.items()}
        return point

    def totals(chart: dict) -> dict:
        return {
            k: SUPPRESSED if k in ("children", "episodes") and is_few(v) else v
            for k, v in chart.items()
        }

    def shown(points: list[dict]) -> list[dict]:
        return [p for p in points if p["size"] != SUPPRESSED]

    # The limits' curves are drawn over the sizes of the providers shown only: a curve
    # starting at a hidden provider's size would give its size away.
    by_type = {}
    for t, chart in data["by_type"].items():
        points = [published(p, t) for p in chart["points"]]
        rate = chart["episodes"] / chart["children"] if chart["children"] else 0.0
        curve = limits_curve([p["size"] for p in shown(points)], centre=rate, method="poisson")
        by_type[t] = totals(chart) | {"points": points, "curve": curve}
    by_locality = {}
    for name, chart in data["by_locality"].items():
        points = [published(p, p["placement_type"]) for p in chart["points"]]
        curve = _ratio_curve(shown(points))
        by_locality[name] = totals(chart) | {"points": points, "curve": curve}
    return {"measure": data["measure"], "by_type": by_type, "by_locality": by_locality}


def place(locality: str) -> str:
    """A provider's locality as a sentence names it."""
    return PLACES.get(locality, locality)


def findings(data: dict) -> list[str]:
    """Sentences from the locality tables' own marking (funnel.standing), provider by
    provider; a provider whose figures are suppressed is not named."""
    if not data["by_type"]:
        return ["No placement in the period records its provider."]
    found = outside(data)
    if not found:
        return [
            "No provider's missing episodes per child placed lies outside the limits for "
            "providers of its type and size, in any locality."
        ]
    sentences = []
    for p in found:
        direction, limit = standing(p)
        bound = p["upper_998" if limit == "99.8" else "upper_95"]
        if direction == "below":
            bound = p["lower_998" if limit == "99.8" else "lower_95"]
        kind = str(PLACEMENT.get(p["placement_type"], p["placement_type"])).lower()
        sentences.append(
            f"In {place(p['locality'])}, {p['name']} ({kind}) had {shown(p['count'])} "
            f"missing episodes from {shown(p['size'])} "
            f"{'child' if p['size'] == 1 else 'children'} placed ({decimal(p['value'], 2)} per "
            f"child): {'higher' if direction == 'above' else 'lower'} than the {limit}% limit "
            f"of {decimal(bound, 2)} for a provider of its type and size (outside the {limit}% "
            "limits)."
        )
    return sentences
