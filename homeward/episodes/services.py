"""Recording missing episodes: a new episode, a return, a correction."""

import datetime as dt
import functools

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from homeward.access.rules import can_see_episode
from homeward.audit.services import (
    field_values,
    locked_for_change,
    record_change,
    values_before_change,
)
from homeward.children.models import Child, Placement
from homeward.children.services import new_local_id
from homeward.core.codes import Category, LegalStatus, MissingFrom, Risk
from homeward.core.concurrency import save_changes
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import Problem, code_problem, raise_if_any, record_text_problems
from homeward.councils.models import Locality
from homeward.episodes.models import Episode
from homeward.episodes.rules import (
    PLACEMENT_OF_ANOTHER_CHILD,
    SEEN_WITH_OTHER_COUNCIL,
    episode_time_problems,
    hidden_overlap_problem,
    interview_while_missing_problem,
    interviews_before_return_problems,
    overlap_problem,
    shares_a_day,
)
from homeward.escalations.services import escalations_check_after_commit

EDITABLE_FIELDS = {
    "category",
    "last_seen_at",
    "last_seen_location",
    "police_reference",
    "reported_at",
    "returned_at",
    "risk",
    "missing_from",
    "placement",
    "locality",
    "legal_status",
    "found_location",
    "reported_by",
    "placing_la_notified_at",
}


def _code_problems(values: dict) -> list[Problem]:
    checks = [
        ("category", Category.values, "category"),
        ("missing_from", MissingFrom.values, "place missing from"),
        ("legal_status", LegalStatus.values, "legal status"),
    ]
    problems = [
        code_problem(field, values[field], choices, what) for field, choices, what in checks
    ]
    if values.get("risk"):
        problems.append(code_problem("risk", values["risk"], Risk.values, "risk grading"))
    return [p for p in problems if p]


def _clashing_episode(
    child: Child,
    last_seen_at: dt.datetime,
    returned_at: dt.datetime | None,
    exclude_pk=None,
    running: list[Episode] | None = None,
) -> Episode | None:
    """Another episode of the child that overlaps [last_seen_at, returned_at), but for one
    known to the day only that may share a day with this one, itself known to the day only
    (`exclude_pk`'s episode, when that is), as the DfE lets SSDA903 periods do. `running`:
    the child's episodes not over by `last_seen_at`, if the caller read them under the
    child's lock: looked among, not read again."""
    if running is None:
        others = Episode.objects.filter(child=child).exclude(pk=exclude_pk)
        others = others.filter(Q(returned_at__isnull=True) | Q(returned_at__gt=last_seen_at))
        if returned_at is not None:
            others = others.filter(last_seen_at__lt=returned_at)
        others = others.order_by("last_seen_at")
    else:
        others = sorted(
            (
                other
                for other in running
                if other.pk != exclude_pk
                and (other.returned_at is None or other.returned_at > last_seen_at)
                and (returned_at is None or other.last_seen_at < returned_at)
            ),
            key=lambda other: other.last_seen_at,
        )
    by_day = None  # whether `exclude_pk`'s episode is known to the day: read only if needed
    for other in others:
        if other.day_precision and by_day is None:
            by_day = (
                exclude_pk is not None
                and Episode.all_records.filter(pk=exclude_pk, day_precision=True).exists()
            )
        if not (
            by_day
            and other.day_precision
            and shares_a_day((last_seen_at, returned_at), (other.last_seen_at, other.returned_at))
        ):
            return other
    return None


def _clash_problem(clash: Episode, by) -> Problem:
    """The clash, naming the other episode only to someone who may see it (or to no one in
    particular: a command or an import)."""
    if by is not None and not can_see_episode(by, clash):
        return hidden_overlap_problem(other_returned_at=clash.returned_at)
    return overlap_problem(
        other_id=clash.local_id,
        other_last_seen_at=clash.last_seen_at,
        other_returned_at=clash.returned_at,
    )


