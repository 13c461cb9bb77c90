"""The pages: Your alerts (everyone), Emails sent (coordinators and administrators), the
demo's caught mail (administrators, in the demo only); each for every role that matters."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from homeward.access.rules import NO_EMAILS_SENT
from homeward.accounts import roles
from homeward.alerts.models import AlertPreference, Email, EmailStatus
from homeward.alerts.outbox import email_queue
from homeward.alerts.preferences import NO_ALERTS_FOR_ROLE, alert_choices_for
from homeward.alerts.tests.conftest import NOW, person
from homeward.alerts.views import SAVED, SAVED_NONE
from homeward.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(frozen):
    return frozen


def page(client, user, name, *args, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, args=args), **kwargs)


# Your alerts.


@pytest.mark.parametrize(
    ("role", "ticked"),
    [
        (roles.MISSING_COORDINATOR, {"digest", "high_risk", "interview_breach"}),
        (roles.PRACTITIONER, {"digest", "high_risk", "interview_breach"}),
        (roles.EXPLOITATION_LEAD, {"digest", "high_risk"}),
        (roles.POLICE_LIAISON, {"high_risk"}),
        (roles.ADMINISTRATOR, set()),
    ],
)
def test_each_role_starts_with_its_defaults_ticked(client, role, ticked):
    user = person(role, "someone")
    html = page(client, user, "alerts:preferences").content.decode()
    shown = {
        kind for kind in ("digest", "high_risk", "interview_breach") if f'value="{kind}"' in html
    }
    assert shown == {"digest", "high_risk", "interview_breach"}
    checked = {kind for kind in shown if f'value="{kind}" checked' in html}
    assert checked == ticked
    assert "the emails ticked below are your role's defaults" in unescape(html)


def test_a_person_saves_their_choices_and_it_is_audited(client):
    user = person(roles.PRACTITIONER, "pat")
    client.force_login(user)

    response = client.post(reverse("alerts:preferences"), {"alerts": ["digest"]}, follow=True)

    assert SAVED in response.content.decode()
    choices = alert_choices_for(user)
    assert (choices.digest, choices.high_risk, choices.interview_breach) == (True, False, False)
    entry = AuditEntry.objects.filter(action=Action.CHANGE, user=user).latest("sequence")
    assert entry.object_type == "alerts.alertpreference"
    assert 'value="digest" checked' in response.content.decode()


def test_choosing_nothing_is_a_choice_and_says_so(client):
    user = person(roles.MISSING_COORDINATOR, "cat")
    client.force_login(user)
    response = client.post(reverse("alerts:preferences"), {}, follow=True)
    assert SAVED_NONE in response.content.decode()
    assert not alert_choices_for(user).wants("digest")


def test_a_choice_that_is_not_offered_is_refused_and_nothing_saved(client):
    user = person(roles.MISSING_COORDINATOR, "cat")
    client.force_login(user)
    response = client.post(reverse("alerts:preferences"), {"alerts": ["everything"]})
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    assert not AlertPreference.objects.exists()


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_a_role_without_childrens_records_is_told_it_gets_no_alerts_and_cannot_choose(client, role):
    user = person(role, "ana")
    html = unescape(page(client, user, "alerts:preferences").content.decode())
    assert "Homeward sends you no alerts" in html
    assert NO_ALERTS_FOR_ROLE.split(",")[0] in html
    client.post(reverse("alerts:preferences"), {"alerts": ["digest"]})
    assert not AlertPreference.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("alerts:preferences"))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_a_person_without_an_address_is_told_nothing_can_reach_them(client):
    user = person(roles.MISSING_COORDINATOR, "cat")
    user.email = ""
    user.save()
    html = page(client, user, "alerts:preferences").content.decode()
    assert "has no email address" in html


# Emails sent.


@pytest.fixture
def failed():
    email, _ = email_queue(
        key="made-up:1",
        to="placing@made-up-council.test",
        subject="A made-up notification",
        body="Made-up body",
        purpose="made-up",
    )
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED,
        attempts=6,
        next_attempt_at=None,
        last_error="The mail server refused the email: 550 Mailbox unavailable.",
    )
    return email


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.ADMINISTRATOR, 200),
        (roles.MISSING_COORDINATOR, 200),
        (roles.PRACTITIONER, 403),
        (roles.EXPLOITATION_LEAD, 403),
        (roles.POLICE_LIAISON, 403),
        (roles.ANALYST, 403),
        (roles.SCRUTINY, 403),
    ],
)
def test_emails_sent_is_for_coordinators_and_administrators(client, failed, role, status):
    response = page(client, person(role, "someone"), "alerts:emails")
    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "placing@made-up-council.test" in html
        assert "550 Mailbox unavailable" in html
        assert "no more tries unless retried" in html
        assert "Emails sent</a>" in html  # the account bar offers it
    else:
        assert NO_EMAILS_SENT.split(".")[0] in html
        assert "placing@made-up-council.test" not in html


def test_the_account_bar_offers_emails_sent_only_to_those_who_may_open_it(client):
    html = page(client, person(roles.PRACTITIONER, "pat"), "alerts:preferences").content.decode()
    assert "Your alerts</a>" in html
    assert "Emails sent</a>" not in html


def test_emails_sent_filters_by_status(client, failed):
    email_queue(
        key="made-up:2", to="x@made-up-council.test", subject="Queued one", body="b", purpose="p"
    )
    user = person(roles.MISSING_COORDINATOR, "cat")
    html = page(client, user, "alerts:emails", data={"status": "failed"}).content.decode()
    assert "A made-up notification" in html and "Queued one" not in html


def test_retry_now_makes_a_failed_email_due_and_is_audited(client, failed):
    user = person(roles.MISSING_COORDINATOR, "cat")
    client.force_login(user)
    later = NOW + dt.timedelta(hours=1)

    response = client.post(reverse("alerts:retry", args=[failed.pk]), follow=True)

    failed.refresh_from_db()
    assert failed.next_attempt_at == NOW
    assert "will be tried again by the next run of send-alerts" in response.content.decode()
    entry = AuditEntry.objects.filter(action=Action.CHANGE, object_type="alerts.email").get()
    assert entry.user == user and "next_attempt_at" in entry.details
    assert later > failed.next_attempt_at


def test_retrying_an_email_that_is_not_failed_is_refused_in_words(client, failed):
    Email.objects.filter(pk=failed.pk).update(
        status=EmailStatus.SENT, sent_at=NOW, next_attempt_at=None
    )
    client.force_login(person(roles.ADMINISTRATOR, "admin"))
    response = client.post(reverse("alerts:retry", args=[failed.pk]), follow=True)
    assert f"Email {failed.pk} is sent, not failed" in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="alerts.email").exists()


def test_a_practitioner_cannot_retry(client, failed):
    client.force_login(person(roles.PRACTITIONER, "pat"))
    response = client.post(reverse("alerts:retry", args=[failed.pk]))
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.next_attempt_at is None


def test_retry_is_post_only(client, failed):
    response = page(client, person(roles.ADMINISTRATOR, "admin"), "alerts:retry", failed.pk)
    assert response.status_code == 405


# The demo's caught mail.


@pytest.fixture
def caught(settings, tmp_path):
    settings.HOMEWARD_MAIL_CATCHER_DIR = str(tmp_path)
    (tmp_path / "20260302T093000000000-0001.eml").write_bytes(
        b"X-Envelope-To: a@made-up-county.example\r\nFrom: homeward@localhost\r\n"
        b"To: a@made-up-county.example\r\nSubject: Made-up caught subject\r\n"
        b"Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n\r\nMade-up caught body.\r\n"
    )
    return tmp_path


def test_the_demo_mail_page_shows_an_administrator_the_caught_emails(client, caught):
    admin = person(roles.ADMINISTRATOR, "admin")
    html = page(client, admin, "alerts:demo-mail").content.decode()
    assert "Made-up caught subject" in html
    message = page(client, admin, "alerts:demo-mail-message", "20260302T093000000000-0001.eml")
    assert "Made-up caught body." in message.content.decode()


@pytest.mark.parametrize("role", [roles.MISSING_COORDINATOR, roles.PRACTITIONER, roles.ANALYST])
def test_the_demo_mail_page_refuses_anyone_but_an_administrator(client, caught, role):
    assert page(client, person(role, "someone"), "alerts:demo-mail").status_code == 403


def test_the_demo_mail_page_does_not_exist_outside_the_demo(client, settings):
    settings.HOMEWARD_MAIL_CATCHER_DIR = ""
    assert page(client, person(roles.ADMINISTRATOR, "admin"), "alerts:demo-mail").status_code == 404


@pytest.mark.parametrize("name", ["..%2Fsecret.eml", "missing.eml", "notes.txt"])
def test_a_demo_mail_name_outside_the_folder_or_not_caught_is_not_found(client, caught, name):
    (caught.parent / "secret.eml").write_bytes(b"Subject: not for the page\r\n\r\nsecret")
    client.force_login(person(roles.ADMINISTRATOR, "admin"))
    response = client.get(f"/demo/mail/{name}/")
    assert response.status_code == 404


def test_emails_sent_shows_only_the_councils_own_emails(client, failed):
    # Nobody sees a record of another council: its notices' recipients, its people's digests.
    from homeward.accounts.tests.people import staff
    from homeward.councils.tests.factories import council

    ours, _ = email_queue(
        key="made-up:ours", to="kent@made-up-council.test", subject="Our notice", body="b",
        purpose="p", council=council("931"),
    )  # fmt: skip
    theirs, _ = email_queue(
        key="made-up:theirs", to="lambeth@made-up-council.test", subject="Their notice",
        body="b", purpose="p", council=council("202"),
    )  # fmt: skip
    camden = staff(roles.MISSING_COORDINATOR, council=council("202"), username="camden")
    email_queue(
        key="made-up:digest", to="camden@made-up-council.test", subject="Their digest",
        body="b", purpose="digest", recipient=camden,
    )  # fmt: skip
    client.force_login(person(roles.MISSING_COORDINATOR, "cat"))
    html = client.get(reverse("alerts:emails")).content.decode()
    assert "Our notice" in html and "A made-up notification" in html
    assert "Their notice" not in html and "Their digest" not in html

    client.force_login(camden)
    html = client.get(reverse("alerts:emails")).content.decode()
    assert "Their notice" in html and "Their digest" in html
    assert "Our notice" not in html and "A made-up notification" not in html
    assert client.post(reverse("alerts:retry", args=[failed.pk])).status_code == 404
