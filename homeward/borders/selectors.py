"""Reads across council borders: which council placed a child here, and whom to tell there.

The `notices` part (telling placing councils) asks `placing_council_recipients` for the
addresses of one episode's notification; docs/borders.md says who is on it and why.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from homeward.access.rules import episodes_visible_to, placed_in_entries_visible_to
from homeward.borders.models import (
    ChildContact,
    ChildContactRole,
    ContactPurpose,
    CouncilContact,
    EpisodeElsewhere,
    PlacedInEntry,
)
from homeward.children.models import Child, Placement
from homeward.councils.models import Council
from homeward.episodes.models import Episode

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
    return placing_councils_for([episode])[episode.pk]


def placing_councils_for(episodes) -> dict[int, Council | None]:
    """`placing_council_for` of many episodes at once, by episode id: one query for the
    placements whatever their number (the episodes' child, child's responsible council and
    placement's placing council are best selected with them)."""
    episodes = list(episodes)
    placed = [episode for episode in episodes if episode.child.is_placed_in]
    placements = _placements_of({episode.child_id for episode in placed})
    found: dict[int, Council | None] = {episode.pk: None for episode in episodes}
    for episode in placed:
        when_last_seen = _placement_on(
            placements.get(episode.child_id, []), timezone.localtime(episode.last_seen_at).date()
        )
        found[episode.pk] = episode.child.responsible_la
        for placement in (episode.placement, when_last_seen):
            if placement is not None and placement.placing_la_id != episode.council_id:
                found[episode.pk] = placement.placing_la
                break
    return found


def placing_council_recipients(*, episode) -> list[Recipient]:
    """Whom to tell of a placed-in child's episode: the placing council's missing-children
    addresses (and out-of-hours ones when it was reported out of office hours) and the
    child's IRO (or the council's IRO service when the child's is not known); [] for our own.
    """
    council = placing_council_for(episode=episode)
    return recipients_for({episode.pk: council}, [episode])[episode.pk]


def recipients_for(councils: dict, episodes) -> dict[int, list[Recipient]]:
    """`placing_council_recipients` of many episodes at once, by episode id, given each
    one's placing council (`placing_councils_for`): two queries whatever their number."""
    wanted = {council.pk for council in councils.values() if council is not None}
    directory: dict[tuple[int, str], list[CouncilContact]] = {}
    for contact in CouncilContact.objects.filter(council_id__in=wanted).select_related("council"):
        directory.setdefault((contact.council_id, contact.purpose), []).append(contact)
    children = {episode.child_id for episode in episodes if councils.get(episode.pk)}
    own_iros: dict[int, list[ChildContact]] = {}
    own = ChildContact.objects.filter(child_id__in=children, role=ChildContactRole.IRO)
    for contact in own:
        own_iros.setdefault(contact.child_id, []).append(contact)
    found: dict[int, list[Recipient]] = {}
    for episode in episodes:
        council = councils.get(episode.pk)
        if council is None:
            found[episode.pk] = []
            continue
        purposes = [ContactPurpose.MISSING]
        if not within_office_hours(episode.reported_at or episode.last_seen_at):
            purposes.append(ContactPurpose.OUT_OF_HOURS)
        recipients = [
            _from_directory(contact)
            for purpose in purposes
            for contact in directory.get((council.pk, purpose), [])
        ]
        iros = own_iros.get(episode.child_id)
        if iros:
            recipients += [Recipient(c.email, c.name, CHILD_IRO, council.code) for c in iros]
        else:
            service = directory.get((council.pk, ContactPurpose.IRO), [])
            recipients += [_from_directory(contact) for contact in service]
        found[episode.pk] = _each_address_once(recipients)
    return found


def within_office_hours(moment: dt.datetime) -> bool:
    """Whether a moment falls in a weekday's office hours (settings, Europe/London)."""
    local = timezone.localtime(moment)
    opens, closes = settings.HOMEWARD_OFFICE_OPENS_HOUR, settings.HOMEWARD_OFFICE_CLOSES_HOUR
    return local.weekday() < 5 and opens <= local.hour < closes


def child_contacts(*, child) -> list[ChildContact]:
    """A child's own workers at the placing council (IRO first, then social workers)."""
    return list(ChildContact.objects.filter(child=child).order_by("role", "name", "email"))


def _from_directory(contact: CouncilContact) -> Recipient:
    return Recipient(contact.email, contact.name, contact.purpose, contact.council.code)


def _each_address_once(recipients: list[Recipient]) -> list[Recipient]:
    seen, kept = set(), []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            kept.append(recipient)
    return kept


def _placements_of(child_ids) -> dict[int, list[Placement]]:
    """The placements of these children by child, the latest start first."""
    placements: dict[int, list[Placement]] = {}
    listed = Placement.objects.filter(child_id__in=list(child_ids)).select_related("placing_la")
    for placement in listed.order_by("-start_date", "-pk"):
        placements.setdefault(placement.child_id, []).append(placement)
    return placements


def _placement_on(placements: list[Placement], day: dt.date) -> Placement | None:
    """Of a child's placements (the latest start first), the one it lived in on `day`."""
    for placement in placements:
        if placement.start_date <= day and (
            placement.end_date is None or placement.end_date >= day
        ):
            return placement
    return None


# The flag: a placed-in child who went missing while no home's notice on the register covered
# the day they were last seen. It means nobody told this council the child was placed here.


def _covering_entry():
    """Register entries of the episode's child covering the day it was last seen."""
    day = OuterRef("last_seen_day")
    return PlacedInEntry.objects.filter(child=OuterRef("child"), admitted_on__lte=day).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gte=day)
    )


