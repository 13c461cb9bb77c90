"""Immediate alerts: a new high-risk episode, an interview about to pass its 72 hours.

Each goes once per episode per person (its key), only to people who may see the episode
(access.rules) and who chose to receive it (alerts.preferences). An email says as little
about the child as does the job: no name, no place, only the episode's reference, the time
and a link into Homeward, where the access rule is asked again.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from homeward.access.rules import episodes_visible_to
from homeward.alerts.outbox import email_queue, homeward_link
from homeward.alerts.preferences import HIGH_RISK, INTERVIEW_BREACH, alert_recipients
from homeward.core.codes import Risk
from homeward.episodes.models import Episode
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.interviews.selectors import owed_among

HIGH_RISK_SUBJECT = "Homeward: a child is missing at high risk"
HIGH_RISK_BODY = """\
A child whose record you may see is missing, graded high risk by the police.

Episode: {reference}
Last seen: {last_seen}

Open the child's record in Homeward to see who it is and what is known:
{link}

{footer}"""

BREACH_SUBJECT = "Homeward: a return home interview is due within {hours} hours"
BREACH_BODY = """\
The return home interview after a child's return from missing is due within {hours} hours.

Episode: {reference}
Returned: {returned}
Interview due by: {due} (72 hours after the return)

Record the interview, or the attempt to offer it, in Homeward:
{link}

{footer}"""

FOOTER = """\
You receive this alert because of the alerts you chose in Homeward (or your role's defaults).
Change them here: {link}"""


def high_risk_alerts_queue(now: dt.datetime) -> int:
    """Queue an alert of each new high-risk episode to each person who may see the child."""
    since = now - dt.timedelta(hours=settings.HOMEWARD_HIGH_RISK_ALERT_HOURS)
    # New: graded high (or recorded high) within the window, and the child still missing.
    graded = Q(risk_reviewed_at__gte=since) | Q(
        risk_reviewed_at__isnull=True, created_at__gte=since
    )
    candidates = Episode.objects.filter(
        graded, risk=Risk.HIGH, returned_at__isnull=True, last_seen_at__lte=now
    )
    return _queue_for_each(HIGH_RISK, candidates, now, _high_risk_email)


def interview_breach_alerts_queue(now: dt.datetime) -> int:
    """Queue an alert of each interview about to pass 72 hours to each person who may see it."""
    warning = dt.timedelta(hours=settings.HOMEWARD_INTERVIEW_WARNING_HOURS)
    # Due (returned_at + 72 hours) after now, and no more than the warning ahead.
    candidates = owed_among(
        Episode.objects.filter(
            returned_at__gt=now - RHI_DUE_WITHIN, returned_at__lte=now - RHI_DUE_WITHIN + warning
        ),
        now=now,
    )
    return _queue_for_each(INTERVIEW_BREACH, candidates, now, _breach_email)


def _queue_for_each(kind: str, candidates, now: dt.datetime, make) -> int:
    ids = list(candidates.values_list("pk", flat=True))
    if not ids:
        return 0
    queued = 0
    for person in alert_recipients(kind):
        seen = episodes_visible_to(person).filter(pk__in=ids).select_related("child")
        for episode in seen:
            subject, body = make(episode, now)
            _, new = email_queue(
                key=f"{kind.replace('_', '-')}:{episode.pk}:{person.pk}",
                to=person.email,
                subject=subject,
                body=body,
                purpose=kind.replace("_", "-"),
                council=episode.council,
                child=episode.child,
                episode=episode,
                recipient=person,
            )
            queued += new
    return queued


def _high_risk_email(episode: Episode, now: dt.datetime) -> tuple[str, str]:
    body = HIGH_RISK_BODY.format(
        reference=episode.local_id,
        last_seen=when(episode.last_seen_at),
        link=homeward_link(reverse("children:detail", args=[episode.child_id])),
        footer=footer(),
    )
    return HIGH_RISK_SUBJECT, body


def _breach_email(episode: Episode, now: dt.datetime) -> tuple[str, str]:
    hours = settings.HOMEWARD_INTERVIEW_WARNING_HOURS
    body = BREACH_BODY.format(
        hours=hours,
        reference=episode.local_id,
        returned=when(episode.returned_at),
        due=when(episode.returned_at + RHI_DUE_WITHIN),
        link=homeward_link(reverse("children:detail", args=[episode.child_id])),
        footer=footer(),
    )
    return BREACH_SUBJECT.format(hours=hours), body


def when(moment: dt.datetime) -> str:
    """A time as the emails write it, in UK time: "Monday 2 March 2026 at 18:00"."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'l j F Y')} at {local:%H:%M}"


def footer() -> str:
    return FOOTER.format(link=homeward_link(reverse("alerts:preferences")))
