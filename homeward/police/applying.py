"""What a readable notification does to the council's episodes, by the rules of issue 12:

- `missing` or `away` with a police reference Homeward knows: news of that episode.
  Otherwise the child is found (police id, council id, or matching); a child still missing,
  or missing at that time, gains the reference on the episode they are in (a new log per
  shift, or a neighbouring force's); else a new episode is recorded. A child Homeward is not
  sure of waits for a person (the review queue): nothing is guessed.
- `update` and `found` change the episode with their reference, or are held until the report
  that brings the reference is applied (an event that arrives before its `missing`).
- A value a coordinator corrected (it differs from what the police last gave) is never
  overwritten: the notification waits in the review queue with the conflict.

Callers hold the notification's reference lock (`lock_police_reference`) and a transaction.
"""

import dataclasses
import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Q, Subquery, When
from django.db.models.query import RawQuerySet
from django.utils import timezone

from homeward.audit.services import entries_together
from homeward.children.models import Child
from homeward.core.codes import Category, LegalStatus, MissingFrom, Risk
from homeward.core.problems import when
from homeward.episodes.models import Episode
from homeward.episodes.selectors import NO_LOCALITY, suggestions_after
from homeward.episodes.services import episode_record, episode_update, lock_child
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.police import lots
from homeward.police.matching import (
    LINK,
    Match,
    PersonDetails,
    likelihood,
    linked_by_id,
    match_child,
    one_survivor,
)
from homeward.police.models import (
    EpisodeReference,
    LinkMethod,
    Notification,
    PoliceValues,
    ReviewReason,
    RiskGrading,
    State,
)
from homeward.police.reading import TIMES

# The episode fields the police give, in the order a conflict lists them.
POLICE_FIELDS = (
    "last_seen_at",
    "reported_at",
    "returned_at",
    "risk",
    "missing_from",
    "found_location",
    "reported_by",
)
LABELS = {
    "last_seen_at": "last seen",
    "reported_at": "reported",
    "returned_at": "returned",
    "risk": "risk grading",
    "missing_from": "missing from",
    "found_location": "where found",
    "reported_by": "reported by",
}

RECORDED = "Recorded a new {category} episode, {episode}, for {child} ({how})."
JOINED = (
    "Joined {episode}, the episode {child} is in, as another police reference ({ref}): "
    "no second episode was recorded."
)
KNOWN = "News of {episode} ({child}), known by police reference {ref}."
HELD = (
    "Held: no episode has police reference {ref} yet. It will be applied when the report "
    "with that reference is applied."
)
HELD_IN_ERROR = (
    "Held: the episode with police reference {ref}, {episode} ({child}), was marked entered "
    "in error, so this {event} was not applied to it. It will be applied when a report with "
    "that reference is applied. If the episode was marked in error by mistake, undo the mark "
    "on the episode's page, then try this notification again; if not, set it aside with why."
)
HAD_BEEN_HELD = " (It had been held.)"
HELD_BROUGHT = "{count} {things} held for police reference {refs} {verb} applied with it: {what}"
WAITS_FOR_REVIEW = "Waiting for review: {reason}"
NEW_CHILD_PROPOSED = (
    "No child of the council matches these details: a person should check, then create a "
    "new child from them or link the right one."
)
CANNOT_APPLY = "Could not be applied to {child}'s episodes: {problems}"
CONFLICT = "Not changed, because a coordinator corrected it: {fields}. Choose which value to keep."
CHANGED = "Changed {fields}."
NOTHING_NEW = "Nothing new: the episode already holds what this notification says."
REGRADED = "Risk graded {verbatim} by {force} at {at}."
OLDER_GRADING = (
    "That grading is older than one already recorded: it is kept in the history, and the "
    "episode keeps the later grading."
)
OWN_WORD = (
    "'{verbatim}' is the force's own grading, not high, medium, low or no apparent risk, so "
    "the episode's risk grading was left {grade}: set it on the episode if it should change."
)
RETURNED = "{child} returned at {at}: the return home interview is due by {due}."
HOW = {
    LinkMethod.POLICE_ID: "linked by police id",
    LinkMethod.LOCAL_ID: "linked by the council's child id",
    LinkMethod.AUTOMATIC: "matched on their details, {likely} likely",
    LinkMethod.PERSON: "linked by a person",
    LinkMethod.REFERENCE: "police reference already known",
}


