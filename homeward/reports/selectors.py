"""Reading committee papers: a draft's report as it stands, its history and issued versions."""

from django.db.models import QuerySet

from homeward.reports import committee
from homeward.reports.engine import build_report
from homeward.reports.findings import apply_draft_edits
from homeward.reports.models import IssuedPaper, PaperChange, PaperDraft


def draft_parts(draft: PaperDraft) -> dict:
    """The author's entries on a draft, as `committee.parts` reads them."""
    entries = {field: getattr(draft, field) for field in committee.FIELDS}
    return entries | {"context_notes": draft.context_notes, "version": draft.version}


def draft_report(draft: PaperDraft) -> tuple[dict, list[str]]:
    """The report for a draft's period, counted now, with the author's edits and entries;
    and the ids of findings the author edited that the figures no longer produce."""
    report = build_report(
        council_code=draft.council_code,
        period_from=draft.period_from,
        period_to=draft.period_to,
        locality=draft.locality or None,
        publication=draft.publication,
    )
    report["findings"], stale = apply_draft_edits(report["findings"], draft.edits)
    report["paper"] = committee.parts(report, draft_parts(draft)) | {"draft": draft.pk}
    return report, stale


def draft_finding(draft: PaperDraft, finding_id: str) -> dict | None:
    """One finding of the draft as it stands, or None."""
    report, _ = draft_report(draft)
    return next((f for f in report["findings"] if f["id"] == finding_id), None)


def paper_history(draft: PaperDraft) -> QuerySet[PaperChange]:
    """Every change to a draft, the latest first, with who made it."""
    return draft.changes.select_related("by")


def issued_papers(draft: PaperDraft) -> QuerySet[IssuedPaper]:
    """A draft's issued versions, the first first."""
    return draft.issued.select_related("issued_by").order_by("number")


def issued_paper(draft_id: int, number: int) -> IssuedPaper | None:
    return (
        IssuedPaper.objects.select_related("draft", "issued_by")
        .filter(draft_id=draft_id, number=number)
        .first()
    )
