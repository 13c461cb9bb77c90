"""The return home interview service: offered and completed within 72 hours by month over
24 months (p-charts), by who held it, by placed in or out, by locality; why interviews were
not held; and the time from return to interview as a distribution.

The definitions are figures.py's: a return is a missing episode's end; an interview is
offered in time when offered (or, with no offer recorded, completed) within 72 hours; it
is completed in time when completed within 72 hours. A return's "held by" is that of its
completed interview, else of its latest interview; "not_recorded" when none says.
"""

import math
from collections import Counter

from django.db.models import Case, F, Value, When

from homeward.core.clock import LONDON, Period, calendar_months, months_ending
from homeward.core.codes import InterviewOutcome, NotHeldReason
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.reports.analyses.common import (
    NOT_KNOWN,
    few_counts,
    few_share,
    hidden,
    is_few,
    pct,
    share,
    shown,
)
from homeward.reports.figures import OFFERED, returns_in
from homeward.reports.publication import SUPPRESSED, small_months
from homeward.reports.scope import Scope
from homeward.reports.spc import p_chart

MONTHS = 24
NOT_RECORDED = "not_recorded"
# Hours from return to completed interview: each bin is [low, high).
BINS = ((0, 24), (24, 48), (48, 72), (72, 120), (120, 168), (168, None))
PERCENTILES = {"median": 0.5, "p90": 0.9}


def _returns(scope: Scope, period: Period) -> list[dict]:
    """Each return in the period with its interviews' facts, as plain dicts."""
    returns = list(
        returns_in(scope, period)
        .annotate(
            locality_name=F("locality__name"),
            placed_in=Case(
                When(child__responsible_la=F("council"), then=Value(False)), default=Value(True)
            ),
            placed_out=Case(
                When(placement__host_la__isnull=True, then=Value(False)),
                When(placement__host_la=F("council"), then=Value(False)),
                default=Value(True),
            ),
        )
        .values("pk", "returned_at", "locality_name", "placed_in", "placed_out")
    )
    interviews: dict[int, list[dict]] = {}
    for interview in (
        ReturnInterview.objects.filter(episode__in=[r["pk"] for r in returns])
        .order_by("episode", "pk")
        .values(
            "episode",
            "outcome",
            "offered_at",
            "completed_at",
            "conducted_by_type",
            "not_held_reason",
        )
    ):
        interviews.setdefault(interview["episode"], []).append(interview)
    return [_facts(r, interviews.get(r["pk"], [])) for r in returns]


def _facts(row: dict, interviews: list[dict]) -> dict:
    due = row["returned_at"] + RHI_DUE_WITHIN
    completed = [i for i in interviews if i["outcome"] == InterviewOutcome.COMPLETED]
    first_done = min((i["completed_at"] for i in completed), default=None)
    offered = any(
        i["outcome"] in OFFERED
        and (
            (i["offered_at"] is not None and i["offered_at"] <= due)
            or (i["offered_at"] is None and i["completed_at"] and i["completed_at"] <= due)
        )
        for i in interviews
    )
    chosen = completed[0] if completed else (interviews[-1] if interviews else None)
    return {
        "month": row["returned_at"].astimezone(LONDON).strftime("%Y-%m"),
        "day": row["returned_at"].astimezone(LONDON).date(),
        "locality": row["locality_name"] or NOT_KNOWN,
        "placement": "placed_in"
        if row["placed_in"]
        else "placed_out"
        if row["placed_out"]
        else "own",
        "held_by": (chosen and chosen["conducted_by_type"]) or NOT_RECORDED,
        "offered": offered,
        "in_time": first_done is not None and first_done <= due,
        "hours": (first_done - row["returned_at"]).total_seconds() / 3600 if first_done else None,
        "not_held": [
            (i["outcome"], i["not_held_reason"] or NOT_RECORDED)
            for i in interviews
            if i["outcome"] in (InterviewOutcome.DECLINED, InterviewOutcome.NO_CONTACT)
        ],
    }


def count(scope: Scope, period: Period) -> dict:
    """Every figure of the interview service for the period (and 24 months to its end)."""
    window = months_ending(period.last, MONTHS)
    monthly = _returns(scope, window)
    returns = [r for r in monthly if period.first <= r["day"] <= period.last]
    return {
        "monthly": _monthly(monthly, window),
        "returns": len(returns),
        "by_held_by": _by(returns, "held_by"),
        "by_placement": _by(returns, "placement"),
        "by_locality": _by(returns, "locality"),
        "not_held": _not_held(returns),
        "hours_to_interview": _distribution(
            [r["hours"] for r in returns if r["hours"] is not None]
        ),
    }


