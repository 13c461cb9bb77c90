"""The rules the panel's records must keep, each broken rule a sentence saying what to fix."""

import datetime as dt

from homeward.core.problems import Problem, when

CHAIR_MISSING = "Enter the name of the person who chaired the meeting."
REASON_MISSING = "Enter why the child was brought to the panel."
DESCRIPTION_MISSING = "Enter what is to be done."
OWNER_MISSING = "Enter who will do it: a person, an agency, or both."
ALREADY_DISCUSSED = (
    "{child} is already on this meeting's list. Change that discussion instead of adding "
    "the child again."
)
OTHER_COUNCIL = "This child belongs to another council, so this council's panel cannot add them."
REVIEW_BEFORE_MEETING = (
    "The next review ({review}) is before the meeting ({held}). Enter a date after the meeting."
)
DUE_BEFORE_MEETING = (
    "The due date ({due}) is before the meeting that agreed the action ({held}). "
    "Enter a date on or after the meeting."
)
COMPLETED_IN_FUTURE = (
    "The date the action was done ({completed}) is in the future. "
    "Enter the date it was done, or leave it empty until it is."
)
COMPLETED_BEFORE_MEETING = (
    "The date the action was done ({completed}) is before the meeting that agreed it "
    "({held}). Check the date."
)


def required(field: str, value: str, message: str) -> list[Problem]:
    return [] if value.strip() else [Problem(field, message)]


def meeting_problems(*, chair: str) -> list[Problem]:
    """What is wrong with a meeting (it may be in the future: meetings are planned ahead)."""
    return required("chair", chair, CHAIR_MISSING)


def discussion_problems(
    *, held_on: dt.date, reason: str, next_review_on: dt.date | None
) -> list[Problem]:
    """What is wrong with a child's discussion at a meeting held on `held_on`."""
    problems = required("reason", reason, REASON_MISSING)
    if next_review_on is not None and next_review_on < held_on:
        problems.append(
            Problem(
                "next_review_on",
                REVIEW_BEFORE_MEETING.format(review=when(next_review_on), held=when(held_on)),
            )
        )
    return problems


def action_problems(
    *,
    held_on: dt.date,
    description: str,
    owner: str,
    due_on: dt.date,
    completed_on: dt.date | None,
    today: dt.date,
) -> list[Problem]:
    """What is wrong with an action agreed at a meeting held on `held_on`."""
    problems = required("description", description, DESCRIPTION_MISSING)
    problems += required("owner", owner, OWNER_MISSING)
    if due_on < held_on:
        problems.append(
            Problem("due_on", DUE_BEFORE_MEETING.format(due=when(due_on), held=when(held_on)))
        )
    if completed_on is not None:
        problems += completion_problems(held_on=held_on, completed_on=completed_on, today=today)
    return problems


def completion_problems(*, held_on: dt.date, completed_on: dt.date, today: dt.date):
    """What is wrong with the date an action was done."""
    if completed_on > today:
        return [Problem("completed_on", COMPLETED_IN_FUTURE.format(completed=when(completed_on)))]
    if completed_on < held_on:
        message = COMPLETED_BEFORE_MEETING.format(completed=when(completed_on), held=when(held_on))
        return [Problem("completed_on", message)]
    return []
