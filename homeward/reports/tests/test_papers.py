"""The committee paper's author on the Reports page: editing, adding and removing findings
with the history kept, no author silently overwriting another, issuing as a frozen record,
and who may do each."""

import io
from html import unescape

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from homeward.accounts.tests.factories import UserFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.reports import services
from homeward.reports.documents import render
from homeward.reports.models import IssuedPaper, PaperChange, PaperDraft
from homeward.reports.selectors import draft_report
from homeward.reports.tests.made_up import import_made_up_county

H1 = {"period_from": "2020-01-01", "period_to": "2020-06-30"}
AUTHOR = {
    "author_name": "Jo Bloggs",
    "author_role": "Head of Service",
    "contact_name": "Sam Smith",
    "contact_role": "Missing Coordinator",
    "contact_details": "sam.smith@example.invalid",
}


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path)


def signed_in(client, *roles):
    user = UserFactory(roles=list(roles))
    client.force_login(user)
    return user


def opened(client) -> PaperDraft:
    response = client.post("/reports/papers/", H1)
    assert response.status_code == 302
    return PaperDraft.objects.get()


def details(draft: PaperDraft, **fields) -> dict:
    return (
        {"version": draft.version}
        | dict.fromkeys(
            (
                "financial_implications",
                "legal_implications",
                "equalities_implications",
                "risk_implications",
                "background_papers",
            ),
            "",
        )
        | AUTHOR
        | fields
    )


def test_the_reports_page_offers_the_author_to_edit_and_issue_the_paper(client, county):
    signed_in(client, "missing coordinator")
    response = client.get("/reports/", {"half_year": "2020-01-01/2020-06-30"})
    assert "Edit and issue this paper" in response.text
    draft = opened(client)
    page = client.get(f"/reports/papers/{draft.pk}/")
    assert page.status_code == 200
    assert "Review the 5 returns in the six months to 30 June 2020" in page.text
    assert (draft.period_from.isoformat(), draft.council_code) == ("2020-01-01", "931")


def test_an_edit_changes_the_paper_and_is_kept_in_the_history(client, county):
    user = signed_in(client, "missing coordinator")
    draft = opened(client)
    url = f"/reports/papers/{draft.pk}/findings/repeat-unscreened/"
    assert "2 of the 3 children" in client.get(url).text
    response = client.post(
        url,
        {"version": draft.version, "text": "Two repeat children were not screened.",
         "recommendation": "Screen the two children Jane named."},
    )  # fmt: skip
    assert response.status_code == 302
    change = PaperChange.objects.get()
    assert (change.by, change.what) == (user, "Changed finding repeat-unscreened")
    assert change.before["text"].startswith("2 of the 3 children")
    assert change.after == {
        "text": "Two repeat children were not screened.",
        "recommendation": "Screen the two children Jane named.",
    }
    draft.refresh_from_db()
    report, _ = draft_report(draft)
    texts = [f["text"] for f in report["findings"]]
    assert "Two repeat children were not screened." in texts
    page = client.get(f"/reports/papers/{draft.pk}/?saved=1").text
    assert "Your change was saved." in page
    assert "Changed finding repeat-unscreened" in page


