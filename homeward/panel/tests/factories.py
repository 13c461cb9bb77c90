"""Made-up panel meetings, discussions and actions."""

import datetime as dt

import factory

from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting


class PanelMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMeeting

    council = factory.LazyFunction(council)
    local_id = factory.Sequence(lambda n: f"PM{n:06d}")
    held_on = dt.date(2020, 5, 5)
    chair = "Made-up Chair"
    agencies = "Police, health, education, youth justice"


class PanelDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelDiscussion

    meeting = factory.SubFactory(PanelMeetingFactory)
    council = factory.SelfAttribute("meeting.council")
    local_id = factory.Sequence(lambda n: f"PD{n:06d}")
    child = factory.SubFactory(ChildFactory)
    reason = "Missing three times in a month; seen with older made-up adults."
    risk = "high"
    summary = "Made-up discussion: agencies to share what they know."
    next_review_on = dt.date(2020, 6, 2)


class PanelActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelAction

    discussion = factory.SubFactory(PanelDiscussionFactory)
    council = factory.SelfAttribute("discussion.council")
    local_id = factory.Sequence(lambda n: f"PA{n:06d}")
    description = "Made-up action: ask the school about attendance."
    owner = "Made-up Officer, education"
    due_on = dt.date(2020, 5, 20)
