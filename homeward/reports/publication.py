"""Publication mode: no figure describes fewer than 5 children, as DfE does ("c").

docs/security.md ("Suppression rules") says what is suppressed and why; in short:

* a report about 1 to 4 children (missing, or away) is refused, not published;
* every group (by sex, age band, locality, ...) describing fewer than 5 children shows "c"
  for all its figures (primary suppression);
* when a table's groups add up to a total that is shown and only one group is suppressed,
  the next smallest is suppressed too (secondary suppression), so that no suppressed figure
  is the total minus the others; localities get the same cells hidden in every table;
* every count of children or episodes from 1 to 4 shows "c" wherever it stands (still
  missing at the end, repeat children, a year earlier), and every share of a base of 1 to 4;
* on the return home interviews' control chart, a month whose returns or interviews number
  1 to 4 shows "c" for its figures and limits, with the next smallest month when it alone
  would (`small_months`).
"""

import copy

from homeward.reports.spc import monthly_totals

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
CATEGORIES = ("missing", "away")
TOO_FEW_CHILDREN = (
    "The publication version of this report is refused: fewer than 5 children went missing "
    "in the period and place chosen, so its figures could identify them. Choose a longer "
    "period or the whole council; the draft is for officers only and is not to be published."
)
# The year-earlier figures that count children or episodes, and the figures made from them.
HEADLINE_COUNTS = {
    "missing_children": ("missing_episodes_per_child", "missing_rate_per_10k_children"),
    "missing_repeat_children": (),
    "missing_episodes": ("missing_episodes_per_child",),
    "away_children": (),
    "away_episodes": (),
    "rhi_returns": (
        "rhi_offered_within_72h_pct",
        "rhi_completed_within_72h_pct",
        "rhi_completed_pct",
    ),
}


class PublicationRefused(ValueError):
    """A publication report that would describe fewer than 5 children."""


def is_small(children) -> bool:
    """Whether a count of children is too small to publish."""
    return isinstance(children, int) and children < SMALL


def is_few(count) -> bool:
    """Whether a count standing on its own (1 to 4) could point to a child; 0 cannot."""
    return isinstance(count, int) and 0 < count < SMALL


def check_publishable(report: dict) -> None:
    """Refuse a report whose children missing (or away) number 1 to 4."""
    children = [report[category]["children"] for category in CATEGORIES]
    if any(children) and max(children) < SMALL:
        raise PublicationRefused(TOO_FEW_CHILDREN)


def suppress_group(group: dict) -> dict:
    """A group with every figure replaced by "c" when it describes fewer than 5 children."""
    if not is_small(group.get("children")):
        return group
    return _hidden(group)


def to_hide(cells: dict[str, dict], hidden: frozenset | set = frozenset()) -> set:
    """The keys of a table's cells to suppress: those about fewer than 5 children, those in
    `hidden` already, and, when only one would be, the next smallest with it."""
    hide = {key for key, cell in cells.items() if is_small(cell["children"]) or key in hidden}
    if len(hide) == 1 and len(cells) > 1:
        shown = [key for key in cells if key not in hide]
        hide.add(min(shown, key=lambda k: (cells[k]["children"], cells[k]["episodes"])))
    return hide


def suppress(report: dict) -> dict:
    """A copy of the report safe to publish, by the rules above."""
    published = copy.deepcopy(report)
    for category in CATEGORIES:
        published[category] = _category(published[category])
    _localities(published)
    published["placed_in"] = suppress_group(published["placed_in"])
    published["placed_out"] = suppress_group(published["placed_out"])
    homes = published["funnel"]["childrens_homes"]
    homes["points"] = [_suppress_point(p) for p in homes["points"]]
    _repeat(published)
    if is_few(published["rhi"]["returns"]):
        published["rhi"] = _all_suppressed(published["rhi"])
    _rhi_monthly(published["rhi_monthly"])
    published["previous_year"] = _previous_year(published["previous_year"])
    return published


