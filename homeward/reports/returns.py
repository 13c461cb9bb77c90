"""The statutory returns, downloaded from the Reports page: the SSDA903 return's Missing table
(with the header and episodes it is checked against) and Ofsted's Annex A List 8."""

import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from homeward.access.rules import check_data_quality, check_returns
from homeward.audit.models import Action
from homeward.audit.services import audit_record, record_report_look
from homeward.councils.installation import installation_council
from homeward.exchange.annex_a import SHEET, list_8
from homeward.exchange.downloads import XLSX, download, plain_filters
from homeward.exchange.ssda903 import ReturnRefused, build_903, collection_year
from homeward.reports.data_quality import CHECKS, by_check, data_quality, visible_rows
from homeward.reports.forms import AsAtForm, ReturnYearForm, latest_collection_year

# Lines shown under each check; the count above them is of every line.
SHOWN_PER_CHECK = 200


@login_required
def ssda903(request):
    """Choose a collection year and download its SSDA903 return, or read what to fix first."""
    check_returns(request.user)
    form = ReturnYearForm(request.GET or None, today=timezone.localdate())
    context = {"form": form}
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        council = installation_council()
        try:
            made = build_903(council=council, year=year)
        except ReturnRefused as refused:
            span = collection_year(year)
            context |= {"fixes": refused.fixes, "span": span}
            return render(request, "reports/ssda903.html", context)
        return _zip(request, made, council)
    return render(request, "reports/ssda903.html", context)


def _zip(request, made, council):
    files = made.files()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    rows = {"header.csv": len(made.header), "episodes.csv": len(made.episodes)}
    rows["missing.csv"] = len(made.missing)
    audit_record(
        request=request,
        action=Action.EXPORT,
        label=f"SSDA903 missing table {made.year}",
        details={"rows": rows, "year": made.year, "council": council.code},
    )
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    name = f"ssda903-{council.code}-{made.year - 1}-{made.year % 100:02d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response


@login_required
def annex_a(request):
    """Choose the date and download Annex A List 8 (children in care) as at it."""
    check_returns(request.user)
    form = AsAtForm(request.GET or None, initial={"as_at": timezone.localdate()})
    if form.is_bound and form.is_valid():
        as_at = form.cleaned_data["as_at"]
        council = installation_council()
        return download(
            request,
            table=list_8(council=council, as_at=as_at),
            name=f"annex-a-list-8-{council.code}-{as_at}",
            fmt=XLSX,
            label=f"Annex A list 8 as at {as_at}",
            filters=plain_filters(request.GET.items()),
            about={"as_at": as_at.isoformat()},
            sheet=SHEET,
        )
    return render(request, "reports/annex_a.html", {"form": form})


@login_required
def quality(request):
    """What stands between the records and a clean return, for a collection year: each
    check with its count and a link to every record to fix that this person may see."""
    check_data_quality(request.user)
    today = timezone.localdate()
    form = ReturnYearForm(request.GET or {"year": latest_collection_year(today)}, today=today)
    context = {"form": form}
    if form.is_valid():
        year = form.cleaned_data["year"]
        council = installation_council()
        rows = data_quality(council=council, year=year, now=timezone.now())
        checks = by_check(visible_rows(rows, user=request.user))
        record_report_look(request=request, label=f"data quality {year}")
        context |= {
            "span": collection_year(year),
            "checks": [
                (check, CHECKS[check], lines[:SHOWN_PER_CHECK], len(lines))
                for check, lines in checks
            ],
            "total": sum(len(lines) for _, lines in checks),
            "shown_per_check": SHOWN_PER_CHECK,
        }
    return render(request, "reports/data_quality.html", context)