def _episode_problems(
    child: Child,
    values: dict,
    exclude_pk=None,
    by=None,
    before: Episode | None = None,
    running: list[Episode] | None = None,
) -> list[Problem]:
    """What is wrong with the episode `values` would make (`before`: the episode as stored,
    when they correct it; `running`: as `_clashing_episode` takes it)."""
    problems = _code_problems(values)
    problems += episode_time_problems(
        last_seen_at=values["last_seen_at"],
        reported_at=values.get("reported_at"),
        returned_at=values.get("returned_at"),
        placing_la_notified_at=values.get("placing_la_notified_at"),
        date_of_birth=child.date_of_birth,
        now=timezone.now(),
    )
    placement = values.get("placement")
    if placement is not None and placement.child_id != child.pk:
        problems.append(
            Problem("placement", PLACEMENT_OF_ANOTHER_CHILD.format(placement=placement.local_id))
        )
    # A correction that leaves the episode's time no longer than it was (a regrading, a return)
    # cannot make it overlap another episode or an interview that it did not already: those
    # were checked against it when written.
    widened = before is None or _widens(before, values)
    clash = widened and _clashing_episode(
        child,
        values["last_seen_at"],
        values.get("returned_at"),
        exclude_pk=exclude_pk,
        running=running,
    )
    if clash:
        problems.append(_clash_problem(clash, by))
    problems += record_text_problems(Episode, _texts(values))
    own = before is None or values.get("returned_at") != before.returned_at
    problems += _interview_problems(child, values, exclude_pk, own=own, held=widened)
    return problems


def _widens(before: Episode, values: dict) -> bool:
    """Whether `values` make the episode's time begin earlier or end later than `before`'s
    (a return cleared counts as ending later)."""
    returned_at = values.get("returned_at")
    if values["last_seen_at"] < before.last_seen_at:
        return True
    if before.returned_at is None:
        return False
    return returned_at is None or returned_at > before.returned_at


def _texts(values: dict) -> dict:
    texts = ("found_location", "reported_by", "local_id", "last_seen_location", "police_reference")
    return {name: values.get(name) or "" for name in texts}


def _interview_problems(
    child: Child, values: dict, exclude_pk=None, own: bool = True, held: bool = True
) -> list[Problem]:
    """Interviews come after their episode's return and never while the child is missing
    again: a new or corrected episode may break neither. `own`: check the episode's own
    interviews (its return changed); `held`: check the child's other interviews (its time
    grew). The interviews either rule needs (the child's, and the episode's own, when it is
    another child's: an episode being moved) are read in one query."""
    own = own and exclude_pk is not None
    if not own and not held:
        return []
    # Looked up by name: the interviews app sits above episodes and imports them.
    interviews = apps.get_model("interviews", "ReturnInterview").objects
    whose = Q(episode__child=child) if held else Q(episode_id=exclude_pk)
    if held and own:
        whose |= Q(episode_id=exclude_pk)
    rows = sorted(
        interviews.filter(whose)
        .order_by()
        .values_list(
            "pk",
            "local_id",
            "offered_at",
            "completed_at",
            "episode_id",
            "episode__child_id",
            "episode__local_id",
        )
    )
    problems = []
    if own:
        problems += interviews_before_return_problems(
            returned_at=values.get("returned_at"),
            interviews=[row[1:4] for row in rows if row[4] == exclude_pk],
        )
    if not held:
        return problems
    seen, returned = values["last_seen_at"], values.get("returned_at")
    held_rows = [
        row
        for row in rows
        if row[5] == child.pk
        and row[4] != exclude_pk
        and row[3] is not None
        and row[3] > seen
        and (returned is None or row[3] < returned)
    ]
    if held_rows:
        _, interview, _, completed_at, _, _, episode = min(
            held_rows, key=lambda row: (row[3], row[0])
        )
        problems.append(
            interview_while_missing_problem(
                interview=interview, episode=episode, completed_at=completed_at
            )
        )
    return problems


def lock_child(child: Child) -> Child:
    """The child, read again and locked until the transaction ends, as these services lock it
    before writing the child's episodes."""
    return _locked_child(child.pk, child.council_id)


