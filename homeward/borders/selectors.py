"""Reads across council borders: which council placed a child here, and whom to tell there.

The `notices` part (telling placing councils) asks `placing_council_recipients` for the
addresses of one episode's notification; docs/borders.md says who is on it and why.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from homeward.borders.models import ChildContact, ChildContactRole, ContactPurpose, CouncilContact
from homeward.children.models import Placement
from homeward.councils.models import Council

CHILD_IRO = "child_iro"  # a Recipient's purpose when it is the child's own IRO


@dataclass(frozen=True)
class Recipient:
    """One address a placing council's notification goes to, and why it is on the list.

    `purpose` is a ContactPurpose value (missing, out_of_hours, iro: the council's
    directory) or CHILD_IRO (the child's own independent reviewing officer).
    """

    email: str
    name: str
    purpose: str
    council_code: str


def placing_council_for(*, episode) -> Council | None:
    """The council that placed this episode's child here, or None if the child is ours.

    The placement the child was missing from says it first (a child can be moved between
    councils' care), then the placement the child lived in when last seen, then the child's
    responsible council.
    """
    child = episode.child
    if not child.is_placed_in:
        return None
    for placement in (episode.placement, _placement_when_last_seen(episode)):
        if placement is not None and placement.placing_la_id != episode.council_id:
            return placement.placing_la
    return child.responsible_la


def placing_council_recipients(*, episode) -> list[Recipient]:
    """Whom to tell of a placed-in child's episode: the placing council's missing-children
    addresses (and out-of-hours ones when it was reported out of office hours) and the
    child's IRO (or the council's IRO service when the child's is not known); [] for our own.
    """
    council = placing_council_for(episode=episode)
    if council is None:
        return []
    purposes = [ContactPurpose.MISSING]
    if not within_office_hours(episode.reported_at or episode.last_seen_at):
        purposes.append(ContactPurpose.OUT_OF_HOURS)
    recipients = [
        _from_directory(contact)
        for purpose in purposes
        for contact in CouncilContact.objects.filter(council=council, purpose=purpose)
    ]
    recipients += _iro_recipients(episode.child, council)
    return _each_address_once(recipients)


def within_office_hours(moment: dt.datetime) -> bool:
    """Whether a moment falls in a weekday's office hours (settings, Europe/London)."""
    local = timezone.localtime(moment)
    opens, closes = settings.HOMEWARD_OFFICE_OPENS_HOUR, settings.HOMEWARD_OFFICE_CLOSES_HOUR
    return local.weekday() < 5 and opens <= local.hour < closes


def child_contacts(*, child) -> list[ChildContact]:
    """A child's own workers at the placing council (IRO first, then social workers)."""
    return list(ChildContact.objects.filter(child=child).order_by("role", "name", "email"))


def _iro_recipients(child, council: Council) -> list[Recipient]:
    own = ChildContact.objects.filter(child=child, role=ChildContactRole.IRO)
    if own.exists():
        return [Recipient(c.email, c.name, CHILD_IRO, council.code) for c in own]
    service = CouncilContact.objects.filter(council=council, purpose=ContactPurpose.IRO)
    return [_from_directory(contact) for contact in service]


def _from_directory(contact: CouncilContact) -> Recipient:
    return Recipient(contact.email, contact.name, contact.purpose, contact.council.code)


def _each_address_once(recipients: list[Recipient]) -> list[Recipient]:
    seen, kept = set(), []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            kept.append(recipient)
    return kept


def _placement_when_last_seen(episode) -> Placement | None:
    day = timezone.localtime(episode.last_seen_at).date()
    current = Q(end_date__isnull=True) | Q(end_date__gte=day)
    return (
        Placement.objects.filter(current, child_id=episode.child_id, start_date__lte=day)
        .select_related("placing_la")
        .order_by("-start_date")
        .first()
    )
