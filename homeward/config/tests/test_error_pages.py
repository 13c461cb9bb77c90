"""A missing page and a server fault answer in words, not Django's bare defaults."""

import pytest
from django.test import RequestFactory
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
    assert "nothing you were saving was saved" in html
    assert "tell your Homeward administrator" in html