def _locked_child(child_pk: int, council_id: int) -> Child:
    """The child, locked so that two writers of its episodes check one after the other.

    First the council's episode-writers lock, shared (an import writing the council's
    episodes holds it alone, see core/locks.py), then the child's row: whoever comes second
    waits until the first has committed, and its overlap check sees what the first wrote.
    The row lock lets other records point at the child meanwhile (FOR NO KEY UPDATE), so two
    children recorded as missing with each other at once do not wait for each other.
    """
    lock_council_episodes(council_id)
    return Child.objects.select_for_update(no_key=True).get(pk=child_pk)


class _Clashed(Exception):
    """The database refused a service's write as clashing with another episode of the child:
    said in the services' own words once the service's transaction (or savepoint) is rolled
    back (`_clashes_refused`), so that no savepoint of its own is needed to ask which."""

    def __init__(self, error: IntegrityError, child: Child, values: dict, exclude_pk, by):
        super().__init__(str(error))
        self.error, self.child, self.values = error, child, values
        self.exclude_pk, self.by = exclude_pk, by


def _written_unless_clash(write, child: Child, values: dict, exclude_pk=None, by=None):
    """Do `write`; if the database refuses it (perhaps as clashing with another episode of
    the child, saved by a writer that skipped the locks), hand the refusal to
    `_clashes_refused`, around the service, to say."""
    try:
        return write()
    except IntegrityError as error:
        raise _Clashed(error, child, values, exclude_pk, by) from error


def _clashes_refused(service):
    """Run `service` (atomic) and, when its write was refused (`_written_unless_clash`), refuse
    it in the services' own words if it clashes with another episode of the child, asked after
    the service's writes are rolled back; else let the database's refusal through."""

    @functools.wraps(service)
    def refusing(**kwargs):
        try:
            return service(**kwargs)
        except _Clashed as clashed:
            refused = clashed
        values = refused.values
        clash = _clashing_episode(
            refused.child,
            values["last_seen_at"],
            values.get("returned_at"),
            exclude_pk=refused.exclude_pk,
        )
        if clash is None:
            raise refused.error
        problem = _clash_problem(clash, refused.by)
        raise ValidationError({problem.field: [problem.message]}) from refused.error

    return refusing


@_clashes_refused
@transaction.atomic
def episode_record(
    *,
    child: Child,
    category: str,
    last_seen_at: dt.datetime,
    missing_from: str,
    legal_status: str,
    last_seen_location: str = "",
    police_reference: str = "",
    reported_at: dt.datetime | None = None,
    returned_at: dt.datetime | None = None,
    risk: str = "",
    placement: Placement | None = None,
    locality: Locality | None = None,
    found_location: str = "",
    reported_by: str = "",
    placing_la_notified_at: dt.datetime | None = None,
    seen_with: list[Child] = (),
    local_id: str | None = None,
    by=None,
    child_locked: bool = False,
    running: list[Episode] | None = None,
) -> Episode:
    """Record a new missing (or away) episode for a child (`child_locked`: the caller holds
    the child's lock in this transaction, taken by `lock_child`, and has read it under it;
    `running`: the child's episodes not over by `last_seen_at`, read under that lock)."""
    values = {k: v for k, v in locals().items() if k in EDITABLE_FIELDS}
    # Lock the child so that two episodes recorded at once cannot both pass the overlap check.
    if not child_locked:
        child = lock_child(child)
    problems = _episode_problems(
        child, values | {"local_id": local_id}, by=by, running=running if child_locked else None
    )
    # An export names companions by their local ids, which only this council's can be.
    problems += [
        Problem("seen_with", SEEN_WITH_OTHER_COUNCIL.format(child=other.local_id))
        for other in seen_with
        if other.council_id != child.council_id
    ]
    raise_if_any(problems)
    episode = _written_unless_clash(
        lambda: Episode.objects.create(
            council_id=child.council_id,
            local_id=local_id or new_local_id("E"),
            child=child,
            created_by=by,
            changed_by=by,
            risk_reviewed_at=timezone.now() if risk else None,
            **values,
        ),
        child,
        values,
        by=by,
    )
    if seen_with:  # a new episode has no companions to clear
        episode.seen_with.set([other for other in seen_with if other.pk != child.pk])
    record_change(record=episode, by=by, as_saved=True)  # every field as just created
    escalations_check_after_commit(child_id=child.pk)
    return episode


