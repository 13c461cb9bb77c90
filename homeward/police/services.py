"""Police notifications: receiving one (from the API or a CSV row) and a person's decisions on
those that wait for review. What a notification does to episodes is in `applying`."""

import dataclasses
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from homeward.audit.services import entries_together, record_change, values_before_change
from homeward.children.models import Child
from homeward.children.rules import postcode_problem
from homeward.children.services import child_create
from homeward.core.concurrency import ChangedByAnotherUser, save_changes
from homeward.core.problems import Problem, raise_if_any, when
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_move, episode_update
from homeward.police import applying, lots
from homeward.police.models import (
    AUTOMATIC_LINKS,
    LinkMethod,
    Notification,
    ReviewReason,
    Source,
    State,
)
from homeward.police.reading import fingerprint, read_notification

SURROGATE = re.compile("[\ud800-\udfff]")
UNREADABLE = "Could not be read: {count} {things}. It is kept, with what was wrong, as a problem."
NOT_IN_REVIEW = (
    "This notification no longer waits for review: {who} decided first, at {when}, and it is "
    "now {state}, so nothing was done. Look at what became of it below."
)
NOT_APPLIED = (
    "The report was not linked to {child}: {problems} Nothing was changed: it still waits for "
    "review. Link another child, or correct {child}'s episodes first."
)
NOT_A_REPORT = "Only a missing or away report can be linked to a child; this is {event}."
OTHER_COUNCIL = "That child is another council's: link a child of {council}."
NEEDS_DETAILS = "Give the child's {what} before a new child can be made from this notification."
NOW_KNOWN = (
    "A child with these details is now recorded ({children}): link the right one instead. "
    "No new child was made."
)
POSTCODE_LEFT_OUT = (
    "The police's postcode '{postcode}' is not a UK postcode, so the new child was recorded "
    "without one: add it on the child's record when it is known."
)
CHANGED_SINCE = (
    "The episode's {fields} changed after this conflict was found, so the police's value was "
    "not taken: look at the episode again, then choose."
)
NO_CONFLICT = "This notification has no conflict to resolve."
KEEP_CHOICES = ("coordinator", "police")
KEPT_COORDINATORS = "Kept the coordinator's {fields}; the police's value is recorded here."
TOOK_POLICE = "Took the police's {fields}."
SET_ASIDE = "Set aside by {who}: {reason}"
ASKED = "More information asked for by {who}: {note}"
MOVED = "Moved episode {episode} from {old} to {new}: the link was wrong."
NOT_TO_CHECK = (
    "This notification has no link Homeward made without a person to check ({state}), so "
    "nothing was done."
)
ALREADY_CHECKED = "{who} already checked this link, at {when}, so nothing was done."
GIVE_REASON = "Say why, so that the next person knows."
NOT_READ = (
    "This notification could not be read, so it cannot be tried again: ask the force to send "
    "it again, corrected. Nothing was done."
)
REFUSED_AGAIN = (
    "Notification {ref} was tried again and refused again: {problems} It is left as it was. "
    "Correct {child}'s episodes, then try again; or, if it should not be applied, set it "
    "aside with why."
)
STILL_HELD = "Notification {ref} was tried again and is still held: {outcome}"
TRIED_AGAIN = "Tried again by {who}, {when}: {outcome}"


@dataclasses.dataclass(frozen=True)
class Received:
    notification: Notification
    created: bool  # False: the same event had already been received, and nothing changed
    problems: list[Problem]  # why it could not be read; empty if it could


@dataclasses.dataclass(frozen=True)
class Read:
    """A notification as read, before it is kept: what it says, its force, its fingerprint."""

    reading: object
    force_name: str
    fingerprint: str


def notification_read(*, force_name: str, data: dict, problems: tuple[Problem, ...] = ()) -> Read:
    """Read a notification as `notification_receive` reads it (`problems` as there)."""
    reading = read_notification(data)
    if problems:
        reading = dataclasses.replace(reading, problems=[*problems, *reading.problems])
    force_name = _storable(force_name or data.get("force") or "").strip()[:100]
    kept = fingerprint(force_name=force_name, reading=reading, raw=data)
    return Read(reading=reading, force_name=force_name, fingerprint=kept)


