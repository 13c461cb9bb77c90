"""A correction after telling: an episode corrected after its placing council was told shows
"changed since sent", and the correction goes to the same people through the outbox (a real
SMTP server on loopback), with one click or on the next send-alerts, once, audited. An
episode recorded in error, or moved to another child, says so, and nothing of any other
child."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from homeward.alerts.outbox import emails_send_due
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_move, episode_update
from homeward.in_error.services import in_error_mark
from homeward.notices.content import IN_ERROR_OPENING, WRONG_CHILD_OPENING
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import corrections_due, due_now
from homeward.notices.services import notice_chase, notice_send

from .conftest import HOUR, IRO, KENT_MISSING, NOW

pytestmark = pytest.mark.django_db
CORRECTION_SUBJECT = "Correction: a child placed here by Kent (from Oxfordshire)"


@pytest.fixture
def told(mailbox, kent_contacts, episode, time_machine):
    """The missing notice sent an hour ago, its emails delivered; the mailbox emptied."""
    time_machine.move_to(NOW - HOUR, tick=False)
    due = due_now(episode=episode, now=NOW - HOUR)
    notice = notice_send(due=due, now=NOW - HOUR)
    emails_send_due(now=NOW - HOUR)
    time_machine.move_to(NOW, tick=False)
    assert len(mailbox.messages) == 2
    mailbox.messages.clear()
    return notice


def _correct(episode, **changes):
    episode.refresh_from_db()
    return episode_update(episode=episode, expected_version=episode.version, **changes)


def _corrections(mailbox):
    return [m for m in mailbox.messages if m["Subject"] == CORRECTION_SUBJECT]


def _send_url(episode):
    return reverse("notices:send", kwargs={"pk": episode.pk, "kind": NoticeKind.CORRECTION})


def test_a_change_to_what_was_told_shows_and_is_sent_with_one_click(
    client, mailbox, coordinator, told, episode
):
    _correct(episode, last_seen_at=NOW - 5 * HOUR, risk="medium", last_seen_location="")
    client.force_login(coordinator)

    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the correction to Kent" in listed
    assert "Last seen: was 3 March 2026, 07:00; now 3 March 2026, 05:00" in listed
    assert "Risk (police grading): was High; now Medium" in listed
    page = client.get(reverse("episodes:edit", args=[episode.pk])).content.decode()
    assert "Changed since sent" in page

    preview = client.get(_send_url(episode))
    previewed = preview.context["form"]["previewed"].value()
    sent = client.post(_send_url(episode), {"previewed": previewed}, follow=True)
    assert "sent to Kent (2 recipients)" in sent.content.decode()

    messages = _corrections(mailbox)
    assert sorted(m["X-Envelope-To"] for m in messages) == sorted([KENT_MISSING, IRO])
    body = messages[0].get_content()
    assert "we told you of on 3 March 2026, 09:00 has been corrected" in body
    assert "Missing from: was Placement: Made-up Children's Home, Cowley; now Placement" in body
    assert "The notification as it now stands:" in body and "Last seen: 3 March 2026, 05:00" in body
    assert "/acknowledge/" in body
    # Only what a missing notice carries, as before: no address, no finder.
    assert "Made-up Road" not in body and "Made-up found place" not in body

    correction = PlacingCouncilNotice.objects.get(kind=NoticeKind.CORRECTION)
    assert correction.corrects == told and correction.chase_number == 1
    assert AuditEntry.objects.filter(
        action=Action.CHANGE,
        object_type="notices.placingcouncilnotice",
        object_id=str(correction.pk),
    ).exists()
    # Told now: nothing more to correct, and the correction awaits acknowledgement.
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the correction" not in listed
    assert "Correction (changed since sent)" in listed
    assert (
        "Changed since sent"
        not in client.get(reverse("episodes:edit", args=[episode.pk])).content.decode()
    )
    # Its link acknowledges the correction itself.
    link = re.search(r"http://homeward\.made-up\.test(/acknowledge/\S+/)", body).group(1)
    client.logout()
    client.post(link, {"name": "Made-up Kent duty"})
    correction.refresh_from_db()
    assert correction.acknowledged_by_name == "Made-up Kent duty"


def test_a_change_the_notice_did_not_carry_is_not_a_correction(told, episode):
    _correct(episode, found_location="Another made-up place", reported_by="Someone else")
    assert corrections_due(episodes=Episode.all_records.all()) == []


def test_a_second_change_is_a_second_correction_from_what_was_last_told(
    mailbox, coordinator, told, episode
):
    _correct(episode, risk="low")
    notice_send(due=due_now(episode=episode, now=NOW), now=NOW, by=coordinator)
    _correct(episode, police_reference="TV-MADEUP-0002")
    (due,) = corrections_due(episodes=Episode.all_records.all())
    assert due.changes == [("Police reference", "TV-MADEUP-0001", "TV-MADEUP-0002")]
    second = notice_send(due=due, now=NOW, by=coordinator)
    assert second.chase_number == 2
    emails_send_due(now=NOW)
    assert len(_corrections(mailbox)) == 4


def test_an_episode_recorded_in_error_after_telling_says_so(
    client, mailbox, coordinator, told, episode
):
    in_error_mark(record=episode, reason="Made-up: entered twice", by=coordinator)
    client.force_login(coordinator)
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Recorded in error: was no; now yes" in listed
    previewed = client.get(_send_url(episode)).context["form"]["previewed"].value()
    client.post(_send_url(episode), {"previewed": previewed})

    body = _corrections(mailbox)[0].get_content().replace("\r\n", "\n")
    opening = " ".join(body.split("\n\n")[0].split())
    assert opening == IN_ERROR_OPENING.format(host="Oxfordshire", sent="3 March 2026, 09:00")
    assert "What we told you then:" in body and "Child: Maisie Madeup" in body
    assert "entered twice" not in body  # the reason is ours, not theirs
    # The correction is awaited (and would be chased); the original is not any more.
    awaiting = client.get(reverse("notices:index")).context["awaiting"].object_list
    assert [n.kind for n in awaiting] == [NoticeKind.CORRECTION]


def test_an_episode_moved_to_another_child_says_it_was_the_wrong_child_and_no_more(
    mailbox, coordinator, told, episode
):
    other = ChildFactory(first_name="Otto", last_name="Othermadeup")
    episode.refresh_from_db()
    episode_move(episode=episode, child=other, expected_version=episode.version, by=coordinator)
    (due,) = corrections_due(episodes=Episode.all_records.all())
    notice_send(due=due, now=NOW, by=coordinator)
    emails_send_due(now=NOW)
    body = _corrections(mailbox)[0].get_content().replace("\r\n", "\n")
    opening = " ".join(body.split("\n\n")[0].split())
    assert opening == WRONG_CHILD_OPENING.format(host="Oxfordshire", sent="3 March 2026, 09:00")
    assert "Child: Maisie Madeup" in body
    assert "Otto" not in body and "Othermadeup" not in body


def test_send_alerts_sends_a_correction_automatically_once(mailbox, settings, told, episode):
    settings.HOMEWARD_NOTIFY_PLACING_COUNCILS = "automatic"
    _correct(episode, risk="low")
    call_command("send-alerts")
    call_command("send-alerts")
    assert len(_corrections(mailbox)) == 2
    correction = PlacingCouncilNotice.objects.get(kind=NoticeKind.CORRECTION)
    assert AuditEntry.objects.filter(object_id=str(correction.pk), action=Action.CHANGE).exists()


def test_an_unacknowledged_correction_is_chased_with_what_it_said(
    mailbox, coordinator, told, episode, time_machine
):
    _correct(episode, risk="low")
    correction = notice_send(due=due_now(episode=episode, now=NOW), now=NOW, by=coordinator)
    emails_send_due(now=NOW)
    later = NOW + 25 * HOUR
    time_machine.move_to(later, tick=False)
    assert notice_chase(notice=correction, now=later) == 2
    emails_send_due(now=later)
    chased = [m for m in mailbox.messages if m["Subject"].startswith("Reminder")]
    body = chased[-1].get_content()
    assert "Risk (police grading): was High; now Low" in body
    assert chased[-1]["Subject"] == f"Reminder, not yet acknowledged: {CORRECTION_SUBJECT}"
