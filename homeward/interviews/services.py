"""Recording return home interviews."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Child
from homeward.children.services import new_local_id
from homeward.core.codes import InterviewOutcome
from homeward.core.concurrency import refuse_unknown_fields
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import Problem, code_problem, raise_if_any, record_text_problems
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import interview_problems, missing_again_problem


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
