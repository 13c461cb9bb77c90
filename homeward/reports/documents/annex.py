"""The data annex: the headline figures and the tables and charts of children by group,
repeat children, children placed across council borders, away episodes and definitions.
"""

from homeward.reports import tables
from homeward.reports.wording import (
    AGE,
    LEGAL_STATUS,
    PLACEMENT,
    RISK,
    SEX,
    decimal,
    known,
    number,
    percent,
    plural,
    share,
    suppressed,
)

from . import charts
from .blocks import Block, Bullets, Chart, Section, Table


def groups_table(caption: str, groups: dict, labels: dict, first: str) -> Table:
    rows = [
        [labels.get(key, key), number(group["children"]), number(group["episodes"])]
        for key, group in groups.items()
    ]
    return Table(caption, [first, "Children", "Episodes"], rows)


def groups_chart(title: str, groups: dict, labels: dict, first: str, what: str) -> Chart:
    names = [labels.get(key, key) for key in groups]
    values = [None if suppressed(g["children"]) else g["children"] for g in groups.values()]
    listed = "; ".join(
        f"{name} {number(g['children'])}" for name, g in zip(names, groups.values(), strict=True)
    )
    return Chart(
        title=title,
        alt=f"Bar chart of children {what} by {first.lower()}: {listed}. "
        "The figures are in the table that follows.",
        draw=lambda: charts.bars(names, values, xlabel="Children"),
        table=groups_table(title, groups, labels, first),
    )


