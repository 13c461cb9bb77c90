"""The paper's sections for the analyses (report["analyses"], docs/report-json.md): each its
findings (the sentences the analysis made from its own figures), a chart where one helps,
and the table the findings and chart are drawn from.
"""

from homeward.core.codes import InterviewFactor, NotHeldReason, ScreeningOutcome
from homeward.reports import tables
from homeward.reports.funnel import standing_label
from homeward.reports.wording import (
    LEGAL_STATUS,
    PLACEMENT,
    SEX,
    SUPPRESSED,
    decimal,
    number,
    share,
)

from . import charts
from .blocks import Block, Chart, Section, Table

HEADING = "Analyses the recommendations ask for"
ETHNIC_GROUPS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, African, Caribbean or Black British",
    "other": "Other ethnic group",
    "not_known": "Not known or refused",
}
HELD_BY = {"team": "Council's own team", "commissioned": "Commissioned provider"}
PLACED = {"own": "The council's own children", "placed_in": "Placed in", "placed_out": "Placed out"}
NOT_RECORDED = "Not recorded"
GROUP_WORDS = {
    "by_sex": ("Sex", SEX),
    "by_legal_status": ("Legal status", LEGAL_STATUS),
    "by_placement_type": ("Placement", PLACEMENT),
    "by_locality": ("Locality", {}),
}


def sections(report: dict) -> list[Section]:
    """The analyses' sections, or none for a report made before they were counted."""
    found = report.get("analyses")
    if not found:
        return []
    return [
        Section(HEADING, 1, []),
        _adolescents(found["adolescents"]),
        _providers(found["providers"]),
        _placed(found["placed"]),
        _rhi_service(found["rhi_service"]),
        _children_say(found["children_say"]),
        _ethnicity(found["ethnicity"]),
        _panel(found["panel"]),
        _data_quality(found["data_quality"]),
    ]


def _label(value: str, names: dict) -> str:
    return str(names.get(value, value.replace("_", " ").capitalize() if value else NOT_RECORDED))


def _bars(title: str, alt: str, labels: list[str], values: list, table: Table, xlabel: str):
    drawn = [None if v == SUPPRESSED else v for v in values]
    return Chart(title, alt, lambda: charts.bars(labels, drawn, xlabel=xlabel), table)


def _adolescents(data: dict) -> Section:
    blocks: list[Block] = list(data["findings"])
    rows = []
    for key, (what, names) in GROUP_WORDS.items():
        for value, group in data[key].items():
            rows.append(
                [what, _label(value, names), number(group["children"]), number(group["episodes"])]
            )
    if rows:
        placements = data["by_placement_type"]
        blocks.append(
            _bars(
                "Frequently missing adolescents, by where they went missing from",
                "Bar chart of children aged 13 to 17 missing three or more times, by placement. "
                "The figures are in the table that follows.",
                [_label(k, PLACEMENT) for k in placements],
                [g["children"] for g in placements.values()],
                Table("", ["Group", "Value", "Children", "Episodes"], rows),
                "Children",
            )
        )
    outcomes = [
        [str(label), number(data["screening_outcomes"].get(code, 0))]
        for code, label in ScreeningOutcome.choices
    ]
    blocks.append(
        Table(
            "Frequently missing adolescents: screening and panel",
            ["Measure", "Children"],
            [
                ["Screened by the period's end", share(data["screened"])],
                *[[f"Latest screening: {label}", n] for label, n in outcomes],
                *[[f"Concern: {code}", number(n)] for code, n in data["concerns"].items()],
                ["Discussed at the panel", share(data["discussed_at_panel"])],
                ["Share of all missing episodes", share(data["share_of_episodes"])],
            ],
        )
    )
    return Section("Frequently missing adolescents", 2, blocks)


PROVIDER_PLACES = {"out_of_area": "Out of the area", "not_known": "Locality not recorded"}
PROVIDER_HEADER = [
    "Provider",
    "Placement",
    "Children placed",
    "Episodes",
    "Per child",
    "99.8% limits for its type and size",
    tables.FUNNEL_STANDING,
]


