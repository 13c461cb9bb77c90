import datetime as dt
from zoneinfo import ZoneInfo

import factory

from homeward.children.tests.factories import ChildFactory
from homeward.episodes.models import Episode

LONDON = ZoneInfo("Europe/London")


class EpisodeFactory(factory.django.DjangoModelFactory):
    """A made-up missing episode: last seen one evening, back the next morning."""

    class Meta:
        model = Episode

    council = factory.SelfAttribute("child.council")
    local_id = factory.Sequence(lambda n: f"E{n:06d}")
    child = factory.SubFactory(ChildFactory)
    category = "missing"
    last_seen_at = dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON)
    reported_at = factory.LazyAttribute(lambda o: o.last_seen_at + dt.timedelta(hours=2))
    returned_at = factory.LazyAttribute(lambda o: o.last_seen_at + dt.timedelta(hours=15))
    risk = "medium"
    missing_from = "home"
    legal_status = "child_in_need"
