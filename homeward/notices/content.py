"""What a notice says: only what a placing council needs, nothing more (docs/notices.md).

Pure functions of the episode (and interview): the preview a coordinator reads and the
email sent are built by the same code, so what is previewed is what is sent.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from homeward.notices.models import NoticeKind

# Shown in the preview where each email will carry its own link.
LINK_PLACEHOLDER = "[the link to acknowledge receipt]"
NOT_GRADED = "Not graded yet"
NOT_GIVEN = "Not given"

SUBJECTS = {
    NoticeKind.MISSING: "Missing: a child placed here by {placing} (from {host})",
    NoticeKind.RETURNED: "Returned: a child placed here by {placing} (from {host})",
    NoticeKind.INTERVIEW_OUTCOME: (
        "Return home interview: a child placed here by {placing} (from {host})"
    ),
}
CHASE_SUBJECT = "Reminder, not yet acknowledged: {subject}"

OPENINGS = {
    NoticeKind.MISSING: (
        "{host} tells you, as the placing council (or the child's independent reviewing "
        "officer), that a child you placed in our area has been reported missing."
    ),
    NoticeKind.RETURNED: (
        "{host} tells you that the child you placed in our area, whose missing episode we "
        "told you of, has returned."
    ),
    NoticeKind.INTERVIEW_OUTCOME: (
        "{host} sends you the outcome of the return home interview offered after the "
        "child you placed in our area returned, and its findings, which you are entitled to."
    ),
}
CHASE_OPENING = (
    "We sent you the notification below on {sent} and have not had an acknowledgement. "
    "Please acknowledge receipt with the link at the end."
)
CLOSING = """Please acknowledge receipt (no account is needed; the link works once, until {until}):
{link}

This email is about a child: keep it secure and do not forward it outside those who need it.
Reply to {contact} to reach our missing children team."""


@dataclass(frozen=True)
class Content:
    subject: str
    body: str  # with LINK_PLACEHOLDER where the link goes


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return NOT_GIVEN
    return f"{timezone.localtime(moment):%-d %B %Y, %H:%M}"


def host_contact() -> str:
    """How the placing council reaches the host's missing children team."""
    return settings.HOMEWARD_NOTICE_CONTACT or settings.DEFAULT_FROM_EMAIL


def _who(episode) -> list[tuple[str, str]]:
    child = episode.child
    return [
        ("Child", f"{child.first_name} {child.last_name}"),
        ("Date of birth", f"{child.date_of_birth:%-d %B %Y}"),
    ]


def _reference(episode) -> list[tuple[str, str]]:
    return [
        ("Police reference", episode.police_reference or NOT_GIVEN),
        ("Our reference", episode.local_id),
    ]


def missing_lines(episode) -> list[tuple[str, str]]:
    """Who, when last seen, where from, risk, police reference: and nothing else."""
    where = episode.get_missing_from_display()
    if episode.last_seen_location:
        where = f"{where}: {episode.last_seen_location}"
    return [
        *_who(episode),
        ("Last seen", _when(episode.last_seen_at)),
        ("Missing from", where),
        ("Risk (police grading)", episode.get_risk_display() if episode.risk else NOT_GRADED),
        *_reference(episode),
    ]


def returned_lines(episode) -> list[tuple[str, str]]:
    """Who, when last seen and when returned, police reference."""
    return [
        *_who(episode),
        ("Last seen", _when(episode.last_seen_at)),
        ("Returned", _when(episode.returned_at)),
        *_reference(episode),
    ]


def interview_lines(episode, interview) -> list[tuple[str, str]]:
    """Who, the return, the interview's outcome and dates, and its findings."""
    return [
        *_who(episode),
        ("Returned", _when(episode.returned_at)),
        ("Interview outcome", interview.get_outcome_display()),
        ("Offered", _when(interview.offered_at)),
        ("Held", _when(interview.completed_at)),
        ("Findings", interview.findings or "None recorded"),
        *_reference(episode),
    ]


def lines_for(kind: str, episode, interview=None) -> list[tuple[str, str]]:
    if kind == NoticeKind.MISSING:
        return missing_lines(episode)
    if kind == NoticeKind.RETURNED:
        return returned_lines(episode)
    return interview_lines(episode, interview)


def content_for(
    *, kind: str, episode, placing_council, interview=None, link_until: dt.datetime
) -> Content:
    """The subject and body of a notice of `kind` (the link left as LINK_PLACEHOLDER)."""
    host = episode.council.name
    subject = SUBJECTS[kind].format(placing=placing_council.name, host=host)
    rows = "\n".join(f"{label}: {value}" for label, value in lines_for(kind, episode, interview))
    closing = CLOSING.format(
        until=f"{timezone.localtime(link_until):%-d %B %Y}",
        link=LINK_PLACEHOLDER,
        contact=host_contact(),
    )
    body = f"{OPENINGS[kind].format(host=host)}\n\n{rows}\n\n{closing}\n"
    return Content(subject=subject, body=body)


def chase_content(original: Content, *, sent_at: dt.datetime) -> Content:
    """The reminder of a notice: the notice again, under a line saying it is a reminder."""
    opening = CHASE_OPENING.format(sent=_when(sent_at))
    return Content(
        subject=CHASE_SUBJECT.format(subject=original.subject)[:200],
        body=f"{opening}\n\n{original.body}",
    )


# Corrections: what a missing notice told the placing council, and what changed since.