def lock_police_reference(council_id: int, police_ref: str) -> None:
    """Hold, until the transaction ends, the lock on one police reference of a council: the
    events of one reference (the same event sent twice, a found racing its report) are
    applied one at a time, while other references' go on at once. Two references of one
    child meet at the child's row lock (`lock_child`) before either decides whether to
    join an episode or record one."""
    lock_police_references(council_id, [police_ref])


def lock_police_references(council_id: int, police_refs) -> None:
    """Hold the locks of several references, taken in one order (a file's rows, received
    in one transaction): two writers that both need two of them never wait for each other."""
    if connection.vendor != "postgresql":
        return  # SQLite serialises every writer already (config/env.py).
    keys = sorted({_reference_key(council_id, ref) for ref in police_refs})
    with connection.cursor() as cursor:
        if len(keys) == 1:
            cursor.execute("SELECT pg_advisory_xact_lock(%s::bigint)", keys)
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(key) FROM "
                "(SELECT key FROM unnest(%s::bigint[]) AS key ORDER BY key) AS keys",
                [keys],
            )


def _reference_key(council_id: int, police_ref: str) -> int:
    digest = hashlib.sha256(f"{council_id}:{police_ref}".encode()).digest()
    # One 64-bit key, which PostgreSQL keeps apart from the two-key locks of core/locks.py.
    return int.from_bytes(digest[:8], "big", signed=True)


def typed(fields: dict) -> dict:
    """A notification's stored fields (ISO 8601 text) as dates and times again."""
    values = dict(fields)
    for name in TIMES:
        if values.get(name):
            values[name] = dt.datetime.fromisoformat(values[name])
    if values.get("date_of_birth"):
        values["date_of_birth"] = dt.date.fromisoformat(values["date_of_birth"])
    return values


def person_details(values: dict) -> PersonDetails:
    """What the notification says about the child, for matching."""
    names = {f.name for f in dataclasses.fields(PersonDetails)}
    return PersonDetails(**{name: values[name] for name in names if values.get(name)})


def child_match(*, council, values: dict) -> Match:
    """Which child a report is about. It only reads, so a caller runs it before taking the
    council's lock, and the lock is held only while writing. In a lot (police.lots), the
    child by police id is the one the lot read."""
    details = person_details(values)
    lot = lots.current()
    wanted = details.police_id.strip()
    if lot is not None and lot.council_id == council.pk and wanted:
        found = lot.police_id_children(wanted)
        if found is not None:
            child = one_survivor(found)
            if child is not None:
                return linked_by_id(child, "police_id")
            details = dataclasses.replace(details, police_id="")  # no child has it
    return match_child(council=council, details=details)


def apply(notification: Notification, *, match: Match | None = None) -> None:
    """Apply a readable notification (its state, outcome, child and episode are set); `match`
    is the child's, if already found."""
    values = typed(notification.fields)
    episode = episode_known_by(notification.council_id, notification.police_ref)
    if episode is not None:
        _news(notification, episode, values, LinkMethod.REFERENCE)
        apply_held(episode, besides=notification)
    elif notification.event in ("missing", "away"):
        _report(
            notification, values, match or child_match(council=notification.council, values=values)
        )
    else:
        _hold(notification)


def apply_to_child(notification: Notification, child: Child, method: str) -> None:
    """Apply a missing or away report to `child`: join the episode they are in or record one."""
    values = typed(notification.fields)
    # Locked as the episode services lock it, until the transaction ends: a new episode is
    # recorded under this lock, not a second one (`episode_record(child_locked)`).
    child = lock_child(child)
    notification.child = child
    notification.link_method = method
    running = _running(child, values["last_seen_at"])
    episode = _episode_at(running, child, values["last_seen_at"])
    if episode is not None:
        _add_reference(notification, episode)
        notification.state = State.APPLIED
        said = JOINED.format(episode=episode.local_id, child=child.local_id, ref=_ref(notification))
        _news(notification, episode, values, method, said=said, child_locked=True)
        apply_held(episode, besides=notification)
        return
    # No savepoint of its own: episode_record refuses before it writes, or undoes its own
    # writes (it is atomic), and the audit entries of a refusal are dropped.
    try:
        with entries_together():
            episode = _record(notification, child, values, running)
    except ValidationError as error:
        _cannot_apply(notification, child, error)
        return
    how = HOW[method].format(likely=likelihood(notification.match_score or 0))
    said = [
        RECORDED.format(
            category=episode.category, episode=episode.local_id, child=child.local_id, how=how
        )
    ]
    said += _regraded(notification, episode, values)
    if episode.returned_at:
        said.append(_returned(episode))
    _applied(notification, episode, " ".join(said))
    apply_held(episode, besides=notification)


