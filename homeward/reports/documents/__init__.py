"""The scrutiny report as a committee paper: HTML, DOCX and PDF from one report dict.

    render(report, "docx") -> bytes

`report` is the dict docs/report-json.md describes (homeward.reports.engine.build_report);
nothing here reads the database. The words, tables and charts are written once, in
`paper`, and the renderers only lay them out.
"""

import datetime as dt
import re

from . import html
from .blocks import Paper
from .paper import build, outline

FORMATS = ("html", "docx", "pdf")
UNKNOWN_FORMAT = (
    "The report can be written as html, docx or pdf (or json); {fmt!r} is none of them."
)
# Characters a Word document's XML cannot hold, which text pasted from another document can
# carry: a vertical tab or form feed (a line or page break elsewhere) becomes a new line, the
# rest (invisible on the page anyway) are left out, so the paper always downloads.
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
NOT_IN_XML = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def render(
    report: dict, fmt: str, *, template: bytes | None = None, template_name: str = "given"
) -> bytes:
    """The report as a committee paper in `fmt` (html, docx or pdf); a Word document in the
    council's `template` (.docx bytes) when one is given."""
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT.format(fmt=fmt))
    paper = build(_printable(report))
    if fmt == "html":
        return html.render(paper).encode("utf-8")
    if fmt == "pdf":
        return html.pdf(paper)
    from . import docx

    return docx.render(
        paper, created=_generated_at(report), template=template, template_name=template_name
    )


def _printable(value):
    """The report with every text made of characters a document can hold."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", LINE_BREAKS.sub("\n", value))
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    return value


def _generated_at(report: dict) -> dt.datetime | None:
    value = report.get("meta", {}).get("generated_at")
    return dt.datetime.fromisoformat(value) if value else None


def with_outline(report: dict) -> dict:
    """The report with its paper's sections and numbered paragraphs (`paper.sections`), as
    the JSON carries them."""
    paper = dict(report.get("paper") or {}, sections=outline(build(report)))
    return dict(report, paper=paper)


__all__ = ["FORMATS", "Paper", "build", "outline", "render", "with_outline"]