def provider_title(locality: str) -> str:
    """The title of a locality's providers funnel (its table is named after it)."""
    return (
        f"Missing episodes per child placed: providers in {PROVIDER_PLACES.get(locality, locality)}"
    )


def _by_locality(data: dict) -> dict:
    # A paper issued before providers were compared locality by locality carries only
    # `by_type`: its points are tabled by locality all the same, with no chart to draw.
    if "by_locality" in data:
        return data["by_locality"]
    found: dict[str, dict] = {}
    for placement_type, chart in data["by_type"].items():
        for p in chart["points"]:
            here = found.setdefault(p["locality"], {"points": [], "curve": []})
            here["points"].append(p | {"placement_type": placement_type})
    for here in found.values():
        here["children"] = here["episodes"] = None
    return found


def _providers(data: dict) -> Section:
    blocks: list[Block] = list(data["findings"])
    if data.get("by_type"):
        blocks.append(
            "Each provider is judged against providers of the same placement type across the "
            "council, by the children placed with it: its limits are those of its type's rate "
            "for a provider of its size. A children's home is compared with children's homes, "
            "a foster carer with foster carers. The chart for each locality shows every "
            "provider's episodes against those expected of a provider of its type and size "
            "(1 is as expected); each placement type has its own marker."
        )
    kinds = {t: _label(t, PLACEMENT) for t in data.get("by_type", {})}
    for locality, chart in _by_locality(data).items():
        rows = [
            [
                tables.home_row(p) if p["urn"] != SUPPRESSED else p["name"],
                kinds.get(p["placement_type"], p["placement_type"]),
                number(p["size"]),
                number(p["count"]),
                decimal(p.get("value"), 2),
                f"{decimal(p.get('lower_998'), 2)} to {decimal(p.get('upper_998'), 2)}",
                standing_label(p) if p.get("flag") not in (None, SUPPRESSED) else SUPPRESSED,
            ]
            for p in chart["points"]
        ]
        rows.append(
            [
                "All providers here",
                "",
                number(chart["children"]),
                number(chart["episodes"]),
                "",
                "",
                "",
            ]
        )
        title = provider_title(locality)
        blocks.append(
            Chart(
                title,
                "Funnel plot of each provider's missing episodes against those expected of a "
                "provider of its placement type and size, with the 95% and 99.8% limits "
                "around 1 (as expected), each placement type with its own marker. The figures "
                "are in the table that follows.",
                lambda points=chart["points"], curve=chart["curve"]: charts.provider_funnel(
                    points, curve=curve, kinds=kinds
                ),
                Table("", PROVIDER_HEADER, rows),
            )
        )
    return Section("Providers compared", 2, blocks)


def _placed(data: dict) -> Section:
    rows = [
        [
            label,
            number(side["children"]),
            number(side["episodes"]),
            number(side["repeat_children"]),
            share(side["repeat_episodes"]),
        ]
        for label, side in (("Placed in", data["placed_in"]), ("Placed out", data["placed_out"]))
        if isinstance(side, dict)
    ]
    councils = [
        ["Placing council", c["council"], number(c["children"]), number(c["episodes"])]
        for c in data["placed_in"].get("placing_councils") or []
    ] + [
        ["Host council", c["council"], number(c["children"]), number(c["episodes"])]
        for c in data["placed_out"].get("host_councils") or []
    ]
    blocks: list[Block] = [
        *data["findings"],
        Table(
            "Children placed in and out: missing episodes",
            ["", "Children", "Episodes", "Repeat children", "Repeat episodes"],
            rows,
        ),
    ]
    if councils:
        blocks.append(
            Table(
                "Councils with the most episodes",
                ["Role", "Council", "Children", "Episodes"],
                councils,
            )
        )
    return Section("Children placed in and out of the area", 2, blocks)


