"""The committee paper as DOCX, HTML and PDF, read back and checked against the report dict.

The report is the made-up one in tests/sample_report.py; test_documents_engine.py does the same
for a report the engine counts from a made-up bundle.
"""

import io
import re
from html.parser import HTMLParser

import docx
import pytest

from homeward.reports.documents import build, charts, html, render
from homeward.reports.tests.sample_report import sample_report
from homeward.reports.wording import change_clause, period_phrase, share

SECTIONS = ["Recommendation", "Executive summary", "Analysis", "Recommendations"]
SECTIONS += ["Financial and staff implications", "Legal implications", "Equalities implications"]
SECTIONS += ["Risk", "Background papers", "Report author and contact officer", "Data annex"]
NUMBER = re.compile(r"^\d+\.\t")
ANNEX = [
    "Headline figures",
    "Who went missing: sex and age",
    "Legal status and placement type",
    "Risk grading",
    "Localities compared",
    "Children's homes compared",
    "Return home interviews",
    "Children missing more than once",
    "Placed in and placed out",
    "Comparison with statistical neighbours, region and England",
    "Away from placement without authorisation",
    "How the figures are counted",
]
CHARTS = 8  # sex, age, legal status, placement type, risk, two funnels, the RHI control chart


def read_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def docx_table(document, first_header: str, first_cell: str):
    for table in document.tables:
        if (
            table.rows[0].cells[0].text == first_header
            and table.rows[1].cells[0].text == first_cell
        ):
            return table
    raise AssertionError(f"No table starting {first_header} / {first_cell}")


def row_values(table) -> dict[str, list[str]]:
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


def under(document, heading: str) -> list[str]:
    """The paragraphs under a heading, up to the next heading."""
    found, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            inside = paragraph.text == heading
        elif inside and paragraph.text:
            found.append(NUMBER.sub("", paragraph.text))
    return found


def all_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture(scope="module")
def report():
    return sample_report()


@pytest.fixture(scope="module")
def document(report):
    return read_docx(render(report, "docx"))


@pytest.fixture(scope="module")
def published():
    return read_docx(render(sample_report(publication=True), "docx"))


# --- DOCX ---------------------------------------------------------------------------------


def test_the_docx_has_the_committee_papers_headings_in_order(document):
    assert headings(document, 1) == SECTIONS
    assert headings(document, 2) == ANNEX
    assert document.paragraphs[0].style.name == "Title"


def test_every_docx_table_has_a_real_header_row(document, report):
    assert len(document.tables) == len(build(report).tables)
    for table in document.tables:
        header = table.rows[0]
        assert header._tr.trPr.xpath("./w:tblHeader"), "header row not marked to repeat"
        assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
        assert len(table.rows) >= 2


def test_every_chart_is_an_image_with_alt_text_and_its_table(document, report):
    assert len(document.inline_shapes) == CHARTS
    for shape in document.inline_shapes:
        described = shape._inline.docPr.get("descr")
        assert described and "table that follows" in described
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for chart in build(report).charts:
        assert f"Table: {chart.title}" in captions


def test_the_headline_numbers_in_the_docx_equal_the_reports(document, report):
    missing, rhi = report["missing"], report["rhi"]
    figures = row_values(docx_table(document, "Figure", "Missing episodes"))
    assert as_int(figures["Missing episodes"][0]) == missing["episodes"]
    assert as_int(figures["Missing episodes"][1]) == 943
    assert figures["Missing episodes"][2] == "+85"
    assert as_int(figures["Children missing"][0]) == missing["children"]
    assert as_int(figures["Children missing more than once"][0]) == missing["repeat_children"]
    assert as_int(figures["Returns from missing"][0]) == rhi["returns"]
    assert figures["Return interview completed within 72 hours"][0] == "64% (641 of 1,001)"
    assert figures["Return interview completed within 72 hours"][2] == "-4.2 points"
    summary = all_text(document)
    assert (
        "In the six months to 30 June 2020, 412 children were reported missing 1,028 times, "
        "9% more episodes than in the same period of 2019 (943)." in summary
    )


