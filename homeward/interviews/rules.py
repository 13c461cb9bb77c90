"""The rules a return home interview must keep, shared by the services and the bundle import."""

import datetime as dt

from homeward.core.problems import Problem, future_problem, when

# Statutory guidance: a return home interview is offered within 72 hours of every return.
RHI_DUE_WITHIN = dt.timedelta(hours=72)

NOT_RETURNED = (
    "The child has not returned from episode {episode}. "
    "Record the return before recording an interview."
)
OFFERED_BEFORE_RETURN = (
    "The interview is recorded as offered ({offered}) before the child returned ({returned}). "
    "Check the offer date."
)
COMPLETED_BEFORE_RETURN = (
    "The interview is recorded as completed ({completed}) before the child returned "
    "({returned}). Check the completion date."
)
COMPLETED_NEEDS_TIME = "Enter when the interview was completed: the outcome is 'completed'."
INTERVIEW_BEFORE_NEW_RETURN = (
    "Interview {interview} is recorded {when}, before this return ({returned}). "
    "Correct the interview in interviews.csv as well, or check the return."
)
TIME_WITHOUT_COMPLETION = (
    "A completion time is given but the outcome is '{outcome}'. "
    "Either set the outcome to 'completed' or remove the completion time."
)
NOT_OFFERED_WITH_OFFER = (
    "An offer time is given but the outcome is 'not_offered'. Either choose the outcome of "
    "the offer or remove the offer time."
)
COMPLETED_BEFORE_OFFER = (
    "The interview is recorded as completed ({completed}) before it was offered ({offered}). "
    "Check both times."
)
COMPLETED_NEEDS_WORKER = (
    "Enter who held the interview (the worker, conducted_by): the outcome is 'completed'."
)
COMPLETED_WHILE_MISSING = (
    "The interview is recorded as completed ({completed}) while the child was missing again "
    "(episode {episode}, last seen {seen}). Check the completion date."
)


def interview_problems(
    *,
    episode_id: str,
    returned_at: dt.datetime | None,
    offered_at: dt.datetime | None,
    outcome: str,
    completed_at: dt.datetime | None,
    conducted_by: str,
    now: dt.datetime,
) -> list[Problem]:
    """What is wrong with an interview, given the return of its episode."""
    alone = interview_alone_problems(
        outcome=outcome,
        offered_at=offered_at,
        completed_at=completed_at,
        conducted_by=conducted_by,
        now=now,
    )
    return alone + return_problems(
        episode_id=episode_id,
        returned_at=returned_at,
        offered_at=offered_at,
        completed_at=completed_at,
    )


def return_problems(
    *,
    episode_id: str,
    returned_at: dt.datetime | None,
    offered_at: dt.datetime | None,
    completed_at: dt.datetime | None,
) -> list[Problem]:
    """What is wrong with an interview's times, given the return of its episode."""
    if returned_at is None:
        return [Problem("episode_id", NOT_RETURNED.format(episode=episode_id))]
    problems = []
    if offered_at is not None and offered_at < returned_at:
        problems.append(
            Problem(
                "offered_at",
                OFFERED_BEFORE_RETURN.format(offered=when(offered_at), returned=when(returned_at)),
            )
        )
    if completed_at is not None and completed_at < returned_at:
        problems.append(
            Problem(
                "completed_at",
                COMPLETED_BEFORE_RETURN.format(
                    completed=when(completed_at), returned=when(returned_at)
                ),
            )
        )
    return problems


def interview_alone_problems(
    *,
    outcome: str,
    offered_at: dt.datetime | None,
    completed_at: dt.datetime | None,
    conducted_by: str,
    now: dt.datetime,
) -> list[Problem]:
    """What is wrong with an interview judged alone: its outcome, offer and completion."""
    problems = completion_problems(outcome, completed_at, now)
    if offered_at is not None and outcome == "not_offered":
        problems.append(Problem("offered_at", NOT_OFFERED_WITH_OFFER))
    problems.append(future_problem("offered_at", "offer", offered_at, now))
    if offered_at is not None and completed_at is not None and completed_at < offered_at:
        problems.append(
            Problem(
                "completed_at",
                COMPLETED_BEFORE_OFFER.format(
                    completed=when(completed_at), offered=when(offered_at)
                ),
            )
        )
    if outcome == "completed" and not conducted_by.strip():
        problems.append(Problem("conducted_by", COMPLETED_NEEDS_WORKER))
    return [problem for problem in problems if problem]


def missing_again_problem(
    *, completed_at: dt.datetime, episode: str, last_seen_at: dt.datetime
) -> Problem:
    """An interview completed inside a later episode of the same child."""
    return Problem(
        "completed_at",
        COMPLETED_WHILE_MISSING.format(
            completed=when(completed_at), episode=episode, seen=when(last_seen_at)
        ),
    )


def completion_problems(
    outcome: str, completed_at: dt.datetime | None, now: dt.datetime
) -> list[Problem]:
    """What is wrong with an interview's outcome and completion time, judged alone."""
    if outcome == "completed" and completed_at is None:
        return [Problem("completed_at", COMPLETED_NEEDS_TIME)]
    if outcome != "completed" and completed_at is not None:
        return [Problem("completed_at", TIME_WITHOUT_COMPLETION.format(outcome=outcome))]
    future = future_problem("completed_at", "completion", completed_at, now)
    return [future] if future else []
