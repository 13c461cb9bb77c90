"""Three people for every alert: one who sees the child, one who does not, one whose role must
not be alerted; and a coordinator, who sees every child."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory

LONDON = ZoneInfo("Europe/London")
# A Monday morning, after the digest hour (07:00).
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=LONDON)


@dataclass
class People:
    owner: object  # the practitioner the child is allocated to
    stranger: object  # a practitioner in another team
    analyst: object  # sees counts, never children: never alerted
    coordinator: object  # sees every child
    child: object


def person(role: str, name: str, **kwargs):
    user = staff(role, username=name, **kwargs)
    user.email = f"{name}@made-up-council.test"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def people(frozen):
    owner = person(roles.PRACTITIONER, "owner", team="North team")
    stranger = person(roles.PRACTITIONER, "stranger", team="South team")
    analyst = person(roles.ANALYST, "analyst")
    coordinator = person(roles.MISSING_COORDINATOR, "coordinator")
    child = ChildFactory(first_name="Alfie", last_name="Madeup")
    child_allocate(child=child, worker=owner, allocated_on=dt.date(2026, 1, 1))
    return People(owner, stranger, analyst, coordinator, child)


def recipients(mailbox) -> set[str]:
    return {message["X-Envelope-To"] for message in mailbox.messages}


def text(message) -> str:
    """A message's text as written (the SMTP transfer turned its line ends into CRLF)."""
    return message.get_content().replace("\r\n", "\n")