def episode_known_by(council_id: int, police_ref: str) -> Episode | None:
    """The episode (in use) a police reference belongs to: an earlier notification's, or one
    a coordinator recorded with that reference."""
    if not police_ref:
        return None
    lot = lots.current()
    if lot is not None and lot.council_id == council_id and police_ref in lot.without_episode:
        return None
    # One query for the episode, its child (named in the outcome) and its police values: the
    # episode the reference was added to (one at most), else one recorded with it. Nearly
    # always one episode or none has the reference, and then it is the one, whichever way it
    # has it: only when there are more is the one added to chosen, in a query dearer to make.
    added_to = EpisodeReference.objects.filter(council_id=council_id, police_ref=police_ref)
    added = Q(pk=Subquery(added_to.order_by().values("episode_id")[:1]))
    recorded = Q(council_id=council_id, police_reference=police_ref)
    known = Episode.objects.select_related("child", "police_values").filter(added | recorded)
    found = list(known.order_by()[:2])
    if len(found) < 2:
        return found[0] if found else None
    return known.order_by(Case(When(added, then=0), default=1), "-last_seen_at").first()


def apply_held(episode: Episode, *, besides: Notification) -> None:
    """Apply the notifications held for any of the episode's references, earliest first
    (`besides`, the one being applied, is not one of them), and say in `besides`'s outcome
    what they did: a found held until now closes the episode."""
    applied = _held_applied(episode, besides=besides)
    if not applied:
        return
    refs = ", ".join(sorted({n.police_ref for n in applied}))
    count = len(applied)
    what = " ".join(n.outcome.removesuffix(HAD_BEEN_HELD) for n in applied)
    brought = HELD_BROUGHT.format(
        count=count,
        things="notification" if count == 1 else "notifications",
        refs=refs,
        verb="was" if count == 1 else "were",
        what=what,
    )
    besides.outcome = f"{besides.outcome} {brought}"


def _held_applied(episode: Episode, *, besides: Notification) -> list[Notification]:
    lot = lots.current()
    if lot is not None and lot.council_id == episode.council_id and not lot.held_with_episode:
        return []  # no held notification has a reference any episode has
    applied = []
    for notification in _held_for(episode):
        if notification.pk == besides.pk:
            continue
        if not Notification.objects.filter(pk=notification.pk, state=State.HELD).exists():
            continue
        _news(
            notification,
            Episode.objects.select_related("child", "police_values").get(pk=episode.pk),
            typed(notification.fields),
            LinkMethod.REFERENCE,
        )
        notification.outcome = f"{notification.outcome}{HAD_BEEN_HELD}"
        notification.save()
        applied.append(notification)
    return applied


