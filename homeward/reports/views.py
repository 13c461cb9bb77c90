"""The scrutiny report in the app: read it on the page, download it to edit and file."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from homeward.access.rules import (
    PUBLISHED_ONLY,
    check_reports,
    may_author_reports,
    may_check_data_quality,
    may_download_returns,
    may_load_population,
    only_published_report,
)
from homeward.audit.models import Action
from homeward.audit.services import audit_record, record_report_look
from homeward.councils.models import Locality
from homeward.reports import documents
from homeward.reports.documents import html
from homeward.reports.engine import build_report
from homeward.reports.forms import ReportForm
from homeward.reports.publication import PublicationRefused

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


@login_required
def index(request):
    """Choose a period and read the committee paper for it."""
    check_reports(request.user)
    form = _form(request.GET or None, request)
    context = {
        "form": form,
        "only_published": only_published_report(request.user),
        "published_only_note": PUBLISHED_ONLY,
        "returns": may_download_returns(request.user),
        "data_quality": may_check_data_quality(request.user),
        "loads_population": may_load_population(request.user),
        "may_author": may_author_reports(request.user),
    }
    if form.is_bound and form.is_valid():
        try:
            report = _report(form, request.user)
        except PublicationRefused as refused:
            form.add_error(None, str(refused))
            return render(request, "reports/index.html", context)
        paper = documents.build(report)
        meta = report["meta"]
        label = f"scrutiny report {meta['period']['from']} to {meta['period']['to']}"
        record_report_look(request=request, label=label)
        data = form.cleaned_data
        context |= {
            "period": {
                "from": data["period_from"].isoformat(),
                "to": data["period_to"].isoformat(),
                "locality": data.get("locality") or "",
                "publication": meta.get("publication"),
            },
            "paper": paper,
            "body": html.body(paper),
            "query": _query(form, request.user),
            "formats": [("docx", "Word (DOCX)"), ("pdf", "PDF"), ("json", "JSON data")],
        }
    return render(request, "reports/index.html", context)


@login_required
def download(request, fmt: str):
    """The report for the chosen period as a file, recorded in the audit log."""
    check_reports(request.user)
    form = _form(request.GET, request)
    if fmt not in DOWNLOADS or not form.is_valid():
        return render(request, "reports/index.html", {"form": form}, status=400)
    try:
        report = _report(form, request.user)
    except PublicationRefused as refused:
        form.add_error(None, str(refused))
        return render(request, "reports/index.html", {"form": form}, status=400)
    if fmt == "json":
        import json

        content = json.dumps(documents.with_outline(report), indent=2, ensure_ascii=False)
        content = content.encode("utf-8")
    else:
        content = documents.render(report, fmt)
    meta = report["meta"]
    name = f"missing-children-{meta['period']['from']}-to-{meta['period']['to']}.{fmt}"
    audit_record(
        request=request,
        action=Action.REPORT_DOWNLOAD,
        label=f"scrutiny report {meta['period']['from']} to {meta['period']['to']}",
        details={"format": fmt, "query": request.GET.urlencode()},
    )
    response = HttpResponse(content, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form(data, request) -> ReportForm:
    localities = Locality.objects.filter(council__code=settings.HOMEWARD_COUNCIL).order_by("name")
    return ReportForm(
        data,
        today=timezone.localdate(),
        localities=list(localities.values_list("name", flat=True)),
    )


def _report(form: ReportForm, user) -> dict:
    data = form.cleaned_data
    return build_report(
        council_code=settings.HOMEWARD_COUNCIL,
        period_from=data["period_from"],
        period_to=data["period_to"],
        locality=data.get("locality") or None,
        publication=data.get("publication") or only_published_report(user),
    )


def _query(form: ReportForm, user) -> str:
    data = form.cleaned_data
    query = QueryDict(mutable=True)
    for name in ("period_from", "period_to"):
        value = data[name]
        query[f"{name}_day"], query[f"{name}_month"], query[f"{name}_year"] = (
            value.day,
            value.month,
            value.year,
        )
    if data.get("locality"):
        query["locality"] = data["locality"]
    if data.get("publication") or only_published_report(user):
        query["publication"] = "on"
    return query.urlencode()
