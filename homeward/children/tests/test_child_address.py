"""A child's other names, postcode and address, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homeward.children.rules import normalise_postcode
from homeward.children.services import child_create, child_update
from homeward.councils.tests.factories import council

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ox41ab", "OX4 1AB"), (" OX4 1AB ", "OX4 1AB"), ("sw1a 2aa", "SW1A 2AA"), ("ox4", "OX4")]
    + [("", ""), ("Oxford", None), ("12345", None)],
)
def test_postcodes_are_stored_as_royal_mail_writes_them(typed, stored):
    assert normalise_postcode(typed) == stored


def test_a_child_is_recorded_and_corrected_with_them():
    child = child_create(
        council=council(),
        first_name="Madeup",
        last_name="Child",
        date_of_birth=dt.date(2012, 1, 5),
        sex="female",
        other_names=" Jo ",
        postcode="ox4 1ab",
        address=" 12 Mill Lane ",
    )
    assert (child.other_names, child.postcode, child.address) == ("Jo", "OX4 1AB", "12 Mill Lane")
    child = child_update(child=child, expected_version=child.version, postcode="ox26 2xy")
    assert child.postcode == "OX26 2XY"


def test_a_postcode_that_is_not_one_is_refused_with_a_sentence():
    with pytest.raises(ValidationError) as refused:
        child_create(
            council=council(),
            first_name="Madeup",
            last_name="Child",
            date_of_birth=dt.date(2012, 1, 5),
            sex="female",
            postcode="Oxford",
        )
    assert refused.value.message_dict == {
        "postcode": [
            "'Oxford' is not a UK postcode. Write it as the Royal Mail does, for example "
            "OX4 1AB (or only its first half, OX4, when that is all that is known), or leave "
            "it empty."
        ]
    }
