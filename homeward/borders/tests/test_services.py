import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import AuditEntry
from homeward.borders.models import CouncilContact
from homeward.borders.rules import BAD_EMAIL, BAD_PURPOSE
from homeward.borders.services import (
    ALREADY_LISTED,
    child_contact_add,
    council_contact_add,
    council_contact_change,
    council_contact_remove,
)
from homeward.children.tests.factories import ChildFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.tests.factories import council

pytestmark = pytest.mark.django_db


def test_an_address_is_added_lower_case_and_audited():
    admin = UserFactory()
    contact = council_contact_add(
        council=council("202"), purpose="missing", email=" Missing@Camden.Example.gov.uk ", by=admin
    )
    assert contact.email == "missing@camden.example.gov.uk"
    assert contact.created_by == admin
    entry = AuditEntry.objects.filter(object_id=str(contact.pk)).get()
    assert entry.details["email"]["after"] == "missing@camden.example.gov.uk"


def test_the_same_address_twice_for_one_purpose_is_refused_in_words():
    council_contact_add(council=council("202"), purpose="missing", email="m@camden.example.gov.uk")
    with pytest.raises(ValidationError) as refused:
        council_contact_add(
            council=council("202"), purpose="missing", email="M@camden.example.gov.uk"
        )
    assert refused.value.message_dict["email"] == [
        ALREADY_LISTED.format(council="Camden", purpose="missing children notifications")
    ]


def test_the_database_refuses_a_duplicate_even_past_the_service():
    CouncilContact.objects.create(council=council("202"), purpose="iro", email="a@b.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilContact.objects.create(council=council("202"), purpose="iro", email="a@b.example")


def test_the_database_refuses_an_unknown_purpose():
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilContact.objects.create(council=council("202"), purpose="fax", email="a@b.example")


def test_a_bad_email_and_purpose_are_each_named():
    with pytest.raises(ValidationError) as refused:
        council_contact_add(council=council("202"), purpose="fax", email="not an address")
    assert refused.value.message_dict == {
        "email": [BAD_EMAIL.format(value="not an address")],
        "purpose": [BAD_PURPOSE.format(value="fax")],
    }


def test_a_change_made_since_the_form_was_read_is_not_overwritten():
    contact = council_contact_add(council=council("202"), purpose="missing", email="a@b.example")
    council_contact_change(contact=contact, expected_version=1, changes={"name": "Duty team"})
    with pytest.raises(ChangedByAnotherUser):
        council_contact_change(contact=contact, expected_version=1, changes={"name": "Other"})
    contact.refresh_from_db()
    assert contact.name == "Duty team"


def test_removing_an_address_is_audited_with_what_it_was():
    contact = council_contact_add(council=council("202"), purpose="missing", email="a@b.example")
    pk = contact.pk
    council_contact_remove(contact=contact, by=UserFactory())
    assert not CouncilContact.objects.filter(pk=pk).exists()
    removed = AuditEntry.objects.filter(object_id=str(pk)).last()
    assert removed.details["removed"]["email"] == "a@b.example"


def test_a_childs_iro_is_recorded():
    child = ChildFactory(responsible_la=council("202"))
    contact = child_contact_add(
        child=child, role="iro", email="Jo@Camden.example.gov.uk", name="Jo"
    )
    assert (contact.email, contact.name) == ("jo@camden.example.gov.uk", "Jo")