def notification_receive(
    *,
    council,
    force_name: str,
    data: dict,
    source: str = Source.API,
    force=None,
    token=None,
    source_name: str = "",
    source_row: int | None = None,
    by=None,
    problems: tuple[Problem, ...] = (),
    read: Read | None = None,
    savepoint: bool = True,
) -> Received:
    """Keep a notification from a force and apply it: once, however often it is sent.
    `problems`: what the caller found wrong beyond the fields (a CSV row whose cells cannot be
    told apart); with any, the notification is kept as a problem, as an unreadable one is.
    `read`: the notification already read (`notification_read`, with the same arguments).
    `savepoint`: False when the caller's transaction ends with any error raised here (the
    API's), so that none is needed to undo this alone: two statements fewer a notification."""
    if read is None:
        read = notification_read(force_name=force_name, data=data, problems=problems)
    reading, force_name, kept = read.reading, read.force_name, read.fingerprint
    match = None
    lot = lots.current()
    if lot is not None and lot.council_id != council.pk:
        lot = None
    # In a lot, the child is looked for only if the report needs one (applying.apply does).
    if lot is None and not reading.problems and reading.values["event"] in ("missing", "away"):
        match = applying.child_match(council=council, values=reading.values)
    try:
        # The notification's audit entries (its own, its episode's) are written together at
        # the end, so the audit log's head is held only while this commits.
        with transaction.atomic(savepoint=savepoint), entries_together():
            reference = _reference(reading, data)
            if lot is None or reference not in lot.locked_refs:
                applying.lock_police_reference(council.pk, reference)
            if lot is None or kept not in lot.new_fingerprints:
                # Whether it was received, then (rarely) what became of it: asking for the whole
                # row costs more on every call than a second question on a repeat.
                seen = Notification.objects.filter(council=council, fingerprint=kept)
                if seen.exists():
                    return _already(seen.get())
            if lot is not None:
                lot.received(kept)
            notification = Notification(
                council=council,
                force_name=force_name,
                force=force,
                token=token,
                source=source,
                source_name=source_name,
                source_row=source_row,
                fingerprint=kept,
                raw={_storable(k): _storable(v) for k, v in data.items()},
                fields=reading.as_json() if not reading.problems else {},
                problems=[dataclasses.asdict(p) for p in reading.problems],
                police_ref=str(reading.values.get("police_ref", ""))[:64],
                event=reading.values.get("event", ""),
                event_at=reading.values.get("event_at"),
                risk=reading.risk_grade,
                created_by=by,
                changed_by=by,
            )
            if reading.problems:
                notification.state = State.PROBLEM
                count = len(reading.problems)
                things = "problem" if count == 1 else "problems"
                notification.outcome = UNREADABLE.format(count=count, things=things)
                notification.save()
            else:
                notification.state = State.HELD
                inserted = _numbered(notification)
                applying.apply(notification, match=match)
                notification.save(force_insert=not inserted)
            # Every field as just saved: not read back.
            record_change(record=notification, by=by, as_saved=True)
    except IntegrityError:
        if transaction.get_connection().needs_rollback:
            raise  # no savepoint: the caller's transaction ends with this error
        # Sent twice at once, past the lock (SQLite, or a fingerprint raced): the first wins.
        existing = Notification.objects.filter(council=council, fingerprint=kept).first()
        if existing is None:
            raise
        return _already(existing)
    # A report read but refused by the episode rules is a problem too, said the same way as
    # when it is sent again (`_already`): field by field.
    return Received(notification=notification, created=True, problems=_problems(notification))


