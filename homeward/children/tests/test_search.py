"""Finding a child as people type them, and searching before a new child is added: the
same on SQLite and PostgreSQL (names folded and compared by trigrams, children.matching)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import CANNOT_FIND_CHILD, CREATE_CHILD, MATCH_NOT_SHOWN
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.accounts.tests.people import staff
from homeward.children.matching import (
    NameKey,
    WordSimilarity,
    find_date,
    fold,
    name_queries,
    word_similarity,
)
from homeward.children.models import Child
from homeward.children.selectors import children_search
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.in_error.services import child_merge

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator_user():
    return UserFactory(roles=[roles.MISSING_COORDINATOR])


@pytest.fixture
def coordinator(client, coordinator_user):
    client.force_login(coordinator_user)
    return client


@pytest.fixture
def children():
    """Made-up children whose names are hard to type."""
    return {
        "zoe": ChildFactory(first_name="Zoë", last_name="Madeup", local_id="HW-0007311"),
        "obrien": ChildFactory(
            first_name="Sean",
            last_name="O'Brien",
            police_id="TV-2019-55821",
            date_of_birth=dt.date(2012, 4, 3),
        ),
        "abbie": ChildFactory(first_name="Abbie", last_name="Patel"),
        "abigail": ChildFactory(first_name="Abigail", last_name="Patel"),
        "other": ChildFactory(first_name="Tyler", last_name="Fictional"),
    }


def found(user, text, council):
    return list(children_search(user=user, council=council, text=text, today=TODAY))


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Zoe", "zoe"),
        ("zoë madeup", "zoe"),
        ("OBrien", "obrien"),
        ("O’Brien", "obrien"),
        ("o brien", "obrien"),
        ("sean o'brien", "obrien"),
        ("Patel, Abbie", "abbie"),
        ("abbie patel", "abbie"),
        ("Abbie Patel", "abbie"),
        ("Abby Patel", "abbie"),
        ("0007311", "zoe"),
        ("hw-00073", "zoe"),
        ("55821", "obrien"),
        ("tv-2019", "obrien"),
    ],
)
def test_search_finds_the_child_as_typed(coordinator_user, children, typed, who):
    results = found(coordinator_user, typed, children["zoe"].council)
    assert results, typed
    assert results[0] == children[who]
    assert children["other"] not in results


@pytest.mark.parametrize(
    "typed",
    [
        "3/4/2012",
        "03/04/2012",
        "3.4.12",
        "3 April 2012",
        "3 Apr 2012",
        "2012-04-03",
        "3rd April 2012",
    ],
)
def test_a_date_of_birth_typed_in_any_common_form_finds_the_child(
    coordinator_user, children, typed
):
    assert found(coordinator_user, typed, children["zoe"].council) == [children["obrien"]]


def test_a_date_and_a_name_together_narrow_the_search(coordinator_user, children):
    twin = ChildFactory(first_name="Aoife", last_name="O'Brien", date_of_birth=dt.date(2012, 4, 3))
    council = children["zoe"].council
    assert set(found(coordinator_user, "obrien 3/4/2012", council)) == {children["obrien"], twin}
    assert found(coordinator_user, "sean obrien 3 apr 2012", council)[0] == children["obrien"]
    assert found(coordinator_user, "obrien 4/4/2012", council) == []


def test_a_close_misspelling_ranks_after_the_exact_name(coordinator_user, children):
    results = found(coordinator_user, "Abbie Patel", children["zoe"].council)
    assert results[:2] == [children["abbie"], children["abigail"]] or results == [children["abbie"]]
    misspelt = found(coordinator_user, "Abby Patel", children["zoe"].council)
    assert misspelt[0] == children["abbie"]
    assert found(coordinator_user, "Patel", children["zoe"].council)[:2] == sorted(
        [children["abbie"], children["abigail"]], key=lambda child: child.first_name
    )


def test_search_leaves_out_merged_duplicates_but_their_ids_still_find_the_child(
    coordinator_user, children
):
    duplicate = ChildFactory(first_name="Zoe", last_name="Madeup", local_id="DUP-991")
    child_merge(duplicate=duplicate, survivor=children["zoe"], by=coordinator_user)
    council = children["zoe"].council
    assert found(coordinator_user, "Zoe Madeup", council) == [children["zoe"]]
    assert found(coordinator_user, "DUP-991", council) == [children["zoe"]]


def test_folding_is_the_same_in_python_and_in_the_database(children):
    for child in Child.objects.all():
        expected = fold(f"{child.first_name} {child.last_name}")
        key = Child.objects.filter(pk=child.pk).annotate(key=NameKey()).values_list("key")
        assert key.get() == (expected,)
    assert fold("Zoë O’Brien-Smith") == "zoe obrien smith"
    assert name_queries("o brien") == ["o brien", "obrien"]
    assert find_date("nothing here 13/13/2012", TODAY) == (None, "nothing here 13/13/2012")


def test_results_tell_children_apart(coordinator, children):
    child = children["obrien"]
    EpisodeFactory(child=child, legal_status="looked_after", local_id="EP-1")
    EpisodeFactory(
        child=child,
        local_id="EP-2",
        last_seen_at=dt.datetime(2020, 5, 16, 18, 0, tzinfo=LONDON),
        returned_at=None,
        legal_status="looked_after",
    )
    html = coordinator.get(reverse("children:search"), {"q": "o'brien"}).content.decode()
    assert "8, born 3 Apr 2012" in html
    assert "Missing now" in html
    assert "16 May 2020 (EP-2)" in html
    assert "Looked after" in html
    assert escape(CANNOT_FIND_CHILD) not in html  # a coordinator sees every child


def test_a_practitioner_finds_only_their_children_and_is_told_who_to_ask(client, children):
    worker = staff(roles.PRACTITIONER)
    child_allocate(child=children["abbie"], worker=worker, allocated_on=dt.date(2020, 1, 1))
    client.force_login(worker)
    html = client.get(reverse("children:search"), {"q": "patel"}).content.decode()
    assert "Abbie Patel" in html
    assert "Abigail Patel" not in html  # not allocated to them
    assert escape(CANNOT_FIND_CHILD) in html
    # The same words whether or not a child they cannot see matches: nothing is revealed.
    for typed in ("Abigail Patel", "Nobody Atall"):
        html = client.get(reverse("children:search"), {"q": typed}).content.decode()
        assert "Abigail" not in html.replace(f'value="{typed}"', "")
        assert escape(CANNOT_FIND_CHILD) in html
        assert "0 children found" in html


def _new_child(**changes):
    data = {
        "first_name": "Sean",
        "last_name": "OBrien",
        "date_of_birth_day": 3,
        "date_of_birth_month": 4,
        "date_of_birth_year": 2012,
        "sex": "male",
    }
    return data | changes


def test_adding_a_child_shows_likely_matches_and_needs_confirmation(coordinator, children):
    response = coordinator.post(reverse("children:create"), _new_child())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This child may already be recorded" in html
    assert "Sean O&#x27;Brien" in html
    assert Child.objects.filter(last_name="OBrien").count() == 0
    keys = response.context["matches"].keys
    # A different date of birth: no likely match, added at once.
    other = coordinator.post(reverse("children:create"), _new_child(date_of_birth_day=4))
    assert other.status_code == 302
    # Confirming adds the child.
    confirmed = coordinator.post(
        reverse("children:create"), _new_child(first_name="Séan", none_of_these=keys)
    )
    assert confirmed.status_code == 302
    assert Child.objects.filter(first_name="Séan", last_name="OBrien").count() == 1


def test_a_confirmation_covers_only_the_matches_shown(coordinator, children):
    shown = coordinator.post(reverse("children:create"), _new_child()).context["matches"].keys
    ChildFactory(first_name="Séan", last_name="O’Brien", date_of_birth=dt.date(2012, 4, 3))
    again = coordinator.post(reverse("children:create"), _new_child(none_of_these=shown))
    assert again.status_code == 200  # a new likely match appeared: shown again, not created
    assert "Séan O’Brien" in again.content.decode()
    assert not Child.objects.filter(last_name="OBrien").exists()


def test_a_match_the_person_may_not_see_is_counted_not_named(client, children, settings):
    settings.HOMEWARD_ACCESS = {roles.PRACTITIONER: {"actions": [CREATE_CHILD]}}
    client.force_login(staff(roles.PRACTITIONER))
    response = client.post(reverse("children:create"), _new_child())
    html = response.content.decode()
    assert "Brien" not in html.replace('value="OBrien"', "")
    assert escape(MATCH_NOT_SHOWN.format(count=1, plural="")) in html
    assert not Child.objects.filter(last_name="OBrien").exists()


@pytest.mark.parametrize(
    "typed", ["zoe", "o brien", "obrien", "abby patel", "patel abbie", "abigale patell", "sea"]
)
def test_the_measure_is_the_databases_own(children, typed):
    """On PostgreSQL pg_trgm measures; on SQLite the Python port: the same numbers."""
    for child in Child.objects.annotate(closeness=WordSimilarity(typed)):
        key = fold(f"{child.first_name} {child.last_name}")
        assert child.closeness == pytest.approx(word_similarity(typed, key), abs=1e-6), key


def test_a_name_matching_more_children_than_the_cap_says_so(client, coordinator, settings):
    settings.HOMEWARD_SEARCH_CAP = 2
    smiths = [ChildFactory(first_name=first, last_name="Smith") for first in ("Amy", "Ben")]
    smiths.append(ChildFactory(first_name="Cal", last_name="Smithson"))  # less close
    ChildFactory(first_name="Dee", last_name="Patel")
    ChildFactory(first_name="Eve", last_name="Patel")
    html = coordinator.get(reverse("children:search"), {"q": "Smith"}).content.decode()
    assert "More than 2 children found" in html
    told = "More than 2 children match ‘Smith’: the 2 closest are shown. Add a first name"
    assert escape(told) in html
    assert "Amy Smith" in html and "Ben Smith" in html and "Cal Smithson" not in html
    # Exactly the cap: every child is listed and nothing more is said.
    html = coordinator.get(reverse("children:search"), {"q": "Patel"}).content.decode()
    assert "2 children found" in html and "More than" not in html
    # Recording an episode starts from the same search, and says the same.
    html = coordinator.get(reverse("episodes:start"), {"q": "Smith"}).content.decode()
    assert escape(told) in html
    # The cap counts only the children a practitioner may see: they are never told of others.
    worker = staff(roles.PRACTITIONER)
    child_allocate(child=smiths[2], worker=worker, allocated_on=dt.date(2020, 1, 1))
    client.force_login(worker)
    html = client.get(reverse("children:search"), {"q": "Smith"}).content.decode()
    assert "1 child found" in html and "Cal Smithson" in html and "More than" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index setting")
@pytest.mark.parametrize("index", ["child_local_id_trgm", "child_police_id_trgm"])
def test_the_id_indexes_keep_no_pending_list(index):
    """Find a child's id indexes take each new or changed child into their trees at once
    (fastupdate off): linking police notifications changes children's police ids, and with
    GIN's default each change would wait in a pending list that every search reads whole."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [index])
        assert "fastupdate=off" in (cursor.fetchone()[0] or [])