def test_the_title_page_says_plainly_the_children_are_made_up(document, report):
    opening = all_text(document)[:1200]
    assert "every child in it is made up" in opening
    assert "demonstration" in document.sections[0].header.paragraphs[0].text.lower()
    real = dict(report, meta=dict(report["meta"], demo=False))
    real_document = read_docx(render(real, "docx"))
    assert "made up" not in all_text(real_document)
    assert "made up" not in real_document.sections[0].header.paragraphs[0].text


def test_findings_and_their_recommendations_are_in_the_paper_for_the_author_to_edit(document):
    text = all_text(document)
    findings = under(document, "Analysis")
    # The high-severity finding comes first.
    assert findings[0].startswith("Return home interviews were completed within 72 hours")
    assert findings[1].startswith("Cherwell and West had proportionately more children")
    assert under(document, "Recommendations")[1:] == [
        "Review the capacity of the return home interview service.",
        "Ask the Cherwell and West locality team and the children's homes there to review "
        "their repeat missing children with the police.",
    ]
    assert "edit or remove it, before the paper is issued" in text


def test_a_place_is_named_only_when_it_lies_outside_the_limits(report):
    paper = build(report)
    localities = next(s for s in paper.sections if s.heading == "Localities compared")
    words = localities.blocks[0].text
    assert "Cherwell and West had a proportionately higher rate of children missing" in words
    assert "beyond the 95% limits, though within the 99.8% limits" in words
    assert "South and Vale had a proportionately lower rate" in words
    assert "Oxford" not in words
    homes = next(s for s in paper.sections if s.heading == "Children's homes compared")
    assert homes.blocks[0].text.startswith("Made-up Lodge had a proportionately higher rate")
    assert "Invented House" not in homes.blocks[0].text


def test_the_control_chart_table_marks_the_signal_months(document):
    months = row_values(docx_table(document, "Month", "Jul 2018"))
    assert len(months) == 25  # and the centre line's row: all 24 months together
    assert months["All 24 months (centre line)"][-1] == "–"
    assert months["Jan 2020"][-1] == "beyond the limits"
    assert months["Dec 2019"][-1] == "–"
    assert months["Jan 2020"][:3] == ["46", "18", "39.1"]


def test_publication_mode_shows_c_and_the_text_never_names_a_suppressed_figure(document, published):
    sexes = row_values(docx_table(published, "Sex", "Boys"))
    assert sexes["Other"] == ["c", "c"]
    assert row_values(docx_table(document, "Sex", "Boys"))["Other"] == ["3", "3"]
    homes = row_values(docx_table(published, "Children's home", "Made-up Lodge (SC900001)"))
    assert homes["Pretend Cottage (SC900005)"][:3] == ["c", "c", "c"]
    placed = row_values(
        docx_table(published, "Figure", "Other councils' children placed here: children")
    )
    assert placed["Our children placed elsewhere: episodes"] == ["c"]
    # The sentence that quotes the placed-out episodes is left out, not written with a 'c'.
    sentence = "The council's own children living in other councils' areas went missing"
    assert sentence in all_text(document)
    assert sentence not in all_text(published)
    prose = [
        p.text
        for p in published.paragraphs
        if p.style.name in ("Normal", "List Number") and "shown as c" not in p.text
    ]
    assert not [p for p in prose if re.search(r"\bc\b", p)]
    assert "Publication version" in published.sections[0].header.paragraphs[0].text


def test_an_unknown_format_is_refused_with_a_sentence(report):
    with pytest.raises(ValueError, match="html, docx or pdf"):
        render(report, "xlsx")


# --- HTML and PDF -------------------------------------------------------------------------


class Outline(HTMLParser):
    """The headings, image alt texts and table captions of an HTML page, in order."""

    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.items.append(("img", dict(attrs).get("alt") or ""))
        elif tag in ("h1", "h2", "h3", "caption", "th"):
            self._open = tag
            self.items.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            kind, text = self.items[-1]
            self.items[-1] = (kind, text + data)

    def texts(self, kind: str) -> list[str]:
        return [text.strip() for k, text in self.items if k == kind]


@pytest.fixture(scope="module")
def outline(report):
    parser = Outline()
    parser.feed(render(report, "html").decode("utf-8"))
    return parser


def test_the_html_has_the_same_headings(outline):
    assert outline.texts("h1") == ["Children who go missing from home or care"]
    assert outline.texts("h2") == ["Contents", *SECTIONS]
    assert outline.texts("h3") == ANNEX