def _numbered(notification: Notification) -> bool:
    """Give a notification about to be applied its id, so that what applying it writes (its
    episode's references, its risk gradings) can point at it; True if it was inserted for that.

    On PostgreSQL the id is taken from the table's sequence, and the notification inserted
    once, when applied: the keys that point at it are checked when the transaction commits
    (Django makes every foreign key deferrable there). SQLite has no sequence to take it from:
    the notification is inserted as held, and saved again once applied."""
    if connection.vendor != "postgresql":
        notification.save()
        return True
    meta = Notification._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column]
        )
        notification.pk = cursor.fetchone()[0]
    return False


def _storable(value) -> str:
    """What arrived, as text every database can keep: a NUL (which PostgreSQL cannot store)
    is written as \\x00 and half a surrogate pair as U+FFFD, so that an unreadable notification
    is still kept, with the problem the reader found in it."""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\x00", "\\x00")
    return SURROGATE.sub("\ufffd", text)


def _reference(reading, data: dict) -> str:
    """The police reference to lock on: as read, or (unreadable) as it arrived."""
    return str(reading.values.get("police_ref") or data.get("police_ref") or "")


def _already(existing: Notification) -> Received:
    return Received(notification=existing, created=False, problems=_problems(existing))


def _problems(notification: Notification) -> list[Problem]:
    return [Problem(p["field"], p["message"]) for p in notification.problems]


def _locked(notification: Notification) -> Notification:
    applying.lock_police_reference(notification.council_id, notification.police_ref)
    return Notification.objects.select_for_update().get(pk=notification.pk)


def _decided(notification: Notification, expected_version: int, by, before: dict) -> Notification:
    """Save the person's decision (refused if someone decided first) and audit it."""
    changes = {
        field: getattr(notification, field)
        for field in (
            "state",
            "review_reason",
            "outcome",
            "child",
            "episode",
            "link_method",
            "applied_at",
            "conflicts",
            "problems",
            "candidates",
            "match_score",
        )
    }
    saved = save_changes(notification, expected_version=expected_version, changes=changes, by=by)
    record_change(record=saved, by=by, before=before, as_saved=True)
    return saved


def _not_in_review(notification: Notification) -> str:
    """Who decided, and when, before the person who now tries to."""
    return NOT_IN_REVIEW.format(
        who=_who(notification.changed_by),
        when=when(notification.changed_at),
        state=notification.get_state_display().lower(),
    )


def _waiting(notification: Notification) -> None:
    if notification.state != State.REVIEW:
        raise ValidationError(_not_in_review(notification))


@transaction.atomic
def notification_link(
    *, notification: Notification, child: Child, expected_version: int, by
) -> Notification:
    """A person says which child a waiting report is about: it is applied to them."""
    current = _locked(notification)
    _waiting(current)
    if current.event not in ("missing", "away"):
        raise ValidationError(NOT_A_REPORT.format(event=current.get_event_display().lower()))
    if child.council_id != current.council_id:
        raise ValidationError(OTHER_COUNCIL.format(council=current.council))
    before = values_before_change(current)
    applying.apply_to_child(current, child, LinkMethod.PERSON)
    if current.state == State.PROBLEM:
        # Refused by the episode rules: said to the person, and nothing is changed (this
        # transaction is rolled back), so that the notification still waits for the right child.
        problems = applying.problems_said(current.problems)
        raise ValidationError(NOT_APPLIED.format(child=child.local_id, problems=problems))
    return _decided(current, expected_version, by, before)


@transaction.atomic
def notification_retry(*, notification: Notification, expected_version: int, by) -> Notification:
    """A person has corrected the child's episodes that refused a report (kept as a problem),
    or undone the mark of entered in error on the episode a held notification was about: it
    is applied again, as it would have been on arrival. Refused or held again, nothing
    changes (this transaction is rolled back) and the person is told why."""
    current = _locked(notification)
    if current.state not in (State.PROBLEM, State.HELD):
        raise ValidationError(_not_in_review(current))
    if not current.fields:
        raise ValidationError(NOT_READ)
    if current.version != expected_version:
        raise ChangedByAnotherUser(
            Notification.objects.select_related("changed_by").get(pk=current.pk), []
        )
    before = values_before_change(current)
    earlier, refused_child, was = current.outcome, current.child, current.state
    current.child = current.episode = None
    current.link_method = current.review_reason = current.outcome = ""
    current.problems, current.conflicts = [], []
    applying.apply(current)
    if current.state == State.PROBLEM:
        child = current.child or refused_child
        raise ValidationError(
            REFUSED_AGAIN.format(
                ref=current.police_ref,
                problems=applying.problems_said(current.problems),
                child=child.local_id if child else "the child",
            )
        )
    if was == State.HELD and current.state == State.HELD:
        raise ValidationError(STILL_HELD.format(ref=current.police_ref, outcome=current.outcome))
    tried = TRIED_AGAIN.format(who=_who(by), when=when(timezone.now()), outcome=current.outcome)
    current.outcome = f"{earlier} {tried}"
    return _decided(current, expected_version, by, before)