def unregistered(episodes: QuerySet) -> QuerySet:
    """Those of `episodes` whose child is placed in and was on no register entry that day."""
    return (
        episodes.exclude(child__responsible_la_id=F("council_id"))
        .annotate(last_seen_day=TruncDate("last_seen_at"))
        .exclude(Exists(_covering_entry()))
    )


def unregistered_episode_ids(*, episode_ids) -> set[int]:
    """Which of these episodes are flagged (for lists that show many episodes at once)."""
    flagged = unregistered(Episode.objects.filter(pk__in=list(episode_ids)))
    return set(flagged.values_list("pk", flat=True))


def episode_is_unregistered(*, episode) -> bool:
    """Whether this episode is flagged: its placed-in child was on no register entry that day."""
    return unregistered(Episode.objects.filter(pk=episode.pk)).exists()


@dataclass(frozen=True)
class UnregisteredChild:
    """A placed-in child nobody told us about: their flagged episodes, the latest first."""

    child: Child
    placing_council: Council
    episodes: list


class UnregisteredChildren:
    """The placed-in children nobody told us about, as a sequence a Paginator pages: a page
    reads only its own children, in a fixed number of queries whatever its length; the
    child whose latest such episode is most recent first (then the latest child's record)."""

    def __init__(self, episodes: QuerySet):
        self.episodes = episodes

    def count(self) -> int:
        return self.episodes.values("child").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[UnregisteredChild]:
        if not isinstance(index, slice):
            raise TypeError("UnregisteredChildren is read a slice at a time")
        latest = self.episodes.values("child").annotate(latest=Max("last_seen_at"))
        ids = list(latest.order_by("-latest", "-child").values_list("child", flat=True)[index])
        episodes = list(
            self.episodes.filter(child_id__in=ids)
            .select_related("child__responsible_la", "placement__placing_la")
            .order_by("-last_seen_at", "-pk")
        )
        by_child: dict[int, list] = {child_id: [] for child_id in ids}
        for episode in episodes:
            by_child[episode.child_id].append(episode)
        councils = placing_councils_for([listed[0] for listed in by_child.values() if listed])
        return [
            UnregisteredChild(
                child=listed[0].child,
                placing_council=councils[listed[0].pk],
                episodes=listed,
            )
            for listed in by_child.values()
            if listed
        ]


def unregistered_children(*, user, child=None) -> UnregisteredChildren:
    """Placed-in children with an episode on no register entry, of the episodes this person
    sees; the child whose latest such episode is most recent first. Read it a slice (a page)
    at a time."""
    episodes = unregistered(episodes_visible_to(user))
    if child is not None:
        episodes = episodes.filter(child=child)
    return UnregisteredChildren(episodes)


def unregistered_children_count(*, user) -> int:
    """How many placed-in children this person sees went missing while on no register entry."""
    return unregistered(episodes_visible_to(user)).values("child").distinct().count()


# The register.

CURRENT, LEFT, EVERYONE = "current", "left", "all"


def placed_in_register(
    *,
    user,
    status: str = CURRENT,
    placing_council: Council | None = None,
    home: str = "",
    unlinked_only: bool = False,
) -> QuerySet:
    """The register entries this person may see: placed here now, left, or everyone."""
    entries = placed_in_entries_visible_to(user).select_related("placing_council", "child")
    if status == CURRENT:
        entries = entries.filter(discharged_on__isnull=True)
    elif status == LEFT:
        entries = entries.filter(discharged_on__isnull=False)
    if placing_council is not None:
        entries = entries.filter(placing_council=placing_council)
    if home.strip():
        term = home.strip()
        entries = entries.filter(Q(provider_name__icontains=term) | Q(provider_urn__iexact=term))
    if unlinked_only:
        entries = entries.filter(child__isnull=True)
    return entries.order_by("-admitted_on", "last_name", "first_name", "pk")


def child_register_entries(*, user, child) -> list[PlacedInEntry]:
    """The child's register entries this person may see, the latest admission first."""
    entries = placed_in_entries_visible_to(user).filter(child=child)
    return list(entries.select_related("placing_council").order_by("-admitted_on", "-pk"))


def episodes_elsewhere(*, episode_ids) -> dict[int, EpisodeElsewhere]:
    """Which of these episodes happened in another council's area, by episode id."""
    found = EpisodeElsewhere.objects.filter(episode_id__in=list(episode_ids))
    return {elsewhere.episode_id: elsewhere for elsewhere in found.select_related("host_council")}


@dataclass(frozen=True)
class DirectoryCouncil:
    council: Council
    contacts: list[CouncilContact]


def council_directory(*, search: str = "") -> list[DirectoryCouncil]:
    """Every council with its contacts (none yet: an empty list), by name; `search` matches
    the council's name or code."""
    councils = Council.objects.order_by("name")
    if search:
        councils = councils.filter(Q(name__icontains=search) | Q(code=search))
    contacts: dict[int, list[CouncilContact]] = {}
    listed = CouncilContact.objects.filter(council__in=councils).order_by("purpose", "email")
    for contact in listed:
        contacts.setdefault(contact.council_id, []).append(contact)
    return [DirectoryCouncil(council, contacts.get(council.pk, [])) for council in councils]
