import datetime as dt

import factory

from homeward.children.models import Child, Placement
from homeward.councils.tests.factories import council


class ChildFactory(factory.django.DjangoModelFactory):
    """A made-up child."""

    class Meta:
        model = Child

    council = factory.LazyFunction(council)
    local_id = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Iterator(["Alfie", "Maisie", "Tyler", "Keira", "Jayden", "Ruby"])
    last_name = factory.Iterator(["Testwell", "Madeup", "Fictional", "Notreal", "Sample"])
    date_of_birth = dt.date(2006, 5, 17)
    sex = "male"
    ethnicity = "WBRI"
    responsible_la = factory.SelfAttribute("council")


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    council = factory.SelfAttribute("child.council")
    local_id = factory.Sequence(lambda n: f"P{n:06d}")
    child = factory.SubFactory(ChildFactory)
    start_date = dt.date(2019, 1, 1)
    placement_type = "childrens_home"
    placing_la = factory.SelfAttribute("child.responsible_la")
    host_la = factory.SelfAttribute("council")
