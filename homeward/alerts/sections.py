"""Alerts' own sections of the morning digest (settings.HOMEWARD_DIGEST_SECTIONS).

Each counts only what the access rule lets the person see, with the same selectors as the
pages the link opens, so the email and the page agree.
"""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from homeward.access.rules import access_for, panel_actions_visible_to
from homeward.alerts.digest import DigestSection
from homeward.alerts.outbox import homeward_link
from homeward.core.codes import Risk
from homeward.councils.installation import installation_council
from homeward.episodes.selectors import visible_episodes
from homeward.interviews.selectors import owed_counts, owed_returns

MISSING_NOW = "Children missing now"
INTERVIEWS = "Return home interviews owed"
PANEL_ACTIONS = "Panel actions due by the end of this week"


def missing_now_section(user, now: dt.datetime) -> DigestSection | None:
    """Children missing now that this person may see, and how many at high risk."""
    if not access_for(user).uses_case_pages:
        return None
    episodes = visible_episodes(user=user, council=installation_council()).filter(
        returned_at__isnull=True, last_seen_at__lte=now
    )
    day_ago = now - dt.timedelta(hours=24)
    counts = episodes.aggregate(
        total=Count("pk"),
        high=Count("pk", filter=Q(risk=Risk.HIGH)),
        long=Count("pk", filter=Q(last_seen_at__lte=day_ago)),
    )
    lines = []
    if counts["high"]:
        lines.append(f"{counts['high']} at high risk")
    if counts["long"]:
        lines.append(f"{counts['long']} missing for more than 24 hours")
    link = homeward_link(reverse("episodes:missing-now"))
    return DigestSection(title=MISSING_NOW, count=counts["total"], lines=lines, link=link)


def interviews_section(user, now: dt.datetime) -> DigestSection | None:
    """Return home interviews due and overdue that this person may see."""
    if not access_for(user).uses_case_pages:
        return None
    counts = owed_counts(owed_returns(council=installation_council(), now=now, user=user), now)
    lines = []
    if counts.overdue:
        lines.append(f"{counts.overdue} overdue (more than 72 hours since the return)")
    if counts.total - counts.overdue:
        lines.append(f"{counts.total - counts.overdue} due within 72 hours of the return")
    link = homeward_link(reverse("interviews:due"))
    return DigestSection(title=INTERVIEWS, count=counts.total, lines=lines, link=link)


def panel_actions_section(user, now: dt.datetime) -> DigestSection | None:
    """Panel actions not done and due by the end of this week, for those who use the panel."""
    if not access_for(user).panel:
        return None
    today = timezone.localtime(now).date()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    actions = panel_actions_visible_to(user).filter(completed_on__isnull=True, due_on__lte=sunday)
    counts = actions.aggregate(total=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    lines = [f"{counts['late']} past their due date"] if counts["late"] else []
    link = homeward_link(reverse("panel:index"))
    return DigestSection(title=PANEL_ACTIONS, count=counts["total"], lines=lines, link=link)
