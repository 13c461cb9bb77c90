"""The rules a return home interview must keep, shared by the services and the bundle import."""

import datetime as dt

from homeward.core.problems import IN_THE_FUTURE, Problem, when

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


def interview_problems(
    *,
    episode_id: str,
    returned_at: dt.datetime | None,
    offered_at: dt.datetime | None,
    outcome: str,
    completed_at: dt.datetime | None,
    now: dt.datetime,
) -> list[Problem]:
    """What is wrong with an interview, given the return of its episode."""
    return completion_problems(outcome, completed_at, now) + return_problems(
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


def completion_problems(
    outcome: str, completed_at: dt.datetime | None, now: dt.datetime
) -> list[Problem]:
    """What is wrong with an interview's outcome and completion time, judged alone."""
    if outcome == "completed" and completed_at is None:
        return [Problem("completed_at", COMPLETED_NEEDS_TIME)]
    if outcome != "completed" and completed_at is not None:
        return [Problem("completed_at", TIME_WITHOUT_COMPLETION.format(outcome=outcome))]
    if completed_at is not None and completed_at > now:
        return [
            Problem(
                "completed_at", IN_THE_FUTURE.format(what="completion", when=when(completed_at))
            )
        ]
    return []
