"""Providers: missing episodes per child placed, by provider (Ofsted URN) and placement type,
within each locality, on a funnel plot so that each provider is judged against its size.

A provider is its Ofsted URN (its name when it has none), a placement's locality where the
provider is. Each funnel compares providers of one placement type across the council: its
centre is that type's episodes per child placed; limits as funnel.py (Poisson). Provider
names are for the roles that read the whole report (access.rules ALL_REPORTS: administrator,
missing coordinator, exploitation lead, analyst); the published version hides every
provider with fewer than 5 children placed, name and URN with its figures.
"""

from django.db.models import Case, F, Q, Value, When

from homeward.children.models import Placement
from homeward.core.clock import Period
from homeward.core.codes import Category
from homeward.reports.analyses.common import NOT_KNOWN, SUPPRESSED, hidden, is_few, shown
from homeward.reports.figures import seen_in
from homeward.reports.funnel import funnel
from homeward.reports.publication import is_small
from homeward.reports.scope import Scope

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
    return {
        "measure": "missing episodes per child placed",
        "by_type": {t: _funnel(points) for t, points in sorted(by_type.items())},
    }


def _funnel(points: list[dict]) -> dict:
    placed = sum(p["size"] for p in points)
    episodes = sum(p["count"] for p in points)
    chart = funnel(points, centre=episodes / placed if placed else 0.0, method="poisson")
    chart["points"] = sorted(chart["points"], key=lambda p: (p["locality"], p["name"]))
    return {"children": placed, "episodes": episodes, **chart}


def above(data: dict) -> list[dict]:
    """Providers above their 99.8% limit, with their placement type."""
    return [
        point | {"placement_type": placement_type}
        for placement_type, chart in data["by_type"].items()
        for point in chart["points"]
        if point["flag"] == "above"
    ]


def suppress(data: dict) -> dict:
    """The publication version: a provider with fewer than 5 children placed loses its name,
    URN and figures; a type's totals of 1 to 4 are "c"."""
    published = {"measure": data["measure"], "by_type": {}}
    for placement_type, chart in data["by_type"].items():
        chart = dict(chart)
        chart["points"] = [
            hidden(p, keep=("locality",)) if is_small(p["size"]) else p for p in chart["points"]
        ]
        for total in ("children", "episodes"):
            if is_few(chart[total]):
                chart[total] = SUPPRESSED
        published["by_type"][placement_type] = chart
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the funnels' own flags."""
    found = [p for p in above(data) if p["name"] != SUPPRESSED]
    if not data["by_type"]:
        return ["No placement in the period records its provider."]
    if not found:
        return [
            "No provider's missing episodes per child placed lies above the 99.8% limit for "
            "providers of its type and size."
        ]
    return [
        f"{p['name']} ({PLACES.get(p['locality'], p['locality'])}) had {shown(p['count'])} "
        f"missing episodes from {shown(p['size'])} "
        f"{'child' if p['size'] == 1 else 'children'} placed ({p['value']} per child), above "
        f"the 99.8% limit of {p['upper_998']} for a provider of its type and size."
        for p in found
    ]
