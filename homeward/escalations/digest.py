"""The escalations' section of the morning digest (settings.HOMEWARD_DIGEST_SECTIONS)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from homeward.access.rules import escalations_visible_to, may_see_escalations
from homeward.alerts.digest import DigestSection
from homeward.alerts.outbox import homeward_link

TITLE = "Escalations due"


def escalations_section(user, now: dt.datetime) -> DigestSection | None:
    """Open escalations overdue or due within 7 days that this person may see: counts and a
    link, never a child's name (None when there are none, or the person has no such page)."""
    if not may_see_escalations(user):
        return None
    today = timezone.localdate(now)
    due = escalations_visible_to(user).filter(
        closed_at__isnull=True, due_on__lte=today + dt.timedelta(days=7)
    )
    overdue = due.filter(due_on__lt=today).count()
    total = due.count()
    if not total:
        return None
    yours = due.filter(owner=user).count()
    lines = [
        f"{overdue} overdue",
        f"{total - overdue} due within 7 days",
        f"{yours} of them yours" if yours else "None of them yours",
    ]
    link = homeward_link(reverse("escalations:index") + "?showing=overdue")
    return DigestSection(title=TITLE, count=total, lines=lines, link=link)
