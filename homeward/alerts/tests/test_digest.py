"""The morning digest, with the clock frozen: once a day, from its hour, counts and links only."""

import datetime as dt

import pytest
from django.core.management import call_command

from homeward.alerts.digest import DigestSection, digest_sections
from homeward.alerts.preferences import alert_choices_set
from homeward.alerts.tests.conftest import LONDON, NOW, recipients, text
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.tests.factories import PanelActionFactory, PanelDiscussionFactory

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _only_the_digest(settings):
    settings.HOMEWARD_ALERT_SOURCES = ("homeward.alerts.digest.digests_queue",)


@pytest.fixture
def day(people):
    """The allocated child missing at high risk for two days, and another child (seen by the
    coordinator only) back 80 hours ago with no interview."""
    EpisodeFactory(child=people.child, risk="high", last_seen_at=NOW - 48 * HOUR, returned_at=None)
    unallocated = EpisodeFactory(last_seen_at=NOW - 90 * HOUR, returned_at=NOW - 80 * HOUR)
    return people, unallocated


def digest_to(mailbox, address):
    (message,) = [m for m in mailbox.messages if m["X-Envelope-To"] == address]
    return message


def test_each_person_gets_a_digest_of_what_they_may_see_and_no_names(day, mailbox):
    people, unallocated = day

    call_command("send-alerts")

    assert recipients(mailbox) == {"owner@made-up-council.test", "coordinator@made-up-council.test"}
    owner = digest_to(mailbox, "owner@made-up-council.test")
    assert owner["Subject"] == "Homeward: what needs doing today, Monday 2 March 2026"
    body = text(owner)
    assert "Children missing now: 1\n- 1 at high risk\n- 1 missing for more than 24 hours" in body
    assert "Open: http://127.0.0.1:8000/missing-now/" in body
    assert "Return home interviews owed: 0" in body
    coordinator = text(digest_to(mailbox, "coordinator@made-up-council.test"))
    assert "Return home interviews owed: 1\n- 1 overdue" in coordinator
    assert "Open: http://127.0.0.1:8000/interviews/" in coordinator
    for name in (str(people.child), str(unallocated.child), people.child.first_name):
        assert name not in body and name not in coordinator


def test_the_digest_waits_for_its_hour_and_goes_once_a_day(day, mailbox, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 6, 59, tzinfo=LONDON), tick=False)
    call_command("send-alerts")
    assert mailbox.messages == []

    time_machine.move_to(dt.datetime(2026, 3, 2, 7, 0, tzinfo=LONDON), tick=False)
    call_command("send-alerts")
    time_machine.move_to(dt.datetime(2026, 3, 2, 18, 0, tzinfo=LONDON), tick=False)
    call_command("send-alerts")
    assert len(mailbox.messages) == 2

    time_machine.move_to(dt.datetime(2026, 3, 3, 7, 5, tzinfo=LONDON), tick=False)
    call_command("send-alerts")
    assert len(mailbox.messages) == 4


def test_the_digest_hour_is_configurable(day, mailbox, settings):
    settings.HOMEWARD_DIGEST_HOUR = 10  # NOW is 09:30
    call_command("send-alerts")
    assert mailbox.messages == []


def test_no_digest_on_a_day_with_nothing_counted(people, mailbox):
    call_command("send-alerts")
    assert mailbox.messages == []


def test_a_person_who_turned_the_digest_off_gets_none(day, mailbox):
    people, _ = day
    alert_choices_set(user=people.owner, digest=False, high_risk=True, interview_breach=True)

    call_command("send-alerts")

    assert recipients(mailbox) == {"coordinator@made-up-council.test"}


def test_panel_actions_due_this_week_go_to_those_who_use_the_panel(day, mailbox):
    people, _ = day
    discussion = PanelDiscussionFactory(child=people.child)
    PanelActionFactory(discussion=discussion, due_on=dt.date(2026, 2, 27))  # late
    PanelActionFactory(discussion=discussion, due_on=dt.date(2026, 3, 8))  # Sunday
    PanelActionFactory(discussion=discussion, due_on=dt.date(2026, 3, 9))  # next week
    PanelActionFactory(discussion=discussion, due_on=dt.date(2026, 3, 3), completed_on=NOW.date())

    call_command("send-alerts")

    coordinator = text(digest_to(mailbox, "coordinator@made-up-council.test"))
    assert "Panel actions due by the end of this week: 2\n- 1 past their due date" in coordinator
    owner = text(digest_to(mailbox, "owner@made-up-council.test"))
    assert "Panel actions" not in owner  # practitioners do not use the panel's pages


def test_another_apps_section_is_added_from_the_settings_and_a_broken_one_is_said(day, settings):
    people, _ = day
    settings.HOMEWARD_DIGEST_SECTIONS = (
        "homeward.alerts.tests.test_digest.made_up_section",
        "homeward.alerts.tests.test_digest.broken_section",
    )
    sections = digest_sections(people.coordinator, NOW)
    assert sections[0] == DigestSection("Made-up things", 3, ["all fine"], "http://x.test/")
    assert sections[1].lines == [
        "Broken: could not be counted today (made-up failure). Open Homeward to see it."
    ]


def made_up_section(user, now):
    return DigestSection("Made-up things", 3, ["all fine"], "http://x.test/")


def broken_section(user, now):
    raise RuntimeError("made-up failure")
