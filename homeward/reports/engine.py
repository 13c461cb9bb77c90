"""The scrutiny report as one JSON-ready dict: the contract for the document, page and JSON.

docs/report-json.md describes every key. Counting is in `figures` (in the database), the
statistics in `spc` and `funnel` (plain Python over the counts), the sentences in `findings`.
"""

import datetime as dt
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from homeward.core.clock import Period, calendar_months, months_ending
from homeward.core.codes import Category
from homeward.reports import analyses, committee, figures, findings, publication
from homeward.reports.funnel import funnel
from homeward.reports.scope import Scope, scope_for
from homeward.reports.spc import p_chart

SCHEMA = "homeward-report/1"
DEMO_NOTICE = (
    "Every child in this report is made up: the figures come from Homeward's demo county, "
    "not from any real council."
)
SPC_MONTHS = 24


def build_report(
    *,
    council_code: str | None,
    period_from: dt.date,
    period_to: dt.date,
    locality: str | None = None,
    publication: bool = False,
) -> dict:
    """Every figure of the report for the council ("all", a DfE code, or None for this one)."""
    if period_to < period_from:
        raise ValueError("The period ends before it starts. Check --from and --to.")
    scope = scope_for(council_code, locality)
    period = Period(period_from, period_to)
    earlier = year_earlier(period)
    with _counting():
        rhi, rhi_earlier = figures.rhi_figures(scope, period, earlier)
        counted, counted_earlier = figures.per_child_counts(scope, period, earlier)
        report = {
            "schema": SCHEMA,
            "meta": _meta(scope, period, publication),
            **period_figures(scope, period, counted | {"rhi": rhi}),
        }
        report |= {
            "rates_by_locality": rates_by_locality(scope, period, report["missing"]),
            "rhi_monthly": rhi_monthly(scope, period),
            "benchmarks": benchmarks(scope, period),
        }
        report["funnel"] = funnels(scope, period, report["rates_by_locality"], report["missing"])
        report["previous_year"] = previous_year(
            scope, period, headline(report), counted_earlier | {"rhi": rhi_earlier}
        )
        # Each analysis makes its own publication version (analyses/__init__.py).
        found = analyses.build(scope, period, publication=publication)
    report["meta"] |= {
        "no_data": _no_data(report),
        "unfinished": _unfinished(period),
    }
    if report["meta"]["unfinished"]:
        report["previous_year"] = _not_compared(report["previous_year"])
    if publication:
        report = _suppressed(report)
    report["analyses"] = found
    report["findings"] = findings.find(report)
    report["paper"] = committee.parts(report)
    return report


def _no_data(report: dict) -> bool:
    """Whether nothing happened in the period: no episode seen, returned or still open."""
    counted = [report[c][key] for c in figures.CATEGORIES for key in ("episodes", "open_at_end")]
    return not any(counted) and not report["rhi"]["returns"]


def _unfinished(period: Period) -> dict | None:
    """For a period that has not ended yet, the day its figures run to (today)."""
    today = timezone.localdate()
    return {"to": today.isoformat()} if period.last >= today else None


def _not_compared(previous: dict) -> dict:
    # Part of a period against the whole of a year earlier is no comparison: say nothing.
    return previous | {
        "change": dict.fromkeys(previous["change"]),
        "change_pct": dict.fromkeys(previous["change_pct"]),
    }


@contextmanager
def _counting():
    """One transaction for the report's queries; on PostgreSQL without JIT compilation.

    The report's queries are estimated costly enough for PostgreSQL to compile them (JIT),
    which took longer than running them: about half the England-wide report's time.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def period_figures(scope: Scope, period: Period, counted: dict) -> dict:
    """The figures for one period: missing, away, RHI, screening, repeat, placed in and out.

    `counted` holds the period's `per_child_counts` and its `rhi` figures."""
    totals, repeat = counted["totals"], counted["repeat"]
    groups = figures.episode_groups(scope, period)
    still_open = figures.open_at_end(scope, period)
    durations = figures.duration_hours(
        scope, period, {c: totals[c]["returned"] for c in figures.CATEGORIES}
    )
    result = {}
    for category in figures.CATEGORIES:
        counts = totals[category]
        result[category] = {
            "episodes": counts["episodes"],
            "children": counts["children"],
            "episodes_per_child": (
                round(counts["episodes"] / counts["children"], 2) if counts["children"] else None
            ),
            "repeat_children": repeat[category],
            "rate_per_10k_children": figures.per_10k(counts["children"], scope.population),
            "rate_per_10k_episodes": figures.per_10k(counts["episodes"], scope.population),
            **groups[category],
            "duration_hours": durations[category],
            "open_at_end": still_open[category],
        }
    details = repeat["details"]
    result["rhi"] = counted["rhi"]
    result["ce_screening"] = {
        "repeat_children": details["count"],
        "screened": details["screened"],
    }
    result["repeat_children"] = details
    result["placed_in"] = counted["placed_in"]
    result["placed_out"] = counted["placed_out"]
    return result


