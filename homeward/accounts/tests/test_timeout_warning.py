"""The timeout warning: on every signed-in page with its timings, and its button moves the
idle sign-out on."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.idle import KEY
from homeward.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STAY = reverse("accounts:stay-signed-in")


def dialog_of(html: str) -> str:
    found = re.search(r"<dialog [^>]*>", html)
    assert found, "no timeout warning on the page"
    return found.group(0)


def test_a_signed_in_page_carries_the_warning_with_its_timings(client, settings):
    settings.SESSION_COOKIE_AGE = 900
    settings.HOMEWARD_TIMEOUT_WARNING_SECONDS = 90
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    html = client.get(reverse("dashboard:home")).content.decode()
    dialog = dialog_of(html)
    assert 'data-seconds-left="900"' in dialog and 'data-warn-seconds="90"' in dialog
    assert 'aria-labelledby="timeout-warning-heading"' in dialog
    assert "Stay signed in" in html and "homeward/timeout-warning.js" in html
    assert "<script>" not in html.split("</header>")[1]  # no inline script: the CSP forbids it


def test_a_signed_out_page_has_no_warning(client):
    assert "<dialog" not in client.get(reverse("accounts:sign-in")).content.decode()


def test_staying_signed_in_moves_the_sign_out_on(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    session = client.session
    session[KEY] = 1  # last used long ago
    session.save()
    before = Session.objects.get().expire_date
    response = client.post(STAY)
    assert response.json()["signed_in"] is True
    assert client.session[KEY] > 1
    assert Session.objects.get().expire_date > before
    assert client.get(STAY).status_code == 405  # a link or a prefetch cannot do it


def test_staying_signed_in_after_the_session_ended_says_so(client):
    assert client.post(STAY).status_code == 401