def _rhi_service(data: dict) -> Section:
    blocks: list[Block] = list(data["findings"])
    for key, measure in (
        ("completed_within_72h", "completed"),
        ("offered_within_72h", "offered"),
    ):
        chart = data["monthly"][key]
        if chart["centre"] is None:
            continue
        months = chart["months"]
        flagged = {m for s in chart["signals"] for m in s["months"]}
        blocks.append(
            Chart(
                f"Return home interviews {measure} within 72 hours, by month",
                f"Control chart of the share of returns with an interview {measure} within 72 "
                f"hours in each of the 24 months, around {decimal(chart['centre'])}%. The "
                "figures are in the table that follows.",
                lambda months=months, chart=chart, flagged=flagged, measure=measure: charts.p_chart(
                    [m["month"] for m in months],
                    [m["pct"] for m in months],
                    [m["lower"] for m in months],
                    [m["upper"] for m in months],
                    centre=chart["centre"],
                    signalled=[m["month"] in flagged for m in months],
                    ylabel=f"Returns, interview {measure} in 72 hours",
                ),
                Table(
                    "",
                    ["Month", "Returns", measure.capitalize(), "%", "Limits"],
                    [
                        [
                            m["month"],
                            number(m["of"]),
                            number(m["n"]),
                            decimal(m["pct"]),
                            f"{decimal(m['lower'])} to {decimal(m['upper'])}",
                        ]
                        for m in months
                    ],
                ),
            )
        )
    rows = []
    for key, what, names in (
        ("by_held_by", "Held by", HELD_BY),
        ("by_placement", "Child", PLACED),
        ("by_locality", "Locality", {}),
    ):
        for name, group in data[key].items():
            rows.append(
                [
                    what,
                    _label(name, names),
                    number(group["returns"]),
                    share(group["offered_within_72h"]),
                    share(group["completed_within_72h"]),
                ]
            )
    blocks.append(
        Table(
            "Return home interviews within 72 hours, by who held them, placement and locality",
            ["Group", "Value", "Returns", "Offered in 72 hours", "Completed in 72 hours"],
            rows,
        )
    )
    reasons = dict(NotHeldReason.choices)
    blocks.append(
        Table(
            "Why interviews were not held",
            ["Outcome", "Reason", "Interviews"],
            [
                [
                    outcome.replace("_", " ").capitalize(),
                    str(reasons.get(r, NOT_RECORDED)),
                    number(n),
                ]
                for outcome, found in data["not_held"].items()
                for r, n in found.items()
            ],
        )
    )
    hours = data["hours_to_interview"]
    if hours["interviews"] not in (0, SUPPRESSED):
        bins = hours["bins"]
        labels = [
            f"{b['from']} to {b['to']} hours" if b["to"] else f"{b['from']} hours or more"
            for b in bins
        ]
        blocks.append(
            _bars(
                "Hours from return to completed interview",
                f"Histogram of the hours from return to completed interview: half within "
                f"{decimal(hours['median'])} hours, nine in ten within {decimal(hours['p90'])}. "
                "The figures are in the table that follows.",
                labels,
                [b["interviews"] for b in bins],
                Table(
                    "",
                    ["Hours after the return", "Interviews"],
                    [
                        [label, number(b["interviews"])]
                        for label, b in zip(labels, bins, strict=True)
                    ]
                    + [
                        ["Median (hours)", decimal(hours["median"])],
                        ["90th percentile (hours)", decimal(hours["p90"])],
                    ],
                ),
                "Interviews",
            )
        )
    return Section("The return home interview service", 2, blocks)


