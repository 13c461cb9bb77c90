"""Writing committee papers: the author's edits (each kept in the history, none silently
overwriting another's) and issuing, which freezes the paper as a record."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record, save_audited, values_before_change
from homeward.reports import committee
from homeward.reports.models import IssuedPaper, PaperChange, PaperDraft
from homeward.reports.selectors import draft_finding, draft_report

NO_TEXT = "Enter the finding's text."
NO_SUCH_FINDING = "There is no finding '{id}' in this paper: it may have been removed."
NOTE_NEEDS_TEXT = "Enter the note: what happened, in the author's words."
NOTE_ENDS_BEFORE = "The end of the note's period must be on or after its start."
NOT_READY = "The paper cannot be issued yet: give {missing} first (under Author and contact)."
EDITED_FINDING = "Changed finding {id}"
ADDED_FINDING = "Added finding {id}"
REMOVED_FINDING = "Removed finding {id}"
CHANGED_DETAILS = "Changed {fields}"
ADDED_NOTE = "Added a context note"
REMOVED_NOTE = "Removed a context note"
ISSUED = "Issued the paper as issue {number}"


def paper_draft_open(
    *,
    council_code: str,
    period_from: dt.date,
    period_to: dt.date,
    locality: str,
    publication: bool,
    by,
) -> PaperDraft:
    """The draft for this period and scope, made (and audited) if there is none yet."""
    with transaction.atomic():
        draft, made = PaperDraft.objects.get_or_create(
            council_code=council_code,
            period_from=period_from,
            period_to=period_to,
            locality=locality or "",
            publication=publication,
            defaults={"created_by": by, "changed_by": by},
        )
        if made:
            audit_record(user=by, action=Action.CHANGE, obj=draft, details={"made": True})
    return draft


def paper_finding_edit(
    *,
    draft: PaperDraft,
    expected_version: int,
    finding_id: str,
    text: str,
    recommendation: str,
    by,
) -> PaperDraft:
    """Change a finding's text and recommendation."""
    if not text.strip():
        raise ValidationError({"text": NO_TEXT})
    before = draft_finding(draft, finding_id)
    if before is None:
        raise ValidationError(NO_SUCH_FINDING.format(id=finding_id))
    after = {"text": text.strip(), "recommendation": recommendation.strip()}
    edit = {"id": finding_id, **after}
    return _change(
        draft,
        expected_version,
        {"edits": [*draft.edits, edit]},
        what=EDITED_FINDING.format(id=finding_id),
        before=_shown(before),
        after=after,
        by=by,
    )


def paper_finding_add(
    *, draft: PaperDraft, expected_version: int, text: str, recommendation: str, by
) -> PaperDraft:
    """Add a finding of the author's own, with its recommendation if any."""
    if not text.strip():
        raise ValidationError({"text": NO_TEXT})
    added = [e["id"] for e in draft.edits if e.get("add")]
    finding_id = f"author-{len(added) + 1}"
    after = {"text": text.strip(), "recommendation": recommendation.strip()}
    return _change(
        draft,
        expected_version,
        {"edits": [*draft.edits, {"id": finding_id, "add": True, "by": _who(by), **after}]},
        what=ADDED_FINDING.format(id=finding_id),
        before=None,
        after=after,
        by=by,
    )


def paper_finding_remove(
    *, draft: PaperDraft, expected_version: int, finding_id: str, by
) -> PaperDraft:
    """Remove a finding (and its recommendation) from the paper."""
    before = draft_finding(draft, finding_id)
    if before is None:
        raise ValidationError(NO_SUCH_FINDING.format(id=finding_id))
    return _change(
        draft,
        expected_version,
        {"edits": [*draft.edits, {"id": finding_id, "drop": True}]},
        what=REMOVED_FINDING.format(id=finding_id),
        before=_shown(before),
        after=None,
        by=by,
    )


def paper_details_change(
    *, draft: PaperDraft, expected_version: int, changes: dict[str, str], by
) -> PaperDraft:
    """Change the author, contact officer, implications or background papers."""
    unknown = set(changes) - set(committee.FIELDS)
    if unknown:
        raise TypeError(f"A paper has no field(s) {', '.join(sorted(unknown))}")
    changes = {k: v.strip() for k, v in changes.items() if getattr(draft, k) != v.strip()}
    if not changes:
        return draft
    return _change(
        draft,
        expected_version,
        changes,
        what=CHANGED_DETAILS.format(fields=", ".join(k.replace("_", " ") for k in changes)),
        before={k: getattr(draft, k) for k in changes},
        after=changes,
        by=by,
    )


def paper_note_add(
    *,
    draft: PaperDraft,
    expected_version: int,
    first: dt.date,
    last: dt.date | None,
    text: str,
    by,
) -> PaperDraft:
    """Add the author's context note for a date or period."""
    if not text.strip():
        raise ValidationError({"text": NOTE_NEEDS_TEXT})
    if last is not None and last < first:
        raise ValidationError({"last": NOTE_ENDS_BEFORE})
    note = committee.note_json({"from": first, "to": last, "text": text.strip()})
    return _change(
        draft,
        expected_version,
        {"context_notes": [*draft.context_notes, note]},
        what=ADDED_NOTE,
        before=None,
        after=note,
        by=by,
    )


def paper_note_remove(*, draft: PaperDraft, expected_version: int, index: int, by) -> PaperDraft:
    """Remove one of the author's context notes."""
    notes = list(draft.context_notes)
    if not 0 <= index < len(notes):
        raise ValidationError(NO_SUCH_FINDING.format(id=f"note {index + 1}"))
    removed = notes.pop(index)
    return _change(
        draft,
        expected_version,
        {"context_notes": notes},
        what=REMOVED_NOTE,
        before=removed,
        after=None,
        by=by,
    )


def paper_issue(*, draft: PaperDraft, expected_version: int, by) -> IssuedPaper:
    """Freeze the paper as it stands now (figures, findings and words) as its next issue."""
    report, _ = draft_report(draft)
    missing = committee.missing_people(report["paper"])
    if missing:
        raise ValidationError(NOT_READY.format(missing=_listed(missing)))
    from homeward.reports.documents import with_outline  # the paper's words, as issued

    with transaction.atomic():
        latest = draft.issued.aggregate(latest=Max("number"))["latest"] or 0
        number = latest + 1
        now = timezone.now()
        report["paper"]["issued"] = {
            "number": number,
            "issued_at": now.isoformat(),
            "issued_by": by.get_username(),
        }
        frozen = json.loads(json.dumps(with_outline(report)))
        # The version check: an issue made while another author changed the draft is refused.
        _change(
            draft,
            expected_version,
            {},
            what=ISSUED.format(number=number),
            before=None,
            after={"number": number},
            by=by,
        )
        issued = IssuedPaper.objects.create(
            draft=draft, number=number, issued_at=now, issued_by=by, report=frozen
        )
        audit_record(user=by, action=Action.CHANGE, obj=issued, details={"issued": number})
    return issued


def _change(draft, expected_version, changes, *, what, before, after, by) -> PaperDraft:
    """Save `changes` if nobody changed the draft since it was read, and keep the history."""
    with transaction.atomic():
        saved = save_audited(
            draft,
            before=values_before_change(draft),
            expected_version=expected_version,
            changes=changes,
            by=by,
        )
        PaperChange.objects.create(draft=saved, by=by, what=what, before=before, after=after)
    return saved


def _shown(found: dict) -> dict:
    return {"text": found["text"], "recommendation": found.get("recommendation", "")}


def _who(by) -> str:
    """The author as an added finding names them."""
    return (by.get_full_name() or by.username) if by is not None else ""


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
