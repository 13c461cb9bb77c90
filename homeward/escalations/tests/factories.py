"""Made-up escalations."""

import datetime as dt

import factory

from homeward.episodes.tests.factories import EpisodeFactory
from homeward.escalations.models import Escalation, EscalationKind


class EscalationFactory(factory.django.DjangoModelFactory):
    """An open strategy discussion raised for the child's episode (its trigger)."""

    class Meta:
        model = Escalation
        # The post-generation hook adds to a many-to-many: no second save is needed.
        skip_postgeneration_save = True

    trigger = factory.SubFactory(EpisodeFactory)
    child = factory.SelfAttribute("trigger.child")
    council = factory.SelfAttribute("child.council")
    local_id = factory.Sequence(lambda n: f"ES{n:06d}")
    rule = "repeat_missing"
    kind = EscalationKind.STRATEGY_DISCUSSION
    raised_at = dt.datetime(2020, 5, 17, 9, 0, tzinfo=dt.UTC)
    due_on = dt.date(2020, 5, 19)

    @factory.post_generation
    def why(self, create, extracted, **kwargs):
        if create:
            self.episodes.add(self.trigger)
