import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
HOME = reverse("dashboard:home")


def test_the_sign_in_page_labels_every_field(client):
    page = client.get(SIGN_IN).content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page


def test_it_signs_in_with_the_right_password(client):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    response = client.post(SIGN_IN, {"username": "made-up-coordinator", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).wsgi_request.user.username == "made-up-coordinator"


def test_it_refuses_a_wrong_password(client):
    UserFactory(username="made-up-coordinator")
    response = client.post(SIGN_IN, {"username": "made-up-coordinator", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_it_signs_out_by_post(client):
    client.force_login(UserFactory())
    response = client.post(SIGN_OUT)
    assert response.url == SIGN_IN
    assert client.get(HOME).status_code == 302


def test_a_link_cannot_sign_anyone_out(client):
    client.force_login(UserFactory())
    assert client.get(SIGN_OUT).status_code == 405
