"""Recording return home interviews."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from homeward.access.rules import CLOSE_INTERVIEW, access_for, may
from homeward.accounts import roles
from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Child
from homeward.children.services import new_local_id
from homeward.core.clock import LONDON
from homeward.core.codes import (
    Category,
    InterviewConductor,
    InterviewFactor,
    InterviewOutcome,
    NotHeldReason,
    code_list_problem,
)
from homeward.core.concurrency import refuse_unknown_fields
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import (
    Problem,
    code_problem,
    raise_if_any,
    record_text_problems,
    when,
)
from homeward.episodes.models import Episode
from homeward.interviews.models import InterviewClosure, ReturnInterview
from homeward.interviews.rules import interview_problems, missing_again_problem
from homeward.interviews.selectors import (
    SETTLED,
    attempts_required,
    open_closure,
    owed_returns,
)


def interview_checks(*, episode: Episode, values: dict) -> list[Problem]:
    """Everything wrong with an interview's values (as recorded or corrected) for `episode`:
    the rules every service that writes an interview applies."""
    problems = interview_problems(
        episode_id=episode.local_id,
        returned_at=episode.returned_at,
        offered_at=values.get("offered_at"),
        outcome=values["outcome"],
        completed_at=values.get("completed_at"),
        conducted_by=values.get("conducted_by") or "",
        now=timezone.now(),
    )
    problems.append(
        code_problem("outcome", values["outcome"], InterviewOutcome.values, "interview outcome")
    )
    problems += _coded_problems(values)
    texts = {name: values.get(name) or "" for name in ("conducted_by", "findings", "local_id")}
    problems += record_text_problems(ReturnInterview, texts)
    completed_at = values.get("completed_at")
    if completed_at is not None:
        again = (
            Episode.objects.filter(child_id=episode.child_id, last_seen_at__lt=completed_at)
            .exclude(pk=episode.pk)
            .exclude(returned_at__lte=completed_at)
            .order_by("last_seen_at")
            .first()
        )
        if again is not None:
            problems.append(
                missing_again_problem(
                    completed_at=completed_at,
                    episode=again.local_id,
                    last_seen_at=again.last_seen_at,
                )
            )
    return [problem for problem in problems if problem]


REASON_ONLY_WHEN_NOT_HELD = (
    "A reason the interview was not held is only for an outcome of 'declined' or 'no contact "
    "made': clear the reason, or correct the outcome."
)


def _coded_problems(values: dict) -> list[Problem]:
    """The coded fields: who held the interview, why it was not held, the factors found."""
    problems = []
    held_by = values.get("conducted_by_type") or ""
    if held_by:
        problems.append(
            code_problem(
                "conducted_by_type", held_by, InterviewConductor.values, "interview holder"
            )
        )
    reason = values.get("not_held_reason") or ""
    if reason:
        problems.append(
            code_problem(
                "not_held_reason", reason, NotHeldReason.values, "reason the interview was not held"
            )
        )
        if values["outcome"] not in (InterviewOutcome.DECLINED, InterviewOutcome.NO_CONTACT):
            problems.append(Problem("not_held_reason", REASON_ONLY_WHEN_NOT_HELD))
    _, unknown = code_list_problem(values.get("factors") or "", InterviewFactor.values, "factor")
    if unknown:
        problems.append(Problem("factors", unknown))
    return problems


@transaction.atomic
def interview_record(
    *,
    episode: Episode,
    outcome: str,
    offered_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
    conducted_by: str = "",
    findings: str = "",
    local_id: str | None = None,
    conducted_by_type: str = "",
    not_held_reason: str = "",
    factors: str = "",
    by=None,
) -> ReturnInterview:
    """Record the offer and outcome of a return home interview after an episode."""
    # Checked against the episode's return and the child's other episodes, which an import
    # or a person may be changing at this moment: lock as every writer of episodes does
    # (core/locks.py), then the child's row, then the episode's.
    lock_council_episodes(episode.council_id)
    Child.objects.select_for_update(no_key=True).filter(pk=episode.child_id).first()
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    values = {k: v for k, v in locals().items() if k != "episode"}
    raise_if_any(interview_checks(episode=episode, values=values))
    interview = ReturnInterview.objects.create(
        council=episode.council,
        local_id=local_id or new_local_id("I"),
        episode=episode,
        offered_at=offered_at,
        outcome=outcome,
        completed_at=completed_at,
        conducted_by=conducted_by,
        conducted_by_type=conducted_by_type,
        not_held_reason=not_held_reason,
        factors=code_list_problem(factors, InterviewFactor.values, "factor")[0],
        findings=findings,
        created_by=by,
        changed_by=by,
    )
    record_change(record=interview, by=by)
    return interview


EDITABLE_FIELDS = {
    "offered_at",
    "outcome",
    "completed_at",
    "conducted_by",
    "conducted_by_type",
    "not_held_reason",
    "factors",
    "findings",
}


@transaction.atomic
def interview_update(
    *, interview: ReturnInterview, expected_version: int, by=None, **changes
) -> ReturnInterview:
    """Correct an interview, or record the outcome of one offered, on the same record;
    refused if someone else changed it since it was read."""
    refuse_unknown_fields(changes, EDITABLE_FIELDS, "Interviews")
    # Locked as when an interview is recorded, so that its episode's return cannot move
    # while the interview's times are checked against it.
    lock_council_episodes(interview.council_id)
    episode = Episode.objects.select_for_update().get(pk=interview.episode_id)
    before = values_before_change(interview)
    values = {name: getattr(interview, name) for name in EDITABLE_FIELDS} | changes
    raise_if_any(interview_checks(episode=episode, values=values))
    return save_audited(
        interview, before=before, expected_version=expected_version, changes=changes, by=by
    )


CLOSE_NEEDS_REASON = (
    "Enter why no interview will be recorded for this return, for example "
    "'another council's team is interviewing'."
)
CLOSE_NOT_RETURNED = (
    "The child has not returned from episode {episode}, so no interview is owed yet: "
    "there is nothing to close."
)
CLOSE_NOT_MISSING = (
    "Episode {episode} is 'away from placement', after which no return home interview is "
    "owed: there is nothing to close."
)
CLOSE_SETTLED = (
    "The interview after episode {episode} already has its outcome ({outcome}), so the return "
    "is not owed one: there is nothing to close."
)
CLOSE_ATTEMPTS_MADE = (
    "The interview after episode {episode} was offered {attempts} times with no contact made, "
    "the attempts the council requires, so the return is not owed one: there is nothing to close."
)
ALREADY_CLOSED = (
    "The interview owed after episode {episode} was already closed on {when} by {who}: "
    "{reason}. Undo that closure first to close it with another reason."
)
NOT_CLOSED = (
    "The closure of the interview after episode {episode} was already undone on {when} by "
    "{who}: the return is owed an interview again, and there is nothing to undo."
)


def _who(user) -> str:
    return user.get_username() if user is not None else "someone"


def closure_problems(*, episode: Episode, reason: str) -> list[Problem]:
    """Everything that stops a coordinator closing the interview owed after `episode`."""
    if episode.returned_at is None:
        return [Problem("__all__", CLOSE_NOT_RETURNED.format(episode=episode.local_id))]
    if episode.category != Category.MISSING:
        return [Problem("__all__", CLOSE_NOT_MISSING.format(episode=episode.local_id))]
    problems = []
    interviews = ReturnInterview.objects.filter(episode=episode)
    settled = interviews.filter(outcome__in=SETTLED).order_by("-pk").first()
    attempts = interviews.filter(outcome=InterviewOutcome.NO_CONTACT).count()
    closed = open_closure(episode=episode)
    if settled is not None:
        outcome = settled.get_outcome_display().lower()
        problems.append(
            Problem("__all__", CLOSE_SETTLED.format(episode=episode.local_id, outcome=outcome))
        )
    elif attempts >= attempts_required():
        problems.append(
            Problem(
                "__all__", CLOSE_ATTEMPTS_MADE.format(episode=episode.local_id, attempts=attempts)
            )
        )
    elif closed is not None:
        problems.append(
            Problem(
                "__all__",
                ALREADY_CLOSED.format(
                    episode=episode.local_id,
                    when=when(closed.created_at),
                    who=_who(closed.created_by),
                    reason=closed.reason,
                ),
            )
        )
    if not reason.strip():
        problems.append(Problem("reason", CLOSE_NEEDS_REASON))
    problems += record_text_problems(InterviewClosure, {"reason": reason}, {"reason": "reason"})
    return problems


@transaction.atomic
def interview_close(*, episode: Episode, reason: str, by) -> InterviewClosure:
    """Close the interview owed after a return without an outcome, saying why: the return
    leaves the lists of interviews owed while the closure stands."""
    # The episode's row locked, so that two people closing the same return at once, or an
    # interview recorded meanwhile, are seen by the second to commit.
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    raise_if_any(closure_problems(episode=episode, reason=reason))
    closure = InterviewClosure.objects.create(
        episode=episode, reason=reason.strip(), created_by=by, changed_by=by
    )
    record_change(record=closure, by=by)
    return closure


@transaction.atomic
def interview_closure_undo(*, closure: InterviewClosure, by) -> InterviewClosure:
    """Undo a closure: the return is owed an interview again; the closure is kept, with who
    undid it and when."""
    Episode.objects.select_for_update().filter(pk=closure.episode_id).first()
    closure = InterviewClosure.objects.select_related("episode", "undone_by").get(pk=closure.pk)
    if closure.is_undone:
        message = NOT_CLOSED.format(
            episode=closure.episode.local_id,
            when=when(closure.undone_at),
            who=_who(closure.undone_by),
        )
        raise_if_any([Problem("__all__", message)])
    before = values_before_change(closure)
    now = timezone.now()
    changes = {"undone_at": now, "undone_by": by}
    return save_audited(
        closure, before=before, expected_version=closure.version, changes=changes, by=by
    )


# Closing, at once, every return owed before a date (`homeward close-interviews`): history
# imported with no interviews in it, which no one is ever going to interview about now.
CLOSE_BEFORE_FUTURE = (
    "{day} is in the future: give a date up to today, and every return before it still owed "
    "an interview is closed."
)
CLOSE_BEFORE_NOT_CLOSER = (
    "{who} may not close interviews owed: only an active missing children coordinator or "
    "administrator may. Name one of them with --by."
)
CLOSE_BEFORE_INACTIVE = (
    "{who}'s account is deactivated: name an active missing children coordinator or "
    "administrator with --by."
)
CLOSE_BEFORE_OTHER_COUNCIL = (
    "{who} does not work for {council}, so may not close its interviews owed: name one of "
    "its coordinators or administrators with --by."
)


@dataclass(frozen=True)
class ClosedBefore:
    """What closing the returns owed before a date did (or would do, on a dry run)."""

    closed: int  # returns before the date closed (on a dry run: that would be closed)
    left_owed: int  # returns on or after the date, still owed
    not_closed: tuple[str, ...] = ()  # returns changed meanwhile, each with why not closed


def close_before_problems(*, council, day: dt.date, reason: str, by) -> list[Problem]:
    """Everything that stops `by` closing every return of `council` owed before `day`."""
    problems = []
    who = by.get_username()
    if not by.is_active:
        problems.append(Problem("by", CLOSE_BEFORE_INACTIVE.format(who=who)))
    elif not (
        roles.user_has_role(by, roles.ADMINISTRATOR, roles.MISSING_COORDINATOR)
        and may(by, CLOSE_INTERVIEW)
    ):
        problems.append(Problem("by", CLOSE_BEFORE_NOT_CLOSER.format(who=who)))
    elif access_for(by).council_id != council.pk:
        problems.append(Problem("by", CLOSE_BEFORE_OTHER_COUNCIL.format(who=who, council=council)))
    if day > timezone.localtime(timezone.now(), LONDON).date():
        problems.append(Problem("returned_before", CLOSE_BEFORE_FUTURE.format(day=day)))
    if not reason.strip():
        problems.append(Problem("reason", CLOSE_NEEDS_REASON))
    problems += record_text_problems(InterviewClosure, {"reason": reason}, {"reason": "reason"})
    return problems


def interviews_close_before(
    *, council, day: dt.date, reason: str, by, dry_run: bool = False
) -> ClosedBefore:
    """Close, with `reason`, every return of `council` still owed an interview (as the
    Interviews list has it) that came before `day` (London time): each a closure by `by`,
    audited as one closed from its page, all in one transaction. A dry run changes nothing
    and says how many it would close."""
    raise_if_any(close_before_problems(council=council, day=day, reason=reason, by=by))
    before = dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
    if dry_run:
        counts = _owed_either_side(council=council, before=before, by=by)
        return ClosedBefore(closed=counts["before"], left_owed=counts["after"])
    with transaction.atomic():
        owed = owed_returns(council=council, now=timezone.now(), user=by)
        closed, not_closed = 0, []
        for episode in owed.filter(returned_at__lt=before).only("pk", "local_id"):
            try:
                # The one service a closure from its page goes through: the same checks,
                # under the same lock, and the same audit entry.
                interview_close(episode=episode, reason=reason, by=by)
            except ValidationError as error:
                # Settled or closed by someone else since the list was read: said, not lost.
                not_closed += [f"{m}" for messages in error.message_dict.values() for m in messages]
            else:
                closed += 1
        left_owed = _owed_either_side(council=council, before=before, by=by)["after"]
    return ClosedBefore(closed=closed, left_owed=left_owed, not_closed=tuple(not_closed))


def _owed_either_side(*, council, before: dt.datetime, by) -> dict:
    owed = owed_returns(council=council, now=timezone.now(), user=by).order_by()
    return owed.aggregate(
        before=Count("pk", filter=Q(returned_at__lt=before)),
        after=Count("pk", filter=Q(returned_at__gte=before)),
    )
