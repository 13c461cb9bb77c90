"""`homeward send-alerts`: queue what is due (digests, alerts, notifications), then send it.

Run it every few minutes (docs/operations.md shows cron and a systemd timer). It says what
it queued, sent and failed; it exits with an error when a source failed or an email could
not be sent, so that cron and systemd report it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.alerts.outbox import emails_send_due
from homeward.alerts.sources import alert_sources_run

QUEUED = "{source}: {count} {what}."
SENT = "Sent {count} email{s}."
FAILED = "{count} email{s} failed and will be tried again."
GAVE_UP = "{count} email{s} failed for the last time; retry them from Emails sent."
LEFT = "{count} email{s} left waiting for the next run, as the mail server could not be reached."
NOT_ALL = "Not everything due was sent; the lines above say why."


def _s(count: int) -> str:
    return "" if count == 1 else "s"


class Command(BaseCommand):
    help = (
        "Queue the alerts, digests and notifications that are due, then send every email "
        "waiting (and failed ones whose retry is due), saying what was sent and what failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-send", action="store_true", help="Queue what is due, but send nothing."
        )

    def handle(self, *, no_send: bool, **options):
        now = timezone.now()
        trouble = False
        for result in alert_sources_run(now=now):
            if result.error:
                trouble = True
                self.stderr.write(result.error)
            else:
                count = result.queued
                what = result.counts.format(s=_s(count))
                self.stdout.write(QUEUED.format(source=result.source, count=count, what=what))
        if not no_send:
            # Read the clock again: an email the sources queued just now is due at once.
            trouble = self._send(timezone.now()) or trouble
        if trouble:
            raise CommandError(NOT_ALL)

    def _send(self, now) -> bool:
        summary = emails_send_due(now=now)
        self.stdout.write(SENT.format(count=summary.sent, s=_s(summary.sent)))
        for error in summary.errors:
            self.stderr.write(error)
        for template, count in (
            (FAILED, summary.failed),
            (GAVE_UP, summary.gave_up),
            (LEFT, summary.left),
        ):
            if count:
                self.stderr.write(template.format(count=count, s=_s(count)))
        return bool(summary.errors or summary.left)
