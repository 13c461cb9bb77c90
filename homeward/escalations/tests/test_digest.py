"""The escalations' section of the morning digest, and the sweep as an alert source."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.escalations.digest import TITLE, escalations_section
from homeward.escalations.models import Escalation
from homeward.escalations.services import escalation_update, escalations_raise_due
from homeward.escalations.tests.helpers import NOW, episodes_ago

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def raised():
    """Ruby's strategy discussion, due 19 May; Alfie's screening, due 24 May."""
    ruby = ChildFactory(first_name="Ruby", last_name="Sample")
    alfie = ChildFactory(first_name="Alfie", last_name="Testwell")
    episodes_ago(ruby, 20, 10, 1)
    episodes_ago(alfie, 2, risk="high")
    escalations_raise_due(NOW)
    return ruby, alfie


def test_the_sweep_and_the_section_are_registered():
    assert "homeward.escalations.services.escalations_raise_due" in settings.HOMEWARD_ALERT_SOURCES
    assert "homeward.escalations.digest.escalations_section" in settings.HOMEWARD_DIGEST_SECTIONS
    assert import_string("homeward.escalations.digest.escalations_section") is escalations_section


def test_the_section_counts_due_and_overdue_without_naming_children(raised):
    coordinator = staff(roles.MISSING_COORDINATOR)
    ruby = Escalation.objects.get(child=raised[0])
    escalation_update(escalation=ruby, expected_version=ruby.version, owner=coordinator)
    later = NOW + dt.timedelta(days=3)  # Ruby's overdue, Alfie's due in 4 days
    section = escalations_section(coordinator, later)
    assert section.title == TITLE and section.count == 2
    assert section.lines == ["1 overdue", "1 due within 7 days", "1 of them yours"]
    assert section.link.endswith("/escalations/?showing=overdue")
    text = " ".join(section.lines)
    assert "Ruby" not in text and "Alfie" not in text


def test_the_section_counts_only_what_the_person_may_see(raised, settings):
    settings.HOMEWARD_ACCESS = {"practitioner": {"escalations": True}}
    worker = staff(roles.PRACTITIONER)
    assert escalations_section(worker, NOW) is None
    child_allocate(child=raised[1], worker=worker, allocated_on=dt.date(2020, 1, 1))
    assert escalations_section(worker, NOW).count == 1


def test_no_section_for_a_role_without_escalations_or_when_nothing_is_due(raised):
    assert escalations_section(staff(roles.ANALYST), NOW) is None
    # Every one due in 30 days: nothing is due within 7.
    lead = staff(roles.EXPLOITATION_LEAD)
    Escalation.objects.update(due_on=NOW.date() + dt.timedelta(days=30))
    assert escalations_section(lead, NOW) is None
