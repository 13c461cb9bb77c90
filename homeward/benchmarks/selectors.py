"""Reading the published comparators: a council beside its statistical neighbours, region
and England, for one year ending 31 March. Values come out JSON-ready (floats, not
Decimals); a figure DfE did not publish keeps its symbol (c, z, x, k) and never becomes 0."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q

from homeward.benchmarks.models import Level, Population0to17, PublishedFigure, StatisticalNeighbour
from homeward.councils.models import Council

ENGLAND = "E92000001"
LONDON = "E12000007"
INNER_AND_OUTER_LONDON = {"E13000001", "E13000002"}

# What the comparison shows, for missing and for away: (key, how it is made).
# A str is a published measure; a pair is (numerator, denominator) as a percentage.
COMPARED = {
    "pct_missing": "pct_missing",
    "incidents_per_missing_child": "incidents_per_missing_child",
    "pct_missing_more_than_once": ("children_missing_more_than_once", "children_missing"),
    "children_looked_after": "children_looked_after",
    "children_missing": "children_missing",
    "missing_incidents": "missing_incidents",
    "children_missing_more_than_once": "children_missing_more_than_once",
    "pct_away": "pct_away",
    "incidents_per_away_child": "incidents_per_away_child",
    "pct_away_more_than_once": ("children_away_more_than_once", "children_away"),
    "children_away": "children_away",
    "away_incidents": "away_incidents",
    "children_away_more_than_once": "children_away_more_than_once",
}
PUBLISHED_MEASURES = sorted(
    {part for how in COMPARED.values() for part in ((how,) if isinstance(how, str) else how)}
)
NO_FIGURE = "x"  # a neighbour with no row at all that year is shown as unavailable


def latest_published_year() -> int | None:
    """The latest year ending 31 March with published figures loaded."""
    return PublishedFigure.objects.aggregate(latest=Max("year_ending"))["latest"]


def population_0_17(*, area_code: str, year: int) -> int | None:
    """ONS mid-year estimate of children aged 0-17 in an area (council code, region or England)."""
    found = Population0to17.objects.filter(area_code=area_code, year=year).first()
    return found.value if found else None


def neighbour_model_for(*, council_code: str, year_ending: int) -> int | None:
    """The statistical-neighbour model for a year: the latest model no later than the year
    (the earliest model before any), else the nearest model that lists the council."""
    models = sorted(
        StatisticalNeighbour.objects.filter(council_code=council_code)
        .values_list("model_year", flat=True)
        .distinct()
    )
    if not models:
        return None
    earlier = [m for m in models if m <= year_ending]
    return earlier[-1] if earlier else models[0]


def statistical_neighbours(*, council_code: str, model_year: int) -> list[str]:
    """The council's ten neighbours' codes in rank order."""
    return list(
        StatisticalNeighbour.objects.filter(
            council_code=council_code, model_year=model_year
        ).values_list("neighbour_code", flat=True)
    )


def published_comparison(*, council_code: str, year_ending: int) -> dict:
    """The council's published figures beside its ten statistical neighbours (mean, min, max),
    its region and England, for one year ending 31 March."""
    model = neighbour_model_for(council_code=council_code, year_ending=year_ending)
    ranked = list(StatisticalNeighbour.objects.filter(council_code=council_code, model_year=model))
    codes = [n.neighbour_code for n in ranked]
    region_code = _region_of(council_code, year_ending)
    rows = _figures([council_code, *codes], region_code, year_ending)
    own = rows.get((Level.COUNCIL, council_code), {})
    names = _names([council_code, *codes], rows)
    return {
        "year_ending": year_ending,
        "published": bool(rows),
        "council": {"code": council_code, "name": names.get(council_code, council_code)},
        "region": {
            "code": region_code,
            "name": _area_name(rows, Level.REGION, region_code),
        },
        "england": {"code": ENGLAND, "name": "England"},
        "neighbour_model": model,
        "neighbours": [
            {
                "rank": n.rank,
                "code": n.neighbour_code,
                "name": names.get(n.neighbour_code, n.neighbour_code),
                "closeness": n.closeness,
            }
            for n in ranked
        ],
        "measures": {
            key: {
                "council": _figure(own, how),
                "neighbours": _spread(
                    [(code, _figure(rows.get((Level.COUNCIL, code), {}), how)) for code in codes]
                ),
                "region": _figure(rows.get((Level.REGION, region_code), {}), how),
                "england": _figure(rows.get((Level.ENGLAND, ENGLAND), {}), how),
            }
            for key, how in COMPARED.items()
        },
    }


def _figures(councils: list[str], region: str | None, year: int) -> dict:
    """(level, area code) -> {measure: PublishedFigure}, in one query."""
    wanted = Q(level=Level.COUNCIL, area_code__in=councils) | Q(level=Level.ENGLAND)
    if region:
        wanted |= Q(level=Level.REGION, area_code=region)
    rows: dict = {}
    for f in PublishedFigure.objects.filter(
        wanted, year_ending=year, measure__in=PUBLISHED_MEASURES
    ):
        rows.setdefault((f.level, f.area_code), {})[f.measure] = f
    return rows


def _region_of(council_code: str, year: int) -> str | None:
    """The council's region that year (London for inner and outer London boroughs)."""
    rows = PublishedFigure.objects.filter(level=Level.COUNCIL, area_code=council_code).exclude(
        region_code=""
    )
    found = rows.filter(year_ending=year).values_list("region_code", flat=True).first()
    found = found or rows.order_by("-year_ending").values_list("region_code", flat=True).first()
    if found is None:
        council = Council.objects.filter(code=council_code).first()
        found = council.region_code if council and council.region_code else None
    return LONDON if found in INNER_AND_OUTER_LONDON else found


