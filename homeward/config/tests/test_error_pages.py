"""A missing page and a server fault answer in words, not Django's bare defaults."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from homeward.accounts import roles
from homeward.accounts.tests.people import staff


@pytest.mark.django_db
def test_a_record_the_person_may_not_see_is_a_page_not_found_in_words(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    response = client.get(reverse("children:detail", args=[999999]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Go to the home page" in html
    assert 'class="govuk-skip-link"' in html  # the site's own page, with its navigation


def test_a_server_fault_says_nothing_was_saved_and_what_to_do():
    html = server_error(RequestFactory().get("/")).content.decode()
    assert "Sorry, there is a problem with the service" in html  # GOV.UK's words
    assert "Nothing you were saving when this happened was saved" in html
    assert "tell your Homeward administrator" in html
    assert "govuk-frontend.min.css" in html  # styled like the rest of the site


@pytest.mark.django_db
def test_a_page_the_access_rule_refuses_is_the_sites_own_page_in_words(client):
    client.force_login(staff(roles.ANALYST))
    response = client.get(reverse("episodes:missing-now"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in html
    assert "ask your Homeward administrator" in html
    assert 'class="govuk-skip-link"' in html


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_says_nothing_was_saved_and_what_to_do():
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff(roles.MISSING_COORDINATOR))
    response = client.post(reverse("accounts:sign-out"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form could not be sent" in html
    assert "nothing was saved" in html and "reload the page" in html
    assert 'class="govuk-skip-link"' in html
