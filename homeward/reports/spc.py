"""A p-chart and its run rules, as plain Python over monthly counts.

The rules are the usual ones for telling a real change from noise: a point beyond the
3-sigma limits, a shift (8 or more points in a row on one side of the centre line), and a
trend (6 or more points in a row each higher, or each lower, than the one before).
"""

import math

from homeward.reports.rounding import percentage

SHIFT_RUN = 8
TREND_RUN = 6


def p_chart(points: list[tuple[str, int, int]]) -> dict:
    """Centre line and 3-sigma limits (in %) for (label, n, of) points, and the signals found."""
    total_n = sum(n for _, n, _ in points)
    total_of = sum(of for _, _, of in points)
    centre = total_n / total_of if total_of else None
    months = [_point(label, n, of, centre) for label, n, of in points]
    return {
        "centre": percentage(total_n, total_of),
        "months": months,
        "signals": signals(months, centre),
    }


def _point(label: str, n: int, of: int, centre: float | None) -> dict:
    point = {"label": label, "n": n, "of": of, "pct": None, "lower": None, "upper": None}
    if of and centre is not None:
        spread = 3 * math.sqrt(centre * (1 - centre) / of)
        point["pct"] = 100 * n / of
        point["lower"] = 100 * max(0.0, centre - spread)
        point["upper"] = 100 * min(1.0, centre + spread)
    return point


def signals(months: list[dict], centre: float | None) -> list[dict]:
    """Every run-rule signal among points with a percentage (months with no base are skipped)."""
    charted = [m for m in months if m["pct"] is not None]
    if centre is None or not charted:
        return []
    return [
        *beyond_limits(charted),
        *shifts(charted, 100 * centre),
        *trends(charted),
    ]


def beyond_limits(points: list[dict]) -> list[dict]:
    """Each point above its upper or below its lower limit."""
    found = []
    for p in points:
        if p["pct"] > p["upper"]:
            found.append(_signal("beyond_limits", "above", [p]))
        elif p["pct"] < p["lower"]:
            found.append(_signal("beyond_limits", "below", [p]))
    return found


def shifts(points: list[dict], centre_pct: float) -> list[dict]:
    """Runs of SHIFT_RUN or more points on one side of the centre; a point on it breaks a run."""

    def side(p):
        return "above" if p["pct"] > centre_pct else "below" if p["pct"] < centre_pct else None

    return _runs(points, [side(p) for p in points], SHIFT_RUN, "shift")


def trends(points: list[dict]) -> list[dict]:
    """Runs of TREND_RUN or more points each higher (or each lower) than the one before."""
    steps = [None]
    for before, after in zip(points, points[1:], strict=False):
        change = after["pct"] - before["pct"]
        steps.append("rising" if change > 0 else "falling" if change < 0 else None)
    found = []
    start = 1
    while start < len(points):
        end = start
        while end + 1 < len(points) and steps[end + 1] == steps[start]:
            end += 1
        # A run of k steps covers k + 1 points, starting one before the first step.
        if steps[start] is not None and end - start + 2 >= TREND_RUN:
            found.append(_signal("trend", steps[start], points[start - 1 : end + 1]))
        start = end + 1
    return found


def _runs(points: list[dict], labels: list, length: int, rule: str) -> list[dict]:
    found = []
    start = 0
    while start < len(points):
        end = start
        while end + 1 < len(points) and labels[end + 1] == labels[start]:
            end += 1
        if labels[start] is not None and end - start + 1 >= length:
            found.append(_signal(rule, labels[start], points[start : end + 1]))
        start = end + 1
    return found


def _signal(rule: str, direction: str, points: list[dict]) -> dict:
    return {"rule": rule, "direction": direction, "months": [p["label"] for p in points]}


def monthly_totals(monthly: dict) -> dict:
    """The control chart's returns and interviews over all its months: `totals`, or (in a
    report made before it carried them) the sum of its months."""
    if "totals" in monthly:
        return monthly["totals"]
    return {
        "returns": sum(m["returns"] for m in monthly["months"]),
        "completed_within_72h": sum(m["completed_within_72h"]["n"] for m in monthly["months"]),
    }
