"""Recording return home interviews."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Child
from homeward.children.services import new_local_id
from homeward.core.codes import Category, InterviewOutcome
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
from homeward.interviews.selectors import SETTLED, attempts_required, open_closure


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
        findings=findings,
        created_by=by,
        changed_by=by,
    )
    record_change(record=interview, by=by)
    return interview


EDITABLE_FIELDS = {"offered_at", "outcome", "completed_at", "conducted_by", "findings"}


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
