"""Sending notices to placing councils, recording how else they were told, their
acknowledgements, and reminders when none comes."""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from homeward.alerts.models import EmailStatus
from homeward.alerts.outbox import email_queue, homeward_link
from homeward.audit.models import Action
from homeward.audit.services import (
    audit_record,
    change_details,
    record_change,
    save_audited,
    values_before_change,
)
from homeward.notices import links
from homeward.notices.content import (
    LINK_PLACEHOLDER,
    Content,
    chase_content,
    content_for,
    correction_content,
    facts_of,
)
from homeward.notices.models import AcknowledgedHow, NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import TOLD_KINDS, Due, chase_after, sent_at_of

PURPOSE = "placing_council_notice"
CHASE_PURPOSE = "placing_council_chase"
CORRECTION_PURPOSE = "placing_council_correction"
ALREADY_SENT = (
    "This notification has already been sent or recorded, so nothing was sent again. "
    "Its record is on the episode's page."
)
NOT_DUE = (
    "This notification is not the one due for the episode now (it may have been sent "
    "already, or the episode changed), so nothing was sent. Open the list again."
)
CHANGED_SINCE_PREVIEW = (
    "What would be sent changed since you previewed it (the episode or the directory's "
    "contacts changed), so nothing was sent. Check the new preview and send it."
)
TOLD_HOW_MISSING = "Say how you told them, for example by phone to their duty team."
TOLD_WHEN_MISSING = "Enter when you told them."
TOLD_IN_FUTURE = "The time you told them cannot be in the future."
TOLD_BEFORE = "The time you told them cannot be before {event}: check the date."
NAME_MISSING = "Enter your name, so that the council knows who received it."
ACK_HOW_MISSING = "Choose how they acknowledged it: by phone, by email, in person or another way."
ACK_WHO_MISSING = "Enter who acknowledged it, for example the name of their duty officer."
# The longest name of whoever acknowledges a notice, by its link or another way: kept whole
# everywhere it goes (the notice's 200 characters; the link's audit entry's 150, which adds
# " (acknowledged by link)"), so a longer one is refused in words, never cut.
ACKNOWLEDGER_LIMIT = 120
NAME_TOO_LONG = (
    "Shorten your name to {limit} characters or fewer (it has {length}): your name and your "
    "team are enough."
)
ACK_WHO_TOO_LONG = (
    "Shorten who acknowledged it to {limit} characters or fewer (it has {length}): their name "
    "and their role or team are enough."
)
ACK_WHEN_MISSING = "Enter when they acknowledged it."
ACK_IN_FUTURE = "The time they acknowledged it cannot be in the future."
ACK_BEFORE_SENT = (
    "The time they acknowledged it cannot be before the notification was sent ({sent}): "
    "check the date."
)
ALREADY_ACKNOWLEDGED = (
    "This notification was already acknowledged ({when}, by {name}), so nothing was recorded."
)
NOT_AWAITED = "No acknowledgement is awaited for this record ({why}), so nothing was recorded."


def preview_of(due: Due, *, now: dt.datetime) -> Content:
    """What will be sent for `due` (the link shown as a placeholder)."""
    return _content(
        due.kind,
        due.episode,
        due.placing_council,
        now=now,
        interview=due.interview,
        corrects=due.corrects,
        was=due.was,
        facts=due.facts,
    )


def _content(
    kind, episode, placing_council, *, now, interview=None, corrects=None, was=None, facts=None
):
    """What a notice of `kind` says: a correction, from what was told (`was`) and the facts
    now; the others, from the episode (and interview)."""
    if kind == NoticeKind.CORRECTION:
        return correction_content(
            was=was,
            now=facts,
            host=episode.council.name,
            placing=placing_council.name,
            sent_at=sent_at_of(corrects),
            link_until=links.link_until(now),
            kind=corrects.kind,
        )
    return content_for(
        kind=kind,
        episode=episode,
        placing_council=placing_council,
        interview=interview,
        link_until=links.link_until(now),
    )