CORRECTION_SUBJECTS = {
    NoticeKind.MISSING: "Correction: a child placed here by {placing} (from {host})",
    NoticeKind.RETURNED: "Correction of the return: a child placed here by {placing} (from {host})",
    NoticeKind.INTERVIEW_OUTCOME: (
        "Correction of the return home interview: a child placed here by {placing} (from {host})"
    ),
}
# What a correction is about, by the kind of notice it corrects.
TOLD_OF = {
    NoticeKind.MISSING: "the missing episode we told you of on {sent}",
    NoticeKind.RETURNED: "the missing episode whose return we told you of on {sent}",
    NoticeKind.INTERVIEW_OUTCOME: (
        "the missing episode whose return home interview's outcome we told you of on {sent}"
    ),
}
IN_ERROR_OPENINGS = {
    kind: (
        f"{{host}} tells you that {told_of} was recorded in "
        "error: the child below was not missing then, as far as this record goes. Please "
        "correct or close your own record of it."
    )
    for kind, told_of in TOLD_OF.items()
}
# The interview alone recorded in error (the episode stands).
INTERVIEW_IN_ERROR_OPENING = (
    "{host} tells you that the return home interview whose outcome we told you of on {sent} "
    "was recorded in error: please correct or close your own record of it."
)
WRONG_CHILD_OPENINGS = {
    kind: (
        f"{{host}} tells you that {told_of} was recorded against "
        "the wrong child: it was not about the child below. Please correct or close your own "
        "record of it."
    )
    for kind, told_of in TOLD_OF.items()
}
CORRECTED_OPENINGS = {
    kind: f"{{host}} tells you that our record of {told_of} has been corrected. What changed:"
    for kind, told_of in TOLD_OF.items()
}
# The missing notice's, as they were named before the follow-ups were corrected too.
CORRECTION_SUBJECT = CORRECTION_SUBJECTS[NoticeKind.MISSING]
IN_ERROR_OPENING = IN_ERROR_OPENINGS[NoticeKind.MISSING]
WRONG_CHILD_OPENING = WRONG_CHILD_OPENINGS[NoticeKind.MISSING]
CORRECTED_OPENING = CORRECTED_OPENINGS[NoticeKind.MISSING]
AS_IT_STANDS = "The notification as it now stands:"
WHAT_WE_SENT = "What we told you then:"
CHANGE_LINE = "{label}: was {was}; now {now}"
IN_ERROR_LABEL = "Recorded in error"
IN_ERROR_LABELS = {
    "in_error": IN_ERROR_LABEL,
    "interview_in_error": "Return home interview recorded in error",
}


def facts_of(episode, kind: str = NoticeKind.MISSING, interview=None) -> dict:
    """What a notice of `kind` tells of the episode (and interview), kept with the notice as
    sent, to compare with the episode later (`changes_between`). An interview outcome's
    notice is in error when its interview is, too."""
    in_error = episode.entered_in_error_at is not None
    facts = {"child": episode.child_id, "in_error": in_error}
    if interview is not None:
        facts["interview_in_error"] = interview.entered_in_error_at is not None
    return facts | {"lines": [list(line) for line in lines_for(kind, episode, interview)]}


def changes_between(was: dict, now: dict) -> list[tuple[str, str, str]]:
    """What changed from the facts told (`was`) to the episode's (`now`): (label, was, now)
    for each line that differs, and whether it is recorded in error. [] when nothing did, or
    when the facts told were not kept (notices sent before they were)."""
    if not was:
        return []
    changes = []
    yes_no = {True: "yes", False: "no"}
    for key, label in IN_ERROR_LABELS.items():
        if bool(was.get(key)) != bool(now.get(key)):
            changes.append((label, yes_no[bool(was.get(key))], yes_no[bool(now.get(key))]))
    before = dict(tuple(line) for line in was.get("lines", []))
    for label, value in now.get("lines", []):
        if before.get(label, value) != value:
            changes.append((label, before[label], value))
    if was.get("child") != now.get("child") and not any(c[0] == "Child" for c in changes):
        changes.append(("Child", "another record", "this record"))
    return changes


def correction_content(
    *,
    was: dict,
    now: dict,
    host: str,
    placing: str,
    sent_at,
    link_until: dt.datetime,
    kind: str = NoticeKind.MISSING,
) -> Content:
    """The correction of a notice of `kind` (missing, returned, interview outcome): recorded
    in error, or about the wrong child (the facts as we told them, nothing of any other
    child), or what changed and the notice as it now stands (the link left as
    LINK_PLACEHOLDER)."""
    sent = _when(sent_at)
    told = "\n".join(f"{label}: {value}" for label, value in was.get("lines", []))
    if now.get("in_error"):
        opening = IN_ERROR_OPENINGS[kind].format(host=host, sent=sent)
        text = f"{opening}\n\n{WHAT_WE_SENT}\n{told}"
    elif now.get("child") != was.get("child"):
        opening = WRONG_CHILD_OPENINGS[kind].format(host=host, sent=sent)
        text = f"{opening}\n\n{WHAT_WE_SENT}\n{told}"
    elif now.get("interview_in_error"):
        opening = INTERVIEW_IN_ERROR_OPENING.format(host=host, sent=sent)
        text = f"{opening}\n\n{WHAT_WE_SENT}\n{told}"
    else:
        changed = "\n".join(
            CHANGE_LINE.format(label=label, was=before, now=after)
            for label, before, after in changes_between(was, now)
        )
        stands = "\n".join(f"{label}: {value}" for label, value in now.get("lines", []))
        opening = CORRECTED_OPENINGS[kind].format(host=host, sent=sent)
        text = f"{opening}\n{changed}\n\n{AS_IT_STANDS}\n{stands}"
    closing = CLOSING.format(
        until=f"{timezone.localtime(link_until):%-d %B %Y}",
        link=LINK_PLACEHOLDER,
        contact=host_contact(),
    )
    subject = CORRECTION_SUBJECTS[kind].format(placing=placing, host=host)
    return Content(subject=subject[:200], body=f"{text}\n\n{closing}\n")