@transaction.atomic
def notification_new_child(
    *, notification: Notification, expected_version: int, by
) -> Notification:
    """A person confirms that no known child is the one: a new child is made from the
    notification's details, and the report applied to them."""
    current = _locked(notification)
    _waiting(current)
    values = applying.typed(current.fields)
    needed = {
        "first_name": "first name",
        "last_name": "last name",
        "date_of_birth": "date of birth",
    }
    raise_if_any(
        Problem(field, NEEDS_DETAILS.format(what=what))
        for field, what in needed.items()
        if not values.get(field)
    )
    # Children recorded since the notification arrived (from another of the same child's
    # reports, say) are looked for again: a second record of one child is never made.
    match = applying.child_match(council=current.council, values=values)
    shown = {candidate["child_id"] for candidate in current.candidates}
    since = [c for c in match.candidates if c.child.pk not in shown and c.near]
    if since:
        known = ", ".join(c.child.local_id for c in since)
        raise ValidationError(NOW_KNOWN.format(children=known))
    postcode = values.get("postcode", "")
    left_out = postcode if postcode and postcode_problem(postcode) else ""
    child = child_create(
        council=current.council,
        first_name=values["first_name"],
        last_name=values["last_name"],
        date_of_birth=values["date_of_birth"],
        sex=values.get("sex") or "unknown",
        police_id=values.get("police_id", ""),
        other_names=values.get("other_names", ""),
        postcode="" if left_out else postcode,
        address=values.get("address", ""),
        by=by,
    )
    # A report the episode rules refuse is refused by the link: the child is not made either.
    linked = notification_link(
        notification=current, child=child, expected_version=expected_version, by=by
    )
    if left_out:
        linked.outcome = f"{linked.outcome} {POSTCODE_LEFT_OUT.format(postcode=left_out)}"
        Notification.objects.filter(pk=linked.pk).update(outcome=linked.outcome)
    return linked


@transaction.atomic
def notification_set_aside(
    *, notification: Notification, reason: str, expected_version: int, by
) -> Notification:
    """A person decides a notification needs nothing doing (a test message, a duplicate
    sent under another reference): it leaves the queue, with why."""
    if not reason.strip():
        raise ValidationError({"reason": [GIVE_REASON]})
    current = _locked(notification)
    if current.state not in (State.REVIEW, State.HELD, State.PROBLEM):
        raise ValidationError(_not_in_review(current))
    before = values_before_change(current)
    current.state = State.SET_ASIDE
    current.outcome = SET_ASIDE.format(who=_who(by), reason=reason.strip())
    return _decided(current, expected_version, by, before)


@transaction.atomic
def notification_ask_more(
    *, notification: Notification, note: str, expected_version: int, by
) -> Notification:
    """A person has asked the force for more: the notification stays in the queue, marked."""
    if not note.strip():
        raise ValidationError({"note": [GIVE_REASON]})
    current = _locked(notification)
    _waiting(current)
    before = values_before_change(current)
    current.review_reason = ReviewReason.MORE_NEEDED
    current.outcome = f"{current.outcome} {ASKED.format(who=_who(by), note=note.strip())}"
    return _decided(current, expected_version, by, before)