def fingerprint(due: Due, content: Content) -> str:
    """A digest of exactly what would be sent and to whom: the preview carries it back."""
    whom = "\n".join(f"{r.email} {r.name} {r.purpose}" for r in due.recipients)
    text = f"{due.kind}\n{whom}\n{content.subject}\n{content.body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _recipients_json(recipients) -> list[dict]:
    return [{"email": r.email, "name": r.name, "purpose": r.purpose} for r in recipients]


def _queue(record, content: Content, *, about, key: str, purpose: str) -> int:
    """Queue `content` to each of `record`'s recipients, with a new link to acknowledge the
    notice `about` (the notice itself, or the one a reminder reminds of)."""
    link = homeward_link(links.acknowledgement_path(about))
    queued = 0
    for recipient in record.recipients:
        email, created = email_queue(
            key=f"{key}:{recipient['email'].lower()}",
            to=recipient["email"],
            subject=content.subject,
            body=content.body.replace(LINK_PLACEHOLDER, link),
            purpose=purpose,
            council=record.council,
            child=record.episode.child,
            episode=record.episode,
        )
        record.emails.add(email)
        queued += int(created)
    return queued


def _recorded(due: Due, *, now: dt.datetime, by, **values) -> PlacingCouncilNotice:
    """The notice of `due`, recorded once (refused, in words, when it already was)."""
    if due.kind in TOLD_KINDS:
        # Of the episode's child now, and what it told them, to correct it if it changes.
        values["child"] = due.episode.child
        values["facts"] = facts_of(due.episode, due.kind, due.interview)
    elif due.kind == NoticeKind.CORRECTION:
        # Which correction of the notice this is: two sending the same one at once collide.
        number = due.corrects.corrections.count() + 1
        values |= {"corrects": due.corrects, "chase_number": number}
        values["facts"] = due.facts | {"was": due.was}
    try:
        with transaction.atomic():
            return PlacingCouncilNotice.objects.create(
                council=due.episode.council,
                episode=due.episode,
                kind=due.kind,
                interview=due.interview,
                placing_council=due.placing_council,
                recipients=_recipients_json(due.recipients),
                prepared_at=now,
                created_by=by,
                changed_by=by,
                **values,
            )
    except IntegrityError:
        raise ValidationError(ALREADY_SENT) from None


@transaction.atomic
def notice_send(
    *, due: Due, now: dt.datetime, by=None, expected: str | None = None
) -> PlacingCouncilNotice:
    """Record a notice and queue its emails to the placing council and the child's IRO.

    `expected` is the fingerprint of the preview the person saw: refused if what would be
    sent has changed since. Refused when there is no missing-notification contact."""
    content = preview_of(due, now=now)
    if expected is not None and expected != fingerprint(due, content):
        raise ValidationError(CHANGED_SINCE_PREVIEW)
    if due.problem:
        raise ValidationError(due.problem)
    notice = _recorded(due, now=now, by=by, subject=content.subject)
    key = f"placing-council-notice:{notice.pk}"
    purpose = CORRECTION_PURPOSE if notice.kind == NoticeKind.CORRECTION else PURPOSE
    _queue(notice, content, about=notice, key=key, purpose=purpose)
    record_change(record=notice, by=by)
    return notice


@transaction.atomic
def notice_record_told(
    *, due: Due, how: str, told_at: dt.datetime | None, now: dt.datetime, by
) -> PlacingCouncilNotice:
    """Record that the placing council was told some other way (no email is sent)."""
    errors = {}
    if not how.strip():
        errors["how"] = [TOLD_HOW_MISSING]
    if told_at is None:
        errors["told_at"] = [TOLD_WHEN_MISSING]
    elif told_at > now:
        errors["told_at"] = [TOLD_IN_FUTURE]
    elif (before := _told_before(due, told_at)) is not None:
        # A year typed wrong would otherwise count as told in time in the report.
        errors["told_at"] = [TOLD_BEFORE.format(event=before)]
    if errors:
        raise ValidationError(errors)
    notice = _recorded(due, now=now, by=by, told_other_way=how.strip(), told_at=told_at)
    record_change(record=notice, by=by)
    return notice


