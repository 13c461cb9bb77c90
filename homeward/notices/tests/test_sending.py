"""Notices to placing councils, sent through a real SMTP server on loopback: the right
recipients, only what a placing council needs, once, chased when not acknowledged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.alerts.outbox import emails_send_due
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_mark_returned
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices.alerts import placing_council_notices_queue
from homeward.notices.content import OPENINGS
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import NO_CONTACT, due_now
from homeward.notices.services import ALREADY_SENT, notice_send

from .conftest import HOUR, IRO, KENT_MISSING, NOW

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)

MISSING_BODY = """{opening}

Child: Maisie Madeup
Date of birth: 9 April 2011
Last seen: 3 March 2026, 07:00
Missing from: Placement: Made-up Children's Home, Cowley
Risk (police grading): High
Police reference: TV-MADEUP-0001
Our reference: {episode}

Please acknowledge receipt (no account is needed; the link works once, until 17 March 2026):
{link}

This email is about a child: keep it secure and do not forward it outside those who need it.
Reply to Missing children team, missing@oxon.made-up.test to reach our missing children team.
"""


def _send(episode, kind=NoticeKind.MISSING, now=NOW):
    due = due_now(episode=episode, now=now)
    assert due is not None and due.kind == kind
    notice = notice_send(due=due, now=now)
    emails_send_due(now=now)
    return notice


def _bodies(mailbox) -> set[str]:
    return {message.get_content() for message in mailbox.messages}


def test_the_notice_reaches_the_placing_council_and_the_iro_with_only_what_they_need(
    mailbox, kent_contacts, episode
):
    notice = _send(episode)

    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == sorted([KENT_MISSING, IRO])
    message = mailbox.messages[0]
    assert message["Subject"] == "Missing: a child placed here by Kent (from Oxfordshire)"
    link = mailbox.link_in(message)
    assert link.startswith("http://homeward.made-up.test/acknowledge/")
    # The whole body, word for word: nothing else about the child or the episode (not their
    # address, where they were found, who reported them, their legal status).
    body = message.get_content().replace("\r\n", "\n")
    opening = OPENINGS[NoticeKind.MISSING].format(host="Oxfordshire")
    assert body == MISSING_BODY.format(opening=opening, episode=episode.local_id, link=link)
    assert notice.emails.count() == 2
    assert {r["email"] for r in notice.recipients} == {KENT_MISSING, IRO}


def test_a_notice_is_sent_once(mailbox, kent_contacts, episode):
    due = due_now(episode=episode, now=NOW)
    _send(episode)
    with pytest.raises(ValidationError) as refused:
        notice_send(due=due, now=NOW)
    assert refused.value.messages == [ALREADY_SENT]
    emails_send_due(now=NOW)
    assert len(mailbox.messages) == 2
    assert due_now(episode=episode, now=NOW) is None


def test_automatic_notices_go_on_the_next_run_and_never_twice(
    mailbox, settings, kent_contacts, episode
):
    settings.HOMEWARD_NOTIFY_PLACING_COUNCILS = "automatic"
    assert placing_council_notices_queue(NOW) == 2
    assert placing_council_notices_queue(NOW) == 0
    emails_send_due(now=NOW)
    emails_send_due(now=NOW)
    assert len(mailbox.messages) == 2
    assert PlacingCouncilNotice.objects.filter(episode=episode).count() == 1


def test_on_click_notices_wait_for_the_click(mailbox, kent_contacts, episode):
    assert placing_council_notices_queue(NOW) == 0
    emails_send_due(now=NOW)
    assert mailbox.messages == []
    assert due_now(episode=episode, now=NOW).kind == NoticeKind.MISSING


def test_no_contact_is_a_problem_never_a_silent_skip(mailbox, settings, episode):
    settings.HOMEWARD_NOTIFY_PLACING_COUNCILS = "automatic"
    due = due_now(episode=episode, now=NOW)
    assert due.problem == NO_CONTACT.format(council="Kent")
    assert placing_council_notices_queue(NOW) == 0
    with pytest.raises(ValidationError) as refused:
        notice_send(due=due, now=NOW)
    assert refused.value.messages == [NO_CONTACT.format(council="Kent")]
    # Still due, so still on the list.
    assert due_now(episode=episode, now=NOW).problem


def test_our_own_childs_episode_needs_no_notice(kent_contacts, episode):
    child = episode.child
    child.responsible_la = child.council
    child.save()
    assert due_now(episode=episode, now=NOW) is None


def test_the_chase_comes_after_the_configured_time_and_not_before(
    mailbox, settings, time_machine, kent_contacts, episode
):
    settings.HOMEWARD_PLACING_COUNCIL_CHASE_HOURS = 6
    _send(episode)
    time_machine.move_to(NOW + 6 * HOUR - SECOND, tick=False)
    assert placing_council_notices_queue(NOW + 6 * HOUR - SECOND) == 0

    later = NOW + 6 * HOUR
    time_machine.move_to(later, tick=False)
    assert placing_council_notices_queue(later) == 2
    assert placing_council_notices_queue(later + HOUR) == 0  # once per interval
    emails_send_due(now=later + HOUR)
    chases = [m for m in mailbox.messages if m["Subject"].startswith("Reminder")]
    assert sorted(m["X-Envelope-To"] for m in chases) == sorted([KENT_MISSING, IRO])
    assert "We sent you the notification below on 3 March 2026, 10:00" in chases[0].get_content()
    assert placing_council_notices_queue(NOW + 12 * HOUR) == 2  # the next interval's


def test_an_acknowledged_notice_is_not_chased(mailbox, kent_contacts, episode):
    notice = _send(episode)
    PlacingCouncilNotice.objects.filter(pk=notice.pk).update(
        acknowledged_at=NOW + HOUR, acknowledged_by_name="Made-up Kent officer"
    )
    assert placing_council_notices_queue(NOW + 48 * HOUR) == 0


def test_a_return_sends_a_follow_up(mailbox, kent_contacts, episode):
    _send(episode)
    episode_mark_returned(episode=episode, returned_at=NOW - HOUR, expected_version=episode.version)
    episode.refresh_from_db()
    _send(episode, kind=NoticeKind.RETURNED)
    follow_ups = [m for m in mailbox.messages if m["Subject"].startswith("Returned")]
    assert len(follow_ups) == 2
    body = follow_ups[0].get_content()
    assert "Returned: 3 March 2026, 09:00" in body
    assert "Made-up found place" not in body and "High" not in body


def test_the_interview_outcome_and_findings_follow(mailbox, kent_contacts, episode):
    _send(episode)
    episode_mark_returned(episode=episode, returned_at=NOW - HOUR, expected_version=episode.version)
    episode.refresh_from_db()
    _send(episode, kind=NoticeKind.RETURNED)
    ReturnInterviewFactory(
        episode=episode,
        offered_at=NOW - HOUR / 2,
        completed_at=NOW,
        findings="Made-up findings: pulled by made-up friends in Oxford.",
    )
    _send(episode, kind=NoticeKind.INTERVIEW_OUTCOME)
    outcomes = [m for m in mailbox.messages if m["Subject"].startswith("Return home interview")]
    assert len(outcomes) == 2
    body = outcomes[0].get_content()
    assert "Interview outcome: Completed" in body
    assert "Findings: Made-up findings: pulled by made-up friends in Oxford." in body
    assert "Made-up RHI worker" not in body
    assert due_now(episode=episode, now=NOW) is None


def test_an_episode_entered_in_error_is_not_chased(mailbox, kent_contacts, episode):
    _send(episode)
    Episode.all_records.filter(pk=episode.pk).update(entered_in_error_at=NOW)
    assert placing_council_notices_queue(NOW + 48 * HOUR) == 0


def test_missing_now_says_the_placing_council_was_told_when_its_notice_was_sent(
    mailbox, kent_contacts, episode, coordinator
):
    from homeward.episodes.selectors import episodes_missing_now

    def told():
        (row,) = episodes_missing_now(council=episode.council, now=NOW, user=coordinator)
        return row.placing_council_told_at

    assert told() is None
    Episode.objects.filter(pk=episode.pk).update(placing_la_notified_at=NOW - HOUR)
    assert told() == NOW - HOUR  # typed, with no notice recorded: the evidence there is
    Episode.objects.filter(pk=episode.pk).update(placing_la_notified_at=None)
    episode.refresh_from_db()
    notice = notice_send(due=due_now(episode=episode, now=NOW), now=NOW)
    assert told() is None  # recorded, not yet sent
    emails_send_due(now=NOW)
    assert told() == NOW
    assert notice.emails.count() == 2
