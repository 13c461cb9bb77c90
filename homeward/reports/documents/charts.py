"""The report's charts, drawn with matplotlib the same way every time.

Fixed font (DejaVu Sans, shipped with matplotlib), fixed sizes, no dates or software
versions in the files, so the same report gives the same bytes. Each function returns a
matplotlib Figure; `png` and `svg` turn one into bytes.
"""

import io
import math

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "homeward",
    "path.simplify": True,
}
matplotlib.rcParams.update(STYLE)

INK = "#0b0c0c"
BLUE = "#1d70b8"
GREY = "#505a5f"
RED = "#d4351c"
ORANGE = "#f47738"
LIGHT = "#b1b4b6"
WIDTH = 6.3  # inches: the text width of an A4 page with 2.5 cm margins


def png(figure: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def bars(labels: list[str], values: list[int | None], *, xlabel: str) -> Figure:
    """Horizontal bars, first label at the top; a value of None is suppressed and drawn as 'c'."""
    height = 0.9 + 0.32 * len(labels)
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(labels))
    drawn = [v or 0 for v in values]
    axes.barh(positions, drawn, color=BLUE, height=0.6)
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    top = max(drawn, default=0) or 1
    axes.set_xlim(0, top * 1.12)
    for y, value in zip(positions, values, strict=True):
        text = "c" if value is None else f"{value:,}"
        axes.text((value or 0) + top * 0.01, y, text, va="center", ha="left", color=INK, fontsize=8)
    return figure


def funnel(points: list[dict], *, centre: float, curve: list[dict], xlabel: str, ylabel: str):
    """A funnel plot: each point's value against its size, the centre line and the 95% and
    99.8% control limits drawn from `curve` (docs/report-json.md, `funnel`).

    Points whose figures are suppressed ("c") are left out; points outside the 99.8%
    limits are red (above) or orange (below) and named.
    """
    figure = Figure(figsize=(WIDTH, 3.8), layout="constrained")
    axes = figure.add_subplot()
    _limits(axes, [c["size"] for c in curve], curve)
    axes.axhline(centre, color=INK, linewidth=1, label="Council")
    shown = [p for p in points if isinstance(p.get("value"), int | float)]
    for point in shown:
        colour = {"above": RED, "below": ORANGE}.get(point.get("flag"), BLUE)
        axes.plot(point["size"], point["value"], "o", color=colour, markersize=5)
    _names(axes, shown, "size", "value")
    axes.set_xlim(left=0)
    axes.set_ylim(bottom=0)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    figure.legend(loc="outside lower center", fontsize=7.5, frameon=False, ncol=3)
    return figure


def _limits(axes, sizes: list, curve: list[dict]) -> None:
    """A funnel's 95% and 99.8% limits, drawn from its `curve`."""
    for level, style, name in (("95", "--", "95% limits"), ("998", ":", "99.8% limits")):
        axes.plot(sizes, [c[f"upper_{level}"] for c in curve], style, color=GREY, label=name)
        axes.plot(sizes, [c[f"lower_{level}"] for c in curve], style, color=GREY)


def _names(axes, shown: list[dict], x: str, y: str) -> None:
    """Each point outside its 99.8% limits named (every point, when 6 or fewer)."""
    for point in shown:
        if point.get("flag") in ("above", "below") or len(shown) <= 6:
            axes.annotate(
                point["name"],
                (point[x], point[y]),
                textcoords="offset points",
                xytext=(5, 4),
                fontsize=7.5,
                color=INK,
            )


MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def provider_funnel(points: list[dict], *, curve: list[dict], kinds: dict[str, str]) -> Figure:
    """One locality's providers of every type on one funnel: each provider's missing episodes
    against those expected of a provider of its type and size (1 = as expected), with the 95%
    and 99.8% limits drawn from `curve` (docs/report-json.md, `providers.by_locality`). Each
    placement type has its own marker, named in `kinds`; suppressed points are left out;
    points outside the 99.8% limits are red (above) or orange (below) and named."""
    figure = Figure(figsize=(WIDTH, 3.8), layout="constrained")
    axes = figure.add_subplot()
    _limits(axes, [c["expected"] for c in curve], curve)
    axes.axhline(1, color=INK, linewidth=1, label="As expected")
    shown = [p for p in points if isinstance(p.get("ratio"), int | float)]
    for marker, (kind, label) in zip(MARKERS * 4, kinds.items(), strict=False):
        of_kind = [p for p in shown if p["placement_type"] == kind]
        if not of_kind:
            continue
        axes.scatter(
            [p["expected"] for p in of_kind],
            [p["ratio"] for p in of_kind],
            marker=marker,
            s=28,
            c=[{"above": RED, "below": ORANGE}.get(p.get("flag"), BLUE) for p in of_kind],
            label=label,
        )
    _names(axes, shown, "expected", "ratio")
    axes.set_xlim(left=0)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("Episodes expected of a provider of its type and size")
    axes.set_ylabel("Episodes against those expected")
    figure.legend(loc="outside lower center", fontsize=7.5, frameon=False, ncol=4)
    return figure


def p_chart(
    labels: list[str],
    pcts: list[float | None],
    lower: list[float | None],
    upper: list[float | None],
    *,
    centre: float,
    signalled: list[bool],
    ylabel: str,
) -> Figure:
    """A p-chart in percent: monthly values, the centre line, 3-sigma limits that vary with
    each month's base, and the months in a special-cause signal marked in red; a month with
    no returns, or suppressed ("c"), is a gap."""
    figure = Figure(figsize=(WIDTH, 3.6), layout="constrained")
    axes = figure.add_subplot()
    xs = list(range(len(labels)))

    def nan(values):
        # None (no returns) and "c" (suppressed) are both gaps in the line.
        return [v if isinstance(v, int | float) else math.nan for v in values]

    axes.step(xs, nan(upper), where="mid", color=GREY, linestyle="--", linewidth=1, label="Limits")
    axes.step(xs, nan(lower), where="mid", color=GREY, linestyle="--", linewidth=1)
    axes.axhline(centre, color=INK, linewidth=1, label=f"Centre line ({centre:.0f}%)")
    axes.plot(xs, nan(pcts), "-o", color=BLUE, markersize=3.5, linewidth=1.2, label="Month")
    flagged = [
        (x, p)
        for x, p, s in zip(xs, pcts, signalled, strict=True)
        if s and isinstance(p, int | float)
    ]
    if flagged:
        axes.plot(
            [x for x, _ in flagged],
            [p for _, p in flagged],
            "o",
            color=RED,
            markersize=6.5,
            label="Special cause",
        )
    step = 1 if len(labels) <= 12 else 2
    axes.set_xticks(xs[::step], labels[::step], rotation=45, ha="right")
    axes.set_ylim(0, 100)
    axes.yaxis.set_major_formatter(PercentFormatter(100))
    axes.set_ylabel(ylabel)
    figure.legend(loc="outside lower center", fontsize=7.5, frameon=False, ncol=4)
    return figure