class Annex:
    """The data annex's sections, except places, interviews and comparisons (mixed into
    the writer)."""

    def annex_intro(self) -> str:
        return (
            f"The figures behind this paper, for {self.meta['period']['label']}. Every chart is "
            f"followed by a table of its figures. Counting follows the definitions at the end "
            f"of the annex."
        )

    # --- the data annex -----------------------------------------------------------------

    def annex(self) -> list[Section]:
        return [
            self.headline(),
            self.profile(),
            self.care(),
            self.risk(),
            self.localities(),
            self.homes(),
            self.interviews(),
            self.repeat(),
            self.placed(),
            self.comparison(),
            self.away(),
            self.definitions(),
        ]

    def headline(self) -> Section:
        m, rhi = self.missing, self.report.get("rhi") or {}
        previous = self.previous or {}
        before = previous.get("figures", {})
        change = previous.get("change", {})
        label_now = tables.HEADLINE_NOW
        label_then = previous.get("period", {}).get("label", tables.HEADLINE_THEN)
        rows = []

        def row(label, now, key, pct=False):
            then = before.get(key)
            delta = change.get(key)
            if pct:
                shown_then = percent(then)
                shown_delta = "–" if not known(delta) else f"{delta:+.1f} points"
            else:
                shown_then = number(then)
                shown_delta = "–" if not known(delta) else f"{delta:+,}"
                if isinstance(delta, float):
                    shown_delta = f"{delta:+,.1f}"
            rows.append([label, now, shown_then, shown_delta])

        row(tables.ROW_EPISODES, number(m["episodes"]), "missing_episodes")
        row(tables.ROW_CHILDREN, number(m["children"]), "missing_children")
        row(
            "Children missing more than once",
            number(m["repeat_children"]),
            "missing_repeat_children",
        )
        row(
            "Episodes per child",
            decimal(m.get("episodes_per_child"), 2),
            "missing_episodes_per_child",
        )
        row(
            tables.ROW_RATE,
            decimal(m.get("rate_per_10k_children")),
            "missing_rate_per_10k_children",
        )
        row(
            "Away from placement: episodes",
            number(self.report["away"]["episodes"]),
            "away_episodes",
        )
        row(
            "Away from placement: children",
            number(self.report["away"]["children"]),
            "away_children",
        )
        if rhi:
            row("Returns from missing", number(rhi.get("returns")), "rhi_returns")
            row(
                "Return interview offered within 72 hours",
                share(rhi.get("offered_within_72h")),
                "rhi_offered_within_72h_pct",
                pct=True,
            )
            row(
                tables.ROW_RHI_72H,
                share(rhi.get("completed_within_72h")),
                "rhi_completed_within_72h_pct",
                pct=True,
            )
            row(
                "Return interview completed at any time",
                share(rhi.get("completed")),
                "rhi_completed_pct",
                pct=True,
            )
        screened = (self.report.get("ce_screening") or {}).get("screened")
        if screened:
            row(
                "Repeat children screened for exploitation",
                share(screened),
                "ce_screened_pct",
                pct=True,
            )
        notified = (self.report.get("placed_in") or {}).get("notified_within_24h")
        if notified:
            row(
                "Placing council told within 24 hours",
                share(notified),
                "placed_in_notified_within_24h_pct",
                pct=True,
            )
        duration = m.get("duration_hours") or {}
        rows.append(["Median episode length (hours)", decimal(duration.get("median")), "–", "–"])
        rows.append(
            ["Longest tenth of episodes: over (hours)", decimal(duration.get("p90")), "–", "–"]
        )
        rows.append(
            ["Still missing at the end of the period", number(m.get("open_at_end")), "–", "–"]
        )
        table = Table(
            tables.HEADLINE,
            ["Figure", label_now, label_then, tables.HEADLINE_CHANGE],
            rows,
        )
        return Section("Headline figures", 2, [table])

    def profile(self) -> Section:
        m = self.missing
        blocks: list[Block] = []
        sentence = self._profile_sentence()
        if sentence:
            blocks.append(sentence)
        if m.get("by_sex"):
            blocks.append(
                groups_chart("Children missing by sex", m["by_sex"], SEX, "Sex", "missing")
            )
        if m.get("by_age_band"):
            blocks.append(
                groups_chart("Children missing by age", m["by_age_band"], AGE, "Age", "missing")
            )
        return Section("Who went missing: sex and age", 2, blocks)

    def _profile_sentence(self) -> str | None:
        m = self.missing
        parts = []
        boys = (m.get("by_sex") or {}).get("male", {}).get("children")
        girls = (m.get("by_sex") or {}).get("female", {}).get("children")
        if known(boys, girls) and m["children"]:
            parts.append(
                f"{percent(100 * boys / m['children'])} of the children missing were boys "
                f"({number(boys)} of {number(m['children'])}) and "
                f"{percent(100 * girls / m['children'])} girls ({number(girls)})"
            )
        ages = {
            k: g["children"]
            for k, g in (m.get("by_age_band") or {}).items()
            if known(g["children"])
        }
        if ages:
            band = max(ages, key=ages.get)
            parts.append(
                f"the largest age group was {AGE.get(band, band)}-year-olds, with "
                f"{number(ages[band])} children"
            )
        if not parts:
            return None
        text = "; ".join(parts) + "."
        return text[0].upper() + text[1:]

    def care(self) -> Section:
        m = self.missing
        blocks: list[Block] = []
        placement = m.get("by_placement_type") or {}
        home = placement.get("home", {})
        homes = placement.get("childrens_home", {})
        parts = []
        if known(home.get("children"), home.get("episodes")):
            parts.append(
                f"{number(home['children'])} children went missing from home, "
                f"{number(home['episodes'])} times in all"
            )
        if known(homes.get("children"), homes.get("episodes")) and homes["children"]:
            parts.append(
                f"children living in children's homes went missing {number(homes['episodes'])} "
                f"times, {decimal(homes['episodes'] / homes['children'])} episodes for each of "
                f"the {number(homes['children'])} children"
            )
        if parts:
            text = "; ".join(parts) + "."
            blocks.append(text[0].upper() + text[1:])
        if m.get("by_legal_status"):
            blocks.append(
                groups_chart(
                    "Children missing by legal status",
                    m["by_legal_status"],
                    LEGAL_STATUS,
                    "Legal status",
                    "missing",
                )
            )
        if placement:
            blocks.append(
                groups_chart(
                    "Children missing by where they went missing from",
                    placement,
                    PLACEMENT,
                    "Missing from",
                    "missing",
                )
            )
        return Section("Legal status and placement type", 2, blocks)

    def risk(self) -> Section:
        m = self.missing
        groups = m.get("by_risk") or {}
        blocks: list[Block] = []
        high = groups.get("high", {}).get("episodes")
        if known(high) and m["episodes"]:
            blocks.append(
                f"The police graded {number(high)} of the {number(m['episodes'])} episodes as high "
                f"risk ({percent(100 * high / m['episodes'])})."
            )
        if groups:
            blocks.append(
                groups_chart(
                    "Children missing by police risk grading", groups, RISK, "Risk", "missing"
                )
            )
        return Section("Risk grading", 2, blocks)

    def repeat(self) -> Section:
        repeat = self.report.get("repeat_children") or {}
        count = repeat.get("count")
        if suppressed(count):
            return Section(
                "Children missing more than once",
                2,
                [
                    "Fewer than five children were reported missing more than once, so their "
                    "figures are not published."
                ],
            )
        if not count:
            return Section(
                "Children missing more than once",
                2,
                ["No child was reported missing more than once in the period."],
            )
        blocks: list[Block] = [
            f"{number(count)} children were reported missing more than once, between them "
            f"{number(repeat.get('episodes'))} times. By {self.to}, "
            f"{share(repeat.get('screened'))} had been screened for child exploitation, and "
            f"{share(repeat.get('known_to_csc'))} were known to children's social care."
        ]
        rows = [
            ["Children missing more than once", number(count)],
            ["Their missing episodes", number(repeat.get("episodes"))],
            [tables.ROW_SCREENED, share(repeat.get("screened"))],
            ["Known to children's social care", share(repeat.get("known_to_csc"))],
        ]
        for band, children in (repeat.get("by_episodes") or {}).items():
            times = "twice" if band == "2" else f"{band.replace('-', ' to ')} times"
            rows.append([f"Missing {times}", number(children)])
        blocks.append(Table(tables.REPEAT, ["Figure", "Number"], rows))
        return Section("Children missing more than once", 2, blocks)

    def placed(self) -> Section:
        placed_in = self.report.get("placed_in") or {}
        placed_out = self.report.get("placed_out") or {}
        rows = [
            ["Other councils' children placed here: children", number(placed_in.get("children"))],
            ["Other councils' children placed here: episodes", number(placed_in.get("episodes"))],
            [
                tables.ROW_NOTIFIED,
                share(placed_in.get("notified_within_24h")),
            ],
            ["Our children placed elsewhere: children", number(placed_out.get("children"))],
            ["Our children placed elsewhere: episodes", number(placed_out.get("episodes"))],
        ]
        blocks: list[Block] = []
        sentence = self._placed_in_sentence()
        target = self.meta.get("notification_target_pct")
        if sentence:
            if target is not None:
                sentence += f" The council's target is {target}%."
            blocks.append(sentence)
        if known(placed_out.get("episodes")) and placed_out.get("episodes"):
            blocks.append(
                f"The council's own children living in other councils' areas went missing "
                f"{number(placed_out['episodes'])} "
                f"{plural(placed_out['episodes'], 'time', 'times')}."
            )
        blocks.append(Table(tables.PLACED, ["Figure", "Number"], rows))
        return Section("Placed in and placed out", 2, blocks)

    def away(self) -> Section:
        away = self.report.get("away") or {}
        rows = [
            ["Episodes", number(away.get("episodes"))],
            ["Children", number(away.get("children"))],
            ["Children away more than once", number(away.get("repeat_children"))],
            ["Episodes per child", decimal(away.get("episodes_per_child"), 2)],
        ]
        blocks: list[Block] = [
            Table("Away from placement without authorisation", ["Figure", "Number"], rows)
        ]
        if away.get("by_placement_type"):
            blocks.append(
                groups_table(
                    "Away from placement, by placement type",
                    away["by_placement_type"],
                    PLACEMENT,
                    "Placement",
                )
            )
        return Section("Away from placement without authorisation", 2, blocks)

    def definitions(self) -> Section:
        return Section(
            "How the figures are counted",
            2,
            [
                Bullets(
                    [
                        "An episode counts in the period when the child was last seen in it "
                        "(dates in UK time, both ends included).",
                        "A child is counted once in every group in which they had an episode, "
                        "so children in a table's groups can add up to more than the total; "
                        "episodes add up exactly.",
                        "Return home interview figures are out of the returns in the period, "
                        "whenever the episode began; within 72 hours means at most 72 hours "
                        "after the return.",
                        "Rates are per 10,000 children aged 0 to 17 living in the area.",
                        "Funnel plots compare each place with the whole at its own size: a "
                        "point outside the 99.8% limits is very unlikely to be chance.",
                        "The control chart is a p-chart with 3-sigma limits; a signal is a "
                        "month beyond the limits, 8 or more months in a row on one side of "
                        "the centre line, or 6 or more rising or falling in a row.",
                        "In the publication version, figures describing fewer than 5 children "
                        "are shown as c, as DfE does.",
                    ]
                ),
                "Comparator figures: Department for Education, Children looked after in "
                "England including adoption, and the children's services statistical "
                "neighbour benchmarking tool; Office for National Statistics mid-year "
                "population estimates. Contains public sector information licensed under the "
                "Open Government Licence v3.0.",
            ],
        )
