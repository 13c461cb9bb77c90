"""The committee paper's author on the Reports page: edit, add and remove findings and
recommendations, write the implications and context notes, and issue the paper; and anyone
who reads reports reads the issued versions."""

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from homeward.access.rules import (
    check_author_reports,
    check_reports,
    only_published_report,
)
from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.reports import committee, documents, services
from homeward.reports.documents import html
from homeward.reports.documents.docx import TemplateError
from homeward.reports.forms import (
    DetailsForm,
    FindingForm,
    NoteForm,
    OpenPaperForm,
    TemplateForm,
    VersionForm,
)
from homeward.reports.models import PaperDraft
from homeward.reports.scope import ScopeError, scope_for
from homeward.reports.selectors import (
    draft_finding,
    draft_report,
    issued_paper,
    issued_papers,
    paper_history,
)
from homeward.reports.views import DOWNLOADS


def author_post_only(view):
    """Refuse anyone but the paper's author (403) before anything else, then anything but a
    POST (405): whether a route exists tells a refused person nothing."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        check_author_reports(request.user)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return checked


NOTE_DATES = ("first_", "last_")
FORMATS = [("docx", "Word (DOCX)"), ("pdf", "PDF"), ("json", "JSON data")]
SAVED = "Your change was saved."
ISSUED = (
    "The paper was issued as issue {number}. It is kept as issued: later changes to the data "
    "do not change it."
)
STALE = (
    "Your edits to {ids} no longer apply: the figures no longer produce those findings. "
    "They are left out of the paper; check the findings below."
)
# A change or an issue asked for from a page opened before the paper last changed.
CHANGED_SINCE_OPENED = (
    "Since this page was opened, {who} {what} ({when}), so this was not done and nothing was "
    "lost. Check the paper as it now stands, then {again}."
)
MAKE_IT_AGAIN = "make your change again if it is still needed"
ISSUE_AGAIN = "issue it again only if a new issue is needed"
PUBLICATION_ONLY = "Your role reads only papers issued in their publication version."


@login_required
@author_post_only
def open_paper(request):
    """Open (or make) the draft for the period and scope chosen on the Reports page."""
    check_author_reports(request.user)
    form = OpenPaperForm(request.POST)
    if not form.is_valid():
        raise Http404("No such period.")
    data = form.cleaned_data
    try:  # only a scope the report can be written for: else the draft could never be opened
        scope_for(settings.HOMEWARD_COUNCIL, data.get("locality") or None)
    except ScopeError as error:
        messages.error(request, str(error))
        return redirect("reports:index")
    draft = services.paper_draft_open(
        council_code=settings.HOMEWARD_COUNCIL,
        period_from=data["period_from"],
        period_to=data["period_to"],
        locality=data.get("locality") or "",
        publication=bool(data.get("publication")),
        by=request.user,
    )
    return redirect("reports:paper", draft=draft.pk)


@login_required
def paper(request, draft: int):
    """The draft: its findings with their recommendations, the author's parts, the history
    and the issued versions."""
    check_author_reports(request.user)
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    return _paper_page(request, draft_)


def _paper_page(request, draft: PaperDraft, *, issue_form=None, template_form=None, status=200):
    report, stale = draft_report(draft)
    paper_ = documents.build(report)
    context = {
        "draft": draft,
        "report": report,
        "findings": report["findings"],
        "parts": report["paper"],
        "missing": committee.missing_people(report["paper"]),
        "stale": STALE.format(ids=", ".join(stale)) if stale else "",
        "history": paper_history(draft),
        "issued": issued_papers(draft),
        "issue_form": issue_form or VersionForm(initial={"version": draft.version}),
        "version": draft.version,
        "paper": paper_,
        "body": html.body(paper_),
        "saved": request.GET.get("saved") and SAVED,
        "formats": FORMATS,
        "template_form": template_form or TemplateForm(),
    }
    return render(request, "reports/paper.html", context, status=status)


@login_required
def finding(request, draft: int, finding_id: str | None = None):
    """Change a finding and its recommendation, or add one (no `finding_id`)."""
    check_author_reports(request.user)
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    current = draft_finding(draft_, finding_id) if finding_id else None
    if finding_id and current is None:
        raise Http404("No such finding.")
    if request.method == "POST":
        form = FindingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "draft": draft_,
                "expected_version": data["version"],
                "text": data["text"],
                "recommendation": data["recommendation"],
                "by": request.user,
            }
            done = _attempt(
                form,
                lambda: (
                    services.paper_finding_edit(finding_id=finding_id, **common)
                    if finding_id
                    else services.paper_finding_add(**common)
                ),
                by=request.user,
            )
            if done:
                return redirect(_saved(draft_))
            draft_.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = draft_.version
    else:
        form = FindingForm(
            initial={
                "version": draft_.version,
                "text": (current or {}).get("text", ""),
                "recommendation": (current or {}).get("recommendation", ""),
            }
        )
    return render(
        request,
        "reports/paper_finding.html",
        {"draft": draft_, "form": form, "finding": current, "finding_id": finding_id},
        status=400 if form.errors else 200,
    )


def _at_version(request, draft: int, change, *, then=None, again: str = MAKE_IT_AGAIN):
    """A post that changes the draft as its page showed it (the page's version, refused in
    words if someone changed it since): `change(draft_, version)` makes the change; then
    back to the draft saying it was saved (or to `then(draft_, made)`), or the page again
    with the refusal."""
    check_author_reports(request.user)
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    form = VersionForm(request.POST)
    made = []
    if form.is_valid() and _attempt(
        form,
        lambda: made.append(change(draft_, form.cleaned_data["version"])),
        by=request.user,
        again=again,
    ):
        return redirect(then(draft_, made[0]) if then else _saved(draft_))
    return _refused(request, draft_, form)


@login_required
@author_post_only
def remove_finding(request, draft: int, finding_id: str):
    return _at_version(
        request,
        draft,
        lambda draft_, version: services.paper_finding_remove(
            draft=draft_, expected_version=version, finding_id=finding_id, by=request.user
        ),
    )


@login_required
def details(request, draft: int):
    """The author and contact officer, the implications and the background papers."""
    check_author_reports(request.user)
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    fields = committee.FIELDS
    # The page's two forms post here; the note's is the one with dates.
    if request.method == "POST" and any(k.startswith(NOTE_DATES) for k in request.POST):
        return _add_note(request, draft_)
    if request.method == "POST":
        form = DetailsForm(request.POST)
        if form.is_valid() and _attempt(
            form,
            lambda: services.paper_details_change(
                draft=draft_,
                expected_version=form.cleaned_data["version"],
                changes={f: form.cleaned_data[f] for f in fields},
                by=request.user,
            ),
            by=request.user,
        ):
            return redirect(_saved(draft_))
    else:
        initial = {f: getattr(draft_, f) for f in fields} | {"version": draft_.version}
        form = DetailsForm(initial=initial)
    return render(
        request,
        "reports/paper_details.html",
        {"draft": draft_, "form": form, "note_form": NoteForm(initial={"version": draft_.version})},
        status=400 if form.errors else 200,
    )


def _add_note(request, draft_: PaperDraft):
    form = NoteForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: services.paper_note_add(
            draft=draft_,
            expected_version=form.cleaned_data["version"],
            first=form.cleaned_data["first"],
            last=form.cleaned_data.get("last"),
            text=form.cleaned_data["text"],
            by=request.user,
        ),
        by=request.user,
    ):
        return redirect(_saved(draft_))
    details_form = DetailsForm(
        initial={f: getattr(draft_, f) for f in committee.FIELDS} | {"version": draft_.version}
    )
    return render(
        request,
        "reports/paper_details.html",
        {"draft": draft_, "form": details_form, "note_form": form},
        status=400,
    )


@login_required
@author_post_only
def remove_note(request, draft: int, index: int):
    return _at_version(
        request,
        draft,
        lambda draft_, version: services.paper_note_remove(
            draft=draft_, expected_version=version, index=index - 1, by=request.user
        ),
    )


@login_required
@author_post_only
def issue(request, draft: int):
    """Freeze the paper as it stands as its next issue."""

    def to_the_issue(draft_, issued_) -> str:
        url = reverse("reports:issued", kwargs={"draft": draft_.pk, "number": issued_.number})
        return url + "?new=1"

    return _at_version(
        request,
        draft,
        lambda draft_, version: services.paper_issue(
            draft=draft_, expected_version=version, by=request.user
        ),
        then=to_the_issue,
        again=ISSUE_AGAIN,
    )


@login_required
def issued(request, draft: int, number: int):
    """An issued paper, as it was issued."""
    record = _issued_for(request, draft, number)
    audit_record(request=request, action=Action.VIEW_REPORT, obj=record, details={"issue": number})
    return _issued_page(request, record)


def _issued_page(request, record, *, template_form=None, status=200):
    paper_ = documents.build(record.report)
    number = record.number
    return render(
        request,
        "reports/issued.html",
        {
            "record": record,
            "paper": paper_,
            "body": html.body(paper_),
            "formats": FORMATS,
            "later": issued_papers(record.draft).filter(number__gt=number).last(),
            "just_issued": ISSUED.format(number=number) if request.GET.get("new") else "",
            "template_form": template_form or TemplateForm(),
        },
        status=status,
    )


@login_required
def paper_download(request, draft: int, fmt: str):
    """The draft as it stands (with the author's edits) as a file, to check before issue."""
    check_author_reports(request.user)
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    report, _ = draft_report(draft_)
    return _file(request, draft_, report, fmt, f"committee-paper-{draft}-draft.{fmt}")


@login_required
@author_post_only
def paper_in_template(request, draft: int):
    """The draft as a Word document in the council's template, uploaded for the purpose."""
    draft_ = get_object_or_404(PaperDraft, pk=draft)
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        report, _ = draft_report(draft_)
        response = _in_template(request, draft_, report, form, f"committee-paper-{draft}-draft")
        if response:
            return response
    draft_.refresh_from_db()
    return _paper_page(request, draft_, template_form=form, status=400)


@login_required
def issued_in_template(request, draft: int, number: int):
    """An issued paper as a Word document in the council's template."""
    record = _issued_for(request, draft, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        name = f"committee-paper-{draft}-issue-{number}"
        response = _in_template(request, record, record.report, form, name)
        if response:
            return response
    return _issued_page(request, record, template_form=form, status=400)


def _in_template(request, record, report: dict, form, name: str) -> HttpResponse | None:
    upload = form.cleaned_data["template"]
    try:
        content = documents.render(
            report, "docx", template=upload.read(), template_name=upload.name
        )
    except TemplateError as error:
        form.add_error("template", str(error))
        return None
    return _respond(request, record, content, "docx", f"{name}.docx", template=upload.name)


def _file(request, record, report: dict, fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        content = json.dumps(documents.with_outline(report), indent=2, ensure_ascii=False).encode(
            "utf-8"
        )
    else:
        content = documents.render(report, fmt)
    return _respond(request, record, content, fmt, name)


def _respond(request, record, content: bytes, fmt: str, name: str, **details) -> HttpResponse:
    audit_record(
        request=request,
        action=Action.REPORT_DOWNLOAD,
        obj=record,
        details={"format": fmt, **details},
    )
    response = HttpResponse(content, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def issued_download(request, draft: int, number: int, fmt: str):
    """An issued paper as a file, exactly as issued."""
    record = _issued_for(request, draft, number)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    if fmt == "json":  # exactly as issued: its sections are stored with it
        content = json.dumps(record.report, indent=2, ensure_ascii=False).encode("utf-8")
    else:
        content = documents.render(record.report, fmt)
    return _respond(request, record, content, fmt, f"committee-paper-{draft}-issue-{number}.{fmt}")


def _issued_for(request, draft: int, number: int):
    check_reports(request.user)
    record = issued_paper(draft, number)
    if record is None:
        raise Http404("No such issued paper.")
    if only_published_report(request.user) and not record.draft.publication:
        raise PermissionDenied(PUBLICATION_ONLY)
    return record


def _attempt(form, action, *, by, again: str = MAKE_IT_AGAIN) -> bool:
    """Run a service; False with its refusal on the form (a change made since the page was
    opened, or a rule the change breaks)."""
    try:
        action()
    except ChangedByAnotherUser as clash:
        form.add_error(None, _changed_since_opened(clash.record, by=by, again=again))
        return False
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return False
    return True


def _changed_since_opened(draft: PaperDraft, *, by, again: str) -> str:
    """What changed the paper since the page was opened (its latest change), by whom ("you"
    when it was this person) and what to do."""
    latest = draft.changes.select_related("by").first()
    if latest is None:  # not made by an author's change: say only that it changed
        who, what, at = "someone", "changed the paper", draft.changed_at
    else:
        who = "you" if latest.by_id == by.pk else latest.by.get_username()
        what, at = latest.what[:1].lower() + latest.what[1:], latest.at
    when = timezone.localtime(at).strftime("%-d %b %Y %H:%M")
    return CHANGED_SINCE_OPENED.format(who=who, what=what, when=when, again=again)


def _refused(request, draft: PaperDraft, form):
    draft.refresh_from_db()
    return _paper_page(request, draft, issue_form=form, status=400)


def _saved(draft: PaperDraft) -> str:
    return reverse("reports:paper", kwargs={"draft": draft.pk}) + "?saved=1"