def _told_before(due: Due, told_at: dt.datetime) -> str | None:
    """What the notice is about that happened after `told_at`, in words, if anything did."""
    episode = due.episode
    if episode.last_seen_at and told_at < episode.last_seen_at:
        return "the child was last seen"
    returned = due.kind != NoticeKind.MISSING and episode.returned_at
    if returned and told_at < episode.returned_at:
        return "the child returned"
    return None


def notice_for_link(token: str) -> PlacingCouncilNotice:
    """The notice an acknowledgement link names, if the link may still be used."""
    pk = links.notice_pk_from(token)
    notice = PlacingCouncilNotice.objects.select_related("council").filter(pk=pk).first()
    if notice is None or notice.kind == NoticeKind.CHASE:
        raise links.LinkRefused(links.LINK_NOT_VALID)
    if notice.acknowledged_at is not None:
        raise links.LinkRefused(links.LINK_USED)
    return notice


@transaction.atomic
def notice_acknowledge(*, token: str, name: str, now: dt.datetime) -> PlacingCouncilNotice:
    """Record the recipient's acknowledgement of receipt (once: the link then stops working)."""
    notice = notice_for_link(token)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [NAME_MISSING]})
    if len(name) > ACKNOWLEDGER_LIMIT:
        too_long = NAME_TOO_LONG.format(limit=ACKNOWLEDGER_LIMIT, length=len(name))
        raise ValidationError({"name": [too_long]})
    changed = PlacingCouncilNotice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True)
    acknowledged = {"acknowledged_at": now, "acknowledged_by_name": name}
    if not changed.update(version=F("version") + 1, changed_at=now, **acknowledged):
        raise links.LinkRefused(links.LINK_USED)
    # Entered like every other change (each field's before and after), so the audit log
    # shows it the same way; by the name typed, as the recipient has no account.
    audit_record(
        action=Action.CHANGE,
        obj=notice,
        username=f"{name} (acknowledged by link)",
        details=change_details({"acknowledged_at": None, "acknowledged_by_name": ""}, acknowledged),
    )
    notice.refresh_from_db()
    return notice


@transaction.atomic
def notice_acknowledge_otherwise(
    *,
    notice: PlacingCouncilNotice,
    how: str,
    by_name: str,
    acknowledged_at: dt.datetime | None,
    note: str = "",
    expected_version: int,
    now: dt.datetime,
    by,
) -> PlacingCouncilNotice:
    """Record that a notice's recipients acknowledged it other than by its link (a phone
    call, an email reply): it is then acknowledged as by the link, and no longer chased.

    Refused, in words, when it was acknowledged already (by the link too, however recently)
    or needs none; `ChangedByAnotherUser` when the notice changed since the form was read."""
    before = values_before_change(notice)  # locked: a link pressed now waits, then is refused
    if before["acknowledged_at"] is not None:
        when = timezone.localtime(before["acknowledged_at"]).strftime("%-d %b %Y %H:%M")
        name = before["acknowledged_by_name"]
        raise ValidationError(ALREADY_ACKNOWLEDGED.format(when=when, name=name))
    if notice.kind == NoticeKind.CHASE:
        raise ValidationError(NOT_AWAITED.format(why="a reminder: acknowledge its notice"))
    if before["told_at"] is not None:
        raise ValidationError(NOT_AWAITED.format(why="they were told another way"))
    errors = {}
    if how not in AcknowledgedHow.values:
        errors["how"] = [ACK_HOW_MISSING]
    if not by_name.strip():
        errors["by_name"] = [ACK_WHO_MISSING]
    elif len(by_name.strip()) > ACKNOWLEDGER_LIMIT:
        length = len(by_name.strip())
        errors["by_name"] = [ACK_WHO_TOO_LONG.format(limit=ACKNOWLEDGER_LIMIT, length=length)]
    sent = sent_at_of(notice) or notice.prepared_at
    if acknowledged_at is None:
        errors["acknowledged_at"] = [ACK_WHEN_MISSING]
    elif acknowledged_at > now:
        errors["acknowledged_at"] = [ACK_IN_FUTURE]
    elif acknowledged_at < sent:
        shown = timezone.localtime(sent).strftime("%-d %b %Y %H:%M")
        errors["acknowledged_at"] = [ACK_BEFORE_SENT.format(sent=shown)]
    if errors:
        raise ValidationError(errors)
    changes = {
        "acknowledged_at": acknowledged_at,
        "acknowledged_by_name": by_name.strip(),
        "acknowledged_how": how,
        "acknowledged_note": note.strip(),
    }
    return save_audited(
        notice, before=before, expected_version=expected_version, changes=changes, by=by
    )


