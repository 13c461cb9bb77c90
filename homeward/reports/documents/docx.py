"""The paper as a Word document: real heading styles, real tables with header rows that
repeat across pages, charts with alt text, and the demonstration notice on every page."""

import datetime as dt
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .blocks import Bullets, Chart, Note, Paper, Para, Table

FONT = "Arial"
CHART_WIDTH = Cm(16)
NUMBER_INDENT = Cm(1)


TEMPLATE_NOT_WORD = (
    "The template {name} is not a Word document (.docx) that can be opened ({error}). "
    "Save the council's template as a .docx file and try again."
)


class TemplateError(ValueError):
    """A council template that cannot be used, with a sentence saying what to fix."""


def render(
    paper: Paper,
    *,
    created: dt.datetime | None = None,
    template: bytes | None = None,
    template_name: str = "given",
) -> bytes:
    """The paper as a .docx; in the council's template (its styles, header, footer and logo)
    when one is given, otherwise in Homeward's own clean layout."""
    if template is None:
        document = Document()
        _styles(document)
        _page(document, paper)
    else:
        document = _from_template(template, template_name)
    _properties(document, paper, created)
    _title_page(document, paper)
    for section in paper.sections:
        _heading(document, section.heading, section.level)
        for block in section.blocks:
            _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _from_template(template: bytes, name: str):
    """The council's template emptied of its body, keeping its styles, headers, footers
    (with any logo in them) and page set-up."""
    try:
        document = Document(io.BytesIO(template))
    except Exception as error:  # python-docx raises several kinds for a file it cannot read
        raise TemplateError(TEMPLATE_NOT_WORD.format(name=name, error=error)) from None
    body = document.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    return document


def _has_style(document, name: str) -> bool:
    return any(style.name == name for style in document.styles)


def _styled(document, text: str, style: str):
    """A paragraph in `style`, or in the template's normal style if it has no such style."""
    return document.add_paragraph(text, style=style if _has_style(document, style) else None)


def _heading(document, text: str, level: int) -> None:
    if _has_style(document, f"Heading {level}"):
        document.add_heading(text, level=level)
    else:
        document.add_paragraph().add_run(text).bold = True


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 26), ("Subtitle", 14), ("Heading 1", 16), ("Heading 2", 13)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        rfonts = style.element.rPr.rFonts
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(theme), None)
    document.styles["Caption"].font.size = Pt(10)


def _properties(document, paper: Paper, created: dt.datetime | None) -> None:
    properties = document.core_properties
    properties.title = f"{paper.title}: {paper.subtitle}"
    properties.subject = "Report to the Performance Scrutiny Committee"
    properties.author = "Homeward"
    properties.last_modified_by = "Homeward"
    if paper.demo:
        properties.comments = "Demonstration: every child in this paper is made up."
    properties.revision = 1
    # The same report gives the same file: dates come from the report, not the clock.
    when = created or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    properties.created = when
    properties.modified = when
    properties.last_printed = when


def _page(document, paper: Paper) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    marks = []
    if paper.demo:
        marks.append("Demonstration: every child in this paper is made up")
    marks.append("Publication version" if paper.publication else "Draft for the author to check")
    header.text = " · ".join(marks)
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in header.runs:
        run.font.size = Pt(9)
        run.bold = paper.demo
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ").font.size = Pt(9)
    _page_number(footer)


def _page_number(paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(9)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _title_page(document, paper: Paper) -> None:
    _styled(document, paper.title, "Title")
    _styled(document, paper.subtitle, "Subtitle")
    for line in paper.title_lines:
        document.add_paragraph(line)
    for notice in paper.notices:
        _note(document, notice)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _note(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), "12")
        border.set(qn("w:space"), "4")
        border.set(qn("w:color"), "1D70B8")
        borders.append(border)
    properties.append(borders)


def _block(document, block) -> None:
    if isinstance(block, Para):
        _numbered(document, block)
    elif isinstance(block, str):
        document.add_paragraph(block)
    elif isinstance(block, Note):
        _note(document, block.text)
    elif isinstance(block, Bullets):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            _styled(document, item, style)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Chart):
        _chart(document, block)
    else:
        raise TypeError(f"No way to write {type(block).__name__} in a Word document.")


def _numbered(document, para: Para) -> None:
    """A numbered paragraph: its number typed in, so it is the same in Word, HTML and PDF
    and survives any template's list styles."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{para.number}.").bold = True
    paragraph.add_run(f"\t{para.text}")
    paragraph.paragraph_format.left_indent = NUMBER_INDENT
    paragraph.paragraph_format.first_line_indent = -NUMBER_INDENT
    paragraph.paragraph_format.tab_stops.add_tab_stop(NUMBER_INDENT)


def _chart(document, chart: Chart) -> None:
    _styled(document, chart.title, "Caption").paragraph_format.keep_with_next = True
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(io.BytesIO(chart.png), width=CHART_WIDTH)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", chart.alt)
    doc_pr.set("title", chart.title)
    _table(document, chart.table)


def _table(document, table: Table) -> None:
    label = _styled(document, table.caption, "Caption")
    label.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(table.header))
    if _has_style(document, "Table Grid"):
        grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = grid.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, table.header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, "E8EEF4")
    for values in table.rows:
        cells = grid.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if column:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    grid.autofit = False
    widths = _widths(len(table.header))
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice lays out by; cells carry it for Word
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(9.5 if len(widths) < 6 else 8.5)
    document.add_paragraph()


def _widths(columns: int) -> list:
    """The first column holds the words, so it gets the room; figures share the rest."""
    if columns <= 3:
        return [Cm(7)] + [Cm(3)] * (columns - 1)
    first = Cm(5) if columns < 6 else Cm(4.2)
    rest = int((CHART_WIDTH - first) / (columns - 1))
    return [first] + [rest] * (columns - 1)


def _repeat_as_header(row) -> None:
    """Mark the row as the table's header: Word repeats it on each page, screen readers
    announce it with every cell."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
