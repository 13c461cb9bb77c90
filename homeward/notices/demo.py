"""Made-up notices for the demo county's placed-in children (`homeward demo-notices`).

The demo county's bundle types a time each placing council was told. For the placed-in
children's recent and open episodes, the demo tells them through notices instead (the
typed time goes, the notice's record is the evidence), so *Placing councils* shows each
state: acknowledged, awaiting, overdue, still to send, and a council with no address.
The demo's emails are written to files (var/demo-mail/), not sent anywhere.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.test.utils import override_settings
from django.utils import timezone

from homeward.alerts.models import EmailStatus
from homeward.alerts.outbox import emails_send_due
from homeward.borders.models import CouncilContact
from homeward.borders.selectors import placing_council_for
from homeward.borders.services import council_contact_add, council_contact_remove
from homeward.core.codes import Category
from homeward.episodes.models import Episode
from homeward.notices.links import acknowledgement_token
from homeward.notices.models import NoticeKind
from homeward.notices.selectors import due_for
from homeward.notices.services import notice_acknowledge, notice_send

HOUR = dt.timedelta(hours=1)
RECENT = 12  # the latest placed-in episodes the demo tells through notices
AWAITING_HOURS = (2, 3)  # sent this long ago, not yet acknowledged (not overdue)
OVERDUE_HOURS = 30  # sent this long ago, still not acknowledged
LEFT_TO_SEND = 2  # the latest episodes left on the list to send


@dataclass
class Made:
    notices: int = 0
    acknowledged: int = 0
    awaiting: int = 0
    overdue: int = 0
    left_to_send: int = 0
    without_contact: str = ""


def _made_up_contact(council) -> None:
    slug = council.name.lower().replace(" ", "-").replace(",", "")
    with contextlib.suppress(ValidationError):  # already in the directory
        council_contact_add(
            council=council,
            purpose="missing",
            email=f"missing-children@{slug}.made-up.test",
            name=f"{council.name} missing children team (made up)",
        )


def _recent(council, now: dt.datetime) -> list[Episode]:
    since = now - dt.timedelta(days=settings.HOMEWARD_NOTICE_LOOKBACK_DAYS)
    return list(
        Episode.objects.filter(council=council, category=Category.MISSING)
        .exclude(child__responsible_la=F("council"))
        .filter(Q(returned_at__isnull=True) | Q(last_seen_at__gte=since))
        .select_related("child")
        .order_by("-last_seen_at")[:RECENT]
    )


def _demo_mail():
    """The demo's outbox writes files: nothing leaves the machine."""
    folder = settings.VAR_DIR / "demo-mail"
    folder.mkdir(parents=True, exist_ok=True)
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=folder
    )


def _send(episode, at: dt.datetime, kind: str = NoticeKind.MISSING):
    """Send the notice now, recorded as sent at `at` (the made-up past)."""
    notice = notice_send(due=due_for(episode=episode, kind=kind), now=at)
    with _demo_mail():
        emails_send_due(now=timezone.now())
    notice.emails.filter(status=EmailStatus.SENT).update(sent_at=at, created_at=at)
    return notice


def _acknowledge(notice, at: dt.datetime) -> None:
    token = acknowledgement_token(notice)
    notice_acknowledge(token=token, name="Made-up duty officer", now=at + 2 * HOUR)


@transaction.atomic
def demo_notices_create(*, council, now: dt.datetime) -> Made:
    """Tell the placing councils of the latest placed-in episodes through made-up notices."""
    episodes = _recent(council, now)
    made = Made()
    if not episodes:
        return made
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(placing_la_notified_at=None)
    to_send, episodes = episodes[:LEFT_TO_SEND], episodes[LEFT_TO_SEND:]
    without = placing_council_for(episode=to_send[-1])
    made.without_contact = without.name
    # The demo's directory (demo-borders) lists every council: this one's missing-children
    # addresses are taken out, so the list shows what a missing address looks like.
    for contact in CouncilContact.objects.filter(
        council=without, purpose__in=("missing", "out_of_hours")
    ):
        council_contact_remove(contact=contact)
    for episode in episodes + to_send[:-1]:
        placing = placing_council_for(episode=episode)
        if placing != without:
            _made_up_contact(placing)
    made.left_to_send = len(to_send)
    plan = [*AWAITING_HOURS, OVERDUE_HOURS]
    for episode in episodes:
        episode.placing_la_notified_at = None  # cleared above, in the database
        due = due_for(episode=episode, kind=NoticeKind.MISSING)
        if due is None or due.problem:  # the council left without an address: still to tell
            made.left_to_send += due is not None
            continue
        hours = plan.pop(0) if plan else None
        at = now - hours * HOUR if hours else (episode.reported_at or episode.last_seen_at) + HOUR
        at = max(at, episode.last_seen_at + HOUR)
        notice = _send(episode, at)
        made.notices += 1
        if hours is None:
            _acknowledge(notice, at)
            made.acknowledged += 1
            if episode.returned_at is not None:  # and the follow-up, acknowledged too
                at = max(at, episode.returned_at) + HOUR
                _acknowledge(_send(episode, at, NoticeKind.RETURNED), at)
        elif hours == OVERDUE_HOURS:
            made.overdue += 1
        else:
            made.awaiting += 1
    return made
