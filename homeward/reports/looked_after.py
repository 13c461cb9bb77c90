"""The council's own looked-after children who went missing, counted the way DfE counts them
for a year ending 31 March, and set beside DfE's published figures (benchmarks).

DfE's figures come from the SSDA903 return: children looked after at any time in the year,
and the missing (and away) incidents that started while they were looked after. So:

- children looked after during the year: the council's own children (responsible council is
  the council) with a placement overlapping 1 April to 31 March, or an episode recorded with
  legal status `looked_after` in the year. Placed-in children are another council's to count.
- an incident counts when its last seen falls in the year (Europe/London) and the child was
  looked after then: the episode's legal status is `looked_after`, or it began on a day the
  child had a placement. An episode from home before the child came into care does not.

Everything is counted in the database. The shape of `comparison()`: docs/benchmarks.md.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate

from homeward.benchmarks.selectors import COMPARED, latest_published_year, published_comparison
from homeward.children.models import Child, Placement
from homeward.core.clock import LONDON, Period
from homeward.core.codes import Category, LegalStatus
from homeward.episodes.models import Episode

LABELS = {
    "pct_missing": "Children who went missing, as % of children looked after",
    "incidents_per_missing_child": "Missing incidents per child who went missing",
    "pct_missing_more_than_once": "Children missing more than once, as % of those who went missing",
    "children_looked_after": "Children looked after during the year",
    "children_missing": "Children who went missing",
    "missing_incidents": "Missing incidents",
    "children_missing_more_than_once": "Children who went missing more than once",
    "pct_away": "Children away from placement without authorisation, as % of children looked after",
    "incidents_per_away_child": "Away incidents per child who was away",
    "pct_away_more_than_once": "Children away more than once, as % of those who were away",
    "children_away": "Children away from placement without authorisation",
    "away_incidents": "Away from placement incidents",
    "children_away_more_than_once": "Children away more than once",
}


def year_ending_for(day: dt.date) -> int:
    """The latest year ending 31 March that has ended by `day`."""
    return day.year if day >= dt.date(day.year, 3, 31) else day.year - 1


def looked_after_year(*, council, year_ending: int) -> dict:
    """The council's own looked-after children who went missing or were away, for the year
    1 April (year_ending - 1) to 31 March (year_ending), as DfE counts them."""
    year = Period(dt.date(year_ending - 1, 4, 1), dt.date(year_ending, 3, 31))
    looked_after = _looked_after_children(council, year)
    per_child = (
        _episodes_while_looked_after(council, year, looked_after)
        .values("child")
        .annotate(
            missing=Count("pk", filter=Q(category=Category.MISSING)),
            away=Count("pk", filter=Q(category=Category.AWAY)),
        )
    )
    totals = per_child.aggregate(
        children_missing=Count("child", filter=Q(missing__gte=1)),
        missing_incidents=Sum("missing", default=0),
        children_missing_more_than_once=Count("child", filter=Q(missing__gte=2)),
        children_away=Count("child", filter=Q(away__gte=1)),
        away_incidents=Sum("away", default=0),
        children_away_more_than_once=Count("child", filter=Q(away__gte=2)),
    )
    counts = {"children_looked_after": looked_after.count(), **totals}
    return {
        "year_ending": year_ending,
        "from": year.first.isoformat(),
        "to": year.last.isoformat(),
        "counts": counts,
        "measures": _measures(counts),
    }


def comparison(*, council, year_ending: int) -> dict:
    """The council's own figures beside DfE's published ones (council, statistical neighbours,
    region, England) for one year ending 31 March; JSON-ready."""
    own = looked_after_year(council=council, year_ending=year_ending)
    published = published_comparison(council_code=council.code, year_ending=year_ending)
    return {
        "year_ending": year_ending,
        "from": own["from"],
        "to": own["to"],
        "note": _note(year_ending, published),
        "own": own,
        "council": published["council"],
        "region": published["region"],
        "england": published["england"],
        "neighbour_model": published["neighbour_model"],
        "neighbours": published["neighbours"],
        "rows": [
            {
                "measure": key,
                "label": LABELS[key],
                "own": own["measures"][key],
                **published["measures"][key],
            }
            for key in COMPARED
        ],
        "source": (
            "DfE, Children looked after in England including adoption; DfE children's services "
            "statistical neighbour benchmarking tool. Open Government Licence v3.0."
        ),
    }


def _looked_after_children(council, year: Period):
    placed = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=year.first),
        child=OuterRef("pk"),
        start_date__lte=year.last,
    )
    looked_after_episode = Episode.objects.filter(
        child=OuterRef("pk"),
        legal_status=LegalStatus.LOOKED_AFTER,
        last_seen_at__gte=year.starts_at,
        last_seen_at__lt=year.ends_before,
    )
    return Child.objects.filter(
        Exists(placed) | Exists(looked_after_episode), council=council, responsible_la=council
    )


def _episodes_while_looked_after(council, year: Period, looked_after):
    in_placement = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("seen_on")),
        child=OuterRef("child"),
        start_date__lte=OuterRef("seen_on"),
    )
    return (
        Episode.objects.filter(
            council=council,
            child__in=looked_after.values("pk"),
            last_seen_at__gte=year.starts_at,
            last_seen_at__lt=year.ends_before,
        )
        .annotate(seen_on=TruncDate("last_seen_at", tzinfo=LONDON))
        .filter(Q(legal_status=LegalStatus.LOOKED_AFTER) | Exists(in_placement))
    )


def _measures(counts: dict) -> dict:
    """The compared measures from the counts, rounded as DfE rounds them."""
    looked_after = counts["children_looked_after"]
    measures = {}
    for kind in ("missing", "away"):
        children = counts[f"children_{kind}"]
        incidents = counts[f"{kind}_incidents"]
        repeat = counts[f"children_{kind}_more_than_once"]
        measures |= {
            f"pct_{kind}": _ratio(children, looked_after, 100, "1"),
            f"incidents_per_{kind}_child": _ratio(incidents, children, 1, "0.1"),
            f"pct_{kind}_more_than_once": _ratio(repeat, children, 100, "1"),
            f"children_{kind}": children,
            f"{kind}_incidents": incidents,
            f"children_{kind}_more_than_once": repeat,
        }
    measures["children_looked_after"] = looked_after
    return measures


def _ratio(top: int, bottom: int, scale: int, places: str) -> float | None:
    if not bottom:
        return None
    value = (Decimal(scale * top) / Decimal(bottom)).quantize(Decimal(places), ROUND_HALF_UP)
    return float(value)


def _note(year_ending: int, published: dict) -> str:
    span = f"1 April {year_ending - 1} to 31 March {year_ending}"
    note = (
        f"Looked-after children's figures are for the year ending 31 March {year_ending} "
        f"({span}), the year DfE publishes, so that the council's own count and the "
        "published figures cover the same children."
    )
    if not published["published"]:
        latest = latest_published_year()
        note += (
            " DfE has not published figures for that year"
            + (f" (the latest loaded is {latest})" if latest else "")
            + ": the published columns are shown as x (not available)."
        )
    model = published["neighbour_model"]
    if model:
        note += f" Statistical neighbours are those of DfE's {model} model."
    return note
