import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.panel.demo import meeting_days
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 7, 17, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def county(settings):
    """Made-up children missing again and again through the months before today."""
    settings.HOMEWARD_DEMO = True
    for n in range(8):
        child = ChildFactory(local_id=f"DEMO-C{n}")
        for days in range(5 + n, 240, 21):
            seen = NOW - dt.timedelta(days=days)
            EpisodeFactory(child=child, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=6))


def panel_state():
    return (
        list(PanelMeeting.objects.order_by("held_on").values_list("held_on", "agencies")),
        list(PanelDiscussion.objects.order_by("local_id").values_list("local_id", "risk")),
        list(PanelAction.objects.order_by("local_id").values_list("local_id", "completed_on")),
    )


def test_meetings_are_the_first_tuesday_of_each_month():
    days = meeting_days(TODAY)
    assert days[0] == dt.date(2020, 1, 7) and days[-1] == dt.date(2020, 8, 4)
    assert all(day.weekday() == 1 and day.day <= 7 for day in days)


def test_it_makes_a_panel_with_done_open_and_overdue_actions(county):
    call_command("demo-panel", "--seed", "7")
    assert PanelMeeting.objects.count() == 8
    upcoming = PanelMeeting.objects.get(held_on__gt=TODAY)
    assert not upcoming.discussions.exists()
    assert PanelDiscussion.objects.count() >= 7 * 3
    actions = PanelAction.objects.all()
    assert actions.filter(completed_on__isnull=False).exists()
    assert actions.filter(completed_on__isnull=True, due_on__lt=TODAY).exists()
    assert actions.filter(completed_on__isnull=True, due_on__gte=TODAY).exists()
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert entry.details["meetings"] == 8


def test_the_same_seed_makes_the_same_panel_and_runs_again(county):
    call_command("demo-panel", "--seed", "7")
    first = panel_state()
    call_command("demo-panel", "--seed", "7")
    assert panel_state() == first
    call_command("demo-panel", "--seed", "8")
    assert panel_state() != first


def test_it_refuses_outside_a_demo(settings):
    settings.HOMEWARD_DEMO = False
    with pytest.raises(CommandError, match="not a demonstration"):
        call_command("demo-panel")
    assert not PanelMeeting.objects.exists()


def test_long_after_the_demo_papers_year_its_months_have_meetings_too():
    days = meeting_days(dt.date(2026, 12, 1))
    assert days[0] == dt.date(2019, 10, 1) and dt.date(2020, 12, 1) in days
    assert days[-8:] == meeting_days(dt.date(2026, 12, 1))[-8:]
    assert days[-1] == dt.date(2027, 1, 5)
    assert len(days) == 15 + 8
