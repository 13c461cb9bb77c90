"""The home page: who is missing now, which return interviews are due, the last six months."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from homeward.access.rules import check_case_pages
from homeward.core.clock import calendar_months, months_ending
from homeward.councils.installation import installation_council
from homeward.episodes.selectors import episodes_missing_now
from homeward.interviews.selectors import interviews_due
from homeward.reports.figures import period_summaries
from homeward.reports.scope import council_scope


@login_required
def home(request):
    """The coordinator's picture of the council today."""
    check_case_pages(request.user)
    council = installation_council()
    now = timezone.now()
    six_months = months_ending(timezone.localdate(now))
    # Counted by the report's own code, so the home page and the report always agree.
    *months, total = period_summaries(
        council_scope(council), *calendar_months(six_months.first, six_months.last), six_months
    )
    context = {
        "council": council,
        "as_at": now,
        "missing_now": episodes_missing_now(council=council, now=now, user=request.user),
        "interviews_due": interviews_due(council=council, now=now, user=request.user),
        "months": months,
        "total": total,
    }
    return render(request, "dashboard/home.html", context)
