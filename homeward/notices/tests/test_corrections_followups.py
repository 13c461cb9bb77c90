"""What the corrections of a missing notice left out: the return's and the interview outcome's
notices are corrected too (changed, recorded in error, moved to another child), and an
episode moved to a child placed here by another council owes that council a missing notice
of its own, listed until it is sent."""

import datetime as dt
import importlib

import pytest
from django.urls import reverse

from homeward.alerts.outbox import emails_send_due
from homeward.borders.services import council_contact_add
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.selectors import episodes_missing_now
from homeward.episodes.services import episode_mark_returned, episode_move, episode_update
from homeward.in_error.services import in_error_mark
from homeward.interviews.services import interview_update
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices.content import IN_ERROR_OPENINGS, WRONG_CHILD_OPENINGS
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import corrections_due, due_now, to_tell_list, told_within
from homeward.notices.services import notice_send
from homeward.police.services import episode_relink

from .conftest import HOUR, NOW

pytestmark = pytest.mark.django_db
SURREY = "936"
SURREY_MISSING = "missing.children@surrey.made-up.test"
DAY = dt.timedelta(hours=24)


def _send_all(episode, now):
    """Send every notice due for the episode (corrections first), as the list offers them."""
    sent = []
    while (due := due_now(episode=episode, now=now)) is not None:
        sent.append(notice_send(due=due, now=now))
    emails_send_due(now=now)
    return sent


@pytest.fixture
def all_told(mailbox, kent_contacts, episode, time_machine):
    """Missing, returned and the interview's outcome sent a day ago; the mailbox emptied."""
    then = NOW - 24 * HOUR
    time_machine.move_to(then, tick=False)
    Episode.objects.filter(pk=episode.pk).update(
        last_seen_at=then - 3 * HOUR, reported_at=then - 2 * HOUR
    )
    episode.refresh_from_db()
    _send_all(episode, then)
    episode_mark_returned(
        episode=episode, returned_at=then - HOUR, expected_version=episode.version
    )
    episode.refresh_from_db()
    interview = ReturnInterviewFactory(
        episode=episode, offered_at=then - HOUR / 2, completed_at=then, findings="Made-up findings."
    )
    sent = _send_all(episode, then)
    assert [n.kind for n in sent] == [NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME]
    time_machine.move_to(NOW, tick=False)
    mailbox.messages.clear()
    episode.refresh_from_db()
    return interview


def _corrected_kinds(episode):
    dues = corrections_due(episodes=Episode.all_records.filter(pk=episode.pk))
    return {due.corrects.kind: due for due in dues}


def test_a_changed_return_time_corrects_the_notices_that_told_it(all_told, episode, mailbox):
    episode_update(episode=episode, expected_version=episode.version, returned_at=NOW - 26 * HOUR)
    dues = _corrected_kinds(episode)
    assert set(dues) == {NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME}
    assert dues[NoticeKind.RETURNED].changes == [
        ("Returned", "2 March 2026, 09:00", "2 March 2026, 08:00")
    ]
    correction = notice_send(due=dues[NoticeKind.RETURNED], now=NOW)
    emails_send_due(now=NOW)
    assert correction.corrects.kind == NoticeKind.RETURNED
    (message, _iro) = [m for m in mailbox.messages if m["Subject"].startswith("Correction")]
    assert (
        message["Subject"]
        == "Correction of the return: a child placed here by Kent (from Oxfordshire)"
    )
    body = message.get_content()
    assert "whose return we told you of on 2 March 2026, 10:00 has been corrected" in body
    assert "Returned: was 2 March 2026, 09:00; now 2 March 2026, 08:00" in body
    assert "/acknowledge/" in body
    # Told now: the returned notice is no longer owed a correction.
    assert NoticeKind.RETURNED not in _corrected_kinds(episode)


