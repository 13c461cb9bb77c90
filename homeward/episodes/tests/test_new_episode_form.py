"""The new-episode form fills in only what Homeward knows of the child, says where from, and
saves nothing the coordinator has not seen."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.forms import LEGAL_STATUS_NOT_CHOSEN, LOCALITY_NOT_CHOSEN
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.episodes.tests.test_views import NOW, episode_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def page(client, child) -> str:
    response = client.get(reverse("episodes:record", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def chosen_radio(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="(\w+)" checked', html)


def chosen_option(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]* name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\w*)" selected', select)


def test_a_child_on_a_plan_starts_on_a_plan_in_their_home_locality(coordinator):
    vale = LocalityFactory(name="Made-up Vale")
    abbie = ChildFactory(first_name="Abbie", home_locality=vale)
    EpisodeFactory(
        child=abbie,
        local_id="E-PLAN",
        legal_status="child_protection",
        last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=dt.UTC),
    )
    html = page(coordinator, abbie)
    assert chosen_radio(html, "legal_status") == ["child_protection"]
    assert "From Abbie&#x27;s last episode, E-PLAN, last seen on 2 March 2020." in html
    assert chosen_option(html, "locality") == [str(vale.pk)]
    assert "Abbie&#x27;s home locality, from their details." in html


def test_a_current_placement_gives_looked_after_and_its_locality(coordinator):
    home, placed = LocalityFactory(name="Made-up Home"), LocalityFactory(name="Made-up Placed")
    abbie = ChildFactory(first_name="Abbie", home_locality=home)
    EpisodeFactory(child=abbie, legal_status="child_in_need")  # 2 March 2020
    PlacementFactory(child=abbie, start_date=dt.date(2019, 1, 1), end_date=dt.date(2019, 6, 1))
    current = PlacementFactory(
        child=abbie, start_date=dt.date(2020, 3, 3), locality=placed, placement_type="foster"
    )
    html = page(coordinator, abbie)
    # The placement began after the last episode: looked after since.
    assert chosen_radio(html, "legal_status") == ["looked_after"]
    assert "Abbie has a current placement (foster care, which began on 3 March 2020)" in html
    assert chosen_option(html, "locality") == [str(placed.pk)]
    assert "From Abbie&#x27;s current placement (foster care, which began on 3 March 2020)." in html
    assert chosen_option(html, "placement") == [str(current.pk)]


def test_a_child_placed_in_another_councils_area_starts_outside_its_localities(coordinator):
    abbie = ChildFactory(first_name="Abbie", home_locality=LocalityFactory())
    PlacementFactory(child=abbie, host_la=council("825"))
    html = page(coordinator, abbie)
    assert chosen_option(html, "locality") == ["none"]
    assert "is in another council&#x27;s area" in html


def test_nothing_known_starts_empty_and_is_asked_not_saved(coordinator):
    child = ChildFactory(home_locality=None)
    html = page(coordinator, child)
    assert chosen_radio(html, "legal_status") == []
    assert chosen_option(html, "locality") == [""]
    form = episode_form()
    del form["legal_status"], form["locality"]
    response = coordinator.post(reverse("episodes:record", args=[child.pk]), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["legal_status"] == [LEGAL_STATUS_NOT_CHOSEN]
    assert errors["locality"] == [LOCALITY_NOT_CHOSEN]
    assert 'href="#id_legal_status_0"' in response.content.decode()
    assert not Episode.objects.filter(child=child).exists()


def test_not_known_is_a_choice_saved_as_no_locality(coordinator):
    child = ChildFactory(home_locality=None)
    url = reverse("episodes:record", args=[child.pk])
    assert coordinator.post(url, episode_form(locality="none")).status_code == 302
    assert Episode.objects.get(child=child).locality is None


def test_the_confirmation_says_which_values_homeward_filled_in(coordinator):
    vale = LocalityFactory(name="Made-up Vale")
    abbie = ChildFactory(first_name="Abbie", home_locality=vale)
    EpisodeFactory(child=abbie, legal_status="child_protection")
    form = episode_form(legal_status="child_protection", locality=vale.pk)
    response = coordinator.post(reverse("episodes:record", args=[abbie.pk]), form, follow=True)
    said = response.content.decode()
    assert (
        "The legal status (Child protection plan) and locality (Made-up Vale) are as Homeward "
        "filled them in from what it knew of Abbie" in said
    )
    # Chosen by the coordinator: nothing to point out.
    other = ChildFactory(first_name="Tyler", home_locality=None)
    form = episode_form(legal_status="early_help", locality=vale.pk)
    response = coordinator.post(reverse("episodes:record", args=[other.pk]), form, follow=True)
    assert "as Homeward filled" not in response.content.decode()
