"""The annex's return home interviews: the period's figures and the 24 months' control
chart (p-chart) with its signals.
"""

from homeward.reports import spc, tables
from homeward.reports.wording import decimal, listed, month_label, number, percent, share, words

from . import charts
from .blocks import Block, Chart, Section, Table

SIGNAL_RULES = tables.SIGNAL_RULES
NO_RETURNS_CHART = (
    "No child returned from a missing episode in the {months} months from {first} to {last}, "
    "so there is no control chart of return home interviews."
)


class Interviews:
    """Return home interviews (mixed into the writer)."""

    def interviews(self) -> Section:
        rhi = self.report.get("rhi") or {}
        blocks: list[Block] = []
        if rhi:
            blocks.append(
                Table(
                    "Return home interviews after returns in the period",
                    ["Measure", f"Returns in the period: {number(rhi.get('returns'))}"],
                    [
                        ["Offered within 72 hours", share(rhi.get("offered_within_72h"))],
                        ["Completed within 72 hours", share(rhi.get("completed_within_72h"))],
                        ["Completed at any time", share(rhi.get("completed"))],
                        ["Declined by the child", share(rhi.get("declined"))],
                        *(
                            [["Closed by a coordinator, with a reason", share(rhi["closed"])]]
                            if "closed" in rhi  # reports saved before it was counted lack it
                            else []
                        ),
                    ],
                )
            )
        monthly = self.report.get("rhi_monthly") or {}
        months = monthly.get("months") or []
        if months and monthly.get("centre") is None:
            blocks.append(
                NO_RETURNS_CHART.format(
                    months=words(len(months)),
                    first=month_label(months[0]["month"]),
                    last=month_label(months[-1]["month"]),
                )
            )
        elif months:
            blocks.append(self._spc_words(monthly))
            blocks.append(self._spc_chart(monthly))
        return Section("Return home interviews", 2, blocks)

    def _spc_words(self, monthly: dict) -> str:
        months = monthly["months"]
        first, last = month_label(months[0]["month"]), month_label(months[-1]["month"])
        text = (
            f"Over the {words(len(months))} months from {first} to {last}, "
            f"{percent(monthly['centre'])} of returns were followed by an interview completed "
            f"within 72 hours. The chart shows each month against control limits set by that "
            f"month's number of returns, so that a real change can be told from month-to-month "
            f"noise."
        )
        signals = monthly.get("signals") or []
        if not signals:
            return text + (
                " No month fell outside the limits and there was no sustained run or trend: "
                "the variation is no more than month-to-month noise."
            )
        return text + " " + " ".join(s.get("text") or signal_words(s) for s in signals)

    def _spc_chart(self, monthly: dict) -> Chart:
        months = monthly["months"]
        signalled = {}
        for signal in monthly.get("signals") or []:
            for month in signal.get("months", []):
                signalled.setdefault(month, []).append(
                    SIGNAL_RULES.get(signal["rule"], signal["rule"])
                )
        rows = []
        for m in months:
            done = m["completed_within_72h"]
            rows.append(
                [
                    month_label(m["month"]),
                    number(m["returns"]),
                    number(done["n"]),
                    decimal(done["pct"]),
                    decimal(m.get("lower")),
                    decimal(m.get("upper")),
                    "; ".join(signalled.get(m["month"], [])) or "–",
                ]
            )
        totals = spc.monthly_totals(monthly)
        rows.append(
            [
                tables.RHI_MONTHLY_TOTAL.format(months=len(months)),
                number(totals["returns"]),
                number(totals["completed_within_72h"]),
                decimal(monthly["centre"]),
                "–",
                "–",
                "–",
            ]
        )
        table = Table(
            "Return home interviews completed within 72 hours, by month (%)",
            [
                "Month",
                "Returns",
                "Completed within 72 hours",
                "%",
                "Lower limit",
                "Upper limit",
                "Signal",
            ],
            rows,
        )
        flagged = [month_label(m) for m in signalled]
        alt = (
            f"Statistical process control chart (p-chart) of the percentage of returns with a "
            f"return home interview completed within 72 hours, each month from "
            f"{month_label(months[0]['month'])} to {month_label(months[-1]['month'])}, with a "
            f"centre line at {percent(monthly['centre'])} and control limits. "
            + (
                f"Months in a special-cause signal: {', '.join(flagged)}. "
                if flagged
                else "No month signals special cause. "
            )
            + "The figures are in the table that follows."
        )
        return Chart(
            title=tables.RHI_MONTHLY,
            alt=alt,
            draw=lambda: charts.p_chart(
                [month_label(m["month"]) for m in months],
                [m["completed_within_72h"]["pct"] for m in months],
                [m.get("lower") for m in months],
                [m.get("upper") for m in months],
                centre=monthly["centre"],
                signalled=[m["month"] in signalled for m in months],
                ylabel="Completed within 72 hours",
            ),
            table=table,
        )


def signal_words(signal: dict) -> str:
    """A run-rule signal as a sentence, when the engine gives none."""
    months = [month_label(m) for m in signal.get("months", [])]
    if not months:
        return ""
    span = months[0] if len(months) == 1 else f"from {months[0]} to {months[-1]}"
    direction = signal.get("direction")
    if signal["rule"] == "beyond_limits":
        side = "below the lower" if direction == "below" else "above the upper"
        when = f"In {months[0]}" if len(months) == 1 else f"In {listed(months)}"
        return (
            f"{when} the share fell {side} control limit: a real change that month, not noise."
        ).replace("fell above", "rose above")
    if signal["rule"] == "shift":
        side = "below" if direction == "below" else "above"
        return (
            f"{span[0].upper() + span[1:]}, {words(len(months))} months in a row were {side} "
            f"the centre line: a sustained shift, not noise."
        )
    if signal["rule"] == "trend":
        way = "fell" if direction == "falling" else "rose"
        return (
            f"{span[0].upper() + span[1:]} the share {way} {words(len(months) - 1)} months in a "
            f"row: a trend, not noise."
        )
    return f"A signal ({signal['rule']}) {span}."
