"""Downloading episodes as rows: named or pseudonymised by role, recorded in the audit log."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render

from homeward.access.rules import PSEUDONYMISED_ROWS, access_for
from homeward.accounts.roles import NO_ROLE_FOR_PAGE
from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.councils.installation import installation_council
from homeward.exchange.forms import ExportForm
from homeward.exchange.rows import episode_rows


def _check_rows(user) -> bool:
    """Refuse (403) anyone whose role has no row-level data; True when pseudonymised."""
    rows = access_for(user).rows
    if not rows:
        raise PermissionDenied(NO_ROLE_FOR_PAGE)
    return rows == PSEUDONYMISED_ROWS


@login_required
def index(request):
    """Choose a period to download its episodes as a spreadsheet (CSV)."""
    pseudonymised = _check_rows(request.user)
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return _download(request, form, pseudonymised)
    context = {"form": form, "pseudonymised": pseudonymised}
    return render(request, "exchange/index.html", context)


class _Echo:
    def write(self, value):
        return value


def _download(request, form, pseudonymised: bool):
    first, last = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
    columns, rows = episode_rows(
        user=request.user, council=installation_council(), day_from=first, day_to=last
    )
    rows = list(rows)
    audit_record(
        request=request,
        action=Action.EXPORT,
        label=f"episodes {first} to {last}",
        details={
            "query": {key: value for key, value in request.GET.items()},
            "rows": len(rows),
            "pseudonymised": pseudonymised,
        },
    )
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    lines = (writer.writerow(row) for row in [columns, *rows])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    kind = "pseudonymised-episodes" if pseudonymised else "episodes"
    response["Content-Disposition"] = f'attachment; filename="{kind}-{first}-to-{last}.csv"'
    return response