def _children_say(data: dict) -> Section:
    blocks: list[Block] = list(data["findings"])
    factors = data["factors"]
    if factors:
        labels = dict(InterviewFactor.choices)
        names = [str(labels.get(f["code"], f["code"])) for f in factors]
        blocks.append(
            _bars(
                "What children said in their return home interviews",
                "Bar chart of the push and pull factors and exploitation indicators recorded, by "
                "the children who gave each. The figures are in the table that follows.",
                names,
                [f["children"] for f in factors],
                Table(
                    "",
                    ["Factor", "Interviews", "Children"],
                    [
                        [name, number(f["interviews"]), number(f["children"])]
                        for name, f in zip(names, factors, strict=True)
                    ],
                ),
                "Children",
            )
        )
    return Section("What children say", 2, blocks)


def _ethnicity(data: dict) -> Section:
    groups = data["groups"]
    blocks: list[Block] = list(data["findings"])
    if groups:
        names = [ETHNIC_GROUPS.get(k, k) for k in groups]
        blocks.append(
            _bars(
                "Children missing by ethnic group",
                "Bar chart of the children missing in each of the DfE's major ethnic groups. "
                "The figures are in the table that follows.",
                names,
                [g["children"] for g in groups.values()],
                Table(
                    "",
                    [
                        "Ethnic group",
                        "Children",
                        "Episodes",
                        "Share of children missing",
                        "Share of population aged 0 to 17",
                        "England: looked-after children missing",
                    ],
                    [
                        [
                            name,
                            number(g["children"]),
                            number(g["episodes"]),
                            decimal(g["share_pct"])
                            + ("%" if g["share_pct"] not in (None, SUPPRESSED) else ""),
                            _population(g, data),
                            share(g["england_share"]) if g.get("england_share") else "–",
                        ]
                        for name, g in zip(names, groups.values(), strict=True)
                    ],
                ),
                "Children",
            )
        )
    england = data.get("england")
    if groups and england:
        blocks.append(f"{england['note']} Source: {england['source']}")
    return Section("Children missing by ethnic group", 2, blocks)


def _population(group: dict, data: dict) -> str:
    """A group's share of the population aged 0-17: "Not held" until loaded (the section's
    findings say why), "–" for the not-known group, which the census does not count."""
    if group.get("population_share"):
        return share(group["population_share"])
    return "–" if data.get("population_source") else "Not held"


def _panel(data: dict) -> Section:
    agencies = data["actions_by_agency"]
    totals = data["actions"]
    comparison = data["before_after"]
    return Section(
        "The panel",
        2,
        [
            *data["findings"],
            Table(
                "Panel actions agreed in the period, by agency",
                ["Agency", "Agreed", "Done", "Overdue"],
                [
                    [name, number(a["agreed"]), number(a["done"]), number(a["overdue"])]
                    for name, a in agencies.items()
                ]
                + [
                    [
                        "All agencies",
                        number(totals["agreed"]),
                        number(totals["done"]),
                        number(totals["overdue"]),
                    ]
                ],
            ),
            Table(
                "Missing episodes six months before and after a child's first discussion",
                ["Measure", "Value"],
                [
                    ["Children first discussed (six months since)", number(comparison["children"])],
                    ["Episodes in the six months before", number(comparison["episodes_before"])],
                    ["Episodes in the six months after", number(comparison["episodes_after"])],
                    [
                        "Children whose six months after have not passed",
                        number(comparison["not_yet_six_months"]),
                    ],
                ],
            ),
            data["before_after_limits"],
        ],
    )


def _data_quality(data: dict) -> Section:
    rows = [
        ["Episodes in the period", data["episodes"]],
        ["Still open at the period's end", data["open_at_end"]],
        ["With no locality", data["no_locality"]],
        ["With no risk grading", data["no_risk"]],
        ["Returns with no interview outcome", data["returns_without_outcome"]],
        [f"Children merged into another record since {data['since']}", data["children_merged"]],
        [f"Children corrected since {data['since']}", data["children_corrected"]],
    ]
    return Section(
        "How far to trust the figures",
        2,
        [
            *data["findings"],
            Table("Data quality", ["Measure", "Count"], [[m, number(n)] for m, n in rows]),
        ],
    )
