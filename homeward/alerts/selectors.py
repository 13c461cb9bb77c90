"""Reads of the outbox and of the demo's caught mail."""

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from homeward.access.rules import emails_visible_to
from homeward.alerts.models import Email

# The newest caught messages the demo's mail page lists.
CAUGHT_SHOWN = 200


def emails_sent(*, user, status: str = "") -> QuerySet[Email]:
    """Every email Homeward queued for this person's council, the newest first; `status`
    narrows to one status."""
    emails = emails_visible_to(user).select_related("recipient").order_by("-created_at", "-pk")
    return emails.filter(status=status) if status else emails


@dataclass(frozen=True)
class CaughtMessage:
    name: str
    sender: str
    to: str
    subject: str
    date: str
    body: str


def mail_catcher_dir() -> Path | None:
    """The demo mail catcher's folder, or None where there is none (everywhere but the demo)."""
    folder = settings.HOMEWARD_MAIL_CATCHER_DIR
    return Path(folder) if folder else None


def caught_messages() -> list[CaughtMessage]:
    """The messages the demo's mail catcher kept, the newest first."""
    folder = mail_catcher_dir()
    if folder is None or not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)[:CAUGHT_SHOWN]
    return [_read(path) for path in files]


def caught_message(name: str) -> CaughtMessage | None:
    """One caught message by its file name; None if there is no such file in the folder."""
    folder = mail_catcher_dir()
    if folder is None:
        return None
    path = folder / name
    # Only a plain file name in the folder: never a path that climbs out of it.
    if Path(name).name != name or not name.endswith(".eml") or not path.is_file():
        return None
    return _read(path)


def _read(path: Path) -> CaughtMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    return CaughtMessage(
        name=path.name,
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=str(message.get("Date", "")),
        body=body.get_content() if body is not None else "",
    )