def test_every_html_chart_has_alt_text_and_its_table_straight_after(outline, report):
    kinds = [kind for kind, _ in outline.items if kind in ("img", "caption")]
    alts = outline.texts("img")
    assert len(alts) == CHARTS and all("table that follows" in alt for alt in alts)
    for index, kind in enumerate(kinds):
        if kind == "img":
            assert kinds[index + 1] == "caption"
    captions = outline.texts("caption")
    for chart in build(report).charts:
        assert f"Table: {chart.title}" in captions
    assert len(captions) == len(build(report).tables)


def test_the_html_is_one_standalone_file(report):
    page = render(report, "html").decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in page
    assert "<link" not in page and "<script" not in page
    assert page.count('src="data:image/svg+xml;base64,') == CHARTS
    assert "every child in it is made up" in page


def test_the_pdf_is_made_from_the_same_html(report):
    assert render(report, "pdf").startswith(b"%PDF-")
    pages = html.pdf_document(build(report)).pages
    assert len(pages) >= 5


# --- the pieces ---------------------------------------------------------------------------


def test_charts_are_the_same_bytes_every_time():
    def draw():
        return charts.bars(["Boys", "Girls", "Other"], [236, 173, None], xlabel="Children")

    assert charts.png(draw()) == charts.png(draw())
    assert charts.svg(draw()) == charts.svg(draw())
    assert b"<dc:date>" not in charts.svg(draw())


@pytest.mark.parametrize(
    ("period", "phrase"),
    [
        ({"from": "2020-01-01", "to": "2020-06-30"}, "the six months to 30 June 2020"),
        ({"from": "2019-04-01", "to": "2020-03-31"}, "the twelve months to 31 March 2020"),
        ({"from": "2020-02-01", "to": "2020-02-29"}, "February 2020"),
        (
            {"from": "2020-02-03", "to": "2020-06-30"},
            "the period from 3 February 2020 to 30 June 2020",
        ),
    ],
)
def test_the_period_is_said_as_an_officer_would(period, phrase):
    assert period_phrase(period) == phrase


def test_the_change_on_a_year_earlier_is_said_in_words():
    def previous(before, pct):
        return {
            "period": {"from": "2019-01-01", "to": "2019-06-30"},
            "figures": {"missing_episodes": before},
            "change_pct": {"missing_episodes": pct},
        }

    clause = change_clause(previous(943, 9.0), "missing_episodes", "episodes")
    assert clause == ", 9% more episodes than in the same period of 2019 (943)"
    clause = change_clause(previous(1088, -16.0), "missing_episodes", "episodes")
    assert clause == ", 16% fewer episodes than in the same period of 2019 (1,088)"
    clause = change_clause(previous(900, 0.2), "missing_episodes", "episodes")
    assert clause == ", about the same number of episodes as in the same period of 2019 (900)"
    assert change_clause(previous(0, None), "missing_episodes", "episodes") == ""
    assert change_clause(None, "missing_episodes", "episodes") == ""


def test_every_percentage_comes_with_its_numerator_and_denominator():
    assert share({"n": 263, "of": 412, "pct": 63.8}) == "64% (263 of 412)"
    assert share({"n": 1, "of": 1200, "pct": 0.1}) == "0% (1 of 1,200)"
    assert share({"n": "c", "of": "c", "pct": "c"}) == "c"
    assert share({"n": 0, "of": 0, "pct": None}) == "none of 0"


def test_an_action_two_findings_call_for_is_asked_for_once(report):
    finding = dict(report["findings"][0], id="another", text="Another finding.")
    doubled = dict(report, findings=[*report["findings"], finding])
    document = read_docx(render(doubled, "docx"))
    assert len(under(document, "Recommendations")) == 1 + 2
    assert "endorse the two actions" in under(document, "Recommendation")[0]
    assert "Another finding." in under(document, "Analysis")


def test_a_place_whose_figures_are_suppressed_is_never_named():
    paper = build(sample_report(publication=True))
    homes = next(s for s in paper.sections if s.heading == "Children's homes compared")
    assert "Pretend Cottage" not in homes.blocks[0].text
    assert "Example Court" not in homes.blocks[0].text
    assert homes.blocks[0].text.endswith(
        "Figures for two children's homes with fewer than 5 children are not published."
    )
