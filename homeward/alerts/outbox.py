"""The outbox: queue an email once, send what is due, retry what failed.

Every email Homeward sends goes through here, so that each is recorded (to whom, what, when,
sent or failed and why) and none is sent twice:

- `email_queue` records an email under a key; the key is unique in the database, so a second
  call with the same key, even at the same moment from another process, queues nothing.
- `emails_send_due` sends queued emails, and failed ones whose retry is due, through Django's
  SMTP backend (EMAIL_HOST and the rest). Each email is first claimed: its next attempt is
  moved a lease ahead in a short transaction that reads it with SELECT ... FOR UPDATE SKIP
  LOCKED on PostgreSQL (two senders never wait on, or both take, the same email) and under
  SQLite's whole-database write lock there (config/env.py); the claim is a conditional update
  that only one sender can win. It is sent outside any transaction, so a slow mail server
  never holds a lock that pages wait on. A sender that dies mid-send leaves the claim to run
  out (SENDING_LEASE), and the email is tried again.
"""

import datetime as dt
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from homeward.alerts.models import Email, EmailStatus
from homeward.audit.services import record_change, values_before_change

# Long enough for the slowest mail server to take one message (EMAIL_TIMEOUT is per step).
SENDING_LEASE = dt.timedelta(minutes=10)

NOT_AN_ADDRESS = "'{to}' is not an email address, so no email was queued for {key}."
SUBJECT_NOT_ONE_LINE = "An email's subject must be one line of at most 200 characters ({key})."
NO_KEY = "An email needs a key that names what it is about, so that it is never sent twice."
UNREACHABLE = "The mail server at {host}:{port} could not be reached: {error}."
REFUSED = "The mail server refused the email: {error}."
REFUSED_ADDRESS = "The mail server refused the address {to}: {error}."


@dataclass
class SendSummary:
    """What one sending run did."""

    sent: int = 0
    failed: int = 0  # failed this time, to be tried again later
    gave_up: int = 0  # failed for the last time (HOMEWARD_EMAIL_MAX_ATTEMPTS)
    left: int = 0  # due but not tried, because the mail server could not be reached
    errors: list[str] = field(default_factory=list)


def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    council=None,
    child=None,
    episode=None,
    recipient=None,
) -> tuple[Email, bool]:
    """Queue an email once under `key`; (the email, True) if queued now, (it, False) if it was."""
    _check(key=key, to=to, subject=subject)
    existing = Email.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint: another process queuing the same key at once makes this insert fail
        # on the unique key, and the caller's transaction goes on.
        with transaction.atomic():
            email = Email.objects.create(
                key=key,
                to=to,
                subject=subject,
                body=body,
                purpose=purpose,
                council=council,
                child=child,
                episode=episode,
                recipient=recipient,
            )
    except IntegrityError:
        return Email.objects.get(key=key), False
    return email, True


def emails_due(*, now: dt.datetime) -> QuerySet:
    """Emails waiting to be sent, and failed ones whose next attempt is due, by `now`."""
    return Email.objects.filter(
        status__in=(EmailStatus.QUEUED, EmailStatus.FAILED), next_attempt_at__lte=now
    )


def emails_send_due(*, now: dt.datetime) -> SendSummary:
    """Send every email due by `now`, one at a time, recording each as sent or failed."""
    summary = SendSummary()
    connection = get_connection(fail_silently=False)
    try:
        while (email := _claim_next(now)) is not None:
            error, unreachable = _deliver(email, connection)
            _record(email, error=error, now=now, summary=summary)
            if unreachable:
                # Every other email would fail the same way: leave them for the next run.
                summary.left = emails_due(now=now).count()
                break
    finally:
        connection.close()
    return summary


def retry_delay(attempts: int) -> dt.timedelta:
    """How long after its `attempts`-th failure an email is tried again (doubling each time)."""
    minutes = settings.HOMEWARD_EMAIL_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return dt.timedelta(minutes=minutes)


def homeward_link(path: str) -> str:
    """The full address of a page of Homeward, for an email (HOMEWARD_BASE_URL)."""
    return settings.HOMEWARD_BASE_URL.rstrip("/") + path


def _check(*, key: str, to: str, subject: str) -> None:
    if not key:
        raise ValueError(NO_KEY)
    try:
        validate_email(to)
    except ValidationError:
        raise ValueError(NOT_AN_ADDRESS.format(to=to, key=key)) from None
    if "\n" in subject or "\r" in subject or len(subject) > 200:
        raise ValueError(SUBJECT_NOT_ONE_LINE.format(key=key))


def _claim_next(now: dt.datetime) -> Email | None:
    while True:
        with transaction.atomic():
            email = (
                emails_due(now=now)
                .order_by("next_attempt_at", "pk")
                .select_for_update(skip_locked=True)  # nothing on SQLite: its lock is whole
                .first()
            )
            if email is None:
                return None
            claimed = Email.objects.filter(
                pk=email.pk, status=email.status, next_attempt_at=email.next_attempt_at
            ).update(next_attempt_at=now + SENDING_LEASE, attempts=F("attempts") + 1)
        if claimed:
            email.refresh_from_db()
            return email


def _deliver(email: Email, connection) -> tuple[str, bool]:
    """Send one email: ("", False) when the server took it, else (why not, unreachable)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
        # The same id on every attempt: a mail system that got it twice can tell.
        headers={"Message-ID": f"<homeward-email-{email.pk}@{domain}>"},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        return REFUSED_ADDRESS.format(to=email.to, error=_reply(error)), False
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as error:
        connection.close()
        return _unreachable(error), True
    except smtplib.SMTPException as error:
        connection.close()
        return REFUSED.format(error=_reply(error)), False
    except OSError as error:  # refused, timed out, no such host
        connection.close()
        return _unreachable(error), True
    return "", False


def _record(email: Email, *, error: str, now: dt.datetime, summary: SendSummary) -> None:
    if not error:
        Email.objects.filter(pk=email.pk).update(
            status=EmailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
        summary.sent += 1
        return
    gave_up = email.attempts >= settings.HOMEWARD_EMAIL_MAX_ATTEMPTS
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED,
        last_error=error,
        next_attempt_at=None if gave_up else now + retry_delay(email.attempts),
    )
    if gave_up:
        summary.gave_up += 1
    else:
        summary.failed += 1
    summary.errors.append(f"Email {email.pk} ({email.purpose}) to {email.to}: {error}")


def _unreachable(error: Exception) -> str:
    return UNREACHABLE.format(
        host=settings.EMAIL_HOST, port=settings.EMAIL_PORT, error=str(error) or type(error).__name__
    )


def _reply(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = error.recipients.values()
        return "; ".join(_code_and_text(code, text) for code, text in replies)
    if isinstance(error, smtplib.SMTPResponseException):
        return _code_and_text(error.smtp_code, error.smtp_error)
    return str(error) or type(error).__name__


def _code_and_text(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


NOT_FAILED = "Email {pk} is {status}, not failed, so there is nothing to retry."
RETRYING = (
    "Email {pk} to {to} will be tried again by the next run of send-alerts, within a few minutes."
)


def email_retry(*, email: Email, by) -> Email:
    """Make a failed email due again now (audited); refused unless it is still failed."""
    with transaction.atomic():
        before = values_before_change(email)
        current = Email.objects.get(pk=email.pk)
        if current.status != EmailStatus.FAILED:
            raise ValueError(
                NOT_FAILED.format(pk=email.pk, status=current.get_status_display().lower())
            )
        Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        record_change(record=current, by=by, before=before)
    return current
