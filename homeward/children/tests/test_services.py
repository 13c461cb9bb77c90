import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.children.models import Child
from homeward.children.services import child_create, placement_record
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council

pytestmark = pytest.mark.django_db


def test_it_creates_a_child_responsible_to_its_own_council_by_default():
    child = child_create(
        council=council(),
        first_name=" Made ",
        last_name="Up",
        date_of_birth=dt.date(2008, 1, 2),
        sex="female",
    )
    assert child.responsible_la == council() and child.first_name == "Made"
    assert not child.is_placed_in


def test_it_refuses_a_birth_in_the_future_an_unknown_sex_and_ethnicity():
    with pytest.raises(ValidationError) as caught:
        child_create(
            council=council(),
            first_name="Made",
            last_name="Up",
            date_of_birth=dt.date.today() + dt.timedelta(days=1),
            sex="F",
            ethnicity="XXXX",
        )
    assert set(caught.value.message_dict) == {"date_of_birth", "sex", "ethnicity"}
    assert not Child.objects.exists()


def test_it_refuses_a_placement_that_ends_before_it_starts():
    with pytest.raises(ValidationError) as caught:
        placement_record(
            child=ChildFactory(),
            start_date=dt.date(2020, 5, 1),
            end_date=dt.date(2020, 4, 1),
            placement_type="foster",
        )
    assert "ends" in caught.value.message_dict["end_date"][0]
