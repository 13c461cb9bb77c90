"""Publication mode: figures about fewer than 5 children are suppressed ("c"), as DfE does."""

import copy

SMALL = 5
SUPPRESSED = "c"
GROUPINGS = (
    "by_sex",
    "by_age_band",
    "by_locality",
    "by_legal_status",
    "by_placement_type",
    "by_risk",
)


def is_small(children) -> bool:
    """Whether a count of children is too small to publish."""
    return isinstance(children, int) and children < SMALL


def suppress_group(group: dict) -> dict:
    """A group with every figure replaced by "c" when it describes fewer than 5 children."""
    if not is_small(group.get("children")):
        return group
    return {key: SUPPRESSED if key != "population_0_17" else value for key, value in group.items()}


def suppress(report: dict) -> dict:
    """A copy of the report safe to publish: every small group's figures replaced by "c"."""
    published = copy.deepcopy(report)
    for category in ("missing", "away"):
        for grouping in GROUPINGS:
            groups = published[category][grouping]
            published[category][grouping] = {k: suppress_group(g) for k, g in groups.items()}
    published["rates_by_locality"] = {
        k: suppress_group(g) for k, g in published["rates_by_locality"].items()
    }
    published["placed_in"] = suppress_group(published["placed_in"])
    published["placed_out"] = suppress_group(published["placed_out"])
    for chart in published["funnel"].values():
        chart["points"] = [_suppress_point(p) for p in chart["points"]]
    if is_small(published["repeat_children"]["count"]):
        published["repeat_children"] = _all_suppressed(published["repeat_children"])
        published["ce_screening"] = _all_suppressed(published["ce_screening"])
    return published


def _suppress_point(point: dict) -> dict:
    # A locality's point is about the children counted; a home's about the children placed.
    children = point["count"] if "urn" not in point else point["size"]
    if not is_small(children):
        return point
    kept = ("name", "urn", "size", "lower_95", "upper_95", "lower_998", "upper_998")
    if "urn" in point:
        kept = ("name", "urn")
    return {key: value if key in kept else SUPPRESSED for key, value in point.items()}


def _all_suppressed(value):
    if isinstance(value, dict):
        return {key: _all_suppressed(v) for key, v in value.items()}
    return SUPPRESSED
