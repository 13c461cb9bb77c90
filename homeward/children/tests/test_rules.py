"""Impossible children and placements are refused, on the page and by the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.models import Child
from homeward.children.rules import (
    BORN_AFTER_RECORD,
    NOT_A_PLACE_CODE,
    PLACEMENT_STARTS_IN_FUTURE,
    TOO_OLD,
    TOO_OLD_AT_RECORD,
    earliest_date_of_birth,
)
from homeward.children.services import child_born_problems, child_create, placement_record
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.core.problems import CONTROL_CHARACTER, TOO_LONG, when
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=ZoneInfo("Europe/London"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def refused(call, **values) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**values)
    return caught.value.message_dict


def a_child(**values):
    return {
        "council": council(),
        "first_name": "Alfie",
        "last_name": "Testwell",
        "date_of_birth": dt.date(2009, 2, 1),
        "sex": "male",
    } | values


@pytest.mark.parametrize(
    ("on", "earliest"),
    [
        (dt.date(2020, 5, 17), dt.date(1994, 5, 18)),
        (dt.date(2020, 2, 29), dt.date(1994, 3, 1)),  # no 29 February in 1994
        (dt.date(2020, 12, 31), dt.date(1995, 1, 1)),
    ],
)
def test_the_earliest_date_of_birth_is_of_someone_25_that_day(on, earliest):
    assert earliest_date_of_birth(on) == earliest


@pytest.mark.parametrize(
    ("born", "age"), [(dt.date(11, 3, 4), 2009), (dt.date(1950, 3, 4), 70)], ids=["0011", "1950"]
)
def test_a_child_older_than_25_today_is_refused(born, age):
    errors = refused(child_create, **a_child(date_of_birth=born))
    assert errors == {"date_of_birth": [TOO_OLD.format(born=when(born), age=age)]}
    assert not Child.objects.exists()


def test_a_young_person_of_25_is_accepted():
    assert child_create(**a_child(date_of_birth=dt.date(1994, 5, 18))).pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "Al\x00fie", CONTROL_CHARACTER.format(what="first name", code="U+0000")),
        ("last_name", "Test\x1bwell", CONTROL_CHARACTER.format(what="last name", code="U+001B")),
        ("police_id", "X" * 65, TOO_LONG.format(what="police id", length=65, limit=64)),
        ("first_name", "A" * 101, TOO_LONG.format(what="first name", length=101, limit=100)),
    ],
)
def test_text_too_long_or_with_control_characters_is_refused(field, value, message):
    assert refused(child_create, **a_child(**{field: value})) == {field: [message]}


def test_a_placement_starting_in_the_future_is_refused():
    child = ChildFactory()
    errors = refused(
        placement_record,
        child=child,
        start_date=dt.date(2099, 1, 1),
        placement_type="foster",
    )
    assert errors == {"start_date": [PLACEMENT_STARTS_IN_FUTURE.format(start="1 Jan 2099")]}
    errors = refused(
        placement_record,
        child=child,
        start_date=dt.date(2019, 1, 1),
        placement_type="foster",
        provider_name="Made-up\x00House",
    )
    assert errors == {
        "provider_name": [CONTROL_CHARACTER.format(what="provider name", code="U+0000")]
    }


def test_a_placement_code_is_refused_as_an_import_refuses_it():
    errors = refused(
        placement_record,
        child=ChildFactory(),
        start_date=dt.date(2019, 1, 1),
        placement_type="foster",
        place_code="k2",
    )
    assert errors == {"place_code": [NOT_A_PLACE_CODE.format(raw="k2")]}


def test_a_changed_date_of_birth_is_judged_against_the_childs_records():
    child = ChildFactory(date_of_birth=dt.date(2006, 5, 17))
    episode = EpisodeFactory(child=child)  # last seen 2 Mar 2020
    placement = PlacementFactory(child=child)  # from 1 Jan 2019
    screening = ScreeningFactory(child=child, completed_on=dt.date(2019, 6, 1))
    assert child_born_problems(child=child, date_of_birth=dt.date(2004, 1, 1)) == []
    later = [p.message for p in child_born_problems(child=child, date_of_birth=dt.date(2020, 3, 3))]
    assert later[0] == BORN_AFTER_RECORD.format(
        born="3 Mar 2020", record=f"episode {episode.local_id} (last seen)", on="2 Mar 2020"
    )
    assert len(later) == 3  # the placement and the screening too
    later = [p.message for p in child_born_problems(child=child, date_of_birth=dt.date(2019, 7, 1))]
    assert later == [
        BORN_AFTER_RECORD.format(
            born="1 Jul 2019", record=f"placement {placement.local_id} (start)", on="1 Jan 2019"
        ),
        BORN_AFTER_RECORD.format(
            born="1 Jul 2019", record=f"screening {screening.local_id}", on="1 Jun 2019"
        ),
    ]
    older = [p.message for p in child_born_problems(child=child, date_of_birth=dt.date(1990, 1, 1))]
    assert older == [
        TOO_OLD_AT_RECORD.format(
            born="1 Jan 1990",
            age=30,
            record=f"episode {episode.local_id} (last seen)",
            on="2 Mar 2020",
        )
    ]


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def child_form(**values) -> dict:
    return {
        "first_name": "Alfie",
        "last_name": "Testwell",
        "date_of_birth_day": 4,
        "date_of_birth_month": 3,
        "date_of_birth_year": 2009,
        "sex": "male",
    } | values


def test_the_page_refuses_a_child_born_in_1950_naming_the_field(coordinator):
    response = coordinator.post(reverse("children:create"), child_form(date_of_birth_year=1950))
    assert response.status_code == 200
    message = TOO_OLD.format(born="4 Mar 1950", age=70)
    assert response.context["form"].errors["date_of_birth"] == [message]
    assert escape(message) in response.content.decode()
    assert not Child.objects.exists()


def test_the_page_refuses_control_characters_in_a_name(coordinator):
    response = coordinator.post(reverse("children:create"), child_form(last_name="Test\x07well"))
    message = CONTROL_CHARACTER.format(what="last name", code="U+0007")
    assert response.context["form"].errors["last_name"] == [message]
    assert not Child.objects.exists()
