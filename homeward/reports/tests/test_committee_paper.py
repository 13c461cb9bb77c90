"""The paper in the shape committees use: numbered paragraphs (the same in HTML and Word),
the sections every council report carries, the author's context notes beside the change they
explain, and the council's Word template."""

import io
import json
import re
from html.parser import HTMLParser

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from docx.enum.style import WD_STYLE_TYPE

from homeward.reports import committee
from homeward.reports.documents import build, render, with_outline
from homeward.reports.findings import find
from homeward.reports.tests.sample_report import sample_report
from homeward.reports.tests.test_documents import SECTIONS, headings

DOCX_NUMBER = re.compile(r"^(\d+)\.\t(.*)$", re.S)
LOCKDOWN = {"from": "2020-03-23", "to": None, "text": "The first COVID-19 lockdown began."}


class Numbered(HTMLParser):
    """The numbered paragraphs of the HTML paper, as (number, text)."""

    def __init__(self):
        super().__init__()
        self.found, self.current = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "p" and dict(attrs).get("id", "").startswith("paragraph-"):
            self.current = [int(dict(attrs)["id"].removeprefix("paragraph-")), ""]

    def handle_data(self, data):
        if self.current is not None:
            self.current[1] += data

    def handle_endtag(self, tag):
        if tag == "p" and self.current is not None:
            number, text = self.current
            self.found.append((number, text.strip().removeprefix(f"{number}.").strip()))
            self.current = None


def docx_numbered(document) -> list[tuple[int, str]]:
    found = []
    for paragraph in document.paragraphs:
        match = DOCX_NUMBER.match(paragraph.text)
        if match:
            found.append((int(match[1]), match[2]))
    return found


def a_report(**paper) -> dict:
    report = sample_report()
    report["previous_year"]["change_pct"]["missing_episodes"] = 12.0  # a change to explain
    report["findings"] = find(report)
    report["paper"] = committee.parts(report, paper or None)
    return report


@pytest.fixture(scope="module")
def report():
    return a_report()


def test_every_paragraph_is_numbered_once_and_in_order(report):
    numbers = [p.number for p in build(report).paragraphs]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) > 20


def test_the_word_and_html_papers_carry_the_same_numbered_paragraphs(report):
    expected = [(p.number, p.text) for p in build(report).paragraphs]
    parser = Numbered()
    parser.feed(render(report, "html").decode("utf-8"))
    assert parser.found == expected
    document = docx.Document(io.BytesIO(render(report, "docx")))
    assert docx_numbered(document) == expected
    assert headings(document, 1) == SECTIONS


def test_the_recommendation_to_the_committee_comes_first_and_each_action_is_a_paragraph(report):
    paper = build(report)
    assert paper.sections[0].heading == "Recommendation"
    assert paper.sections[0].blocks[0].number == 1
    recommendations = next(s for s in paper.sections if s.heading == "Recommendations")
    actions = [b.text for b in recommendations.blocks[1:]]
    assert actions == list(dict.fromkeys(f["recommendation"] for f in report["findings"]))


def test_no_recommendation_speaks_of_these_children(report):
    for found in report["findings"]:
        assert "these children" not in found["recommendation"].lower()
        assert "these children" not in found["text"].lower()


def test_unwritten_implications_say_none_are_identified_for_the_author_to_confirm(report):
    paper = build(report)
    for heading in ("Financial and staff implications", "Legal implications", "Risk"):
        section = next(s for s in paper.sections if s.heading == heading)
        assert section.blocks[0].text == committee.NONE_IDENTIFIED
    assert "[For the author to confirm" in committee.NONE_IDENTIFIED


def test_the_implications_the_author_writes_replace_the_default():
    report = a_report(legal_implications="The council's duties under the Children Act 1989.")
    legal = next(s for s in build(report).sections if s.heading == "Legal implications")
    assert legal.blocks[0].text == "The council's duties under the Children Act 1989."


def test_the_demonstration_names_a_made_up_author_and_says_so(report):
    author = next(s for s in build(report).sections if s.heading.startswith("Report author"))
    assert author.blocks[0].text == (
        "Report author: Alex Example (made up), Head of Service, demonstration."
    )


