import factory

from homeward.borders.models import ChildContact, CouncilContact
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
