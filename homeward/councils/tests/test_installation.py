import pytest
from django.core.exceptions import ImproperlyConfigured

from homeward.councils.installation import installation_council
from homeward.councils.models import Council

pytestmark = pytest.mark.django_db


def test_it_is_the_council_named_in_settings(settings):
    settings.HOMEWARD_COUNCIL = "931"
    assert installation_council().name == "Oxfordshire"


def test_it_is_read_once_and_then_kept(settings, django_assert_num_queries):
    settings.HOMEWARD_COUNCIL = "931"
    installation_council()
    with django_assert_num_queries(0):
        installation_council()


def test_a_changed_council_is_read_again(settings):
    settings.HOMEWARD_COUNCIL = "931"
    council = installation_council()
    Council.objects.filter(pk=council.pk).update(name="Renamed behind its back")
    Council.objects.get(pk=council.pk).save()
    assert installation_council().name == "Renamed behind its back"


def test_another_setting_gives_another_council(settings):
    settings.HOMEWARD_COUNCIL = "931"
    installation_council()
    settings.HOMEWARD_COUNCIL = "873"
    assert installation_council().code == "873"


def test_an_unknown_code_says_what_to_set(settings):
    settings.HOMEWARD_COUNCIL = "999"
    with pytest.raises(ImproperlyConfigured, match="DfE three-digit code"):
        installation_council()