def _names(codes: list[str], rows: dict) -> dict[str, str]:
    names = dict(Council.objects.filter(code__in=codes).values_list("code", "name"))
    for (level, code), measures in rows.items():
        if level == Level.COUNCIL and code not in names:
            names[code] = next(iter(measures.values())).area_name
    return names


def _area_name(rows: dict, level: str, code: str | None) -> str | None:
    measures = rows.get((level, code))
    if measures:
        return next(iter(measures.values())).area_name
    found = PublishedFigure.objects.filter(level=level, area_code=code).first()
    return found.area_name if found else None


def _shown(value: Decimal | None, status: str) -> dict:
    if value is None:
        return {"value": None, "status": status or NO_FIGURE, "shown": status or NO_FIGURE}
    return {"value": float(value), "status": "", "shown": format(value.normalize(), "f")}


def _figure(measures: dict, how) -> dict:
    """A published figure, or a percentage of two, as {value, status, shown}."""
    if isinstance(how, str):
        found = measures.get(how)
        return _shown(found.value, found.status) if found else _shown(None, NO_FIGURE)
    top, bottom = (measures.get(m) for m in how)
    parts = [top, bottom]
    if any(p is None for p in parts):
        return _shown(None, NO_FIGURE)
    statuses = [p.status for p in parts if p.status]
    if statuses:
        return _shown(None, "c" if "c" in statuses else statuses[0])
    if not bottom.value:
        return _shown(None, "z")
    pct = (100 * top.value / bottom.value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return _shown(pct, "")


def _spread(figures: list[tuple[str, dict]]) -> dict:
    """Mean, min and max of the neighbours with a value; those without are counted by symbol."""
    values = [Decimal(str(f["value"])) for _, f in figures if f["value"] is not None]
    without: dict[str, int] = {}
    for _, f in figures:
        if f["value"] is None:
            without[f["status"]] = without.get(f["status"], 0) + 1
    mean = None
    if values:
        mean = float((sum(values) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return {
        "mean": mean,
        "min": float(min(values)) if values else None,
        "max": float(max(values)) if values else None,
        "with_value": len(values),
        "without_value": sum(without.values()),
        "without_value_by_status": without,
        "values": [{"code": code, **f} for code, f in figures],
    }