def test_a_changed_interview_outcome_is_corrected(all_told, episode, mailbox):
    interview = all_told
    interview_update(
        interview=interview,
        expected_version=interview.version,
        outcome="declined",
        completed_at=None,
    )
    dues = _corrected_kinds(episode)
    assert set(dues) == {NoticeKind.INTERVIEW_OUTCOME}
    assert ("Interview outcome", "Completed", "Declined") in dues[
        NoticeKind.INTERVIEW_OUTCOME
    ].changes
    notice_send(due=dues[NoticeKind.INTERVIEW_OUTCOME], now=NOW)
    emails_send_due(now=NOW)
    body = mailbox.messages[0].get_content()
    assert "Interview outcome: was Completed; now Declined" in body


def test_an_episode_in_error_corrects_each_notice_told_and_each_has_its_own_link(
    client, coordinator, all_told, episode, mailbox
):
    in_error_mark(record=episode, reason="Made-up: entered twice", by=coordinator)
    dues = _corrected_kinds(episode)
    assert set(dues) == {NoticeKind.MISSING, NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME}

    client.force_login(coordinator)
    listed = client.get(reverse("notices:index")).content.decode()
    links = {
        kind: f"{reverse('notices:send', args=[episode.pk, 'correction'])}?of={due.corrects.pk}"
        for kind, due in dues.items()
    }
    for link in links.values():
        assert link in listed
    # Each link previews the correction of its own notice, and sends that one.
    link = links[NoticeKind.RETURNED]
    preview = client.get(link)
    assert preview.context["due"].corrects == dues[NoticeKind.RETURNED].corrects
    previewed = preview.context["form"]["previewed"].value()
    sent = client.post(link, {"previewed": previewed}, follow=True)
    assert "sent to Kent (2 recipients)" in sent.content.decode()
    correction = PlacingCouncilNotice.objects.get(kind=NoticeKind.CORRECTION)
    assert correction.corrects == dues[NoticeKind.RETURNED].corrects
    body = mailbox.messages[0].get_content().replace("\r\n", "\n")
    opening = " ".join(body.split("\n\n")[0].split())
    assert opening == IN_ERROR_OPENINGS[NoticeKind.RETURNED].format(
        host="Oxfordshire", sent="2 March 2026, 10:00"
    )
    assert "entered twice" not in body
    # Still owed: the other two, listed until sent.
    assert set(_corrected_kinds(episode)) == {NoticeKind.MISSING, NoticeKind.INTERVIEW_OUTCOME}
    # Told by the other way too, with its own link: the right one is recorded.
    missing = dues[NoticeKind.MISSING].corrects
    told = client.post(
        f"{reverse('notices:told', args=[episode.pk, 'correction'])}?of={missing.pk}",
        {
            "how": "By phone to their duty team",
            "told_at_day": "3",
            "told_at_month": "3",
            "told_at_year": "2026",
            "told_at_time": "09:30",
        },
        follow=True,
    )
    assert "Recorded how you told Kent" in told.content.decode()
    assert set(_corrected_kinds(episode)) == {NoticeKind.INTERVIEW_OUTCOME}


