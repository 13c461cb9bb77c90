"""The committee paper's words, tables and charts, built from the report dict alone.

`build(report)` turns the JSON report (docs/report-json.md) into a `Paper`: title page,
then Recommendation, Executive summary, Summary findings, Recommendations and the Data
annex, each a list of blocks (paragraphs, lists, tables, charts). The HTML, DOCX and PDF
renderers only lay these out, so all three say the same thing in the same words.

The text never quotes a suppressed figure ("c"): a sentence that would need one is left
out or said another way.
"""

from . import analyses
from .annex import Annex
from .blocks import Paper, Section
from .comparison import Comparison
from .front import Front
from .interviews import Interviews
from .places import Places
from .wording import SEVERITY_ORDER, long_date, period_phrase

# --- the paper ----------------------------------------------------------------------------


class _Writer(Front, Annex, Places, Interviews, Comparison):
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
                *analyses.sections(self.report),
                Section("Data annex", 1, [self.annex_intro()]),
                *self.annex(),
            ],
            demo=bool(self.meta.get("demo")),
            publication=bool(self.meta.get("publication")),
        )


def build(report: dict) -> Paper:
    """The committee paper for one report dict."""
    return _Writer(report).paper()