@override_settings(
    HOMEWARD_REPORT_AUTHOR_NAME="Jo Bloggs",
    HOMEWARD_REPORT_AUTHOR_ROLE="Head of Children's Services",
    HOMEWARD_REPORT_CONTACT_NAME="",
)
def test_a_real_installation_takes_the_author_from_settings_and_never_makes_one_up():
    report = sample_report()
    report["meta"]["demo"] = False
    report["paper"] = committee.parts(report)
    section = next(s for s in build(report).sections if s.heading.startswith("Report author"))
    assert section.blocks[0].text == "Report author: Jo Bloggs, Head of Children's Services."
    assert section.blocks[1].text == f"Contact officer: {committee.NOT_GIVEN}."
    assert committee.missing_people(report["paper"]) == [
        "the contact officer's name",
        "the contact officer's role or contact details",
    ]


def test_a_context_note_stands_beside_the_change_it_explains():
    report = a_report(context_notes=[LOCKDOWN])
    analysis = next(s for s in build(report).sections if s.heading == "Analysis")
    texts = [b.text for b in analysis.blocks]
    note = "Context from the report's author (23 March 2020): The first COVID-19 lockdown began."
    assert note in texts
    before = texts[texts.index(note) - 1]
    assert before.startswith("The number of")  # the change on a year earlier it explains


def test_a_context_note_outside_any_change_still_appears_in_the_analysis():
    report = a_report(context_notes=[{"from": "2016-01-01", "to": None, "text": "Old news."}])
    analysis = next(s for s in build(report).sections if s.heading == "Analysis")
    assert analysis.blocks[-1].text.endswith("Old news.")


def test_the_generated_text_guesses_no_cause(report):
    words = " ".join(p.text for p in build(report).paragraphs).lower()
    for guess in ("because", "due to", "caused by", "driving it", "driven by", "as a result of"):
        assert guess not in words


def test_the_json_carries_the_sections_and_numbered_paragraphs(report):
    carried = json.loads(json.dumps(with_outline(report)))["paper"]
    assert [s["heading"] for s in carried["sections"] if s["level"] == 1] == SECTIONS
    numbers = [p["number"] for s in carried["sections"] for p in s["paragraphs"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert carried["implications"]["legal"]["confirmed"] is False


def council_template(path) -> bytes:
    """A council's template, as python-docx makes one: a house style and a header."""
    template = docx.Document()
    style = template.styles.add_style("Borsetshire Body", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = "Verdana"
    template.styles["Normal"].font.name = "Verdana"
    template.sections[0].header.paragraphs[0].text = "Borsetshire County Council: OFFICIAL"
    template.add_paragraph("Delete me: the template's own sample text.")
    template.save(path)
    return path.read_bytes()


def test_the_word_paper_takes_the_councils_template(report, tmp_path):
    template = council_template(tmp_path / "house.docx")
    document = docx.Document(io.BytesIO(render(report, "docx", template=template)))
    header = document.sections[0].header.paragraphs[0].text
    assert header == "Borsetshire County Council: OFFICIAL"
    assert "Borsetshire Body" in [s.name for s in document.styles]
    assert document.styles["Normal"].font.name == "Verdana"
    assert "Delete me" not in "\n".join(p.text for p in document.paragraphs)
    assert headings(document, 1) == SECTIONS
    assert docx_numbered(document) == [(p.number, p.text) for p in build(report).paragraphs]


def test_without_a_template_the_paper_keeps_homewards_own_layout(report):
    document = docx.Document(io.BytesIO(render(report, "docx")))
    assert document.styles["Normal"].font.name == "Arial"
    assert "Demonstration" in document.sections[0].header.paragraphs[0].text


@pytest.mark.django_db
def test_the_report_command_takes_a_template(tmp_path):
    template = tmp_path / "house.docx"
    council_template(template)
    out = tmp_path / "paper.docx"
    call_command(
        "report", "--from", "2020-01-01", "--to", "2020-06-30", "--format", "docx",
        "--out", str(out), "--template", str(template),
    )  # fmt: skip
    header = docx.Document(str(out)).sections[0].header.paragraphs[0].text
    assert header == "Borsetshire County Council: OFFICIAL"


@pytest.mark.django_db
def test_a_template_that_is_not_a_word_document_is_refused_with_its_name(tmp_path):
    template = tmp_path / "house.docx"
    template.write_text("not a word document")
    with pytest.raises(CommandError, match=r"The template .*house.docx is not a Word document"):
        call_command(
            "report", "--from", "2020-01-01", "--to", "2020-06-30", "--format", "docx",
            "--out", str(tmp_path / "paper.docx"), "--template", str(template),
        )  # fmt: skip