def test_a_finding_can_be_added_and_another_removed(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    client.post(
        f"/reports/papers/{draft.pk}/findings/new/",
        {"version": 1, "text": "An author's own finding.", "recommendation": "Do this."},
    )
    client.post(f"/reports/papers/{draft.pk}/findings/notification-late/remove/", {"version": 2})
    draft.refresh_from_db()
    report, _ = draft_report(draft)
    ids = [f["id"] for f in report["findings"]]
    assert "author-1" in ids and "notification-late" not in ids
    assert [c.what for c in draft.changes.order_by("at", "pk")] == [
        "Added finding author-1",
        "Removed finding notification-late",
    ]
    assert draft.changes.get(what__startswith="Removed").after is None


def test_an_added_finding_says_whose_it_is_and_that_no_table_made_it(client, county):
    user = signed_in(client, "missing coordinator")
    user.first_name, user.last_name = "Jo", "Bloggs"
    user.save()
    draft = opened(client)
    client.post(
        f"/reports/papers/{draft.pk}/findings/new/",
        {
            "version": 1,
            "text": "Staff in the South office say reports are late.",
            "recommendation": "",
        },
    )
    draft.refresh_from_db()
    report, _ = draft_report(draft)

    (added,) = [f for f in report["findings"] if f["id"] == "author-1"]
    assert (added["cites"], added["added_by"]) == ([], "Jo Bloggs")
    said = (
        "Staff in the South office say reports are late. "
        "(Added by Jo Bloggs; not generated from the tables.)"
    )
    # The PDF is the HTML's print (documents.render); Word is written apart.
    assert said in render(report, "html").decode()
    word = docx.Document(io.BytesIO(render(report, "docx")))
    assert any(said in p.text for p in word.paragraphs)
    page = client.get(f"/reports/papers/{draft.pk}/").text
    assert "Finding" in page and "(added by Jo Bloggs)" in page
    assert "Added by Jo Bloggs; not generated from the tables." in page
    assert "Generated from the tables: “" in page  # the rules' own findings name their tables


def test_an_empty_finding_is_refused_with_a_message(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    response = client.post(f"/reports/papers/{draft.pk}/findings/new/", {"version": 1, "text": " "})
    assert response.status_code == 400
    assert escape(services.NO_TEXT) in response.text
    assert not PaperChange.objects.exists()


def test_two_authors_editing_at_once_never_overwrite_each_other(client, county):
    first = signed_in(client, "missing coordinator")
    draft = opened(client)
    services.paper_finding_edit(
        draft=draft, expected_version=1, finding_id="repeat-unscreened",
        text="The first author's words.", recommendation="", by=first,
    )  # fmt: skip
    signed_in(client, "missing coordinator")
    response = client.post(
        f"/reports/papers/{draft.pk}/findings/repeat-unscreened/",
        {"version": 1, "text": "The second author's words.", "recommendation": ""},
    )
    assert response.status_code == 400
    said = unescape(response.text)
    assert f"Since this page was opened, {first.username} changed finding repeat-unscreened" in said
    assert "make your change again if it is still needed" in said
    draft.refresh_from_db()
    report, _ = draft_report(draft)
    assert "The first author's words." in [f["text"] for f in report["findings"]]
    assert PaperChange.objects.count() == 1


def test_the_paper_cannot_be_issued_until_its_author_and_contact_are_given(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    response = client.post(f"/reports/papers/{draft.pk}/issue/", {"version": 1})
    assert response.status_code == 400
    assert "The paper cannot be issued yet: give the author&#x27;s name" in response.text
    assert not IssuedPaper.objects.exists()


def test_an_issued_paper_is_frozen_and_a_reissue_is_a_new_number(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    assert client.post(f"/reports/papers/{draft.pk}/details/", details(draft)).status_code == 302
    draft.refresh_from_db()
    response = client.post(f"/reports/papers/{draft.pk}/issue/", {"version": draft.version})
    assert response["Location"] == f"/reports/papers/{draft.pk}/issued/1/?new=1"
    first = IssuedPaper.objects.get()
    frozen = first.report
    assert frozen["missing"]["episodes"] == 9
    assert frozen["paper"]["issued"]["number"] == 1
    assert frozen["paper"]["author"]["name"] == "Jo Bloggs"
    assert frozen["paper"]["sections"][0]["paragraphs"][0]["number"] == 1

    # The data change after issue: the draft follows them, the issued paper does not.
    EpisodeFactory(last_seen_at=_in_march())
    draft.refresh_from_db()
    assert draft_report(draft)[0]["missing"]["episodes"] == 10
    first.refresh_from_db()
    assert first.report == frozen
    page = client.get(f"/reports/papers/{draft.pk}/issued/1/")
    assert "reported missing 9 times" in page.text
    word = client.get(f"/reports/papers/{draft.pk}/issued/1/download.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "reported missing 9 times" in text and "Jo Bloggs" in text

    client.post(f"/reports/papers/{draft.pk}/issue/", {"version": draft.version})
    second = IssuedPaper.objects.get(number=2)
    assert second.report["missing"]["episodes"] == 10
    assert "A later issue, issue 2" in client.get(f"/reports/papers/{draft.pk}/issued/1/").text
    with pytest.raises(ValueError, match="An issued paper is a record"):
        first.save()


def test_a_finding_removed_then_asked_for_again_is_refused(county):
    user = UserFactory(roles=["missing coordinator"])
    draft = services.paper_draft_open(
        council_code="931", period_from=_date(H1["period_from"]),
        period_to=_date(H1["period_to"]), locality="", publication=False, by=user,
    )  # fmt: skip
    services.paper_finding_remove(
        draft=draft, expected_version=1, finding_id="notification-late", by=user
    )
    with pytest.raises(ValidationError):
        services.paper_finding_remove(
            draft=draft, expected_version=2, finding_id="notification-late", by=user
        )
    with pytest.raises(ChangedByAnotherUser):
        services.paper_finding_remove(
            draft=draft, expected_version=1, finding_id="repeat-unscreened", by=user
        )


@pytest.mark.parametrize("role", ["analyst", "exploitation lead", "scrutiny", "practitioner"])
def test_only_the_author_may_open_edit_or_issue_a_paper(client, county, role):
    author = UserFactory(roles=["missing coordinator"])
    draft = services.paper_draft_open(
        council_code="931", period_from=_date(H1["period_from"]),
        period_to=_date(H1["period_to"]), locality="", publication=False, by=author,
    )  # fmt: skip
    signed_in(client, role)
    base = f"/reports/papers/{draft.pk}"
    assert client.post("/reports/papers/", H1).status_code == 403
    assert client.get(f"{base}/").status_code == 403
    assert client.get(f"{base}/findings/repeat-unscreened/").status_code == 403
    assert client.post(f"{base}/findings/new/", {"version": 1, "text": "x"}).status_code == 403
    assert client.post(f"{base}/issue/", {"version": 1}).status_code == 403
    assert client.post(f"{base}/details/", details(draft)).status_code == 403
    assert not PaperChange.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("analyst", 200), ("exploitation lead", 200), ("scrutiny", 403), ("practitioner", 403)],
)
def test_who_may_read_an_issued_paper(client, county, role, status):
    author = UserFactory(roles=["missing coordinator"])
    draft = services.paper_draft_open(
        council_code="931", period_from=_date(H1["period_from"]),
        period_to=_date(H1["period_to"]), locality="", publication=False, by=author,
    )  # fmt: skip
    draft = services.paper_details_change(
        draft=draft, expected_version=1, changes=AUTHOR, by=author
    )
    services.paper_issue(draft=draft, expected_version=draft.version, by=author)
    signed_in(client, role)
    assert client.get(f"/reports/papers/{draft.pk}/issued/1/").status_code == status
    download = client.get(f"/reports/papers/{draft.pk}/issued/1/download.json")
    assert download.status_code == status


def test_a_context_note_added_on_the_web_appears_beside_the_change(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    response = client.post(
        f"/reports/papers/{draft.pk}/details/",
        {"version": 1, "first_day": "23", "first_month": "3", "first_year": "2020",
         "text": "The first COVID-19 lockdown began."},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    draft.refresh_from_db()
    report, _ = draft_report(draft)
    assert report["paper"]["context_notes"] == [
        {"from": "2020-03-23", "to": None, "text": "The first COVID-19 lockdown began."}
    ]
    page = client.get(f"/reports/papers/{draft.pk}/").text
    assert "Context from the report&#x27;s author (23 March 2020)" in page


def test_a_context_note_is_removed_at_the_version_its_page_showed(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    client.post(
        f"/reports/papers/{draft.pk}/details/",
        {"version": 1, "first_day": "23", "first_month": "3", "first_year": "2020",
         "text": "The first COVID-19 lockdown began."},
    )  # fmt: skip
    stale = client.post(f"/reports/papers/{draft.pk}/notes/1/remove/", {"version": 1})
    assert stale.status_code == 400
    draft.refresh_from_db()
    assert draft_report(draft)[0]["paper"]["context_notes"] != []
    removed = client.post(f"/reports/papers/{draft.pk}/notes/1/remove/", {"version": 2})
    assert removed.status_code == 302 and removed["Location"].endswith("?saved=1")
    draft.refresh_from_db()
    assert draft_report(draft)[0]["paper"]["context_notes"] == []


def _date(iso: str):
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _in_march():
    import datetime as dt

    from homeward.episodes.tests.factories import LONDON

    return dt.datetime(2020, 3, 10, 20, 0, tzinfo=LONDON)


def a_template() -> bytes:
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Made-up County Council: OFFICIAL"
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def test_the_author_downloads_the_draft_with_their_edits_and_in_the_councils_template(
    client, county
):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    client.post(
        f"/reports/papers/{draft.pk}/findings/repeat-unscreened/",
        {"version": 1, "text": "The author's own words.", "recommendation": ""},
    )
    word = client.get(f"/reports/papers/{draft.pk}/download.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "The author's own words." in text
    upload = SimpleUploadedFile("house.docx", a_template())
    styled = client.post(f"/reports/papers/{draft.pk}/in-template/", {"template": upload})
    assert styled.status_code == 200
    document = docx.Document(io.BytesIO(styled.content))
    assert document.sections[0].header.paragraphs[0].text == "Made-up County Council: OFFICIAL"
    assert "The author's own words." in "\n".join(p.text for p in document.paragraphs)


def test_a_template_that_is_not_word_is_refused_on_the_page(client, county):
    signed_in(client, "missing coordinator")
    draft = opened(client)
    upload = SimpleUploadedFile("house.docx", b"not a word document")
    response = client.post(f"/reports/papers/{draft.pk}/in-template/", {"template": upload})
    assert response.status_code == 400
    assert "The template house.docx is not a Word document" in response.text


def test_an_issued_paper_downloads_in_the_councils_template(client, county):
    author = UserFactory(roles=["missing coordinator"])
    draft = services.paper_draft_open(
        council_code="931", period_from=_date(H1["period_from"]),
        period_to=_date(H1["period_to"]), locality="", publication=False, by=author,
    )  # fmt: skip
    draft = services.paper_details_change(
        draft=draft, expected_version=1, changes=AUTHOR, by=author
    )
    services.paper_issue(draft=draft, expected_version=draft.version, by=author)
    signed_in(client, "analyst")
    upload = SimpleUploadedFile("house.docx", a_template())
    styled = client.post(f"/reports/papers/{draft.pk}/issued/1/in-template/", {"template": upload})
    assert styled.status_code == 200
    header = docx.Document(io.BytesIO(styled.content)).sections[0].header.paragraphs[0].text
    assert header == "Made-up County Council: OFFICIAL"


def test_text_pasted_with_control_characters_still_downloads_as_word(client, county):
    # Text pasted from another document can carry characters Word's XML cannot hold (a
    # vertical tab for a line break, a bell): the paper still downloads, as Word and PDF.
    signed_in(client, "missing coordinator")
    draft = opened(client)
    pasted = "Two children\x0bwere not screened.\x07 Jane\x01 named them."
    client.post(
        f"/reports/papers/{draft.pk}/findings/repeat-unscreened/",
        {"version": 1, "text": pasted, "recommendation": "Screen\x0c them."},
    )
    word = client.get(f"/reports/papers/{draft.pk}/download.docx")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "Two children\nwere not screened. Jane named them." in text
    assert "Screen\n them." in text
    assert client.get(f"/reports/papers/{draft.pk}/download.pdf").status_code == 200


def test_a_paper_for_a_locality_the_council_does_not_have_is_not_opened(client, county):
    # Only the Reports page's own choices open a paper: an altered or stale locality made a
    # draft that could then never be opened (a server error on every visit).
    signed_in(client, "missing coordinator")
    response = client.post("/reports/papers/", H1 | {"locality": "Nowhere"}, follow=True)
    assert response.redirect_chain == [("/reports/", 302)]
    assert "There is no locality called &#x27;Nowhere&#x27; in Oxfordshire" in response.text
    assert not PaperDraft.objects.exists()


def test_issuing_from_a_page_opened_before_the_last_issue_says_plainly_what_happened(
    client, county
):
    user = signed_in(client, "missing coordinator")
    draft = opened(client)
    client.post(f"/reports/papers/{draft.pk}/details/", details(draft))
    draft.refresh_from_db()
    opened_at = draft.version  # the page, opened before issuing
    client.post(f"/reports/papers/{draft.pk}/issue/", {"version": opened_at})
    response = client.post(f"/reports/papers/{draft.pk}/issue/", {"version": opened_at})
    assert response.status_code == 400
    said = unescape(response.text)
    assert "Since this page was opened, you issued the paper as issue 1 (" in said
    assert "issue it again only if a new issue is needed" in said
    assert user.username not in said.split("Since this page was opened")[1].split(".")[0]
    assert "Their values are shown below" not in said
    assert IssuedPaper.objects.count() == 1
