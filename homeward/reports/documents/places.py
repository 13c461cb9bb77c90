"""The annex's places: localities' rates and children's homes' episodes, each against its
funnel plot's limits.
"""

from homeward.reports import tables
from homeward.reports.funnel import standing, standing_label
from homeward.reports.wording import SUPPRESSED, decimal, known, number, plural, words

from . import charts
from .blocks import Block, Chart, Section, Table


class Places:
    """Localities and children's homes (mixed into the writer)."""

    def localities(self) -> Section:
        blocks: list[Block] = []
        funnel = (self.report.get("funnel") or {}).get("localities")
        rates = self.report.get("rates_by_locality") or {}
        if funnel and funnel.get("points"):
            blocks.append(
                self._funnel_words(
                    funnel, "localities", "the council area as a whole", "rate of children missing"
                )
            )
            blocks.append(
                self._funnel_chart(
                    funnel,
                    title=tables.LOCALITY_FUNNEL,
                    centre_row=tables.LOCALITY_CENTRE,
                    what="Locality",
                    size="Children aged 0 to 17",
                    count="Children missing",
                    value="Rate per 10,000",
                )
            )
        if rates:
            rows = [
                [
                    name,
                    number(r.get("population_0_17")),
                    number(r.get("children")),
                    number(r.get("episodes")),
                    decimal(r.get("rate_per_10k_children")),
                    decimal(r.get("rate_per_10k_episodes")),
                ]
                for name, r in rates.items()
            ]
            blocks.append(
                Table(
                    "All children missing per 10,000 aged 0 to 17, by locality",
                    [
                        "Locality",
                        "Children aged 0 to 17",
                        "Children missing",
                        "Episodes",
                        "Children per 10,000",
                        "Episodes per 10,000",
                    ],
                    rows,
                )
            )
        if not blocks:
            blocks.append("No locality has a population recorded, so no rates can be compared.")
        return Section("Localities compared", 2, blocks)

    def homes(self) -> Section:
        funnel = (self.report.get("funnel") or {}).get("childrens_homes")
        if not funnel or not funnel.get("points"):
            return Section(
                "Children's homes compared",
                2,
                ["No child went missing from a children's home placement in the period."],
            )
        return Section(
            "Children's homes compared",
            2,
            [
                self._funnel_words(
                    funnel,
                    "children's homes",
                    "the children's homes taken together",
                    "rate of missing episodes per child placed",
                ),
                self._funnel_chart(
                    funnel,
                    title=tables.HOME_FUNNEL,
                    centre_row=tables.HOME_CENTRE,
                    what="Children's home",
                    size="Children placed",
                    count="Episodes",
                    value="Episodes per child",
                ),
            ],
        )

    def _funnel_words(self, funnel: dict, kinds: str, whole: str, measure: str) -> str:
        """Name a place only when it lies outside the limits; otherwise say nothing of it."""
        places = 2 if funnel.get("method") == "poisson" else 1
        kind = kinds.removesuffix("s").replace("localitie", "locality")
        sentences = []
        # A point whose figures are suppressed is neither named nor counted as within.
        shown = [p for p in funnel["points"] if known(p.get("value"))]
        hidden = len(funnel["points"]) - len(shown)
        outside = [p for p in shown if standing(p)]
        for point in outside:
            direction, limit = standing(point)
            higher = "higher" if direction == "above" else "lower"
            strength = (
                "beyond the 99.8% limits, so very unlikely to be chance"
                if limit == "99.8"
                else "beyond the 95% limits, though within the 99.8% limits"
            )
            figures = (
                f" ({decimal(point['value'], places)} against {decimal(funnel['centre'], places)})"
            )
            sentences.append(
                f"{point['name']} had a proportionately {higher} {measure} than {whole}"
                f"{figures}, {strength}."
            )
        rest = len(shown) - len(outside)
        if not shown:
            pass
        elif not outside:
            sentences.append(
                f"Every {kind}{' shown' if hidden else ''} lies within the control limits "
                f"around {whole}: the differences between them are no more than chance "
                f"would produce."
            )
        elif rest:
            sentences.append(
                f"The {plural(rest, f'other {kind} lies', f'other {words(rest)} lie')} within the "
                f"limits, where differences are no more than chance would produce."
            )
        if hidden:
            sentences.append(
                f"Figures for {words(hidden)} {plural(hidden, kind, kinds)} with fewer than "
                f"5 children are not published."
            )
        return " ".join(sentences)

    def _funnel_chart(self, funnel, *, title, centre_row, what, size, count, value) -> Chart:
        places = 2 if funnel.get("method") == "poisson" else 1
        rows = []
        for point in funnel["points"]:
            name = tables.home_row(point)
            rows.append(
                [
                    name,
                    number(point.get("size")),
                    number(point.get("count")),
                    decimal(point.get("value"), places),
                    f"{decimal(point.get('lower_95'), places)} to "
                    f"{decimal(point.get('upper_95'), places)}",
                    f"{decimal(point.get('lower_998'), places)} to "
                    f"{decimal(point.get('upper_998'), places)}",
                    standing_label(point) if known(point.get("value")) else SUPPRESSED,
                ]
            )
        rows.append([centre_row, "–", "–", decimal(funnel["centre"], places), "–", "–", "–"])
        table = Table(
            title,
            [what, size, count, value, "95% limits", "99.8% limits", tables.FUNNEL_STANDING],
            rows,
        )
        named = [p["name"] for p in funnel["points"] if p.get("flag") in ("above", "below")]
        alt = (
            f"Funnel plot of {funnel.get('measure', value)} against {size.lower()}, with the "
            f"overall figure of {decimal(funnel['centre'], places)} and its 95% and 99.8% "
            f"control limits. "
            + (
                f"Outside the 99.8% limits: {', '.join(named)}. "
                if named
                else "Every point lies within the 99.8% limits. "
            )
            + "The figures are in the table that follows."
        )
        return Chart(
            title=title,
            alt=alt,
            draw=lambda: charts.funnel(
                funnel["points"],
                centre=funnel["centre"],
                curve=funnel.get("curve") or [],
                xlabel=size,
                ylabel=value,
            ),
            table=table,
        )
