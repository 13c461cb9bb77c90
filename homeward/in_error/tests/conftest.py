"""What every test of putting mistakes right shares: a frozen clock and a coordinator."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator():
    return UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client
