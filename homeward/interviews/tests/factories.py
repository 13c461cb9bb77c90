import datetime as dt

import factory

from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import InterviewClosure, ReturnInterview


class ReturnInterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnInterview

    council = factory.SelfAttribute("episode.council")
    local_id = factory.Sequence(lambda n: f"I{n:06d}")
    episode = factory.SubFactory(EpisodeFactory)
    offered_at = factory.LazyAttribute(lambda o: o.episode.returned_at + dt.timedelta(hours=4))
    outcome = "completed"
    completed_at = factory.LazyAttribute(lambda o: o.episode.returned_at + dt.timedelta(hours=30))
    conducted_by = "Made-up RHI worker"


class InterviewClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewClosure

    episode = factory.SubFactory(EpisodeFactory)
    reason = "Made-up reason: another council's team is interviewing"