def _chase_number(notice, now: dt.datetime) -> int:
    return int((now - notice.prepared_at) / chase_after())


def notices_to_chase(*, now: dt.datetime):
    """Sent notices unacknowledged past the chase time, whose link days have not run out."""
    since = now - dt.timedelta(days=links.link_days())
    return (
        PlacingCouncilNotice.objects.filter(
            acknowledged_at__isnull=True,
            told_at__isnull=True,
            prepared_at__lte=now - chase_after(),
            prepared_at__gte=since,
        )
        # An episode entered in error is not chased (its notices stay, with it), except for
        # the correction that says so.
        .filter(Q(episode__entered_in_error_at__isnull=True) | Q(kind=NoticeKind.CORRECTION))
        .exclude(kind=NoticeKind.CHASE)
        .select_related(
            "episode", "episode__child", "episode__council", "placing_council", "corrects"
        )
    )


@transaction.atomic
def notice_chase(*, notice: PlacingCouncilNotice, now: dt.datetime) -> int:
    """Remind the recipients of an unacknowledged notice, once per chase interval; the
    number of emails queued (none when this interval's reminder was already sent)."""
    number = _chase_number(notice, now)
    first_sent = sent_at_of(notice)
    if number < 1 or first_sent is None:
        return 0
    try:
        with transaction.atomic():
            chase = PlacingCouncilNotice.objects.create(
                council=notice.council,
                episode=notice.episode,
                kind=NoticeKind.CHASE,
                chased=notice,
                chase_number=number,
                placing_council=notice.placing_council,
                recipients=notice.recipients,
                prepared_at=now,
            )
    except IntegrityError:
        return 0
    content = chase_content(_content_of(notice, now=now), sent_at=first_sent)
    chase.subject = content.subject
    chase.save(update_fields=["subject"])
    key = f"placing-council-chase:{notice.pk}:{number}"
    queued = _queue(chase, content, about=notice, key=key, purpose=CHASE_PURPOSE)
    record_change(record=chase, by=None)
    return queued


def _content_of(notice, *, now: dt.datetime) -> Content:
    """What a notice sent says (a correction: as it was made), to remind of it."""
    facts = dict(notice.facts)
    was = facts.pop("was", {})
    return _content(
        notice.kind,
        notice.episode,
        notice.placing_council,
        now=now,
        interview=notice.interview,
        corrects=notice.corrects,
        was=was,
        facts=facts,
    )


def emails_of(notice) -> list:
    """The notice's emails, with how sending them went."""
    return list(notice.emails.order_by("to"))


def sending_went(notice) -> tuple[int, int]:
    """(sent, not yet sent) of a notice's emails."""
    emails = emails_of(notice)
    sent = sum(1 for e in emails if e.status == EmailStatus.SENT)
    return sent, len(emails) - sent
