"""The home page: who is missing now, which return interviews are due, the last six months."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from homeward.access.rules import (
    NO_PAGES,
    access_for,
    check_case_pages,
    episodes_visible_to,
    landing_page_for,
    may_see_reports,
    sees_every_episode,
)
from homeward.accounts.selectors import administrators_to_ask
from homeward.borders.selectors import unregistered_episode_ids
from homeward.core.clock import calendar_months, months_ending
from homeward.councils.installation import installation_council
from homeward.episodes.selectors import episodes_missing_now, missing_now_state
from homeward.interviews.selectors import interview_due_row, owed_counts, owed_returns, owed_rows
from homeward.reports.figures import period_summaries
from homeward.reports.scope import council_scope


@login_required
def home(request):
    """The coordinator's picture of the council today; elsewhere for whoever has no case pages."""
    if not access_for(request.user).uses_case_pages:
        return _elsewhere(request)
    council = installation_council()
    now = timezone.now()
    six_months = months_ending(timezone.localdate(now))
    # Counted by the report's own code, so the home page and the report always agree; and
    # only the episodes this person may see, so that a count is no way round the rule.
    whole_council = sees_every_episode(request.user)
    within = None if whole_council else episodes_visible_to(request.user)
    *months, total = period_summaries(
        council_scope(council, within=within),
        *calendar_months(six_months.first, six_months.last),
        six_months,
    )
    context = {
        "council": council,
        "refresh_seconds": settings.HOMEWARD_MISSING_NOW_REFRESH_SECONDS,
        "check_seconds": settings.HOMEWARD_MISSING_NOW_CHECK_SECONDS,
        **_missing_now(council=council, now=now, user=request.user),
        **_interviews_owed(council=council, now=now, user=request.user),
        "months": months,
        "total": total,
        "whole_council": whole_council,
        "may_see_reports": may_see_reports(request.user),
    }
    return render(request, "dashboard/home.html", context)


@login_required
def missing_now_table(request):
    """The home page's list of children missing now alone, for the page to refresh itself in
    place: the same access rule as the page, and never kept by a browser or proxy."""
    check_case_pages(request.user)
    context = _missing_now(council=installation_council(), now=timezone.now(), user=request.user)
    response = render(request, "dashboard/missing_now_table.html", context)
    add_never_cache_headers(response)  # "no-store" among its directives
    return response


def _missing_now(*, council, now, user) -> dict:
    # Read before the list, so that a change made while the list is read shows as a change.
    state = missing_now_state(council=council, user=user)
    rows = episodes_missing_now(council=council, now=now, user=user)
    # The ids the refresh compares, to say who came and went.
    listed = " ".join(str(row.episode_id) for row in rows)
    # Placed-in children on no register entry that day (borders): nobody told us of them.
    # Asked of every listed episode, so that the page's queries do not depend on who is listed.
    flagged = unregistered_episode_ids(episode_ids=[row.episode_id for row in rows])
    return {
        "as_at": now,
        "state": state,
        "missing_now": rows,
        "listed": listed,
        "not_on_register": flagged,
    }


# The returns owed an interview the home page lists, the longest owed first; the Interviews
# page lists every one (however long ago, a council's history can hold many).
HOME_INTERVIEWS_SHOWN = 10


def _interviews_owed(*, council, now, user) -> dict:
    returns = owed_returns(council=council, now=now, user=user)
    rows = owed_rows(returns)[:HOME_INTERVIEWS_SHOWN]
    return {
        "interviews_due": [interview_due_row(row, now) for row in rows],
        "interviews_owed": owed_counts(returns, now),
    }


def _elsewhere(request):
    """Where a person without case pages lands: the first page they may use, or a page
    saying that there is none and whom to ask."""
    landing = landing_page_for(request.user)
    if landing is not None:
        return redirect(landing)
    context = {"message": NO_PAGES, "administrators": administrators_to_ask()}
    return render(request, "dashboard/no_pages.html", context, status=403)
