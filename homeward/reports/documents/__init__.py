"""The scrutiny report as a committee paper: HTML, DOCX and PDF from one report dict.

    render(report, "docx") -> bytes

`report` is the dict docs/report-json.md describes (homeward.reports.engine.build_report);
nothing here reads the database. The words, tables and charts are written once, in
`paper`, and the renderers only lay them out.
"""

import datetime as dt

from . import html
from .blocks import Paper
from .paper import build

FORMATS = ("html", "docx", "pdf")
UNKNOWN_FORMAT = (
    "The report can be written as html, docx or pdf (or json); {fmt!r} is none of them."
)


def render(report: dict, fmt: str) -> bytes:
    """The report as a committee paper in `fmt` (html, docx or pdf)."""
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))
    paper = build(report)
    if fmt == "html":
        return html.render(paper).encode("utf-8")
    if fmt == "pdf":
        return html.pdf(paper)
    from . import docx

    return docx.render(paper, created=_generated_at(report))


def _generated_at(report: dict) -> dt.datetime | None:
    value = report.get("meta", {}).get("generated_at")
    return dt.datetime.fromisoformat(value) if value else None


__all__ = ["FORMATS", "Paper", "build", "render"]
