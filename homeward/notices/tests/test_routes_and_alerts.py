"""Every way an episode is recorded puts a placed-in child's episode on the list; `homeward
send-alerts` sends automatic notices once; the morning digest's section follows the rule."""

import datetime as dt

import pytest
from django.core.management import call_command

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_record
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, write_bundle
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices.alerts import DIGEST_TITLE, unacknowledged_section
from homeward.notices.models import NoticeKind
from homeward.notices.selectors import due_now
from homeward.notices.services import notice_send

from .conftest import HOUR, NOW

pytestmark = pytest.mark.django_db


def test_an_episode_recorded_by_hand_or_from_the_police_is_due(kent_contacts, placed_child):
    # Police notifications make their episodes through episode_record too (police/applying.py).
    recorded = episode_record(
        child=placed_child,
        category="missing",
        last_seen_at=NOW - HOUR,
        missing_from="placement",
        legal_status="looked_after",
    )
    assert due_now(episode=recorded, now=NOW).kind == NoticeKind.MISSING


def test_an_episode_imported_in_a_bundle_is_due(tmp_path, kent_contacts):
    seen = (NOW - 5 * HOUR).strftime("%Y-%m-%dT%H:%M")
    folder = write_bundle(
        tmp_path / "bundle",
        localities=LOCALITIES,
        children=[child("K1", responsible_la="886")],
        episodes=[episode("EK1", "K1", last_seen_at=seen, returned_at="")],
    )
    import_bundle(folder, council_code="931", now=NOW)
    imported = Episode.objects.get(local_id="EK1")
    due = due_now(episode=imported, now=NOW)
    assert (due.kind, due.placing_council.code) == (NoticeKind.MISSING, "886")


def test_send_alerts_sends_automatic_notices_once(mailbox, settings, kent_contacts, episode):
    settings.HOMEWARD_NOTIFY_PLACING_COUNCILS = "automatic"
    call_command("send-alerts")
    call_command("send-alerts")
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects.count("Missing: a child placed here by Kent (from Oxfordshire)") == 2


def test_the_digest_lists_unacknowledged_notices_to_those_who_see_the_child(
    kent_contacts, episode, coordinator, time_machine
):
    notice_send(due=due_now(episode=episode, now=NOW), now=NOW)
    later = NOW + 25 * HOUR
    time_machine.move_to(later, tick=False)
    section = unacknowledged_section(coordinator, later)
    assert (section.title, section.count) == (DIGEST_TITLE, 1)
    assert section.lines == [
        f"Episode {episode.local_id}: missing notice to Kent, sent 3 Mar 10:00, overdue"
    ]
    assert "Maisie" not in " ".join(section.lines)
    assert section.link == "http://homeward.made-up.test/placing-councils/"
    practitioner = UserFactory(roles=[roles.PRACTITIONER])  # not allocated the child
    assert unacknowledged_section(practitioner, later) is None


def test_a_notice_still_owed_keeps_the_child_listed_however_long_ago(
    kent_contacts, episode, time_machine
):
    # Recorded while missing; back the next day; nobody sent the notices. Two months on,
    # the placing council is still owed them, so the episode is still listed.
    Episode.objects.filter(pk=episode.pk).update(returned_at=NOW + 20 * HOUR)
    later = NOW + dt.timedelta(days=60)
    time_machine.move_to(later, tick=False)
    assert due_now(episode=episode, now=later).kind == NoticeKind.MISSING
    notice_send(due=due_now(episode=episode, now=later), now=later)
    assert due_now(episode=episode, now=later).kind == NoticeKind.RETURNED
    notice_send(due=due_now(episode=episode, now=later), now=later)
    # Told of both: nothing more is owed, so it leaves the list.
    assert due_now(episode=episode, now=later) is None
    # An interview outcome recorded weeks later brings it back until that is told too.
    episode.refresh_from_db()
    ReturnInterviewFactory(episode=episode, outcome="completed", offered_at=later)
    assert due_now(episode=episode, now=later).kind == NoticeKind.INTERVIEW_OUTCOME


def test_a_placed_in_childs_episode_last_seen_long_ago_is_not_listed(kent_contacts, episode):
    Episode.objects.filter(pk=episode.pk).update(
        last_seen_at=NOW - dt.timedelta(days=40),
        reported_at=None,
        returned_at=NOW - dt.timedelta(days=39),
    )
    assert due_now(episode=episode, now=NOW) is None
