import factory

from homeward.councils.models import Council, Locality


def council(code: str = "931") -> Council:
    """A council from the shipped list (loaded by migration), by DfE code."""
    return Council.objects.get(code=code)


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ("council", "name")

    council = factory.LazyFunction(council)
    name = factory.Sequence(lambda n: f"Locality {n}")
    population_0_17 = 50_000
