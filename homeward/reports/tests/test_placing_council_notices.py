"""The scrutiny report's "placing-council notification" figure counts from the notices:
the first email of an episode's missing notice sent, or the time told another way; a typed
time only where no notice was recorded."""

import datetime as dt

import pytest

from homeward.alerts.models import Email, EmailStatus
from homeward.alerts.outbox import emails_send_due
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.notices.selectors import due_now
from homeward.notices.services import notice_record_told, notice_send

# The placing councils' tests' made-up child placed here by Kent, and Kent's directory entry.
from homeward.notices.tests.conftest import (  # noqa: F401 (fixtures)
    HOUR,
    LONDON,
    _frozen,
    kent_contacts,
    placed_child,
)
from homeward.reports.engine import build_report

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 6, 10, 0, tzinfo=LONDON)
DAY = dt.timedelta(days=1)


def _episode(child, days: int, **values):
    seen = START + days * DAY
    return EpisodeFactory(
        child=child,
        last_seen_at=seen,
        reported_at=seen + HOUR,
        returned_at=seen + 2 * HOUR,
        legal_status="looked_after",
        **values,
    )


def _emailed(time_machine, episode, at):
    time_machine.move_to(at, tick=False)
    notice = notice_send(due=due_now(episode=episode, now=at), now=at)
    emails_send_due(now=at)
    return notice


def test_the_figure_is_counted_from_the_notices(
    mailbox,
    time_machine,
    placed_child,  # noqa: F811 (the fixture imported above)
    kent_contacts,  # noqa: F811
):
    reported = dt.timedelta(hours=1)
    in_time = _episode(placed_child, 0)
    _emailed(time_machine, in_time, START + reported + 23 * HOUR)
    # Typed as told in time, but the notice went 25 hours after the report: the record wins.
    late = _episode(placed_child, 2)
    _emailed(time_machine, late, START + 2 * DAY + reported + 25 * HOUR)
    type(late).objects.filter(pk=late.pk).update(placing_la_notified_at=START + 2 * DAY)
    # No notice: the time typed in (or imported) is the evidence there is.
    typed = _episode(placed_child, 4, placing_la_notified_at=START + 4 * DAY + 3 * HOUR)
    # Told by phone 5 hours after the report.
    phoned = _episode(placed_child, 6)
    time_machine.move_to(START + 7 * DAY, tick=False)
    notice_record_told(
        due=due_now(episode=phoned, now=START + 7 * DAY),
        how="By phone to the made-up duty team.",
        told_at=START + 6 * DAY + reported + 5 * HOUR,
        now=START + 7 * DAY,
        by=None,
    )
    # Queued in time, but never delivered: not told.
    undelivered = _episode(placed_child, 8)
    at = START + 8 * DAY + 2 * HOUR
    time_machine.move_to(at, tick=False)
    notice = notice_send(due=due_now(episode=undelivered, now=at), now=at)
    assert set(notice.emails.values_list("status", flat=True)) == {EmailStatus.QUEUED}
    # Not told at all.
    _episode(placed_child, 10)

    report = build_report(
        council_code="931", period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 1, 31)
    )
    assert report["placed_in"]["episodes"] == 6
    assert report["placed_in"]["notified_within_24h"]["n"] == 3  # in_time, typed, phoned
    assert report["placed_in"]["notified_within_24h"]["of"] == 6
    assert typed.placing_la_notified_at is not None
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 4
