"""What a lot of notifications (a file's rows received in one transaction) needs to know
before its rows are applied, read in a few queries for the whole lot instead of a few a row.

While a lot is being received (`receiving`), the row-by-row services ask it first:

- whether the same event was received before (the fingerprints already kept),
- which episode a police reference belongs to (the references no episode has yet),
- which child a police id is (the council's children with the lot's police ids),
- whether any held notification could be applied by a new episode (the references of the
  council's held notifications, and which of them an episode has).

The lot only ever answers "not there" (or, for a police id, the children read): anything
the lot's own rows may have changed since it was read is forgotten, and asked of the
database as before. So a row is received exactly as it would be on its own. The lot is read
after its police references are locked (police.applying.lock_police_references), so no other
writer changes what it read about them until it commits.
"""

import contextlib
import contextvars
import dataclasses

from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.police.models import EpisodeReference, Notification, State

_current: contextvars.ContextVar["Lot | None"] = contextvars.ContextVar("police_lot", default=None)


@dataclasses.dataclass
class Lot:
    council_id: int
    # Fingerprints of the lot's rows no notification of the council has.
    new_fingerprints: set[str]
    # Police references of the lot's rows that no episode in use has.
    without_episode: set[str]
    # The council's children with each of the lot's police ids (every police id read).
    children_by_police_id: dict[str, list[Child]]
    # The police references of the council's held notifications, and those of them that an
    # episode has (normally none: a held notification waits for its reference's episode).
    held_refs: set[str]
    held_with_episode: set[str]
    # The police references whose locks the lot's transaction holds (taken before the lot was
    # read, before any row's savepoint: held until it commits).
    locked_refs: frozenset[str] = frozenset()

    # What the lot's rows change, so that the lot never answers from what it read before.

    def received(self, fingerprint: str) -> None:
        self.new_fingerprints.discard(fingerprint)

    def reference_added(self, police_ref: str) -> None:
        self.without_episode.discard(police_ref)
        if police_ref in self.held_refs:
            self.held_with_episode.add(police_ref)

    def held(self, police_ref: str) -> None:
        self.held_refs.add(police_ref)
        if police_ref not in self.without_episode:
            self.held_with_episode.add(police_ref)

    def police_id_children(self, police_id: str) -> list[Child] | None:
        """The children with the police id, as matching's exact lookup reads them (at most
        two); None when the lot cannot say (not read, or more than two children have it)."""
        children = self.children_by_police_id.get(police_id)
        return children if children is not None and len(children) <= 2 else None


def current() -> Lot | None:
    """The lot being received, if any."""
    return _current.get()


@contextlib.contextmanager
def receiving(lot: Lot):
    """Receive rows with what `lot` read."""
    token = _current.set(lot)
    try:
        yield lot
    finally:
        _current.reset(token)


def lot_read(*, council_id: int, fingerprints, police_refs, police_ids, locked_refs=()) -> Lot:
    """Read, in a few queries, what the lot's rows would each ask the database
    (`locked_refs`: the references already locked, police.applying.lock_police_references)."""
    fingerprints, police_refs = set(fingerprints), {ref for ref in police_refs if ref}
    police_ids = {pid for pid in police_ids if pid}
    kept = Notification.objects.filter(council_id=council_id, fingerprint__in=fingerprints)
    episodes = Episode.objects.order_by()
    known = set(
        episodes.filter(
            police_refs__council_id=council_id, police_refs__police_ref__in=police_refs
        ).values_list("police_refs__police_ref", flat=True)
    )
    known |= set(
        episodes.filter(council_id=council_id, police_reference__in=police_refs).values_list(
            "police_reference", flat=True
        )
    )
    children: dict[str, list[Child]] = {pid: [] for pid in police_ids}
    if police_ids:
        for child in Child.all_records.filter(council_id=council_id, police_id__in=police_ids):
            children[child.police_id].append(child)
    held = Notification.objects.filter(council_id=council_id, state=State.HELD).order_by()
    held_refs = set(held.values_list("police_ref", flat=True).distinct())
    with_episode = set(
        EpisodeReference.objects.filter(
            council_id=council_id, police_ref__in=held_refs
        ).values_list("police_ref", flat=True)
    )
    return Lot(
        council_id=council_id,
        new_fingerprints=fingerprints - set(kept.values_list("fingerprint", flat=True)),
        without_episode=police_refs - known,
        children_by_police_id=children,
        held_refs=held_refs,
        held_with_episode=with_episode,
        locked_refs=frozenset(locked_refs),
    )
