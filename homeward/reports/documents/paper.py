"""The committee paper's words, tables and charts, built from the report dict alone.

`build(report)` turns the JSON report (docs/report-json.md) into a `Paper`: title page,
then Recommendation, Executive summary, Summary findings, Recommendations and the Data
annex, each a list of blocks (paragraphs, lists, tables, charts). The HTML, DOCX and PDF
renderers only lay these out, so all three say the same thing in the same words.

The text never quotes a suppressed figure ("c"): a sentence that would need one is left
out or said another way.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from homeward.reports.rounding import percentage, whole_percent

from . import charts

SUPPRESSED = "c"
NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]

SEX = {"male": "Boys", "female": "Girls", "other": "Other", "unknown": "Not known"}
AGE = {"0-9": "0 to 9", "10-13": "10 to 13", "14-16": "14 to 16", "17": "17", "18+": "18 or over"}
LEGAL_STATUS = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "early_help": "Early help",
    "none": "Not open to children's social care",
}
PLACEMENT = {
    "home": "Missing from home",
    "foster": "Foster care",
    "childrens_home": "Children's home",
    "semi_independent": "Semi-independent",
    "with_parents": "Placed with parents",
    "kinship": "Kinship care",
    "secure": "Secure",
    "other": "Other placement",
    "not_known": "Not known",
}
RISK = {
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "no_apparent_risk": "No apparent risk",
    "not_known": "Not graded",
}
SIGNAL_RULES = {
    "beyond_limits": "beyond the limits",
    "shift": "shift (8 or more months one side)",
    "trend": "trend (6 or more months rising or falling)",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "info": 2}
NO_DATA = (
    "No data for this period: no child was recorded as missing or away in it, none returned "
    "in it and none was still missing at its end, so every figure below is zero. Check the "
    "period and the council, and that the data for the period have been recorded or imported."
)
UNFINISHED = (
    "This period has not ended: figures are to {to}, part of the period only. They are not "
    "compared with a year earlier, and this paper makes no recommendation from them. Produce "
    "the report again after {last} for the whole period."
)
NO_RETURNS_CHART = (
    "No child returned from a missing episode in the {months} months from {first} to {last}, "
    "so there is no control chart of return home interviews."
)


# --- the shape of a paper ---------------------------------------------------------------


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    title: str
    alt: str
    draw: Callable[[], object]
    table: Table

    def __post_init__(self):
        # The table beside a chart is named after it, so each can be found from the other.
        self.table.caption = f"Table: {self.title}"

    @cached_property
    def png(self) -> bytes:
        return charts.png(self.draw())

    @cached_property
    def svg(self) -> bytes:
        return charts.svg(self.draw())


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Note:
    """A paragraph set apart: the demonstration and draft notices."""

    text: str


Block = str | Bullets | Table | Chart | Note


@dataclass
class Section:
    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Paper:
    title: str
    subtitle: str
    title_lines: list[str]
    notices: list[str]
    sections: list[Section]
    demo: bool
    publication: bool

    @property
    def tables(self) -> list[Table]:
        found = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart):
                    found.append(block.table)
        return found

    @property
    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]


# --- numbers as an officer writes them ------------------------------------------------


def suppressed(value) -> bool:
    return value == SUPPRESSED


def number(value) -> str:
    """1,028; 'c' stays 'c'; a missing value is a dash."""
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def decimal(value, places: int = 1) -> str:
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    return f"{value:,.{places}f}"


def percent(value) -> str:
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    return whole_percent(value)


def share(value: dict | None) -> str:
    """'64% (641 of 1,001)': every percentage with its numerator and denominator."""
    if not value:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    n, of, pct = value.get("n"), value.get("of"), value.get("pct")
    if SUPPRESSED in (n, of, pct):
        return SUPPRESSED
    if not of:
        return "none of 0"
    return f"{percent(pct)} ({number(n)} of {number(of)})"


def known(*values) -> bool:
    """True when every value can be quoted in the text."""
    return all(v is not None and not suppressed(v) for v in values)


def plural(count, one: str, many: str) -> str:
    return one if count == 1 else many


def words(count: int) -> str:
    """Counts up to twelve in words, as in running text."""
    return NUMBER_WORDS[count - 1] if 1 <= count <= 12 else f"{count:,}"


def long_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def month_label(iso_month: str) -> str:
    return dt.date.fromisoformat(f"{iso_month}-01").strftime("%b %Y")


def whole_months(first: dt.date, last: dt.date) -> int | None:
    """How many calendar months the period covers exactly, or None if it is not whole months."""
    if first.day != 1 or (last + dt.timedelta(days=1)).day != 1:
        return None
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_phrase(period: dict) -> str:
    """'the six months to 30 June 2020', or '3 February to 30 June 2020'."""
    first, last = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    months = whole_months(first, last)
    if months == 1:
        return f"{last:%B} {last.year}"
    if months:
        return f"the {words(months)} months to {long_date(period['to'])}"
    return f"the period from {long_date(period['from'])} to {long_date(period['to'])}"


def earlier_phrase(previous: dict | None) -> str:
    if not previous:
        return "the same period a year earlier"
    first, last = previous["period"]["from"][:4], previous["period"]["to"][:4]
    return f"the same period of {first}" if first == last else "the same period a year earlier"


def change_clause(previous: dict | None, key: str, noun: str) -> str:
    """', 9% more episodes than in the same period of 2019 (943)', or ''."""
    if not previous:
        return ""
    before = previous.get("figures", {}).get(key)
    pct = previous.get("change_pct", {}).get(key)
    if not known(before, pct):
        return ""
    against = f"{earlier_phrase(previous)} ({number(before)})"
    if whole_percent(abs(pct)) == "0%":
        return f", about the same number of {noun} as in {against}"
    more = "more" if pct > 0 else "fewer"
    return f", {whole_percent(abs(pct))} {more} {noun} than in {against}"


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


# --- the paper ----------------------------------------------------------------------------


class _Writer:
    """Reads one report dict and writes each part of the paper from it."""

    def __init__(self, report: dict):
        self.report = report
        self.meta = report["meta"]
        self.missing = report["missing"]
        self.previous = report.get("previous_year")
        self.period = period_phrase(self.meta["period"])
        self.to = long_date(self.meta["period"]["to"])
        self.findings = sorted(
            report.get("findings") or [],
            key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3),
        )
        # Two findings can call for the same action; the Committee is asked for it once.
        self.actions = list(
            dict.fromkeys(f["recommendation"] for f in self.findings if f.get("recommendation"))
        )

    @property
    def place(self) -> str:
        council = self.meta["council"]
        if self.meta.get("locality"):
            return self.meta["locality"]
        if council["code"] == "all":
            return "all councils"
        return council["name"]

    def paper(self) -> Paper:
        return Paper(
            title="Children who go missing from home or care",
            subtitle=f"{self.meta['council']['name']}: {self.meta['period']['label']}",
            title_lines=self.title_lines(),
            notices=self.notices(),
            sections=[
                self.recommendation(),
                self.executive_summary(),
                self.summary_findings(),
                self.recommendations(),
                Section("Data annex", 1, [self.annex_intro()]),
                *self.annex(),
            ],
            demo=bool(self.meta.get("demo")),
            publication=bool(self.meta.get("publication")),
        )

    def title_lines(self) -> list[str]:
        council = self.meta["council"]
        lines = ["Report to the Performance Scrutiny Committee"]
        if council["code"] == "all":
            lines.append("All councils in this installation")
        else:
            lines.append(f"{council['name']} (council {council['code']})")
        if self.meta.get("locality"):
            lines.append(f"Locality: {self.meta['locality']}")
        lines.append(f"Period: {self.meta['period']['label']}")
        if self.meta.get("generated_at"):
            lines.append(f"Figures counted on {long_date(self.meta['generated_at'][:10])}")
        if self.meta.get("publication"):
            lines.append("Publication version: figures for fewer than 5 children are shown as c")
        return lines

    def notices(self) -> list[str]:
        notices = []
        unfinished = self.meta.get("unfinished")
        if unfinished:
            notices.append(UNFINISHED.format(to=long_date(unfinished["to"]), last=self.to))
        if self.meta.get("no_data"):
            notices.append(NO_DATA)
        if self.meta.get("demo"):
            notices.append(
                "This paper is a demonstration. It is counted from Homeward's made-up demo "
                "county: every child in it is made up, and no figure in it describes a real "
                "council."
            )
        if not self.meta.get("publication"):
            notices.append(
                "Draft. The findings and recommendations are written from the data by "
                "Homeward's rules; the author should check each one, and edit or remove it, "
                "before the paper is issued."
            )
        return notices

    # --- the front of the paper ---------------------------------------------------------

    def recommendation(self) -> Section:
        actions = self.actions
        text = (
            f"The Committee is RECOMMENDED to note the figures for children who went missing "
            f"from home or care in {self.place} in {self.period}"
        )
        if actions:
            text += (
                f", and to endorse the {words(len(actions))} "
                f"{plural(len(actions), 'action', 'actions')} set out under Recommendations."
            )
        else:
            text += "."
        return Section("Recommendation", 1, [text])

    def executive_summary(self) -> Section:
        m = self.missing
        paragraphs = []
        from_where = f" from {self.meta['locality']}" if self.meta.get("locality") else ""
        sentence = (
            f"In {self.period}, {number(m['children'])} "
            f"{plural(m['children'], 'child was', 'children were')} reported missing{from_where} "
            f"{number(m['episodes'])} {plural(m['episodes'], 'time', 'times')}"
            f"{change_clause(self.previous, 'missing_episodes', 'episodes')}."
        )
        if m.get("rate_per_10k_children") is not None:
            sentence += (
                f" That is {decimal(m['rate_per_10k_children'])} children in every 10,000 aged "
                f"0 to 17 living in {self.place}."
            )
        paragraphs.append(sentence)
        paragraphs.append(self._repeat_sentence())
        rhi = self._rhi_sentence()
        if rhi:
            paragraphs.append(rhi)
        placed = self._placed_in_sentence()
        if placed:
            paragraphs.append(placed)
        away = self.report.get("away") or {}
        if known(away.get("episodes")) and away.get("episodes"):
            paragraphs.append(
                f"Separately, looked-after children were away from their placement without "
                f"authorisation {number(away['episodes'])} "
                f"{plural(away['episodes'], 'time', 'times')} (their whereabouts known, but not "
                f"where they should have been); these are not counted as missing."
            )
        if self.findings:
            paragraphs.append(
                f"The data point to {words(len(self.findings))} "
                f"{plural(len(self.findings), 'matter', 'matters')} for the Committee's "
                f"attention, set out under Summary findings."
            )
        else:
            paragraphs.append(
                "Nothing in the data calls for the Committee's particular attention this period."
            )
        return Section("Executive summary", 1, paragraphs)

    def _repeat_sentence(self) -> str:
        m = self.missing
        parts = []
        repeat, children = m.get("repeat_children"), m["children"]
        if known(repeat) and children:
            parts.append(
                f"{number(repeat)} of the {number(children)} children "
                f"({percent(percentage(repeat, children))}) were reported missing more than once, "
                f"and on average each child went missing "
                f"{decimal(m.get('episodes_per_child'))} times"
            )
        duration = m.get("duration_hours") or {}
        if duration.get("median") is not None:
            parts.append(
                f"half of all episodes were over within {decimal(duration['median'])} hours"
            )
        open_at_end = m.get("open_at_end")
        if known(open_at_end):
            parts.append(
                f"{number(open_at_end)} {plural(open_at_end, 'episode', 'episodes')} had not "
                f"ended by the close of the period, the child not yet found"
                if open_at_end
                else "every episode had ended by the close of the period"
            )
        if not parts:
            return "No child was reported missing more than once."
        text = "; ".join(parts) + "."
        return text[0].upper() + text[1:]

    def _rhi_sentence(self) -> str | None:
        rhi = self.report.get("rhi") or {}
        if not rhi.get("returns"):
            return None
        target = self.meta.get("rhi_target_pct")
        within = rhi["completed_within_72h"]
        text = (
            f"Of the {number(rhi['returns'])} returns from a missing episode in the period, a "
            f"return home interview was offered within 72 hours after "
            f"{share(rhi['offered_within_72h'])} and completed within 72 hours after "
            f"{share(within)}"
        )
        if target is not None and known(within.get("pct")):
            below = within["pct"] < target
            text += f", {'below' if below else 'meeting'} the council's target of {target}%"
        return text + "."

    def _placed_in_sentence(self) -> str | None:
        placed = self.report.get("placed_in") or {}
        if not placed.get("episodes") or not known(placed.get("episodes")):
            return None
        return (
            f"Children placed here by other councils went missing "
            f"{number(placed['episodes'])} {plural(placed['episodes'], 'time', 'times')}; "
            f"their placing council was told within 24 hours for "
            f"{share(placed.get('notified_within_24h'))} of those episodes."
        )

    def summary_findings(self) -> Section:
        if not self.findings:
            return Section(
                "Summary findings",
                1,
                ["The rules Homeward applies to the figures found nothing to report this period."],
            )
        blocks: list[Block] = [f["text"] for f in self.findings]
        return Section("Summary findings", 1, blocks)

    def recommendations(self) -> Section:
        actions = self.actions
        if not actions and self.meta.get("unfinished"):
            return Section(
                "Recommendations",
                1,
                [
                    "There are no recommendations: the period has not ended, and part of a period "
                    "is not enough to recommend an action on."
                ],
            )
        if not actions:
            return Section(
                "Recommendations", 1, ["There are no recommendations beyond noting this paper."]
            )
        return Section(
            "Recommendations",
            1,
            ["The Committee is asked to endorse the following actions.", Bullets(actions, True)],
        )

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
        label_now = "This period"
        label_then = previous.get("period", {}).get("label", "A year earlier")
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

        row("Missing episodes", number(m["episodes"]), "missing_episodes")
        row("Children missing", number(m["children"]), "missing_children")
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
            "Children missing per 10,000 aged 0 to 17",
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
                "Return interview completed within 72 hours",
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
            "Headline figures, with the same period a year earlier",
            ["Figure", label_now, label_then, "Change"],
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
                    title="Children missing per 10,000 aged 0 to 17, by locality",
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
                    title="Missing episodes per child placed, by children's home",
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
        outside = [p for p in shown if p.get("flag_95", "within") != "within"]
        for point in outside:
            higher = "higher" if point["flag_95"] == "above" else "lower"
            strength = (
                "beyond the 99.8% limits, so very unlikely to be chance"
                if point.get("flag") == point["flag_95"]
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

    def _funnel_chart(self, funnel, *, title, what, size, count, value) -> Chart:
        places = 2 if funnel.get("method") == "poisson" else 1
        flags = {"above": "Higher", "below": "Lower", "within": "Within limits"}
        rows = []
        for point in funnel["points"]:
            name = point["name"] + (f" ({point['urn']})" if point.get("urn") else "")
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
                    flags.get(point.get("flag"), "–") if known(point.get("value")) else SUPPRESSED,
                ]
            )
        table = Table(
            title,
            [what, size, count, value, "95% limits", "99.8% limits", "Against 99.8% limits"],
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
                "the variation is noise, not a change in practice."
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
            title="Return home interviews completed within 72 hours: control chart",
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
            ["Screened for exploitation by the end of the period", share(repeat.get("screened"))],
            ["Known to children's social care", share(repeat.get("known_to_csc"))],
        ]
        for band, children in (repeat.get("by_episodes") or {}).items():
            times = "twice" if band == "2" else f"{band.replace('-', ' to ')} times"
            rows.append([f"Missing {times}", number(children)])
        blocks.append(Table("Children missing more than once", ["Figure", "Number"], rows))
        return Section("Children missing more than once", 2, blocks)

    def placed(self) -> Section:
        placed_in = self.report.get("placed_in") or {}
        placed_out = self.report.get("placed_out") or {}
        rows = [
            ["Other councils' children placed here: children", number(placed_in.get("children"))],
            ["Other councils' children placed here: episodes", number(placed_in.get("episodes"))],
            [
                "Placing council told within 24 hours of the report",
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
        blocks.append(Table("Children placed in and placed out", ["Figure", "Number"], rows))
        return Section("Placed in and placed out", 2, blocks)

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
            text += ", against " + _listed(others)
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
            + _listed([n["name"] for n in neighbours])
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


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def signal_words(signal: dict) -> str:
    """A run-rule signal as a sentence, when the engine gives none."""
    months = [month_label(m) for m in signal.get("months", [])]
    if not months:
        return ""
    span = months[0] if len(months) == 1 else f"from {months[0]} to {months[-1]}"
    direction = signal.get("direction")
    if signal["rule"] == "beyond_limits":
        side = "below the lower" if direction == "below" else "above the upper"
        when = f"In {months[0]}" if len(months) == 1 else f"In {_listed(months)}"
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


def build(report: dict) -> Paper:
    """The committee paper for one report dict."""
    return _Writer(report).paper()