def test_an_episode_moved_to_a_child_placed_by_another_council_tells_that_council(
    coordinator, all_told, episode, mailbox
):
    council_contact_add(council=council(SURREY), purpose="missing", email=SURREY_MISSING)
    other = ChildFactory(
        first_name="Otto",
        last_name="Othermadeup",
        date_of_birth=dt.date(2012, 1, 2),
        responsible_la=council(SURREY),
    )
    episode_move(episode=episode, child=other, expected_version=episode.version, by=coordinator)

    # Kent is told that each notice was about the wrong child.
    dues = _corrected_kinds(episode)
    assert set(dues) == {NoticeKind.MISSING, NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME}
    assert {due.placing_council.code for due in dues.values()} == {"886"}
    # Surrey is owed its own missing notice, listed (with the corrections) until sent.
    to_send = to_tell_list(user=coordinator, now=NOW)["to_send"]
    owed = [(due.kind, due.placing_council.code) for due in to_send]
    assert (NoticeKind.MISSING, SURREY) in owed
    sent = _send_all(episode, NOW)
    assert [n.kind for n in sent].count(NoticeKind.CORRECTION) == 3
    assert [(n.kind, n.placing_council.code) for n in sent if n.kind != "correction"] == [
        (NoticeKind.MISSING, SURREY),
        (NoticeKind.RETURNED, SURREY),
        (NoticeKind.INTERVIEW_OUTCOME, SURREY),
    ]
    to_surrey = [m for m in mailbox.messages if m["X-Envelope-To"] == SURREY_MISSING]
    assert to_surrey[0]["Subject"] == "Missing: a child placed here by Surrey (from Oxfordshire)"
    assert "Child: Otto Othermadeup" in to_surrey[0].get_content()
    assert "Maisie" not in "".join(m.get_content() for m in to_surrey)
    wrong_child = [m for m in mailbox.messages if m["Subject"].startswith("Correction")]
    body = wrong_child[0].get_content().replace("\r\n", "\n")
    opening = " ".join(body.split("\n\n")[0].split())
    assert opening in {
        WRONG_CHILD_OPENINGS[kind].format(host="Oxfordshire", sent="2 March 2026, 10:00")
        for kind in WRONG_CHILD_OPENINGS
    }
    assert "Otto" not in "".join(m.get_content() for m in wrong_child)
    assert to_tell_list(user=coordinator, now=NOW)["to_send"] == []


@pytest.mark.parametrize("move", [episode_move, episode_relink])
def test_a_moved_episode_stays_listed_for_the_new_placing_council_until_told(
    move, client, coordinator, mailbox, kent_contacts, episode
):
    notice_send(due=due_now(episode=episode, now=NOW), now=NOW)
    emails_send_due(now=NOW)
    other = ChildFactory(first_name="Otto", last_name="Othermadeup", responsible_la=council(SURREY))
    episode.refresh_from_db()
    move(episode=episode, child=other, expected_version=episode.version, by=coordinator)
    # Kent's notice told Kent of Maisie: Surrey is not yet told, in Missing now and the report
    # (a time typed as told, too, was Kent's).
    Episode.objects.filter(pk=episode.pk).update(placing_la_notified_at=NOW - HOUR)
    (row,) = episodes_missing_now(council=episode.council, now=NOW, user=coordinator)
    assert row.placing_council_told_at is None
    assert not Episode.objects.filter(told_within(DAY), pk=episode.pk).exists()
    client.force_login(coordinator)
    # No address for Surrey yet: listed, with the problem in words, and kept there.
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the correction to Kent" in listed
    assert "No missing-notification contact for Surrey" in listed
    council_contact_add(council=council(SURREY), purpose="missing", email=SURREY_MISSING)
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the notification to Surrey" in listed
    due = due_now(episode=episode, now=NOW)
    assert (due.kind, due.placing_council.code) == (NoticeKind.MISSING, SURREY)
    notice_send(due=due, now=NOW)
    assert (
        "Send the notification to Surrey"
        not in client.get(reverse("notices:index")).content.decode()
    )


def test_follow_ups_sent_before_what_they_told_was_kept_are_given_it(all_told, episode):
    """The migration's step: a returned or outcome notice without facts gets what its episode
    (and interview) says, so that a later change shows as changed since sent."""
    from django.apps import apps

    migration = importlib.import_module(
        "homeward.notices.migrations.0004_child_told_and_follow_ups_facts"
    )
    follow_ups = PlacingCouncilNotice.objects.filter(
        kind__in=[NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME]
    )
    kept = {notice.pk: notice.facts for notice in follow_ups}
    follow_ups.update(facts={})
    migration.name_the_child_and_keep_what_follow_ups_told(apps, None)
    assert {notice.pk: notice.facts for notice in follow_ups} == kept
    assert {notice.child_id for notice in follow_ups} == {episode.child_id}
