import pytest
from django.contrib.auth.models import AnonymousUser, Group

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_a_user_has_a_role_they_are_in():
    coordinator = UserFactory(roles=[roles.MISSING_COORDINATOR])
    assert roles.user_has_role(coordinator, roles.ADMINISTRATOR, roles.MISSING_COORDINATOR)


def test_a_user_does_not_have_a_role_they_are_not_in():
    analyst = UserFactory(roles=[roles.ANALYST])
    assert not roles.user_has_role(analyst, *roles.CASEWORK_ROLES)


def test_nobody_signed_out_or_switched_off_has_a_role():
    switched_off = UserFactory(roles=[roles.ADMINISTRATOR], is_active=False)
    assert not roles.user_has_role(switched_off, roles.ADMINISTRATOR)
    assert not roles.user_has_role(AnonymousUser(), roles.ADMINISTRATOR)
