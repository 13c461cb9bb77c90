"""Findings: sentences an officer would write, generated from the report's figures by rules.

Each finding carries the evidence it rests on and a recommendation. They are a draft: the
author keeps, edits or drops them before the report is issued (`apply_edits`).
"""

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings

from homeward.reports import tables
from homeward.reports.funnel import standing, standing_label
from homeward.reports.publication import SUPPRESSED
from homeward.reports.rounding import whole_percent
from homeward.reports.spc import monthly_totals
from homeward.reports.wording import decimal, month_label, share

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


def finding(id_, rule, severity, text, evidence, recommendation, *, cites=()) -> dict:
    return {
        "id": id_,
        "rule": rule,
        "severity": severity,
        "text": text,
        "evidence": evidence,
        "recommendation": recommendation,
        "cites": list(cites),
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
#
# Each finding quotes its figures exactly as the paper's tables show them (`cites`: table,
# row, column and the text shown), with the same formatting functions, and says whether a
# place is outside its limits by `funnel.standing`, the one decision the tables use too.


def cite(table: str, row: str, column: str, shown: str) -> dict:
    """One figure a finding quotes: the cell of the paper's table it is taken from."""
    return {"table": table, "row": row, "column": column, "shown": shown}


def locality_findings(report: dict) -> list[dict]:
    """A locality whose children-missing rate lies outside its funnel limits."""
    chart = report["funnel"]["localities"]
    table = tables.chart_table(tables.LOCALITY_FUNNEL)
    centre = decimal(chart["centre"])
    found = []
    for point in chart["points"]:
        outside = standing(point)
        if outside is None:
            continue
        direction, limit = outside
        higher = direction == "above"
        value, count = decimal(point["value"]), number(point["count"])
        size = number(point["size"])
        text = (
            f"{point['name']} had {count} children reported missing in {when(report)} out of "
            f"{size} children aged 0 to 17 living there: {value} for every 10,000, against "
            f"{centre} across {_where(report)}. The rate is proportionately "
            f"{'higher' if higher else 'lower'} than the council's as a whole, outside the "
            f"{limit}% limit for an area of its size (so "
            f"{'very unlikely' if limit == '99.8' else 'unlikely'} to be chance alone)."
        )
        who = f"the {count} children reported missing from {point['name']} in {when(report)}"
        recommendation = (
            f"Ask the {point['name']} locality team and the police to look at {who}: which "
            "children, which placements or schools, and whether each was screened for "
            "exploitation; the figures alone cannot say why the rate is higher."
            if higher
            else f"Ask the {point['name']} locality team, where {who} were proportionately "
            "fewer than across the council, what keeps its rate low, and check that episodes "
            "there are being reported and recorded."
        )
        found.append(
            finding(
                f"locality-{direction}-{slug(point['name'])}",
                "locality_funnel",
                "high" if limit == "99.8" and higher else "medium" if higher else "info",
                text,
                _point_evidence(point, chart["centre"]),
                recommendation,
                cites=[
                    cite(table, point["name"], "Children aged 0 to 17", size),
                    cite(table, point["name"], "Children missing", count),
                    cite(table, point["name"], "Rate per 10,000", value),
                    cite(table, point["name"], tables.FUNNEL_STANDING, standing_label(point)),
                    cite(table, tables.LOCALITY_CENTRE, "Rate per 10,000", centre),
                ],
            )
        )
    return found


def home_findings(report: dict) -> list[dict]:
    """A children's home whose missing episodes per child lie above its funnel limits."""
    chart = report["funnel"]["childrens_homes"]
    table = tables.chart_table(tables.HOME_FUNNEL)
    centre = decimal(chart["centre"], 2)
    found = []
    for point in chart["points"]:
        outside = standing(point)
        if outside is None or outside[0] != "above":
            continue
        limit = outside[1]
        row = tables.home_row(point)
        count, size, value = (
            number(point["count"]),
            number(point["size"]),
            decimal(point["value"], 2),
        )
        text = (
            f"The {size} children placed at {point['name']} went missing {count} times in "
            f"{when(report)}: {value} episodes for each child placed, against {centre} across "
            f"all the children's homes used. That is proportionately higher, outside the "
            f"{limit}% limit for a home of its size."
        )
        found.append(
            finding(
                f"home-above-{slug(point.get('urn') or point['name'])}",
                "home_funnel",
                "high" if limit == "99.8" else "medium",
                text,
                _point_evidence(point, chart["centre"]),
                f"Raise the {count} missing episodes of the {size} children placed at "
                f"{point['name']} with the home and the children's social workers, and ask "
                "the home for its missing-from-care protocol and its record of notifications "
                "under regulation 41.",
                cites=[
                    cite(table, row, "Children placed", size),
                    cite(table, row, "Episodes", count),
                    cite(table, row, "Episodes per child", value),
                    cite(table, row, tables.FUNNEL_STANDING, standing_label(point)),
                    cite(table, tables.HOME_CENTRE, "Episodes per child", centre),
                ],
            )
        )
    return found


def _point_evidence(point: dict, centre: float) -> dict:
    keys = ("name", "urn", "size", "count", "value", "lower_95", "upper_95", "lower_998")
    return {k: point[k] for k in (*keys, "upper_998") if k in point} | {"centre": centre}


def rhi_target_findings(report: dict) -> list[dict]:
    """Return home interviews completed within 72 hours below the target."""
    in_time = report["rhi"]["completed_within_72h"]
    target = settings.HOMEWARD_RHI_TARGET_PCT
    if _suppressed(in_time) or in_time["pct"] is None or in_time["pct"] >= target:
        return []
    previous = report["previous_year"]
    before = previous["figures"]["rhi_completed_within_72h_pct"]
    if report["meta"].get("unfinished") or before == SUPPRESSED:
        before = None  # part of a period is not compared with a year earlier
    shown = share(in_time)
    text = (
        f"In {when(report)}, a return home interview was completed within 72 hours for "
        f"{shown} of the returns from a missing episode, below the council's target of "
        f"{target}%{_compared(in_time['pct'], before)}."
    )
    cites = [cite(tables.HEADLINE, tables.ROW_RHI_72H, tables.HEADLINE_NOW, shown)]
    if before is not None:
        cites.append(cite(tables.HEADLINE, tables.ROW_RHI_72H, _then_column(previous), pct(before)))
    late = in_time["of"] - in_time["n"]
    return [
        finding(
            "rhi-72h-below-target",
            "rhi_below_target",
            "high",
            text,
            {**in_time, "target_pct": target, "previous_year_pct": before},
            f"Review the {number(late)} returns in {when(report)} with no interview completed "
            "within 72 hours: how each was passed to the interview service, and whether the "
            "service could see every child in time; report progress to the committee at its "
            "next meeting.",
            cites=cites,
        )
    ]


def _then_column(previous: dict) -> str:
    """The headline table's column for the year before (named by its period)."""
    return previous.get("period", {}).get("label", tables.HEADLINE_THEN)


def _suppressed(share_) -> bool:
    """Whether a share, or any part of it, is suppressed ("c")."""
    return share_ == SUPPRESSED or SUPPRESSED in share_.values()


def _compared(now: float, before: float | None) -> str:
    if before is None:
        return ""
    if pct(now) == pct(before):
        return f", much the same as a year earlier ({pct(before)})"
    direction = "down" if now < before else "up"
    return f", {direction} from {pct(before)} a year earlier"


def rhi_signal_findings(report: dict) -> list[dict]:
    """Special-cause signals in the 24 months' chart of interviews within 72 hours."""
    chart = report["rhi_monthly"]
    by_month = {m["month"]: m for m in chart["months"]}
    table = tables.chart_table(tables.RHI_MONTHLY)
    total_row = tables.RHI_MONTHLY_TOTAL.format(months=len(chart["months"]))
    totals = monthly_totals(chart)
    returns, done = totals["returns"], totals["completed_within_72h"]
    centre = f"{decimal(chart['centre'])}%"
    average = f"the average of {centre} over the {len(chart['months'])} months charted"
    average_cites = [cite(table, total_row, "%", decimal(chart["centre"]))]
    if SUPPRESSED not in (returns, done):  # the published paper hides totals of 1 to 4
        average += f" ({number(done)} of {number(returns)} returns)"
        average_cites[:0] = [
            cite(table, total_row, "Returns", number(returns)),
            cite(table, total_row, "Completed within 72 hours", number(done)),
        ]
    found = []
    for signal in chart["signals"]:
        worse = signal["direction"] in ("below", "falling")
        first, last = month_name(signal["months"][0]), month_name(signal["months"][-1])
        span = first if first == last else f"from {first} to {last}"
        if signal["rule"] == "beyond_limits":
            text, cites = _beyond_limits(signal, by_month, table, average)
        elif signal["rule"] == "shift":
            text = (
                f"Interviews within 72 hours were {signal['direction']} {average} for "
                f"{len(signal['months'])} months running, {span}: a sustained shift, more than "
                "month-to-month variation."
            )
            cites = average_cites
        else:
            text = (
                f"The share of returns followed by an interview within 72 hours "
                f"{'rose' if signal['direction'] == 'rising' else 'fell'} month on month for "
                f"{len(signal['months'])} months, {span}: a trend, more than month-to-month "
                f"variation (against {average})."
            )
            cites = average_cites
        found.append(
            finding(
                f"rhi-spc-{signal['rule']}-{signal['direction']}-{signal['months'][0]}",
                "rhi_special_cause",
                "medium" if worse else "info",
                text,
                {**signal, "centre": chart["centre"]},
                f"Ask the interview service to account for interviews within 72 hours {span}, "
                "when they were "
                + ("lower" if worse else "higher")
                + " than usual: the figures show when, not why"
                + (
                    ", and whether it has been put right." if worse else ", so that it can be kept."
                ),
                cites=cites,
            )
        )
    return found


def _beyond_limits(signal: dict, by_month: dict, table: str, average: str) -> tuple[str, list]:
    month = by_month[signal["months"][0]]
    row = month_label(month["month"])
    done = month["completed_within_72h"]
    below = signal["direction"] == "below"
    if month["returns"] == SUPPRESSED:
        # The published paper hides a month of 1 to 4 returns or interviews: say that it lay
        # beyond its limit, quoting the table's signal, not the figures it hides.
        text = (
            f"In {month_name(month['month'])}, the share of returns followed by an interview "
            f"within 72 hours was {'below the lower' if below else 'above the upper'} control "
            f"limit for that month ({tables.SIGNAL_RULES['beyond_limits']}); its figures are "
            'shown as "c" because they count fewer than 5 returns or interviews.'
        )
        return text, [cite(table, row, "Signal", tables.SIGNAL_RULES["beyond_limits"])]
    limit = month["lower"] if below else month["upper"]
    column = "Lower limit" if below else "Upper limit"
    text = (
        f"In {month_name(month['month'])}, {decimal(done['pct'])}% of returns ({number(done['n'])} "
        f"of {number(month['returns'])}) were followed by an interview within 72 hours, "
        f"{'below the lower' if below else 'above the upper'} control limit of "
        f"{decimal(limit)}% for that month: a change beyond the usual month-to-month variation "
        f"around {average}."
    )
    return text, [
        cite(table, row, "Returns", number(month["returns"])),
        cite(table, row, "Completed within 72 hours", number(done["n"])),
        cite(table, row, "%", decimal(done["pct"])),
        cite(table, row, column, decimal(limit)),
    ]


def screening_findings(report: dict) -> list[dict]:
    """Repeat children without an exploitation screening by the end of the period."""
    screened = report["ce_screening"]["screened"]
    if _suppressed(screened) or screened["of"] == screened["n"]:
        return []
    missing = screened["of"] - screened["n"]
    last = day_month_year(dt.date.fromisoformat(report["meta"]["period"]["to"]))
    shown = share(screened)
    text = (
        f"{number(missing)} of the {number(screened['of'])} children reported missing more "
        f"than once in {when(report)} had no child exploitation screening on record by "
        f"{last}: {shown} had been screened."
    )
    return [
        finding(
            "repeat-unscreened",
            "repeat_unscreened",
            "high" if screened["pct"] < 80 else "medium",
            text,
            {**screened, "unscreened": missing},
            f"Complete a screening for each of the {number(missing)} children reported missing "
            f"more than once in {when(report)} who had none on record by {last}, and bring "
            "any with concerns to the exploitation and missing panel.",
            cites=[cite(tables.REPEAT, tables.ROW_SCREENED, "Number", shown)],
        )
    ]


def notification_findings(report: dict) -> list[dict]:
    """Placing councils told of their children's episodes late, below the target."""
    told = report["placed_in"]["notified_within_24h"]
    target = settings.HOMEWARD_NOTIFICATION_TARGET_PCT
    if _suppressed(told) or told["pct"] is None or told["pct"] >= target:
        return []
    shown = share(told)
    late = told["of"] - told["n"]
    text = (
        f"Placing councils were told within 24 hours of {shown} of the missing episodes of "
        f"children other councils have placed here, below the {target}% target."
    )
    return [
        finding(
            "notification-late",
            "notification_late",
            "medium",
            text,
            {**told, "target_pct": target},
            "Find out, with the police and providers, who was to tell the placing council of "
            + (
                "the one missing episode of a child placed here by another council that was "
                if late == 1
                else f"each of the {number(late)} missing episodes of children placed here by "
                "other councils that were "
            )
            + "not notified within 24 hours, and check the notifications each week until the "
            "target is met.",
            cites=[cite(tables.PLACED, tables.ROW_NOTIFIED, "Number", shown)],
        )
    ]


def year_on_year_findings(report: dict) -> list[dict]:
    """Children missing, or episodes, up or down by 10% or more on a year earlier."""
    earlier = report["previous_year"]
    found = []
    rows = {"missing_children": tables.ROW_CHILDREN, "missing_episodes": tables.ROW_EPISODES}
    for key, noun in (("missing_children", "children"), ("missing_episodes", "episodes")):
        change = earlier["change_pct"][key]
        shown = (earlier["figures"][key], earlier["current"][key], change)
        if change is None or SUPPRESSED in shown or abs(change) < YEAR_ON_YEAR_PCT:
            continue
        rose = change > 0
        then, now = number(earlier["figures"][key]), number(earlier["current"][key])
        delta = f"{earlier['current'][key] - earlier['figures'][key]:+,}"
        thing = "children reported missing" if noun == "children" else "missing episodes"
        text = (
            f"The number of {thing} {'rose' if rose else 'fell'} by {pct(abs(change))} on the "
            f"same period a year earlier, from {then} to {now} ({delta})."
        )
        row = rows[key]
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
                f"Look at which groups and localities account for the change in {thing} from "
                f"{then} to {now}: the figures alone cannot say whether more children went "
                "missing or more episodes were reported and recorded."
                if rose
                else f"Check that the fall in {thing} from {then} to {now} is real and not a "
                "gap in reporting or recording.",
                cites=[
                    cite(tables.HEADLINE, row, tables.HEADLINE_NOW, now),
                    cite(tables.HEADLINE, row, _then_column(earlier), then),
                    cite(tables.HEADLINE, row, tables.HEADLINE_CHANGE, delta),
                ],
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


def apply_draft_edits(findings: list[dict], edits: list[dict]) -> tuple[list[dict], list[str]]:
    """The findings with a draft's edits applied, and the ids of findings edited or removed
    that the figures no longer produce (their edits are left out, and the page says so)."""
    known = {f["id"] for f in findings}
    applied, stale = [], []
    for edit in edits:
        if edit.get("add"):
            known.add(edit["id"])
        if edit["id"] in known:
            applied.append(edit)
        elif edit["id"] not in stale:
            stale.append(edit["id"])
    return apply_edits(findings, applied), stale


AUTHORED = "author"
ADDED_BY = "Added by {by}; not generated from the tables."


def _authored(edit: dict) -> dict:
    # An author's own finding quotes no table (no `cites`): the paper says whose it is.
    return finding(
        edit["id"],
        AUTHORED,
        edit.get("severity", "info"),
        edit["text"],
        {},
        edit.get("recommendation", ""),
    ) | {"edited": True, "added_by": edit.get("by") or "the report's author"}


def added_by(found: dict) -> str:
    """For a finding the author added, the words that say so ("" for a generated one)."""
    if found.get("rule") != AUTHORED:
        return ""
    return ADDED_BY.format(by=found.get("added_by") or "the report's author")
