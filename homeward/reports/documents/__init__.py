"""The scrutiny report as a committee paper: HTML, DOCX and PDF from one report dict.

    render(report, "docx") -> bytes

`report` is the dict docs/report-json.md describes (homeward.reports.engine.build_report);
nothing here reads the database. The words, tables and charts are written once, in
`paper`, and the renderers only lay them out.
"""

import datetime as dt

from . import html
from .blocks import Paper
from .paper import build, outline

FORMATS = ("html", "docx", "pdf")
UNKNOWN_FORMAT = (
    "The report can be written as html, docx or pdf (or json); {fmt!r} is none of them."
)


def render(
    report: dict, fmt: str, *, template: bytes | None = None, template_name: str = "given"
) -> bytes:
    """The report as a committee paper in `fmt` (html, docx or pdf); a Word document in the
    council's `template` (.docx bytes) when one is given."""
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))
    paper = build(report)
    if fmt == "html":
        return html.render(paper).encode("utf-8")
    if fmt == "pdf":
        return html.pdf(paper)
    from . import docx

    return docx.render(
        paper, created=_generated_at(report), template=template, template_name=template_name
    )


def _generated_at(report: dict) -> dt.datetime | None:
    value = report.get("meta", {}).get("generated_at")
    return dt.datetime.fromisoformat(value) if value else None


def with_outline(report: dict) -> dict:
    """The report with its paper's sections and numbered paragraphs (`paper.sections`), as
    the JSON carries them."""
    paper = dict(report.get("paper") or {}, sections=outline(build(report)))
    return dict(report, paper=paper)


__all__ = ["FORMATS", "Paper", "build", "outline", "render", "with_outline"]
