"""Downloads: episodes (named or pseudonymised by role), and the interviews, screenings and
panel actions of the pages they are offered from; each as CSV or Excel, audited."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from homeward.access.rules import PSEUDONYMISED_ROWS, access_for, check_case_pages, check_panel
from homeward.accounts.roles import NO_ROLE_FOR_PAGE
from homeward.councils.installation import installation_council
from homeward.exchange.downloads import Table, choose_format, download, plain_filters
from homeward.exchange.forms import ExportForm
from homeward.exchange.rows import episode_rows, interview_rows, panel_action_rows, screening_rows


def _check_rows(user) -> bool:
    """Refuse (403) anyone whose role has no row-level data; True when pseudonymised."""
    rows = access_for(user).rows
    if not rows:
        raise PermissionDenied(NO_ROLE_FOR_PAGE)
    return rows == PSEUDONYMISED_ROWS


@login_required
def index(request):
    """Choose a period to download its episodes as a spreadsheet (CSV or Excel)."""
    pseudonymised = _check_rows(request.user)
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
        columns, rows = episode_rows(
            user=request.user, council=installation_council(), day_from=first, day_to=last
        )
        kind = "pseudonymised-episodes" if pseudonymised else "episodes"
        table = Table(columns, list(rows))
        return _send(request, table, kind, first, last, {"pseudonymised": pseudonymised})
    context = {"form": form, "pseudonymised": pseudonymised}
    return render(request, "exchange/index.html", context)


def _send(request, table: Table, kind: str, first, last, about: dict | None = None):
    return download(
        request,
        table=table,
        name=f"{kind}-{first}-to-{last}",
        fmt=choose_format(request.GET.get("format")),
        label=f"{kind.replace('-', ' ')} {first} to {last}",
        filters=plain_filters(request.GET.items()),
        about=about,
    )


# Each download below is offered from its page and follows that page's rule: interviews and
# screenings for whoever uses the case pages (their children only), actions for the panel.
PAGES = {
    "interviews": {
        "title": "Download return home interviews",
        "about": "Each row is one return home interview offered after a return from missing "
        "in the period, for the children you may see. What a child said is included only "
        "where your role may read it.",
        "back": "interviews:due",
    },
    "screenings": {
        "title": "Download exploitation screenings",
        "about": "Each row is one exploitation screening completed in the period, for the "
        "children you may see.",
        "back": "exploitation:repeat-missing",
    },
    "panel-actions": {
        "title": "Download panel actions",
        "about": "Each row is one action agreed at the panel and due in the period, open or "
        "done, for the children you may see.",
        "back": "panel:index",
    },
}


@login_required
def records(request, kind: str):
    """Choose a period to download interviews, screenings or panel actions."""
    user, council = request.user, installation_council()
    if kind == "panel-actions":
        check_panel(user)
    else:
        check_case_pages(user)
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
        period = {"day_from": first, "day_to": last}
        if kind == "interviews":
            columns, rows = interview_rows(user=user, council=council, **period)
        elif kind == "screenings":
            columns, rows = screening_rows(user=user, council=council, **period)
        else:
            columns, rows = panel_action_rows(user=user, today=timezone.localdate(), **period)
        return _send(request, Table(columns, rows), kind, first, last)
    return render(request, "exchange/records.html", {"form": form, **PAGES[kind]})