def _category(figures: dict) -> dict:
    if is_few(figures["children"]):
        # Not even which groups the children fall in: a lone "male" key would say it.
        return {k: {} if k in GROUPINGS else _all_suppressed(v) for k, v in figures.items()}
    for grouping in GROUPINGS:
        groups = figures[grouping]
        hide = to_hide(groups)
        figures[grouping] = {k: _hidden(g) if k in hide else g for k, g in groups.items()}
    for count in ("open_at_end", "repeat_children"):
        if is_few(figures[count]):
            figures[count] = SUPPRESSED
    return figures


def _localities(published: dict) -> None:
    # The same localities appear in three tables (children missing by locality, rates, the
    # funnel): a locality hidden in one is hidden in all, and no table is left with one alone.
    by_locality = published["missing"]["by_locality"]
    rates = published["rates_by_locality"]
    if by_locality == SUPPRESSED:
        by_locality = {}
    hidden: set = set()
    while True:
        grown = to_hide(rates, hidden) | to_hide(by_locality, hidden)
        if grown == hidden:
            break
        hidden = grown
    published["rates_by_locality"] = {k: _hidden(g) if k in hidden else g for k, g in rates.items()}
    if by_locality:
        published["missing"]["by_locality"] = {
            k: _hidden(g) if k in hidden else g for k, g in by_locality.items()
        }
    chart = published["funnel"]["localities"]
    chart["points"] = [_suppress_point(p, hide=p["name"] in hidden) for p in chart["points"]]


def _repeat(published: dict) -> None:
    repeat = published["repeat_children"]
    if is_small(repeat["count"]):
        published["repeat_children"] = _all_suppressed(repeat)
        published["ce_screening"] = _all_suppressed(published["ce_screening"])
        return
    bands = {k: {"children": n, "episodes": n} for k, n in repeat["by_episodes"].items()}
    hide = to_hide(bands)
    repeat["by_episodes"] = {
        k: SUPPRESSED if k in hide else n for k, n in repeat["by_episodes"].items()
    }


def small_months(months: list[tuple[str, int, int]]) -> set[str]:
    """The months of a control chart's table to suppress, from (month, n, of): those whose
    returns or interviews number 1 to 4, and, when only one would be, the next smallest
    month with returns, so that no month is the total minus the others."""
    hide = {month for month, n, of in months if is_few(n) or is_few(of)}
    if len(hide) == 1:
        rest = [(of, n, month) for month, n, of in months if month not in hide and of]
        if rest:
            hide.add(min(rest)[2])
    return hide


def _rhi_monthly(chart: dict) -> None:
    # A month's returns and interviews of 1 to 4 are "c" with its percentage and its limits
    # (which are drawn from its returns); the centre line, totals and signals stay.
    months = chart["months"]
    # The totals row is counted before any month is hidden (a report made before it carried
    # `totals` has them summed here).
    chart["totals"] = monthly_totals(chart)
    hide = small_months(
        [(m["month"], m["completed_within_72h"]["n"], m["returns"]) for m in months]
    )
    chart["months"] = [
        _all_suppressed(m) | {"month": m["month"]} if m["month"] in hide else m for m in months
    ]
    chart["totals"] = {k: SUPPRESSED if is_few(v) else v for k, v in chart["totals"].items()}


def _previous_year(previous: dict) -> dict:
    hide = set()
    for year in ("figures", "current"):
        for key, derived in HEADLINE_COUNTS.items():
            if is_few(previous[year].get(key)):
                hide |= {key, *derived}
    for part in ("figures", "current", "change", "change_pct"):
        previous[part] = {k: SUPPRESSED if k in hide else v for k, v in previous[part].items()}
    return previous


def _suppress_point(point: dict, hide: bool = False) -> dict:
    # A locality's point is about the children counted; a home's about the children placed.
    children = point["count"] if "urn" not in point else point["size"]
    if not (hide or is_small(children)):
        return point
    kept = ("name", "urn", "size", "lower_95", "upper_95", "lower_998", "upper_998")
    if "urn" in point:
        kept = ("name", "urn")
    return {key: value if key in kept else SUPPRESSED for key, value in point.items()}


def _hidden(group: dict) -> dict:
    return {key: SUPPRESSED if key != "population_0_17" else value for key, value in group.items()}


def _all_suppressed(value):
    if isinstance(value, dict):
        return {key: _all_suppressed(v) for key, v in value.items()}
    return SUPPRESSED
