"""The outbox against a real SMTP server on loopback: queued once, sent once, failures kept."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from homeward.accounts.tests.mailbox import _free_port
from homeward.alerts import outbox
from homeward.alerts.models import Email, EmailStatus
from homeward.alerts.outbox import email_queue, emails_send_due

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _queue(key="test:1", to="coordinator@made-up-council.test", **kwargs):
    return email_queue(
        key=key,
        to=to,
        subject=kwargs.pop("subject", "2 children missing now"),
        body=kwargs.pop("body", "Open Homeward: http://127.0.0.1:8000/missing-now/"),
        purpose=kwargs.pop("purpose", "test"),
        **kwargs,
    )


def test_a_queued_email_arrives_with_its_recipient_and_content_and_is_recorded_sent(mailbox):
    email, queued = _queue()

    summary = emails_send_due(now=NOW)

    assert queued and summary.sent == 1 and not summary.errors
    (message,) = mailbox.messages
    assert message["X-Envelope-To"] == "coordinator@made-up-council.test"
    assert message["To"] == "coordinator@made-up-council.test"
    assert message["From"] == "homeward@made-up-council.test"
    assert message["Subject"] == "2 children missing now"
    assert message.get_content().strip() == "Open Homeward: http://127.0.0.1:8000/missing-now/"
    email.refresh_from_db()
    assert (email.status, email.sent_at, email.attempts) == (EmailStatus.SENT, NOW, 1)
    assert email.next_attempt_at is None


def test_queuing_the_same_key_again_queues_nothing_and_it_is_sent_once(mailbox):
    first, queued_first = _queue()
    second, queued_second = _queue(subject="A different subject")

    emails_send_due(now=NOW)
    emails_send_due(now=NOW + dt.timedelta(hours=1))

    assert (queued_first, queued_second) == (True, False)
    assert second.pk == first.pk and second.subject == "2 children missing now"
    assert Email.objects.count() == 1
    assert len(mailbox.messages) == 1


def test_the_unique_key_is_the_databases_rule_not_only_the_services():
    _queue()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Email.objects.create(key="test:1", to="a@made-up-council.test", subject="s", body="b")


@pytest.mark.parametrize(
    ("to", "subject", "message"),
    [
        ("not an address", "Subject", "'not an address' is not an email address"),
        ("a@made-up-council.test", "Two\nlines", "must be one line"),
    ],
)
def test_a_bad_address_or_subject_is_refused_with_a_sentence(to, subject, message):
    with pytest.raises(ValueError, match=message):
        _queue(to=to, subject=subject)
    assert not Email.objects.exists()


def test_an_email_not_yet_due_is_not_sent(mailbox):
    email, _ = _queue()
    Email.objects.filter(pk=email.pk).update(next_attempt_at=NOW + dt.timedelta(minutes=1))

    assert emails_send_due(now=NOW).sent == 0
    assert mailbox.messages == []


def test_a_server_that_is_down_is_recorded_retried_later_and_then_sent(mailbox, settings):
    email, _ = _queue()
    _queue(key="test:2")
    settings.EMAIL_PORT = _free_port()  # nothing listens there

    down = emails_send_due(now=NOW)

    email.refresh_from_db()
    assert (down.sent, down.failed, down.left) == (0, 1, 1)
    assert email.status == EmailStatus.FAILED
    assert email.last_error.startswith(f"The mail server at 127.0.0.1:{settings.EMAIL_PORT}")
    assert email.next_attempt_at == NOW + dt.timedelta(minutes=5)
    assert down.errors == [f"Email {email.pk} (test) to {email.to}: {email.last_error}"]

    settings.EMAIL_PORT = mailbox.port
    too_soon = emails_send_due(now=NOW + dt.timedelta(minutes=4))
    assert too_soon.sent == 1  # only the one never tried
    later = emails_send_due(now=NOW + dt.timedelta(minutes=5))
    assert later.sent == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert len(mailbox.messages) == 2


def test_a_refusing_server_is_retried_with_backoff_then_given_up(mailbox, settings):
    settings.HOMEWARD_EMAIL_MAX_ATTEMPTS = 3
    mailbox.refusal = "550 Mailbox unavailable"
    email, _ = _queue()
    at = NOW
    for attempt, wait in ((1, 5), (2, 10)):
        summary = emails_send_due(now=at)
        email.refresh_from_db()
        assert (summary.failed, email.attempts) == (1, attempt)
        assert email.last_error == "The mail server refused the email: 550 Mailbox unavailable."
        assert email.next_attempt_at == at + dt.timedelta(minutes=wait)
        at = email.next_attempt_at

    last = emails_send_due(now=at)

    email.refresh_from_db()
    assert (last.gave_up, email.status, email.next_attempt_at) == (1, EmailStatus.FAILED, None)
    assert emails_send_due(now=at + dt.timedelta(days=1)).errors == []
    assert mailbox.messages == []


def test_send_alerts_says_what_it_sent_and_fails_loudly_when_it_cannot(mailbox, settings, capsys):
    _queue()
    call_command("send-alerts")
    out = capsys.readouterr().out
    assert "Sent 1 email." in out
    assert "homeward.alerts.digest.digests_queue: 0 emails queued." in out
    # The escalations sweep queues no email: its line says what it counted.
    assert "homeward.escalations.services.escalations_raise_due: 0 escalations raised." in out

    _queue(key="test:2")
    settings.EMAIL_PORT = _free_port()
    with pytest.raises(CommandError, match="Not everything due was sent"):
        call_command("send-alerts")
    err = capsys.readouterr().err
    assert "could not be reached" in err
    assert "1 email failed and will be tried again." in err


def test_a_source_that_fails_is_reported_and_the_others_still_run(mailbox, settings, capsys):
    settings.HOMEWARD_ALERT_SOURCES = (
        "homeward.alerts.tests.test_outbox.broken_source",
        "homeward.alerts.tests.test_outbox.one_email_source",
    )
    with pytest.raises(CommandError):
        call_command("send-alerts")
    captured = capsys.readouterr()
    assert "broken_source failed, and queued nothing: made-up failure" in captured.err
    assert "one_email_source: 1 email queued." in captured.out
    assert len(mailbox.messages) == 1


def broken_source(now):
    raise RuntimeError("made-up failure")


def one_email_source(now):
    return int(_queue(key=f"source:{now:%Y%m%d}")[1])


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_one_email_twice(mailbox):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads share an in-memory SQLite database only through one connection")
    for number in range(12):
        _queue(key=f"test:{number}")
    summaries = []

    def send():
        summaries.append(emails_send_due(now=NOW))
        connection.close()

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert sum(summary.sent for summary in summaries) == 12
    assert len(mailbox.messages) == 12
    assert len({message["Message-ID"] for message in mailbox.messages}) == 12


def test_a_claimed_email_is_not_claimed_again_until_its_lease_runs_out(mailbox):
    email, _ = _queue()
    claimed = outbox._claim_next(NOW)
    assert claimed.pk == email.pk
    assert outbox._claim_next(NOW) is None
    assert outbox._claim_next(NOW + outbox.SENDING_LEASE).pk == email.pk
