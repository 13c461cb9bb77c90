"""Nothing typed is lost: an interview form posted after the session ended comes back filled
in once the same person signs in again, and for nobody else."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.audit.models import AuditEntry
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import ReturnInterview
from homeward.web.kept import KEPT_SHOWN, SIGNED_IN_AS

LONDON = ZoneInfo("Europe/London")
SIGN_IN = reverse("accounts:sign-in")
TYPED = {
    "outcome": "completed",
    "completed_at_day": 3,
    "completed_at_month": 3,
    "completed_at_year": 2020,
    "completed_at_time": "10:15",
    "conducted_by": "Made-up Worker Zoë",
    "findings": "Made-up findings typed before the sign-out",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode():
    return EpisodeFactory(
        last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON),
        returned_at=dt.datetime(2020, 3, 3, 9, 0, tzinfo=LONDON),
    )


def coordinator(username: str):
    return UserFactory(username=username, roles=[roles.MISSING_COORDINATOR])


def signed_in(client, user) -> None:
    response = client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the made-up person could not sign in"


def session_ends() -> None:
    """The idle limit passes: the session is gone from the server, its cookie still sent."""
    Session.objects.all().delete()


def post_after_the_session_ended(client, user, url, **extra):
    signed_in(client, user)
    page = client.get(url)
    assert SIGNED_IN_AS in client.cookies
    session_ends()
    token = page.context["csrf_token"] if page.context else ""
    response = client.post(url, TYPED | {"csrfmiddlewaretoken": str(token)}, **extra)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    assert not ReturnInterview.objects.exists()  # nothing is saved while signed out
    return response


def test_the_same_person_signing_in_again_sees_what_they_typed(client, episode):
    url = reverse("interviews:record", args=[episode.pk])
    user = coordinator("made-up-coordinator")
    post_after_the_session_ended(client, user, url)
    signed_in(client, user)
    html = client.get(url).content.decode()
    assert KEPT_SHOWN in html
    assert 'value="Made-up Worker Zoë"' in html
    assert "Made-up findings typed before the sign-out" in html
    assert 'value="completed" checked' in html
    assert not ReturnInterview.objects.exists()  # still nothing saved until they save
    # Shown once: the next visit is the empty form.
    assert "Made-up findings typed" not in client.get(url).content.decode()
    # What was typed is never in the audit log.
    assert not any("Made-up findings" in str(e.details) for e in AuditEntry.objects.all())


def test_someone_else_signing_in_sees_an_empty_form(client, episode):
    url = reverse("interviews:record", args=[episode.pk])
    post_after_the_session_ended(client, coordinator("made-up-first"), url)
    signed_in(client, coordinator("made-up-second"))
    html = client.get(url).content.decode()
    assert KEPT_SHOWN not in html and "Made-up findings typed" not in html


def test_a_stale_csrf_token_after_the_session_ended_still_keeps_what_was_typed(episode):
    """Signing in again in another tab renews the token: the old form's is no longer good."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("interviews:record", args=[episode.pk])
    user = coordinator("made-up-coordinator")
    page_url = f"http://testserver{url}"
    signed_in_with_token(client, user)
    client.get(url)
    session_ends()
    client.cookies["csrftoken"] = "x" * 32  # not the token the page carried
    response = client.post(url, TYPED | {"csrfmiddlewaretoken": "y" * 32}, HTTP_REFERER=page_url)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)
    signed_in_with_token(client, user)
    assert "Made-up findings typed" in client.get(url).content.decode()


def test_a_stale_token_from_another_site_or_while_signed_in_is_refused(episode):
    client = Client(enforce_csrf_checks=True)
    url = reverse("interviews:record", args=[episode.pk])
    user = coordinator("made-up-coordinator")
    signed_in_with_token(client, user)
    # Signed in: a bad token is refused as ever, and nothing is kept.
    refused = client.post(url, TYPED | {"csrfmiddlewaretoken": "y" * 32})
    assert refused.status_code == 403
    session_ends()
    elsewhere = client.post(
        url, TYPED | {"csrfmiddlewaretoken": "y" * 32}, HTTP_ORIGIN="https://made-up.example"
    )
    assert elsewhere.status_code == 403
    signed_in_with_token(client, user)
    assert "Made-up findings typed" not in client.get(url).content.decode()


def signed_in_with_token(client, user) -> None:
    page = client.get(SIGN_IN)
    token = page.context["csrf_token"]
    response = client.post(
        SIGN_IN, {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, "the made-up person could not sign in"


def test_signing_out_forgets_who_was_signed_in(client):
    signed_in(client, coordinator("made-up-coordinator"))
    client.get(reverse("interviews:due"))
    assert client.cookies[SIGNED_IN_AS].value
    client.post(reverse("accounts:sign-out"))
    assert not client.cookies[SIGNED_IN_AS].value