def _held_for(episode: Episode) -> RawQuerySet:
    """The council's held notifications with a reference the episode has, earliest first.

    Written as SQL, not built by the ORM: asked after nearly every notification applied, and
    nearly always answered with none, the query costs a third of the time Django takes to
    build it (bench.notification_profile)."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT * FROM {quote(Notification._meta.db_table)} "  # nosec B608: names only
        "WHERE council_id = %s AND state = %s AND police_ref IN "
        f"(SELECT police_ref FROM {quote(EpisodeReference._meta.db_table)} "
        "WHERE episode_id = %s) ORDER BY event_at, received_at, id"
    )
    return Notification.objects.raw(sql, [episode.council_id, State.HELD.value, episode.pk])


def _report(notification: Notification, values: dict, match: Match) -> None:
    notification.candidates = [c.as_json() for c in match.candidates]
    if match.decision == LINK:
        best = match.best
        notification.match_score = best.score
        apply_to_child(notification, match.child, best.method)
        return
    notification.state = State.REVIEW
    if match.candidates and match.reason:
        notification.review_reason = ReviewReason.UNSURE
        notification.outcome = WAITS_FOR_REVIEW.format(reason=match.reason)
    else:
        notification.review_reason = ReviewReason.NEW_CHILD
        notification.outcome = WAITS_FOR_REVIEW.format(reason=NEW_CHILD_PROPOSED)
    if match.best is not None:
        notification.match_score = match.best.score


def _hold(notification: Notification) -> None:
    lot = lots.current()
    if lot is not None:
        lot.held(notification.police_ref)
    notification.state = State.HELD
    in_error = _in_error_with(notification.council_id, notification.police_ref)
    if in_error is None:
        notification.outcome = HELD.format(ref=_ref(notification))
        return
    notification.outcome = HELD_IN_ERROR.format(
        ref=_ref(notification),
        episode=in_error.local_id,
        child=in_error.child.local_id,
        event=notification.get_event_display().lower(),
    )


def _in_error_with(council_id: int, police_ref: str) -> Episode | None:
    """The episode marked entered in error that was known by a police reference, if one was:
    a held notification says so, rather than that no episode has the reference."""
    if not police_ref:
        return None
    added_to = EpisodeReference.objects.filter(council_id=council_id, police_ref=police_ref)
    known = Q(pk__in=added_to.values("episode_id")) | Q(
        council_id=council_id, police_reference=police_ref
    )
    return (
        Episode.all_records.select_related("child")
        .filter(known, entered_in_error_at__isnull=False)
        .order_by("-entered_in_error_at")
        .first()
    )


def _running(child: Child, seen: dt.datetime) -> list[Episode]:
    """The child's episodes not over when they were last seen, latest first: read once, under
    the child's lock, for the episode the report is about and for a new episode's checks."""
    episodes = Episode.objects.filter(child=child)
    return list(
        episodes.filter(Q(returned_at__isnull=True) | Q(returned_at__gt=seen)).order_by(
            "-last_seen_at"
        )
    )


def _episode_at(running: list[Episode], child: Child, seen: dt.datetime) -> Episode | None:
    """The child's episode this report is about (of those `running`): the one that was running
    when they were last seen, or else the one they are missing in now."""
    episode = next((e for e in running if e.last_seen_at <= seen), None) or next(
        (e for e in running if e.returned_at is None), None
    )
    if episode is not None:
        episode.child = child  # as locked: not read again for the outcome
    return episode


def _record(
    notification: Notification, child: Child, values: dict, running: list[Episode]
) -> Episode:
    seen = values["last_seen_at"]
    # Every episode `running` began after `seen` (else the report would be about it), so the
    # latest of them is the child's latest; only with none is the latest read.
    latest = (
        running[0]
        if running
        else Episode.objects.filter(child=child).order_by("-last_seen_at").first()
    )
    suggested = suggestions_after(child=child, latest=latest, today=timezone.localdate(seen))
    placement = suggested.placement.value if suggested.placement else None
    locality = suggested.locality.value if suggested.locality else None
    episode = episode_record(
        child=child,
        category=Category.AWAY if notification.event == "away" else Category.MISSING,
        last_seen_at=seen,
        missing_from=values.get("missing_from")
        or (MissingFrom.PLACEMENT if placement else MissingFrom.HOME),
        legal_status=suggested.legal_status.value if suggested.legal_status else LegalStatus.NONE,
        police_reference=notification.police_ref,
        reported_at=values.get("reported_at"),
        returned_at=values.get("found_at"),
        risk=notification.risk,
        placement=placement,
        locality=None if locality == NO_LOCALITY else locality,
        found_location=values.get("found_location", ""),
        reported_by=values.get("reported_by", ""),
        child_locked=True,  # by apply_to_child
        running=running,
    )
    _add_reference(notification, episode)
    PoliceValues.objects.create(episode=episode, values=_as_json(_given(episode, values)))
    return episode


def _given(episode: Episode, values: dict) -> dict:
    """The episode's values that came from the police (all of a new episode's)."""
    return {
        field: getattr(episode, field) for field in POLICE_FIELDS if _police_gave(field, values)
    }


def _police_gave(field: str, values: dict) -> bool:
    source = {"returned_at": "found_at", "risk": "risk"}.get(field, field)
    return bool(values.get(source))


def _news(
    notification,
    episode: Episode,
    values: dict,
    method: str,
    said: str = "",
    child_locked: bool = False,
) -> None:
    """Apply what the notification says to its episode, keeping coordinators' corrections
    (`child_locked`: `episode.child` is the child as locked by `lock_child` in this
    transaction)."""
    notification.child_id = episode.child_id
    notification.link_method = notification.link_method or method
    if not said:
        said = KNOWN.format(
            episode=episode.local_id, child=episode.child.local_id, ref=_ref(notification)
        )
    _add_reference(notification, episode)
    changes = _changes(notification, values)
    if notification.police_ref != episode.police_reference:
        # Another log's times are when that force heard, not when the episode began.
        for field in ("last_seen_at", "reported_at", "missing_from"):
            changes.pop(field, None)
    older = "risk" in changes and _graded_later(episode, _graded_at(notification, values))
    if older:
        changes.pop("risk")
    police = _police_values(episode)
    apply_now, conflicts = split_conflicts(episode, changes, police.values)
    if apply_now:
        # First, so that a refusal leaves nothing to undo: episode_update refuses before it
        # writes, or undoes its own writes (it is atomic), and its audit entry is dropped.
        child = episode.child
        try:
            with entries_together():
                # Not read back: made from the episode as read under its lock, and the news.
                episode = episode_update(
                    episode=episode,
                    expected_version=episode.version,
                    child_locked=child_locked,
                    read_back=False,
                    **apply_now,
                )
        except ValidationError as error:
            _cannot_apply(notification, child, error)
            return
        episode.child = child  # as read: not read again for the outcome
    regraded = _regraded(notification, episode, values)
    if older:
        regraded.append(OLDER_GRADING)
    police.values = police.values | _as_json(changes)
    police.save()
    parts = [said, *regraded]
    if apply_now:
        parts.append(CHANGED.format(fields=_listed(apply_now)))
    if "returned_at" in apply_now:
        parts.append(_returned(episode))
    if not apply_now and not regraded and not conflicts:
        parts.append(NOTHING_NEW)
    _applied(notification, episode, " ".join(parts))
    if conflicts:
        notification.state = State.REVIEW
        notification.review_reason = ReviewReason.CONFLICT
        notification.conflicts = conflicts
        names = ", ".join(LABELS[c["field"]] for c in conflicts)
        notification.outcome += " " + CONFLICT.format(fields=names)


def _police_values(episode: Episode) -> PoliceValues:
    """The police's last values of the episode (read with it, when it was read by reference)."""
    try:
        return episode.police_values
    except PoliceValues.DoesNotExist:
        return PoliceValues.objects.get_or_create(episode=episode)[0]


