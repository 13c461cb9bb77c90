import datetime as dt

import factory

from homeward.borders.models import ChildContact, CouncilContact, PlacedInEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council


class CouncilContactFactory(factory.django.DjangoModelFactory):
    """A made-up address in the directory (example domains only)."""

    class Meta:
        model = CouncilContact

    council = factory.LazyFunction(lambda: council("202"))
    purpose = "missing"
    email = factory.Sequence(lambda n: f"missing-{n}@camden.example.gov.uk")
    name = "Missing children team"


class ChildContactFactory(factory.django.DjangoModelFactory):
    """A placed-in child's made-up IRO."""

    class Meta:
        model = ChildContact

    child = factory.SubFactory(ChildFactory)
    role = "iro"
    email = factory.Sequence(lambda n: f"iro-{n}@camden.example.gov.uk")
    name = "Made-up IRO"


class PlacedInEntryFactory(factory.django.DjangoModelFactory):
    """A made-up home's notice on the register: placed here by Camden."""

    class Meta:
        model = PlacedInEntry

    council = factory.LazyFunction(council)
    child = None
    first_name = "Maisie"
    last_name = "Fictional"
    date_of_birth = dt.date(2006, 5, 17)
    placing_council = factory.LazyFunction(lambda: council("202"))
    legal_basis = "care_order"
    provider_name = "Made-up House"
    provider_urn = "SC000001"
    admitted_on = dt.date(2020, 1, 6)
    notified_on = dt.date(2020, 1, 7)
