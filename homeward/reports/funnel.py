"""Funnel plots: each place's rate against the whole's, with limits that narrow as it grows.

Localities use the binomial approximation (children missing out of the children living
there); children's homes the Poisson one (episodes per child placed). Limits are two-sided
95% (z = 1.96) and 99.8% (z = 3.09), never below zero.
"""

import math

Z_95 = 1.96
Z_998 = 3.09
CURVE_POINTS = 40


def binomial_limits(p: float, size: int, z: float) -> tuple[float, float]:
    """Limits for a proportion p observed among `size`."""
    spread = z * math.sqrt(p * (1 - p) / size)
    return max(0.0, p - spread), p + spread


def poisson_limits(rate: float, size: int, z: float) -> tuple[float, float]:
    """Limits for a rate per unit observed over `size` units."""
    spread = z * math.sqrt(rate / size)
    return max(0.0, rate - spread), rate + spread


def funnel(points: list[dict], centre: float, method: str, scale: float = 1.0) -> dict:
    """Each point ({name, size, count}) with its value, limits and flags; `scale` for per 10,000."""
    limits = binomial_limits if method == "binomial" else poisson_limits
    charted = [p for p in points if p["size"]]
    return {
        "centre": _round(centre * scale),
        "method": method,
        "points": [_placed(p, centre, limits, scale) for p in charted],
        "curve": _curve(charted, centre, limits, scale),
    }


def _placed(point: dict, centre: float, limits, scale: float) -> dict:
    value = point["count"] / point["size"]
    lower_95, upper_95 = limits(centre, point["size"], Z_95)
    lower_998, upper_998 = limits(centre, point["size"], Z_998)
    return {
        **point,
        "value": _round(value * scale),
        "lower_95": _round(lower_95 * scale),
        "upper_95": _round(upper_95 * scale),
        "lower_998": _round(lower_998 * scale),
        "upper_998": _round(upper_998 * scale),
        "flag": flag(value, lower_998, upper_998),
        "flag_95": flag(value, lower_95, upper_95),
    }


def flag(value: float, lower: float, upper: float) -> str:
    """Where a value lies against its limits: "above", "below" or "within"."""
    return "above" if value > upper else "below" if value < lower else "within"


# How a point's standing is shown: the paper's tables and its findings both use `standing`,
# so a finding can never call significant a point its table marks "Within limits".
WITHIN = "Within limits"
STANDING_WORDS = {"above": "Higher", "below": "Lower"}


def standing(point: dict) -> tuple[str, str] | None:
    """Whether a point lies outside its limits, as (direction, limit): ("above", "99.8") when
    beyond the 99.8% limits, ("below", "95") when beyond the 95% limits only; None when within
    both, or when its figures are suppressed. The one decision the tables and findings share."""
    if point.get("value") is None or not isinstance(point.get("value"), (int, float)):
        return None
    if point.get("flag", "within") != "within":
        return point["flag"], "99.8"
    if point.get("flag_95", "within") != "within":
        return point["flag_95"], "95"
    return None


def standing_label(point: dict) -> str:
    """The table's marking of a point: "Higher: outside the 99.8% limits", "Lower: outside the
    95% limits" or "Within limits"."""
    found = standing(point)
    if found is None:
        return WITHIN
    direction, limit = found
    return f"{STANDING_WORDS[direction]}: outside the {limit}% limits"


def limits_curve(sizes: list[int], centre: float, method: str, scale: float = 1.0) -> list[dict]:
    """The limits' curve alone, over `sizes` (as `funnel` draws it over its points')."""
    limits = binomial_limits if method == "binomial" else poisson_limits
    return _curve([{"size": size} for size in sizes if size], centre, limits, scale)


def _curve(points: list[dict], centre: float, limits, scale: float) -> list[dict]:
    if not points or centre <= 0:
        return []
    smallest = min(p["size"] for p in points)
    largest = max(p["size"] for p in points)
    step = (largest - smallest) / (CURVE_POINTS - 1)
    sizes = sorted({max(1, round(smallest + i * step)) for i in range(CURVE_POINTS)})
    curve = []
    for size in sizes:
        lower_95, upper_95 = limits(centre, size, Z_95)
        lower_998, upper_998 = limits(centre, size, Z_998)
        curve.append(
            {
                "size": size,
                "lower_95": _round(lower_95 * scale),
                "upper_95": _round(upper_95 * scale),
                "lower_998": _round(lower_998 * scale),
                "upper_998": _round(upper_998 * scale),
            }
        )
    return curve


def _round(value: float) -> float:
    return round(value, 2)
