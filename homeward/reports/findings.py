"""Findings: sentences an officer would write, generated from the report's figures by rules.

Each finding carries the evidence it rests on and a recommendation. They are a draft: the
author keeps, edits or drops them before the report is issued (`apply_edits`).
"""

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings

from homeward.reports.publication import SUPPRESSED
from homeward.reports.rounding import whole_percent

SEVERITY_ORDER = {"high": 0, "medium": 1, "info": 2}
YEAR_ON_YEAR_PCT = 10
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
)
NOT_A_LIST = 'The findings file {path} must hold a JSON list of {{"id": ..., ...}} items.'
NOT_JSON = "The findings file {path} is not valid JSON ({error}). Check it and try again."
NO_ID = 'Item {number} in the findings file has no "id". Give the id of the finding to change.'
NO_CHANGE = (
    "Item {number} in the findings file ({id}) says nothing to do. "
    'Give it a "text", "drop": true, or "add": true with a "text".'
)
UNKNOWN_ID = (
    "There is no finding '{id}' in this report. Use an id from the report's findings, "
    'or "add": true for a finding of your own.'
)


class FindingsEditError(ValueError):
    """An edit file that cannot be applied, with a sentence saying what to fix."""


def find(report: dict) -> list[dict]:
    """Every finding the rules make of a report, most serious first.

    For a period that has not ended, nothing is compared with a year earlier and nothing is
    recommended: part of a period is not evidence for an action."""
    unfinished = bool(report["meta"].get("unfinished"))
    found = [
        *locality_findings(report),
        *home_findings(report),
        *rhi_target_findings(report),
        *rhi_signal_findings(report),
        *screening_findings(report),
        *notification_findings(report),
        *([] if unfinished else year_on_year_findings(report)),
    ]
    # A finding resting on a suppressed figure ("c") could give it away: it is not made.
    found = [f for f in found if not _rests_on_suppressed(f["evidence"])]
    if unfinished:
        found = [f | {"recommendation": ""} for f in found]
    return sorted(found, key=lambda f: SEVERITY_ORDER[f["severity"]])


def _rests_on_suppressed(evidence) -> bool:
    if isinstance(evidence, dict):
        return any(_rests_on_suppressed(v) for v in evidence.values())
    if isinstance(evidence, list):
        return any(_rests_on_suppressed(v) for v in evidence)
    return evidence == SUPPRESSED


def finding(id_, rule, severity, text, evidence, recommendation) -> dict:
    return {
        "id": id_,
        "rule": rule,
        "severity": severity,
        "text": text,
        "evidence": evidence,
        "recommendation": recommendation,
    }


# -- wording ------------------------------------------------------------------------------


def when(report: dict) -> str:
    """The period as an officer would say it: "the six months to 30 June 2020"."""
    first = dt.date.fromisoformat(report["meta"]["period"]["from"])
    last = dt.date.fromisoformat(report["meta"]["period"]["to"])
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    whole_months = first.day == 1 and (last + dt.timedelta(days=1)).day == 1
    if not whole_months:
        return f"the period {report['meta']['period']['label']}"
    if months == 1:
        return f"{last:%B %Y}"
    if months == 12:
        return f"the year to {day_month_year(last)}"
    count = NUMBER_WORDS[months] if months < len(NUMBER_WORDS) else str(months)
    return f"the {count} months to {day_month_year(last)}"


