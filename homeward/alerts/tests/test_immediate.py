"""Immediate alerts, sent through a real SMTP server: to whom, what, once, and by choice."""

import datetime as dt

import pytest
from django.core.management import call_command

from homeward.alerts.immediate import BREACH_SUBJECT, HIGH_RISK_SUBJECT
from homeward.alerts.models import Email
from homeward.alerts.preferences import alert_choices_set
from homeward.alerts.tests.conftest import NOW, recipients
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _only_immediate_alerts(settings):
    """The digest is tested on its own (test_digest.py)."""
    settings.HOMEWARD_ALERT_SOURCES = (
        "homeward.alerts.immediate.high_risk_alerts_queue",
        "homeward.alerts.immediate.interview_breach_alerts_queue",
    )


def missing_at_high_risk(child, **kwargs):
    return EpisodeFactory(
        child=child, risk="high", last_seen_at=NOW - 2 * HOUR, returned_at=None, **kwargs
    )


def test_a_new_high_risk_episode_reaches_only_those_who_may_see_the_child(people, mailbox):
    episode = missing_at_high_risk(people.child)

    call_command("send-alerts")

    assert recipients(mailbox) == {"owner@made-up-council.test", "coordinator@made-up-council.test"}
    message = next(m for m in mailbox.messages if m["To"] == "owner@made-up-council.test")
    assert message["Subject"] == HIGH_RISK_SUBJECT
    body = message.get_content()
    assert f"Episode: {episode.local_id}" in body
    assert "Last seen: Monday 2 March 2026 at 07:30" in body
    assert f"http://127.0.0.1:8000/children/{people.child.pk}/" in body
    # Nothing more than does the job: no name, no date of birth, no place.
    for personal in ("Alfie", "Madeup", "2006", episode.last_seen_location or "Made-up"):
        assert personal not in body
    assert episode.last_seen_location == ""


def test_send_alerts_twice_sends_each_alert_once(people, mailbox):
    missing_at_high_risk(people.child)

    call_command("send-alerts")
    call_command("send-alerts")

    assert len(mailbox.messages) == 2
    assert Email.objects.count() == 2


def test_an_old_or_returned_or_lower_risk_episode_is_not_alerted(people, mailbox):
    other = type(people.child).objects.create(
        council=people.child.council,
        local_id="C-OLD",
        first_name="Old",
        last_name="Madeup",
        date_of_birth=dt.date(2008, 1, 1),
        sex="female",
        ethnicity="WBRI",
        responsible_la=people.child.council,
    )
    missing_at_high_risk(other, created_at=NOW - 25 * HOUR)  # graded more than 24 hours ago
    EpisodeFactory(child=people.child, risk="medium", last_seen_at=NOW - HOUR, returned_at=None)

    call_command("send-alerts")

    assert mailbox.messages == []


def test_a_person_who_turned_high_risk_alerts_off_gets_none(people, mailbox):
    alert_choices_set(user=people.owner, digest=True, high_risk=False, interview_breach=True)
    missing_at_high_risk(people.child)

    call_command("send-alerts")

    assert recipients(mailbox) == {"coordinator@made-up-council.test"}


def test_an_administrator_gets_high_risk_alerts_only_after_choosing_them(people, mailbox):
    from homeward.accounts import roles
    from homeward.alerts.tests.conftest import person

    admin = person(roles.ADMINISTRATOR, "admin")
    missing_at_high_risk(people.child)
    call_command("send-alerts")
    assert "admin@made-up-council.test" not in recipients(mailbox)

    alert_choices_set(user=admin, digest=False, high_risk=True, interview_breach=False)
    call_command("send-alerts")
    assert "admin@made-up-council.test" in recipients(mailbox)


def returned(child, hours_ago: float):
    back = NOW - dt.timedelta(hours=hours_ago)
    return EpisodeFactory(child=child, last_seen_at=back - 10 * HOUR, returned_at=back)


def test_an_interview_about_to_pass_72_hours_is_alerted_to_those_who_see_the_child(people, mailbox):
    episode = returned(people.child, hours_ago=65)  # due in 7 hours

    call_command("send-alerts")

    assert recipients(mailbox) == {"owner@made-up-council.test", "coordinator@made-up-council.test"}
    message = mailbox.messages[0]
    assert message["Subject"] == BREACH_SUBJECT.format(hours=12)
    body = message.get_content()
    assert f"Episode: {episode.local_id}" in body
    assert "Interview due by: Monday 2 March 2026 at 16:30" in body
    assert "Alfie" not in body


@pytest.mark.parametrize("hours_ago", [50, 73])  # due in 22 hours; overdue already
def test_an_interview_not_yet_near_or_already_past_72_hours_is_not_alerted(
    people, mailbox, hours_ago
):
    returned(people.child, hours_ago=hours_ago)

    call_command("send-alerts")

    assert mailbox.messages == []


def test_an_interview_done_is_not_alerted(people, mailbox):
    ReturnInterviewFactory(episode=returned(people.child, hours_ago=65))

    call_command("send-alerts")

    assert mailbox.messages == []


def test_the_warning_is_configurable(people, mailbox, settings):
    settings.HOMEWARD_INTERVIEW_WARNING_HOURS = 24
    returned(people.child, hours_ago=50)  # due in 22 hours: within 24

    call_command("send-alerts")

    assert mailbox.messages[0]["Subject"] == BREACH_SUBJECT.format(hours=24)


def test_a_person_who_turned_interview_alerts_off_gets_none(people, mailbox):
    alert_choices_set(user=people.coordinator, digest=True, high_risk=True, interview_breach=False)
    returned(people.child, hours_ago=65)

    call_command("send-alerts")

    assert recipients(mailbox) == {"owner@made-up-council.test"}


def test_a_person_without_an_email_address_or_deactivated_gets_none(people, mailbox):
    people.owner.email = ""
    people.owner.save()
    people.coordinator.is_active = False
    people.coordinator.save()
    missing_at_high_risk(people.child)

    call_command("send-alerts")

    assert mailbox.messages == []


def test_a_role_given_children_by_the_installation_is_alerted_once_it_chooses(
    people, mailbox, settings
):
    settings.HOMEWARD_ACCESS = {"analyst": {"children": "council"}}
    alert_choices_set(user=people.analyst, digest=False, high_risk=True, interview_breach=False)
    missing_at_high_risk(people.child)

    call_command("send-alerts")

    assert "analyst@made-up-council.test" in recipients(mailbox)
