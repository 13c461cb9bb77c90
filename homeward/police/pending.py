"""The review queue as rows to print (`homeward notifications-pending`): one a notification
waiting for a person, with the children it might be and their scores, so that the links can
be checked from outside Homeward."""

import dataclasses
import datetime as dt

from homeward.core.clock import LONDON
from homeward.police.models import Notification, State

HEADER = (
    "police_ref",
    "force",
    "received_at",
    "first_name",
    "last_name",
    "date_of_birth",
    "candidates",
)


@dataclasses.dataclass(frozen=True)
class Pending:
    police_ref: str
    force: str
    received_at: dt.datetime
    first_name: str
    last_name: str
    date_of_birth: str
    candidates: tuple[tuple[str, float], ...]  # (the child's local id, score), best first

    def cells(self) -> list[str]:
        """The row as `notifications-pending --csv` writes it."""
        return [
            self.police_ref,
            self.force,
            self.received_at.astimezone(LONDON).isoformat(timespec="seconds"),
            self.first_name,
            self.last_name,
            self.date_of_birth,
            candidates_cell(self.candidates),
        ]


def candidates_cell(candidates) -> str:
    """`C1:0.912;C7:0.031`: each candidate's local id and score to 3 decimals, best first."""
    return ";".join(f"{local_id}:{score:.3f}" for local_id, score in candidates)


def pending_notifications(*, council) -> list[Pending]:
    """The council's notifications waiting for review, the longest waiting first."""
    waiting = Notification.objects.filter(council=council, state=State.REVIEW).order_by(
        "received_at", "pk"
    )
    return [_pending(n) for n in waiting.only(*_READ)]


_READ = ("police_ref", "force_name", "received_at", "fields", "candidates")


def _pending(notification: Notification) -> Pending:
    fields = notification.fields or {}
    ranked = sorted(notification.candidates or [], key=lambda c: -float(c.get("score", 0)))
    return Pending(
        police_ref=notification.police_ref,
        force=notification.force_name,
        received_at=notification.received_at,
        first_name=str(fields.get("first_name", "")),
        last_name=str(fields.get("last_name", "")),
        date_of_birth=str(fields.get("date_of_birth", "")),
        candidates=tuple((str(c.get("local_id", "")), float(c.get("score", 0))) for c in ranked),
    )
