"""The committee paper's words, tables and charts, built from the report dict alone.

`build(report)` turns the JSON report (docs/report-json.md) into a `Paper`: title page,
then Recommendation, Executive summary, Summary findings, Recommendations and the Data
annex, each a list of blocks (paragraphs, lists, tables, charts). The HTML, DOCX and PDF
renderers only lay these out, so all three say the same thing in the same words.

The text never quotes a suppressed figure ("c"): a sentence that would need one is left
out or said another way.
"""

from homeward.reports import committee
from homeward.reports.wording import SEVERITY_ORDER, long_date, period_phrase

from . import analyses
from .annex import Annex
from .blocks import Paper, Para, Section
from .comparison import Comparison
from .front import Front
from .interviews import Interviews
from .places import Places

# --- the paper ----------------------------------------------------------------------------


class _Writer(Front, Annex, Places, Interviews, Comparison):
    """Reads one report dict and writes each part of the paper from it."""

    def __init__(self, report: dict):
        self.report = report
        self.parts = report.get("paper") or committee.parts(report)
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
            sections=numbered(
                [
                    self.recommendation(),
                    self.executive_summary(),
                    self.analysis(),
                    *analyses.sections(self.report),
                    self.recommendations(),
                    *self.committee_sections(),
                    Section("Data annex", 1, [self.annex_intro()]),
                    *self.annex(),
                ]
            ),
            demo=bool(self.meta.get("demo")),
            publication=bool(self.meta.get("publication")),
        )


def numbered(sections: list[Section]) -> list[Section]:
    """Every paragraph numbered from 1 through the whole paper, as committee papers are, so
    that members can refer to "paragraph 14" in any of the formats."""
    count = 0
    for section in sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, str):
                count += 1
                block = Para(count, block)
            blocks.append(block)
        section.blocks = blocks
    return sections


def outline(paper: Paper) -> list[dict]:
    """The paper's sections and numbered paragraphs as JSON (docs/report-json.md, "paper")."""
    return [
        {
            "heading": section.heading,
            "level": section.level,
            "paragraphs": [
                {"number": b.number, "text": b.text} for b in section.blocks if isinstance(b, Para)
            ],
        }
        for section in paper.sections
    ]


def build(report: dict) -> Paper:
    """The committee paper for one report dict."""
    return _Writer(report).paper()
