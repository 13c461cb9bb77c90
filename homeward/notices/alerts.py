"""What `homeward send-alerts` does for placing councils, and the digest's section."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homeward.access.rules import episodes_visible_to
from homeward.alerts.digest import DigestSection
from homeward.alerts.outbox import homeward_link
from homeward.councils.installation import installation_council
from homeward.episodes.models import Episode
from homeward.notices.selectors import (
    awaiting_acknowledgement,
    corrections_due,
    is_overdue,
    notices_due,
)
from homeward.notices.services import notice_chase, notice_send, notices_to_chase

log = logging.getLogger(__name__)

DIGEST_TITLE = "Placing councils' notifications not acknowledged"
DIGEST_LINE = "Episode {episode}: {kind} notice to {council}, sent {sent}{overdue}"
DIGEST_LINES = 10


def automatic() -> bool:
    return settings.HOMEWARD_NOTIFY_PLACING_COUNCILS == "automatic"


def placing_council_notices_queue(now: dt.datetime) -> int:
    """Queue what is due to placing councils: the notices themselves when the council sends
    them automatically, and reminders of unacknowledged ones (always). The emails queued."""
    queued = 0
    if automatic():
        council = installation_council()
        episodes = Episode.objects.filter(council=council)
        with_in_error = Episode.all_records.filter(council=council)
        due_now = corrections_due(episodes=with_in_error) + notices_due(episodes=episodes, now=now)
        for due in due_now:
            if due.problem:  # shown on the list until a contact is added or told otherwise
                continue
            try:
                notice = notice_send(due=due, now=now)
            except ValidationError as refused:
                log.warning("Placing council notice not sent: %s", refused.messages)
                continue
            queued += notice.emails.count()
    for notice in notices_to_chase(now=now):
        queued += notice_chase(notice=notice, now=now)
    return queued


def unacknowledged_section(user, now: dt.datetime) -> DigestSection | None:
    """The digest's notifications not acknowledged (of the episodes the person sees)."""
    notices = list(awaiting_acknowledgement(episodes=episodes_visible_to(user)))
    if not notices:
        return None
    lines = [
        DIGEST_LINE.format(
            episode=notice.episode.local_id,
            kind=notice.get_kind_display().lower(),
            council=notice.placing_council.name if notice.placing_council else "?",
            sent=f"{timezone.localtime(notice.prepared_at):%-d %b %H:%M}",
            overdue=", overdue" if is_overdue(notice, now) else "",
        )
        for notice in notices[:DIGEST_LINES]
    ]
    return DigestSection(
        title=DIGEST_TITLE,
        count=len(notices),
        lines=lines,
        link=homeward_link(reverse("notices:index")),
    )