@transaction.atomic
def notification_check_link(*, notification: Notification, expected_version: int, by):
    """A person has checked a link Homeward made without one and says it is right: it leaves
    the list of links to check."""
    current = _locked(notification)
    if current.link_checked_at is not None:
        who = _who(current.link_checked_by)
        raise ValidationError(ALREADY_CHECKED.format(who=who, when=when(current.link_checked_at)))
    if current.state != State.APPLIED or current.link_method not in AUTOMATIC_LINKS:
        state = current.get_link_method_display() or current.get_state_display()
        raise ValidationError(NOT_TO_CHECK.format(state=state.lower()))
    before = values_before_change(current)
    changes = {"link_checked_at": timezone.now(), "link_checked_by": by}
    saved = save_changes(current, expected_version=expected_version, changes=changes, by=by)
    record_change(record=saved, by=by, before=before)
    return saved


@transaction.atomic
def notification_resolve_conflict(
    *, notification: Notification, keep: str | dict[str, str], expected_version: int, by
) -> Notification:
    """A person chooses, field by field, between a coordinator's correction and the police's
    later value (`keep`: one choice for every field, or a choice for each field)."""
    current = _locked(notification)
    if current.review_reason != ReviewReason.CONFLICT or not current.conflicts:
        raise ValidationError(NO_CONFLICT)
    fields = [c["field"] for c in current.conflicts]
    choices = dict.fromkeys(fields, keep) if isinstance(keep, str) else dict(keep)
    if any(choices.get(field) not in KEEP_CHOICES for field in fields):
        raise ValueError(f"keep must be one of {KEEP_CHOICES} for each of {fields}, not {keep!r}")
    before = values_before_change(current)
    taken = [c for c in current.conflicts if choices[c["field"]] == "police"]
    kept = [c for c in current.conflicts if choices[c["field"]] == "coordinator"]
    said = []
    if taken:
        episode = Episode.objects.get(pk=current.episode_id)
        changed = [
            applying.LABELS[c["field"]]
            for c in taken
            if applying.as_text(getattr(episode, c["field"])) != c["coordinator"]
        ]
        if changed:
            raise ValidationError(CHANGED_SINCE.format(fields=", ".join(changed)))
        changes = applying.typed_changes(taken)
        episode_update(episode=episode, expected_version=episode.version, by=by, **changes)
        said.append(TOOK_POLICE.format(fields=_labelled(taken)))
    if kept:
        said.append(KEPT_COORDINATORS.format(fields=_labelled(kept)))
    current.outcome = f"{current.outcome} {' '.join(said)}"
    current.state = State.APPLIED
    current.review_reason = ""
    current.applied_at = timezone.now()
    return _decided(current, expected_version, by, before)


def _labelled(conflicts: list[dict]) -> str:
    return ", ".join(applying.LABELS[c["field"]] for c in conflicts)


@transaction.atomic
def episode_relink(
    *,
    episode: Episode,
    child: Child,
    expected_version: int,
    by,
    notification: Notification | None = None,
    notification_version: int | None = None,
) -> Episode:
    """Undo a wrong link: the episode (with its interviews) and its notifications move to the
    right child, checked against that child's other episodes, and against the version of the
    notification the person undid it from, when they did."""
    if notification is not None:
        current = _locked(notification)
        if current.version != notification_version:
            raise ChangedByAnotherUser(Notification.objects.get(pk=current.pk), [])
    old = episode.child
    moved = episode_move(episode=episode, child=child, expected_version=expected_version, by=by)
    said = MOVED.format(episode=moved.local_id, old=old.local_id, new=child.local_id)
    for notification in Notification.objects.filter(episode=moved):
        before = values_before_change(notification)
        changes = {
            "child": child,
            "link_method": LinkMethod.PERSON,
            "outcome": f"{notification.outcome} {said}",
        }
        saved = save_changes(
            notification, expected_version=notification.version, changes=changes, by=by
        )
        record_change(record=saved, by=by, before=before, as_saved=True)
    return moved


def _who(by) -> str:
    return getattr(by, "username", "") or "Homeward"