def _changes(notification: Notification, values: dict) -> dict:
    """The episode fields this notification gives a value for."""
    changes = {
        field: values[field]
        for field in (
            "last_seen_at",
            "reported_at",
            "missing_from",
            "found_location",
            "reported_by",
        )
        if values.get(field)
    }
    if notification.risk:
        changes["risk"] = notification.risk
    found = values.get("found_at") or (
        (values.get("event_at") or notification.received_at)
        if notification.event == "found"
        else None
    )
    if found:
        changes["returned_at"] = found
    return changes


def split_conflicts(episode: Episode, changes: dict, police: dict) -> tuple[dict, list]:
    """The changes that may be made, and those that would overwrite a coordinator's value.

    A value is a coordinator's when it differs from what the police last gave for it, or,
    for a value the police never gave, when a coordinator entered one. A risk grading is the
    police's to change: it conflicts only when a coordinator changed their last grade.
    """
    apply_now, conflicts = {}, []
    for field, theirs in changes.items():
        ours = getattr(episode, field)
        if _json(ours) == _json(theirs):
            continue
        if field in police:
            corrected = _json(ours) != police[field]
        else:
            corrected = field != "risk" and ours not in (None, "")
        if corrected:
            conflicts.append({"field": field, "coordinator": _json(ours), "police": _json(theirs)})
        else:
            apply_now[field] = theirs
    return apply_now, conflicts


