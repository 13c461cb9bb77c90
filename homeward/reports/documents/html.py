"""The paper as one standalone HTML document (inline CSS, charts as inline SVG images), and
the same content as PDF through WeasyPrint."""

import base64
import logging

from django.template.loader import render_to_string

from .blocks import Bullets, Chart, Note, Paper, Para, Table


def render(paper: Paper, *, for_print: bool = False) -> str:
    return render_to_string(
        "reports/document.html", {"paper": paper, "body": body(paper), "for_print": for_print}
    )


def body(paper: Paper) -> list[dict]:
    """The sections as plain dicts the template lays out, charts ready to embed."""
    return [
        {
            "heading": section.heading,
            "level": section.level,
            "id": _anchor(section.heading),
            "blocks": [_block(block) for block in section.blocks],
        }
        for section in paper.sections
    ]


def pdf(paper: Paper) -> bytes:
    return pdf_document(paper).write_pdf()


def pdf_document(paper: Paper):
    """The laid-out pages (a WeasyPrint Document), from the same HTML as the web page."""
    # WeasyPrint reports each step at INFO (even on import); a report needs only warnings.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: it is slow to load, and only PDFs need it

    return HTML(string=render(paper, for_print=True)).render()


def _block(block) -> dict:
    if isinstance(block, Para):
        return {"kind": "paragraph", "number": block.number, "text": block.text}
    if isinstance(block, str):
        return {"kind": "paragraph", "text": block}
    if isinstance(block, Note):
        return {"kind": "note", "text": block.text}
    if isinstance(block, Bullets):
        return {"kind": "list", "items": block.items, "numbered": block.numbered}
    if isinstance(block, Table):
        return {"kind": "table", "table": block}
    if isinstance(block, Chart):
        data = base64.b64encode(block.svg).decode("ascii")
        return {
            "kind": "chart",
            "chart": block,
            "src": f"data:image/svg+xml;base64,{data}",
            "table": block.table,
        }
    raise TypeError(f"No way to write {type(block).__name__} in HTML.")


def _anchor(heading: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in heading.lower()).strip("-")
