"""`homeward mail-catcher`: the demo's SMTP sink, keeping every message it gets as a file."""

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from homeward.alerts.mail_catcher import KeepInFolder

NOT_LOOPBACK = "The mail catcher listens on this computer only (127.0.0.1 or ::1), not {host}."
NO_AIOSMTPD = (
    "The mail catcher needs aiosmtpd, which the demo installs (make demo, or pip install "
    "-e '.[dev]')."
)
LISTENING = "Catching mail on {host}:{port}; each message is kept in {folder}."


class Command(BaseCommand):
    help = (
        "Run the demo's mail catcher: an SMTP server on loopback that keeps every message as "
        "a file (default: HOMEWARD_MAIL_CATCHER_DIR, or var/mail), until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument("--dir", dest="folder", help="Where to keep the messages.")

    def handle(self, *, host: str, port: int, folder: str | None, **options):
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise CommandError(NOT_LOOPBACK.format(host=host))
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            raise CommandError(NO_AIOSMTPD) from None
        kept = Path(folder or settings.HOMEWARD_MAIL_CATCHER_DIR or settings.VAR_DIR / "mail")
        kept.mkdir(parents=True, exist_ok=True)
        controller = Controller(KeepInFolder(kept), hostname=host, port=port)
        controller.start()
        self.stdout.write(LISTENING.format(host=host, port=port, folder=kept))
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