def day_month_year(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def pct(value: float) -> str:
    """A percentage as text, in whole numbers as committee papers print them."""
    return whole_percent(value)


def number(value: int) -> str:
    return f"{value:,}"


def month_name(month: str) -> str:
    """'2019-10' as 'October 2019'."""
    return f"{dt.date.fromisoformat(month + '-01'):%B %Y}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _where(report: dict) -> str:
    council = report["meta"]["council"]
    return "England" if council["code"] == "all" else council["name"]


# -- rules --------------------------------------------------------------------------------


def locality_findings(report: dict) -> list[dict]:
    """A locality whose children-missing rate lies outside its funnel limits."""
    chart = report["funnel"]["localities"]
    found = []
    for point in chart["points"]:
        limit = _beyond(point)
        if limit is None:
            continue
        direction = point["flag"] if limit == "99.8" else point["flag_95"]
        higher = direction == "above"
        text = (
            f"{point['name']} had {number(point['count'])} children reported missing in "
            f"{when(report)}, {point['value']:.1f} for every 10,000 children living there "
            f"against {chart['centre']:.1f} across {_where(report)}: proportionately "
            f"{'higher' if higher else 'lower'} than the council as a whole, and "
            f"{'well ' if limit == '99.8' else ''}beyond what chance alone would explain "
            f"(outside the {limit}% limit for an area of its size)."
        )
        recommendation = (
            f"Ask the {point['name']} locality team and the police to look at what lies behind "
            "the higher rate: which children, which placements or schools, and whether "
            "exploitation is driving it."
            if higher
            else f"Learn from {point['name']} what keeps its rate low, and check that "
            "episodes there are being reported and recorded."
        )
        found.append(
            finding(
                f"locality-{direction}-{slug(point['name'])}",
                "locality_funnel",
                "high" if limit == "99.8" and higher else "medium" if higher else "info",
                text,
                _point_evidence(point, chart["centre"]),
                recommendation,
            )
        )
    return found


def home_findings(report: dict) -> list[dict]:
    """A children's home whose missing episodes per child lie above its funnel limits."""
    chart = report["funnel"]["childrens_homes"]
    found = []
    for point in chart["points"]:
        limit = _beyond(point)
        direction = point.get("flag") if limit == "99.8" else point.get("flag_95")
        if limit is None or direction != "above":
            continue
        text = (
            f"Children placed at {point['name']} went missing {number(point['count'])} times "
            f"in {when(report)} ({point['value']:.1f} episodes for each of the "
            f"{number(point['size'])} children placed there, against {chart['centre']:.1f} "
            f"across all children's homes used): proportionately higher, outside the {limit}% "
            "limit for a home of its size."
        )
        found.append(
            finding(
                f"home-above-{slug(point.get('urn') or point['name'])}",
                "home_funnel",
                "high" if limit == "99.8" else "medium",
                text,
                _point_evidence(point, chart["centre"]),
                f"Raise the pattern with {point['name']} and the placing social workers, and "
                "ask the home for its missing-from-care protocol and its record of "
                "notifications under regulation 41.",
            )
        )
    return found


def _beyond(point: dict) -> str | None:
    if point.get("value") in (None, SUPPRESSED):
        return None
    if point["flag"] != "within":
        return "99.8"
    if point["flag_95"] != "within":
        return "95"
    return None


def _point_evidence(point: dict, centre: float) -> dict:
    keys = ("name", "urn", "size", "count", "value", "lower_95", "upper_95", "lower_998")
    return {k: point[k] for k in (*keys, "upper_998") if k in point} | {"centre": centre}


def rhi_target_findings(report: dict) -> list[dict]:
    """Return home interviews completed within 72 hours below the target."""
    in_time = report["rhi"]["completed_within_72h"]
    target = settings.HOMEWARD_RHI_TARGET_PCT
    if _suppressed(in_time) or in_time["pct"] is None or in_time["pct"] >= target:
        return []
    before = report["previous_year"]["figures"]["rhi_completed_within_72h_pct"]
    if report["meta"].get("unfinished") or before == SUPPRESSED:
        before = None  # part of a period is not compared with a year earlier
    text = (
        f"In {when(report)}, {pct(in_time['pct'])} of the {number(in_time['of'])} returns "
        "from a missing episode were followed by a return home interview within 72 hours, "
        f"below the {target}% target{_compared(in_time['pct'], before)}."
    )
    return [
        finding(
            "rhi-72h-below-target",
            "rhi_below_target",
            "high",
            text,
            {**in_time, "target_pct": target, "previous_year_pct": before},
            "Review how returns are passed to the interview service and whether it has the "
            "capacity to see every child within 72 hours, and report progress to the "
            "committee at its next meeting.",
        )
    ]


def _suppressed(share) -> bool:
    """Whether a share, or any part of it, is suppressed ("c")."""
    return share == SUPPRESSED or SUPPRESSED in share.values()


def _compared(now: float, before: float | None) -> str:
    if before is None or pct(now) == pct(before):
        return " and much the same as a year earlier" if before is not None else ""
    direction = "down" if now < before else "up"
    joiner = "and" if direction == "down" else "though"
    return f" {joiner} {direction} from {pct(before)} a year earlier"


def rhi_signal_findings(report: dict) -> list[dict]:
    """Special-cause signals in the 24 months' chart of interviews within 72 hours."""
    chart = report["rhi_monthly"]
    by_month = {m["month"]: m for m in chart["months"]}
    found = []
    for signal in chart["signals"]:
        worse = signal["direction"] in ("below", "falling")
        text = _signal_text(signal, by_month, chart["centre"])
        found.append(
            finding(
                f"rhi-spc-{signal['rule']}-{signal['direction']}-{signal['months'][0]}",
                "rhi_special_cause",
                "medium" if worse else "info",
                text,
                {**signal, "centre": chart["centre"]},
                "Find out what changed at that time (staffing, how returns were referred, who "
                "held the interviews) and whether it has been put right."
                if worse
                else "Find out what improved at that time, so that it can be kept.",
            )
        )
    return found


def _signal_text(signal: dict, by_month: dict, centre: float) -> str:
    months = signal["months"]
    first, last = month_name(months[0]), month_name(months[-1])
    if signal["rule"] == "beyond_limits":
        month = by_month[months[0]]
        share = month["completed_within_72h"]
        limit = month["lower"] if signal["direction"] == "below" else month["upper"]
        shown, bound = pct(share["pct"]), pct(limit)
        if shown == bound:  # whole numbers would hide the difference
            shown, bound = f"{share['pct']:.1f}%", f"{limit:.1f}%"
        return (
            f"In {first}, {shown} of {number(share['of'])} returns were followed by "
            f"an interview within 72 hours, {signal['direction']} the control limit of "
            f"{bound} for that month: a change beyond the usual month-to-month variation "
            f"around the two-year average of {pct(centre)}."
        )
    if signal["rule"] == "shift":
        return (
            f"Interviews within 72 hours were {signal['direction']} their two-year average of "
            f"{pct(centre)} for {len(months)} months running, from {first} to {last}: a "
            "sustained shift, not noise."
        )
    return (
        f"The share of returns followed by an interview within 72 hours "
        f"{'rose' if signal['direction'] == 'rising' else 'fell'} month on month for "
        f"{len(months)} months, from {first} to {last}: a trend, not noise."
    )


def screening_findings(report: dict) -> list[dict]:
    """Repeat children without an exploitation screening by the end of the period."""
    screened = report["ce_screening"]["screened"]
    if _suppressed(screened) or screened["of"] == screened["n"]:
        return []
    missing = screened["of"] - screened["n"]
    last = dt.date.fromisoformat(report["meta"]["period"]["to"])
    text = (
        f"{number(missing)} of the {number(screened['of'])} children reported missing more "
        f"than once in {when(report)} had no child exploitation screening on record by "
        f"{day_month_year(last)} ({pct(screened['pct'])} screened)."
    )
    return [
        finding(
            "repeat-unscreened",
            "repeat_unscreened",
            "high" if screened["pct"] < 80 else "medium",
            text,
            {**screened, "unscreened": missing},
            "Complete a screening for each of these children, and bring any with concerns to "
            "the exploitation and missing panel.",
        )
    ]


def notification_findings(report: dict) -> list[dict]:
    """Placing councils told of their children's episodes late, below the target."""
    told = report["placed_in"]["notified_within_24h"]
    target = settings.HOMEWARD_NOTIFICATION_TARGET_PCT
    if _suppressed(told) or told["pct"] is None or told["pct"] >= target:
        return []
    text = (
        f"Placing councils were told within 24 hours of {number(told['n'])} of the "
        f"{number(told['of'])} missing episodes of children other councils have placed here "
        f"({pct(told['pct'])}), below the {target}% target."
    )
    return [
        finding(
            "notification-late",
            "notification_late",
            "medium",
            text,
            {**told, "target_pct": target},
            "Agree with the police and providers who tells the placing council, and check the "
            "notifications each week until the target is met.",
        )
    ]


def year_on_year_findings(report: dict) -> list[dict]:
    """Children missing, or episodes, up or down by 10% or more on a year earlier."""
    earlier = report["previous_year"]
    found = []
    for key, noun in (("missing_children", "children"), ("missing_episodes", "episodes")):
        change = earlier["change_pct"][key]
        shown = (earlier["figures"][key], earlier["current"][key], change)
        if change is None or SUPPRESSED in shown or abs(change) < YEAR_ON_YEAR_PCT:
            continue
        rose = change > 0
        thing = "children reported missing" if noun == "children" else "missing episodes"
        text = (
            f"The number of {thing} {'rose' if rose else 'fell'} by {pct(abs(change))} on the "
            f"same period a year earlier, from {number(earlier['figures'][key])} to "
            f"{number(earlier['current'][key])}."
        )
        found.append(
            finding(
                f"year-on-year-{noun}",
                "year_on_year",
                "info",
                text,
                {
                    "previous": earlier["figures"][key],
                    "current": earlier["current"][key],
                    "change_pct": change,
                },
                "Look at which groups and localities account for the rise, and whether it "
                "reflects more children going missing or better reporting."
                if rose
                else "Check that the fall is real and not a gap in reporting or recording.",
            )
        )
    return found


# -- the author's edits -------------------------------------------------------------------


def read_edits(path: Path) -> list[dict]:
    """The author's edits from a JSON file: a list of {"id", "text" | "drop" | "add"}."""
    try:
        edits = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise FindingsEditError(NOT_JSON.format(path=path, error=error)) from None
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        raise FindingsEditError(NOT_A_LIST.format(path=path))
    return edits


def apply_edits(findings: list[dict], edits: list[dict]) -> list[dict]:
    """The findings with the author's texts, drops and additions applied, in their order."""
    by_id = {f["id"]: dict(f) for f in findings}
    order = [f["id"] for f in findings]
    for number_, edit in enumerate(edits, start=1):
        id_ = edit.get("id")
        if not id_:
            raise FindingsEditError(NO_ID.format(number=number_))
        if edit.get("add"):
            if not edit.get("text"):
                raise FindingsEditError(NO_CHANGE.format(number=number_, id=id_))
            by_id[id_] = _authored(edit)
            order.append(id_)
        elif id_ not in by_id:
            raise FindingsEditError(UNKNOWN_ID.format(id=id_))
        elif edit.get("drop"):
            order = [kept for kept in order if kept != id_]
        elif edit.get("text"):
            by_id[id_] |= {"text": edit["text"], "edited": True}
            if "recommendation" in edit:
                by_id[id_]["recommendation"] = edit["recommendation"]
        else:
            raise FindingsEditError(NO_CHANGE.format(number=number_, id=id_))
    return [by_id[id_] for id_ in order]


def _authored(edit: dict) -> dict:
    return finding(
        edit["id"],
        "author",
        edit.get("severity", "info"),
        edit["text"],
        {},
        edit.get("recommendation", ""),
    )
