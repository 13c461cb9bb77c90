"""The annex's comparison of the council's own looked-after figures with DfE's published
ones for the council, its statistical neighbours, region and England.
"""

from homeward.reports.wording import decimal, listed, number, percent

from .blocks import Block, Section, Table


class Comparison:
    """The comparison section (mixed into the writer)."""

    def comparison(self) -> Section:
        benchmarks = self.report.get("benchmarks")
        heading = "Comparison with statistical neighbours, region and England"
        if not benchmarks:
            return Section(
                heading,
                2,
                [
                    "DfE's published figures were not available to this report, so no "
                    "comparison is made."
                ],
            )
        return Section(heading, 2, comparison_blocks(benchmarks))


def comparison_blocks(benchmarks: dict) -> list[Block]:
    """The council's own looked-after figures beside DfE's published ones
    (homeward.reports.looked_after.comparison)."""
    year = benchmarks["year_ending"]
    region = (benchmarks.get("region") or {}).get("name") or "Region"
    rows_by_measure = {row["measure"]: row for row in benchmarks.get("rows", [])}
    blocks: list[Block] = []
    main = rows_by_measure.get("pct_missing")
    if main and main.get("own") is not None:
        spread = main.get("neighbours") or {}
        text = (
            f"In the year ending 31 March {year}, by the council's own records "
            f"{percent(main['own'])} of the children it looked after went missing at least once"
        )
        published = main.get("council") or {}
        if published.get("value") is not None:
            text += f" (DfE published {_published(published, '%')})"
        others = []
        if spread.get("mean") is not None:
            others.append(
                f"a mean of {decimal(spread['mean'])}% among its statistical neighbours "
                f"(from {decimal(spread['min'])}% to {decimal(spread['max'])}%)"
            )
        if (main.get("region") or {}).get("value") is not None:
            others.append(f"{_published(main['region'], '%')} in {region}")
        if (main.get("england") or {}).get("value") is not None:
            others.append(f"{_published(main['england'], '%')} in England")
        if others:
            text += ", against " + listed(others)
        blocks.append(text + ".")
    if benchmarks.get("note"):
        blocks.append(benchmarks["note"])
    rows = []
    for row in benchmarks.get("rows", []):
        spread = row.get("neighbours") or {}
        if spread.get("mean") is None:
            neighbours = "x"
        else:
            neighbours = (
                f"{decimal(spread['mean'])} ({_plain(spread['min'])} to {_plain(spread['max'])})"
            )
        rows.append(
            [
                row["label"],
                number(row.get("own")),
                _published(row.get("council")),
                neighbours,
                _published(row.get("region")),
                _published(row.get("england")),
            ]
        )
    blocks.append(
        Table(
            f"Looked-after children who went missing, year ending 31 March {year}",
            [
                "Measure",
                "Council's own count",
                "DfE published: council",
                "Statistical neighbours: mean (range)",
                region,
                "England",
            ],
            rows,
        )
    )
    neighbours = benchmarks.get("neighbours") or []
    if neighbours:
        blocks.append(
            "The statistical neighbours are "
            + listed([n["name"] for n in neighbours])
            + f" (DfE's {benchmarks.get('neighbour_model')} model)."
        )
    if benchmarks.get("source"):
        blocks.append(f"Source: {benchmarks['source']}")
    return blocks


def _published(figure: dict | None, unit: str = "") -> str:
    """A published figure as DfE shows it, or its symbol: c suppressed, x not available."""
    if not figure:
        return "x"
    if figure.get("value") is None:
        return figure.get("shown") or figure.get("status") or "x"
    return f"{figure.get('shown') or _plain(figure['value'])}{unit}"


def _plain(value) -> str:
    if value is None:
        return "x"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