def _monthly(rows: list[dict], window: Period) -> dict:
    months = [f"{m.first:%Y-%m}" for m in calendar_months(window.first, window.last)]
    charts = {}
    for measure in ("offered", "in_time"):
        points = [
            (
                m,
                sum(1 for r in rows if r["month"] == m and r[measure]),
                sum(1 for r in rows if r["month"] == m),
            )
            for m in months
        ]
        chart = p_chart(points)
        charts[measure] = {
            "centre": chart["centre"],
            "months": [
                {
                    "month": p["label"],
                    "n": p["n"],
                    "of": p["of"],
                    "pct": _round(p["pct"]),
                    "lower": _round(p["lower"]),
                    "upper": _round(p["upper"]),
                }
                for p in chart["months"]
            ],
            "signals": chart["signals"],
        }
    return {"offered_within_72h": charts["offered"], "completed_within_72h": charts["in_time"]}


def _by(rows: list[dict], key: str) -> dict:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return {
        name: {
            "returns": len(found),
            "offered_within_72h": share(sum(r["offered"] for r in found), len(found)),
            "completed_within_72h": share(sum(r["in_time"] for r in found), len(found)),
        }
        for name, found in sorted(groups.items())
    }


def _not_held(rows: list[dict]) -> dict:
    reasons = {
        outcome: Counter() for outcome in (InterviewOutcome.DECLINED, InterviewOutcome.NO_CONTACT)
    }
    for row in rows:
        for outcome, reason in row["not_held"]:
            reasons[outcome][reason] += 1
    order = [*NotHeldReason.values, NOT_RECORDED]
    return {
        str(outcome): {r: found[r] for r in order if found[r]} for outcome, found in reasons.items()
    }


def _distribution(hours: list[float]) -> dict:
    hours = sorted(hours)
    bins = []
    for low, high in BINS:
        n = sum(1 for h in hours if h >= low and (high is None or h < high))
        bins.append({"from": low, "to": high, "interviews": n})
    return {
        "interviews": len(hours),
        **{name: _percentile(hours, q) for name, q in PERCENTILES.items()},
        "bins": bins,
    }


def _percentile(values: list[float], q: float) -> float | None:
    """As percentile_cont: between the two nearest, by linear interpolation."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return round(values[low] + (values[high] - values[low]) * (position - low), 1)


def _round(value):
    return round(value, 1) if value is not None else None


def suppress(data: dict) -> dict:
    """The publication version: groups of 1 to 4 returns, reasons and bins of 1 to 4 "c";
    so are the monthly charts' months of 1 to 4 (publication.small_months)."""
    published = dict(data)
    for key in ("by_held_by", "by_placement", "by_locality"):
        published[key] = {
            name: (
                hidden(g)
                if is_few(g["returns"])
                else g
                | {m: few_share(g[m]) for m in ("offered_within_72h", "completed_within_72h")}
            )
            for name, g in data[key].items()
        }
    published["monthly"] = {k: _monthly_published(c) for k, c in data["monthly"].items()}
    published["not_held"] = {o: few_counts(r) for o, r in data["not_held"].items()}
    distribution = dict(data["hours_to_interview"])
    distribution["bins"] = [b | {"interviews": _few(b["interviews"])} for b in distribution["bins"]]
    if is_few(distribution["interviews"]):
        distribution = dict.fromkeys(distribution, SUPPRESSED)
    published["hours_to_interview"] = distribution
    return published


def _monthly_published(chart: dict) -> dict:
    """A control chart's months whose counts are 1 to 4 (and the next smallest with a lone
    one) "c", with their percentage and limits; the centre line and signals stay."""
    hide = small_months([(m["month"], m["n"], m["of"]) for m in chart["months"]])
    months = [
        dict.fromkeys(m, SUPPRESSED) | {"month": m["month"]} if m["month"] in hide else m
        for m in chart["months"]
    ]
    return chart | {"months": months}


def _few(n):
    return SUPPRESSED if is_few(n) else n


def findings(data: dict) -> list[str]:
    """Sentences from the tables' own figures."""
    completed = data["monthly"]["completed_within_72h"]
    sentences = []
    if completed["centre"] is not None:
        above = [s for s in completed["signals"] if s["rule"] == "beyond_limits"]
        sentences.append(
            f"Over the {MONTHS} months to the period's end, {pct(completed['centre'])} of "
            "returns had an interview completed within 72 hours; "
            + (
                f"{len(above)} month(s) lay outside the chart's 3-sigma limits."
                if above
                else "no month lay outside the chart's 3-sigma limits."
            )
        )
    hours = data["hours_to_interview"]
    if hours["interviews"] not in (0, SUPPRESSED):
        sentences.append(
            f"Of {shown(hours['interviews'])} interviews completed after the period's returns, "
            f"half were held within {hours['median']} hours of the return and nine in ten "
            f"within {hours['p90']} hours."
        )
    for name, group in data["by_held_by"].items():
        done = group["completed_within_72h"]
        if name != NOT_RECORDED and done["pct"] not in (None, SUPPRESSED):
            who = "the council's own team" if name == "team" else "commissioned providers"
            sentences.append(
                f"Returns whose interview was held by {who}: {done['n']} of {done['of']} "
                f"completed within 72 hours ({pct(done['pct'])})."
            )
    return sentences