def _regraded(notification: Notification, episode: Episode, values: dict) -> list[str]:
    """Keep the force's risk word in the episode's grading history (every grading, the
    same word again included, is a fact with its own time)."""
    verbatim = values.get("risk", "")
    if not verbatim:
        return []
    at = _graded_at(notification, values)
    RiskGrading.objects.create(
        episode=episode,
        verbatim=verbatim,
        mapped=notification.risk,
        graded_at=at,
        force_name=notification.force_name,
        notification=notification,
    )
    force = notification.force_name or "the police"
    said = [REGRADED.format(verbatim=f"'{verbatim}'", force=force, at=when(at))]
    if not notification.risk:
        grade = Risk(episode.risk).label.lower() if episode.risk else "not graded"
        said.append(OWN_WORD.format(verbatim=verbatim, grade=grade))
    return said


def _graded_at(notification: Notification, values: dict) -> dt.datetime:
    """When the force graded the risk: the event's time, or for a report with none, when it
    was reported (or last seen); else when Homeward received it."""
    if notification.event in ("missing", "away") and not values.get("event_at"):
        return values.get("reported_at") or values["last_seen_at"]
    return values.get("event_at") or values.get("reported_at") or notification.received_at


def _graded_later(episode: Episode, at: dt.datetime) -> bool:
    return episode.risk_gradings.filter(graded_at__gt=at).exists()


def _add_reference(notification: Notification, episode: Episode) -> None:
    ref = notification.police_ref
    if not ref:
        return
    lot = lots.current()
    if lot is not None:
        lot.reference_added(ref)
    # One statement, whether the reference is known (news of its episode) or new: added, or
    # (known, or added at once by another writer) pointed at this episode and notification.
    reference = EpisodeReference(
        council_id=episode.council_id,
        police_ref=ref,
        episode=episode,
        force_name=notification.force_name,
        notification=notification,
    )
    EpisodeReference.objects.bulk_create(
        [reference],
        update_conflicts=True,
        unique_fields=["council", "police_ref"],
        update_fields=["episode", "force_name", "notification"],
    )


def _applied(notification: Notification, episode: Episode, outcome: str) -> None:
    notification.state = State.APPLIED
    notification.review_reason = ""
    notification.episode = episode
    notification.child_id = episode.child_id
    notification.outcome = outcome
    notification.applied_at = timezone.now()


def _cannot_apply(notification: Notification, child: Child, error: ValidationError) -> None:
    problems = [
        {"field": field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    notification.state = State.PROBLEM
    notification.problems = problems
    notification.outcome = CANNOT_APPLY.format(
        child=child.local_id, problems=problems_said(problems)
    )


def problems_said(problems: list[dict]) -> str:
    """A notification's problems (as kept) in one sentence after another."""
    return " ".join(p["message"] for p in problems)


def _returned(episode: Episode) -> str:
    due = episode.returned_at + RHI_DUE_WITHIN
    return RETURNED.format(
        child=episode.child.local_id, at=when(episode.returned_at), due=when(due)
    )


def _listed(changes: dict) -> str:
    return ", ".join(f"{LABELS[f]} to {_shown(v)}" for f, v in changes.items())


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        return when(value)
    return Risk(value).label.lower() if value in Risk.values else str(value)


def _ref(notification: Notification) -> str:
    return notification.police_ref or "(none)"


def typed_changes(conflicts: list[dict]) -> dict:
    """The police's values in a notification's conflicts, as the episode holds them."""
    changes = {}
    for conflict in conflicts:
        value = conflict["police"]
        if conflict["field"].endswith("_at"):
            value = dt.datetime.fromisoformat(value)
        changes[conflict["field"]] = value
    return changes


def as_text(value) -> str:
    """A field's value as the conflicts and the police values keep it."""
    return _json(value)


def _json(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return "" if value is None else str(value)


def _as_json(values: dict) -> dict:
    return {field: _json(value) for field, value in values.items()}
