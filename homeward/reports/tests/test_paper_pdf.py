"""The Word paper opened by another word processor: LibreOffice converts the made-up county's
2020 H1 paper (as the demo's) to PDF, whose pages carry the section headings and numbered
paragraphs of the paper. `make libreoffice` (part of `make install`) installs LibreOffice and
poppler's pdftotext; without LibreOffice the test is skipped, saying so."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from homeward.reports.documents import build, render
from homeward.reports.engine import build_report
from homeward.reports.tests.made_up import import_made_up_county
from homeward.reports.tests.test_documents import SECTIONS

SOFFICE = shutil.which("soffice")
NO_SOFFICE = (
    "LibreOffice (soffice) is not installed: run `make libreoffice` (part of `make install`) "
    "to check the Word paper by converting it to PDF."
)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_turns_the_word_paper_into_a_pdf_with_its_numbered_paragraphs(db, tmp_path):
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    assert pdftotext and pdfinfo, (
        "LibreOffice is installed but poppler-utils (pdftotext, pdfinfo) is not: "
        "run `make libreoffice`, which installs both."
    )
    import_made_up_county(tmp_path)
    report = build_report(
        council_code="931", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 6, 30)
    )
    word = tmp_path / "paper.docx"
    word.write_bytes(render(report, "docx"))

    # A profile of its own, so that a LibreOffice already open elsewhere does not take the job.
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(word),
        ],
        check=True,
        capture_output=True,
    )
    pdf = tmp_path / "paper.pdf"
    info = subprocess.run(  # noqa: S603
        [pdfinfo, str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M)[1])
    text = words(
        subprocess.run(  # noqa: S603
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
    )

    assert pages > 5
    for heading in SECTIONS:
        assert heading in text, heading
    paragraphs = build(report).paragraphs
    assert len(paragraphs) > 20
    for paragraph in paragraphs:
        start = words(paragraph.text)[:40]
        assert f"{paragraph.number}. {start}" in text, (paragraph.number, start)