@_clashes_refused
@transaction.atomic
def episode_update(
    *,
    episode: Episode,
    expected_version: int,
    by=None,
    child_locked: bool = False,
    read_back: bool = True,
    **changes,
) -> Episode:
    """Correct an episode, refusing if someone else changed it since it was read
    (`child_locked`: the caller holds the child's lock in this transaction, taken by
    `lock_child`, and `episode.child` is the child read under it; `read_back=False`: the
    episode returned is made from the one read under its own lock and the changes, as the
    database gives them back, instead of read again after the change)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Episodes have no editable field(s): {', '.join(sorted(unknown))}")
    child = episode.child if child_locked else _locked_child(episode.child_id, episode.council_id)
    values = {field: getattr(episode, field) for field in EDITABLE_FIELDS} | changes
    # The episode as read is the one stored only if its version is the one expected (else
    # save_changes refuses the change below): only then may its time spare checks.
    stored = episode if episode.version == expected_version else None
    raise_if_any(_episode_problems(child, values, exclude_pk=episode.pk, by=by, before=stored))
    locked = locked_for_change(episode)
    before = field_values(locked)
    regraded = "risk" in changes and changes["risk"] != episode.risk
    saved = _written_unless_clash(
        lambda: save_changes(
            episode,
            expected_version=expected_version,
            changes=changes,
            by=by,
            locked=None if read_back else locked,
        ),
        child,
        values,
        exclude_pk=episode.pk,
        by=by,
    )
    if regraded:
        saved.risk_reviewed_at = timezone.now() if saved.risk else None
        Episode.objects.filter(pk=saved.pk).update(risk_reviewed_at=saved.risk_reviewed_at)
    # As save_changes read it back, with the time of review as just written.
    record_change(record=saved, by=by, before=before, as_saved=True)
    escalations_check_after_commit(child_id=saved.child_id)
    return saved


def episode_mark_returned(
    *, episode: Episode, returned_at: dt.datetime, expected_version: int, found_location="", by=None
) -> Episode:
    """Record that a missing child has come back."""
    changes = {"returned_at": returned_at}
    if found_location:
        changes["found_location"] = found_location
    return episode_update(episode=episode, expected_version=expected_version, by=by, **changes)


OTHER_COUNCILS_CHILD = "That child is another council's: choose a child of {council}."
ALREADY_THE_CHILDS = "The episode is already {child}'s."


@_clashes_refused
@transaction.atomic
def episode_move(*, episode: Episode, child: Child, expected_version: int, by=None) -> Episode:
    """Move an episode (with its interviews) to another child of the council, checked against
    that child's other episodes: the undoing of a wrong link."""
    if child.council_id != episode.council_id:
        raise ValidationError({"child": [OTHER_COUNCILS_CHILD.format(council=episode.council)]})
    if child.pk == episode.child_id:
        raise ValidationError({"child": [ALREADY_THE_CHILDS.format(child=child.local_id)]})
    for pk in sorted((episode.child_id, child.pk)):
        _locked_child(pk, episode.council_id)
    values = {"last_seen_at": episode.last_seen_at, "returned_at": episode.returned_at}
    problems = _episode_problems(child, values | _values_of(episode), exclude_pk=episode.pk, by=by)
    raise_if_any(problems)
    before = values_before_change(episode)
    # The placement was the other child's: it cannot stay on the episode.
    changes = {"child": child} | ({"placement": None} if episode.placement_id else {})
    moved = _written_unless_clash(
        lambda: save_changes(episode, expected_version=expected_version, changes=changes, by=by),
        child,
        values,
        exclude_pk=episode.pk,
        by=by,
    )
    moved.companions.filter(child=child).delete()
    record_change(record=moved, by=by, before=before, as_saved=True)
    escalations_check_after_commit(child_id=child.pk)
    return moved


def _values_of(episode: Episode) -> dict:
    return {field: getattr(episode, field) for field in EDITABLE_FIELDS} | {"placement": None}
