"""The demo's mail catcher: a real SMTP server on loopback that keeps each message as a file."""

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import send_mail
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.accounts.tests.mailbox import _free_port
from homeward.alerts.mail_catcher import KeepInFolder
from homeward.alerts.selectors import caught_messages


@pytest.fixture
def catcher(settings, tmp_path):
    controller = Controller(KeepInFolder(tmp_path), hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.HOMEWARD_MAIL_CATCHER_DIR = str(tmp_path)
    yield tmp_path
    controller.stop()


def test_each_message_is_kept_as_a_file_and_read_back(catcher):
    send_mail("First made-up", "One.", "homeward@localhost", ["a@made-up-county.example"])
    send_mail("Second made-up", "Two.", "homeward@localhost", ["b@made-up-county.example"])

    files = sorted(catcher.glob("*.eml"))
    assert len(files) == 2 and not list(catcher.glob("*.part"))
    newest_first = caught_messages()
    assert [m.subject for m in newest_first] == ["Second made-up", "First made-up"]
    assert newest_first[0].to == "b@made-up-county.example"
    assert newest_first[0].body.strip() == "Two."


def test_the_mail_catcher_listens_on_loopback_only():
    with pytest.raises(CommandError, match="listens on this computer only"):
        call_command("mail-catcher", "--host", "0.0.0.0")  # noqa: S104


@pytest.mark.django_db
def test_an_email_a_source_queues_is_sent_in_the_same_run_as_the_clock_runs(mailbox, settings):
    settings.HOMEWARD_ALERT_SOURCES = ("homeward.alerts.tests.test_outbox.one_email_source",)
    call_command("send-alerts")
    assert len(mailbox.messages) == 1
