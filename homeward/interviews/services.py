"""Recording return home interviews."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from homeward.audit.services import record_change
from homeward.children.services import new_local_id
from homeward.core.codes import InterviewOutcome
from homeward.core.locks import lock_council_episodes
from homeward.core.problems import code_problem, raise_if_any
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import interview_problems


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
    # Checked against the episode's return, which an import or a correction may be changing
    # at this moment: lock as every writer of episodes does (core/locks.py), then the row.
    lock_council_episodes(episode.council_id)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    problems = interview_problems(
        episode_id=episode.local_id,
        returned_at=episode.returned_at,
        offered_at=offered_at,
        outcome=outcome,
        completed_at=completed_at,
        now=timezone.now(),
    )
    problems.append(code_problem("outcome", outcome, InterviewOutcome.values, "interview outcome"))
    raise_if_any(p for p in problems if p)
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
