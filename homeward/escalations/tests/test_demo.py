import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.escalations.demo import OPEN_LEFT
from homeward.escalations.models import Escalation
from homeward.escalations.tests.helpers import NOW, episodes_ago

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def county(settings):
    """Made-up children missing at high risk week after week, and two going missing often."""
    settings.HOMEWARD_DEMO = True
    for n in range(10):
        episodes_ago(ChildFactory(local_id=f"DEMO-H{n}"), 5 * n + 1, risk="high")
    for n in range(2):
        episodes_ago(ChildFactory(local_id=f"DEMO-R{n}"), 40, 33, 26, 3 + n)


def test_the_demo_has_escalations_open_and_closed_with_outcomes(county):
    coordinator = staff(roles.MISSING_COORDINATOR)
    lead = staff(roles.EXPLOITATION_LEAD)
    call_command("demo-escalations", "--seed", "5")
    still_open = Escalation.objects.filter(closed_at__isnull=True)
    closed = Escalation.objects.filter(closed_at__isnull=False)
    assert 0 < still_open.count() <= OPEN_LEFT + 3  # a handful, however many were raised
    assert closed.exists() and not closed.filter(outcome_notes="").exists()
    assert {e.owner for e in still_open} <= {coordinator, lead}
    assert not still_open.filter(owner__isnull=True).exists()
    # Some raised in past weeks, and so overdue now.
    assert still_open.filter(due_on__lt=NOW.date() - dt.timedelta(days=1)).exists()
    assert AuditEntry.objects.filter(action=Action.IMPORT, label="demo escalations").exists()


def test_running_it_again_gives_the_same_escalations(county):
    call_command("demo-escalations", "--seed", "5")
    first = sorted(Escalation.objects.values_list("child__local_id", "rule", "outcome"))
    call_command("demo-escalations", "--seed", "5")
    assert sorted(Escalation.objects.values_list("child__local_id", "rule", "outcome")) == first


def test_it_refuses_outside_a_demo(settings):
    settings.HOMEWARD_DEMO = False
    with pytest.raises(CommandError, match="not a demonstration"):
        call_command("demo-escalations")
