"""Recording that a placing council acknowledged a notice another way (a phone call, an email
reply): it is acknowledged as by the link, leaves *Not yet acknowledged*, is no longer
chased, is audited, and is refused in words when already acknowledged or mistyped."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.alerts.models import EmailStatus
from homeward.audit.models import AuditEntry
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.notices import links
from homeward.notices.models import PlacingCouncilNotice
from homeward.notices.selectors import due_now, to_tell_list
from homeward.notices.services import (
    ACK_IN_FUTURE,
    ACK_WHEN_MISSING,
    ACK_WHO_MISSING,
    ACK_WHO_TOO_LONG,
    ACKNOWLEDGER_LIMIT,
    notice_acknowledge,
    notice_acknowledge_otherwise,
    notice_send,
    notices_to_chase,
)

from .conftest import HOUR, NOW

pytestmark = pytest.mark.django_db
CALLER = "Made-up Kent Duty Officer"
MINUTE = HOUR / 60


@pytest.fixture
def notice(kent_contacts, episode):
    """Sent (its emails went) 30 hours ago, and never acknowledged: overdue."""
    sent = notice_send(due=due_now(episode=episode, now=NOW - 30 * HOUR), now=NOW - 30 * HOUR)
    sent.emails.update(status=EmailStatus.SENT, sent_at=NOW - 30 * HOUR, next_attempt_at=None)
    return sent


def _record(notice, by, **given):
    values = {
        "how": "phone",
        "by_name": CALLER,
        "acknowledged_at": NOW - 2 * HOUR,
        "note": "Rang our duty line.",
        "expected_version": notice.version,
        "now": NOW,
        "by": by,
    }
    return notice_acknowledge_otherwise(notice=notice, **(values | given))


def test_it_acknowledges_the_notice_stops_chasing_and_is_audited(notice, coordinator):
    assert notice in list(notices_to_chase(now=NOW))
    awaiting = to_tell_list(user=coordinator, now=NOW)["awaiting"]
    assert [n.pk for n in awaiting] == [notice.pk] and awaiting[0].overdue

    version = notice.version
    saved = _record(notice, coordinator)

    assert (saved.acknowledged_at, saved.acknowledged_by_name) == (NOW - 2 * HOUR, CALLER)
    assert (saved.acknowledged_how, saved.acknowledged_note) == ("phone", "Rang our duty line.")
    assert saved.version == version + 1
    assert saved.changed_by == coordinator
    assert to_tell_list(user=coordinator, now=NOW)["awaiting"] == []
    assert notice not in list(notices_to_chase(now=NOW))
    entry = AuditEntry.objects.filter(object_id=str(notice.pk)).latest("sequence")
    assert entry.username == coordinator.username
    assert entry.details["acknowledged_by_name"] == {"before": "", "after": CALLER}
    assert entry.details["acknowledged_how"] == {"before": "", "after": "phone"}
    # The link stops working: it was acknowledged.
    with pytest.raises(links.LinkRefused, match="already been acknowledged"):
        notice_acknowledge(token=links.acknowledgement_token(notice), name="Another", now=NOW)


def test_an_already_acknowledged_notice_is_refused_in_words(notice, coordinator):
    notice_acknowledge(token=links.acknowledgement_token(notice), name="By Link", now=NOW - HOUR)

    with pytest.raises(ValidationError) as refused:
        _record(notice, coordinator)

    assert refused.value.messages == [
        "This notification was already acknowledged (3 Mar 2026 09:00, by By Link), so "
        "nothing was recorded."
    ]
    notice.refresh_from_db()
    assert (notice.acknowledged_by_name, notice.acknowledged_how) == ("By Link", "")


def test_a_change_since_the_form_was_read_is_refused(notice, coordinator):
    PlacingCouncilNotice.objects.filter(pk=notice.pk).update(version=notice.version + 1)

    with pytest.raises(ChangedByAnotherUser):
        _record(notice, coordinator)

    notice.refresh_from_db()
    assert notice.acknowledged_at is None


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"how": ""}, "how", "Choose how they acknowledged it"),
        ({"by_name": "  "}, "by_name", ACK_WHO_MISSING),
        ({"acknowledged_at": None}, "acknowledged_at", ACK_WHEN_MISSING),
        ({"acknowledged_at": NOW + HOUR}, "acknowledged_at", ACK_IN_FUTURE),
        (
            {"acknowledged_at": NOW - 31 * HOUR},
            "acknowledged_at",
            "cannot be before the notification was sent (2 Mar 2026 04:00)",
        ),
    ],
)
def test_what_is_missing_or_mistyped_is_said(notice, coordinator, given, field, message):
    with pytest.raises(ValidationError) as refused:
        _record(notice, coordinator, **given)

    assert message in refused.value.message_dict[field][0]
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def _url(notice):
    return reverse("notices:acknowledged-otherwise", kwargs={"pk": notice.pk})


def _form(notice, **given):
    return {
        "how": "email",
        "by_name": CALLER,
        "acknowledged_at_day": 3,
        "acknowledged_at_month": 3,
        "acknowledged_at_year": 2026,
        "acknowledged_at_time": "09:15",
        "note": "Replied from their duty inbox.",
        "version": notice.version,
    } | given


def test_a_coordinator_records_it_from_the_list(client, coordinator, notice, episode):
    client.force_login(coordinator)
    listed = client.get(reverse("notices:index")).content.decode()
    assert _url(notice) in listed
    assert "Record that they acknowledged it another way" in listed
    page = client.get(_url(notice)).content.decode()
    assert "Record that Kent acknowledged it another way" in page

    done = client.post(_url(notice), _form(notice), follow=True)

    text = done.content.decode()
    assert "Recorded that Kent acknowledged the missing notification (by email, " in text
    assert "It is no longer chased." in text
    assert "Not yet acknowledged (0)" in text
    notice.refresh_from_db()
    assert notice.acknowledged_how == "email"
    assert notice.acknowledged_at == NOW - 45 * MINUTE
    shown = client.get(reverse("episodes:edit", kwargs={"pk": episode.pk})).content.decode()
    assert f"3 Mar 2026, 09:15 by {CALLER} (by email, recorded by a coordinator)" in shown


def test_the_page_says_what_to_fix_and_records_nothing(client, coordinator, notice):
    client.force_login(coordinator)

    page = client.post(_url(notice), _form(notice, by_name="", acknowledged_at_time="11:00"))

    text = page.content.decode()
    assert ACK_WHO_MISSING in text
    assert ACK_IN_FUTURE in text
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_the_page_says_it_was_already_acknowledged(client, coordinator, notice):
    client.force_login(coordinator)
    form = _form(notice)
    notice_acknowledge(token=links.acknowledgement_token(notice), name="By Link", now=NOW - HOUR)

    page = client.post(_url(notice), form)

    assert "This notification was already acknowledged" in page.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_by_name == "By Link"


def test_someone_who_may_not_record_episodes_is_refused(client, notice):
    client.force_login(UserFactory(roles=[roles.ANALYST]))
    assert client.post(_url(notice), _form(notice)).status_code == 403
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_its_audit_entry_has_the_address_it_was_recorded_from(client, coordinator, notice):
    client.force_login(coordinator)
    client.post(_url(notice), _form(notice), REMOTE_ADDR="192.0.2.61")
    entry = AuditEntry.objects.filter(
        object_type="notices.placingcouncilnotice", object_id=str(notice.pk)
    ).latest("sequence")
    assert entry.details["acknowledged_how"]["after"] == "email"
    assert (entry.username, entry.ip) == (coordinator.username, "192.0.2.61")


def test_an_over_long_name_is_refused_whole_not_cut(client, coordinator, notice):
    long_name = "Made-up Duty Officer, " + "Kent Children's Services " * 8
    assert len(long_name) > ACKNOWLEDGER_LIMIT
    with pytest.raises(ValidationError) as refused:
        _record(notice, coordinator, by_name=long_name)
    assert refused.value.message_dict["by_name"] == [
        ACK_WHO_TOO_LONG.format(limit=ACKNOWLEDGER_LIMIT, length=len(long_name.strip()))
    ]
    client.force_login(coordinator)
    page = client.post(_url(notice), _form(notice, by_name=long_name)).content.decode()
    assert f"Shorten who acknowledged it to {ACKNOWLEDGER_LIMIT} characters" in page
    assert "Kent Children&#x27;s Services Kent" in page  # what they typed is kept, to shorten
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