def headline(report: dict) -> dict:
    """The figures compared with the same period a year earlier."""
    missing, away, rhi = report["missing"], report["away"], report["rhi"]
    return {
        "missing_episodes": missing["episodes"],
        "missing_children": missing["children"],
        "missing_repeat_children": missing["repeat_children"],
        "missing_episodes_per_child": missing["episodes_per_child"],
        "missing_rate_per_10k_children": missing["rate_per_10k_children"],
        "away_episodes": away["episodes"],
        "away_children": away["children"],
        "rhi_returns": rhi["returns"],
        "rhi_offered_within_72h_pct": rhi["offered_within_72h"]["pct"],
        "rhi_completed_within_72h_pct": rhi["completed_within_72h"]["pct"],
        "rhi_completed_pct": rhi["completed"]["pct"],
        "ce_screened_pct": report["ce_screening"]["screened"]["pct"],
        "placed_in_notified_within_24h_pct": report["placed_in"]["notified_within_24h"]["pct"],
    }


def year_earlier(period: Period) -> Period:
    """The same dates a year before (29 February becomes 28 February)."""
    return Period(_year_before(period.first), _year_before(period.last))


def previous_year(scope: Scope, period: Period, current: dict, counted: dict) -> dict:
    """The headline figures a year earlier (`counted`: its per-child counts and interviews),
    and the change to this period's."""
    earlier = year_earlier(period)
    before = headline(_headline_figures(scope, counted))
    change, change_pct = {}, {}
    for key, now in current.items():
        then = before[key]
        both = now is not None and then is not None
        change[key] = round(now - then, 2) if both else None
        relative = both and then != 0 and not key.endswith("_pct")
        change_pct[key] = round(100 * (now - then) / then, 1) if relative else None
    return {
        "period": _period_json(earlier),
        "figures": before,
        "current": current,
        "change": change,
        "change_pct": change_pct,
    }


def _headline_figures(scope: Scope, counted: dict) -> dict:
    # Only what `headline` reads, from counts made with the current period's.
    totals, repeat = counted["totals"], counted["repeat"]
    result = {}
    for category in figures.CATEGORIES:
        children, episodes = totals[category]["children"], totals[category]["episodes"]
        result[category] = {
            "episodes": episodes,
            "children": children,
            "episodes_per_child": round(episodes / children, 2) if children else None,
            "repeat_children": repeat[category],
            "rate_per_10k_children": figures.per_10k(children, scope.population),
        }
    result["rhi"] = counted["rhi"]
    result["ce_screening"] = {"screened": repeat["details"]["screened"]}
    result["placed_in"] = counted["placed_in"]
    return result


def rates_by_locality(scope: Scope, period: Period, missing: dict) -> dict:
    """Every locality's children missing and episodes per 10,000 aged 0-17 (whole council).

    `missing` is the report's missing figures: for the whole council they already hold
    every locality's counts, so only a report for one locality counts them again."""
    whole = scope.whole()
    if scope.locality is None:
        found = missing["by_locality"]
    else:
        counted = figures.episode_groups_by_locality(whole, period, Category.MISSING)
        found = {whole.place_label(p): counted[p.id] for p in whole.places if p.id in counted}
    rates = {}
    for place in whole.places:
        counts = found.get(whole.place_label(place), {"children": 0, "episodes": 0})
        rates[whole.place_label(place)] = {
            "population_0_17": place.population,
            "children": counts["children"],
            "episodes": counts["episodes"],
            "rate_per_10k_children": figures.per_10k(counts["children"], place.population),
            "rate_per_10k_episodes": figures.per_10k(counts["episodes"], place.population),
        }
    return rates


