"""A real SMTP server on loopback (aiosmtpd) for the tests that send email."""

import email
import email.policy
import re
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Every message the server accepted, as parsed email messages."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()
        # A reply such as "550 Mailbox unavailable" makes the server refuse every message.
        self.refusal = None

    async def handle_DATA(self, server, session, envelope):
        if self.refusal:
            return self.refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def link_in(self, message) -> str:
        """The one http(s) link in a message's text."""
        (link,) = re.findall(r"https?://\S+", message.get_content())
        return link


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """An SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "homeward@made-up-council.test"
    box.port = controller.port
    yield box
    controller.stop()
