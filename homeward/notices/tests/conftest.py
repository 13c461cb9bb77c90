"""What the placing councils' tests share: a frozen clock, a child placed here by Kent with
an open episode, Kent's directory entry and the child's IRO, and a coordinator."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.borders.services import child_contact_add, council_contact_add
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
# A Tuesday in office hours: only the placing council's daytime address is told.
NOW = dt.datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
KENT = "886"
KENT_MISSING = "missing.children@kent.made-up.test"
IRO = "iro.person@kent.made-up.test"


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.HOMEWARD_BASE_URL = "http://homeward.made-up.test"
    settings.HOMEWARD_NOTICE_CONTACT = "Missing children team, missing@oxon.made-up.test"


@pytest.fixture
def placed_child():
    child = ChildFactory(
        first_name="Maisie",
        last_name="Madeup",
        date_of_birth=dt.date(2011, 4, 9),
        responsible_la=council(KENT),
        postcode="OX4 1AB",
        address="1 Made-up Road",
    )
    PlacementFactory(child=child, placing_la=council(KENT), start_date=dt.date(2025, 1, 1))
    return child


@pytest.fixture
def kent_contacts(placed_child):
    council_contact_add(
        council=council(KENT), purpose="missing", email=KENT_MISSING, name="Kent missing team"
    )
    child_contact_add(child=placed_child, role="iro", email=IRO, name="Made-up IRO")


@pytest.fixture
def episode(placed_child):
    return EpisodeFactory(
        child=placed_child,
        last_seen_at=NOW - 3 * HOUR,
        reported_at=NOW - 2 * HOUR,
        returned_at=None,
        risk="high",
        missing_from="placement",
        last_seen_location="Made-up Children's Home, Cowley",
        police_reference="TV-MADEUP-0001",
        found_location="Made-up found place",
        reported_by="Made-up care worker",
        legal_status="looked_after",
    )


@pytest.fixture
def coordinator():
    return UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