def funnels(scope: Scope, period: Period, rates: dict, missing: dict) -> dict:
    """Localities' children-missing rates and children's homes' episodes per child, with limits.

    `missing` is the report's missing figures (the whole council's unless one locality's)."""
    population = scope.whole().population
    if scope.locality is None:
        children = missing["children"]
    else:
        children = _children_missing(scope.whole(), period)
    localities = funnel(
        [
            {"name": name, "size": r["population_0_17"], "count": r["children"]}
            for name, r in rates.items()
        ],
        centre=children / population if population else 0.0,
        method="binomial",
        scale=10_000,
    )
    homes = figures.childrens_homes(scope, period)
    placed = sum(h["children"] for h in homes)
    episodes = sum(h["episodes"] for h in homes)
    childrens_homes = funnel(
        [
            {"name": h["name"], "urn": h["urn"], "size": h["children"], "count": h["episodes"]}
            for h in homes
        ],
        centre=episodes / placed if placed else 0.0,
        method="poisson",
    )
    return {
        "localities": {"measure": "children missing per 10,000 aged 0-17", **localities},
        "childrens_homes": {"measure": "missing episodes per child placed", **childrens_homes},
    }


def _children_missing(scope: Scope, period: Period) -> int:
    return figures.episode_totals(scope, period)[Category.MISSING]["children"]


def rhi_monthly(scope: Scope, period: Period) -> dict:
    """RHI completed within 72 hours in each of the 24 months to the period's end, as a p-chart."""
    window = months_ending(period.last, SPC_MONTHS)
    counts = figures.rhi_by_month(scope, window)
    months = [f"{m.first:%Y-%m}" for m in calendar_months(window.first, window.last)]
    points = [(m, *counts.get(m, (0, 0))) for m in months]
    chart = p_chart(points)
    return {
        "measure": "return home interviews completed within 72 hours",
        "chart": "p",
        "centre": chart["centre"],
        "totals": {
            "returns": sum(p["of"] for p in chart["months"]),
            "completed_within_72h": sum(p["n"] for p in chart["months"]),
        },
        "months": [
            {
                "month": p["label"],
                "returns": p["of"],
                "completed_within_72h": figures.share(p["n"], p["of"]),
                "lower": _round1(p["lower"]),
                "upper": _round1(p["upper"]),
            }
            for p in chart["months"]
        ],
        "signals": chart["signals"],
    }


def benchmarks(scope: Scope, period: Period) -> dict | None:
    """The council's looked-after figures beside DfE's for the latest year ending 31 March."""
    if scope.council is None:
        return None  # DfE's comparisons are per council; England-wide has no neighbours.
    try:
        from homeward.reports.looked_after import comparison, year_ending_for
    except ImportError:
        return None
    return comparison(council=scope.council, year_ending=year_ending_for(period.last))


def _meta(scope: Scope, period: Period, publication_mode: bool) -> dict:
    return {
        "council": {"code": scope.code, "name": scope.name},
        "period": _period_json(period),
        "locality": scope.locality,
        "population_0_17": scope.population,
        "generated_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "publication": publication_mode,
        "demo": settings.HOMEWARD_DEMO,
        "demo_notice": DEMO_NOTICE if settings.HOMEWARD_DEMO else None,
        "rhi_target_pct": settings.HOMEWARD_RHI_TARGET_PCT,
        "notification_target_pct": settings.HOMEWARD_NOTIFICATION_TARGET_PCT,
    }


def _period_json(period: Period) -> dict:
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "label": period_label(period),
    }


def period_label(period: Period) -> str:
    """ "1 January to 30 June 2020", or with both years when they differ."""
    first, last = period.first, period.last
    start = f"{first.day} {first:%B}" + ("" if first.year == last.year else f" {first.year}")
    return f"{start} to {last.day} {last:%B %Y}"


def _year_before(day: dt.date) -> dt.date:
    if (day.month, day.day) == (2, 29):
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _round1(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _suppressed(report: dict) -> dict:
    # Named apart from build_report's `publication` argument, which hides the module there.
    publication.check_publishable(report)
    return publication.suppress(report)
