"""Which child a police notification is about (police/matching.py), on a few hand-made
children and on the labelled set (police/labelled_set.py)."""

import datetime as dt

import pytest
from django.db import connection, transaction

from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council as make_council
from homeward.police.labelled_set import TRAPS, evaluate, make_set, save_children
from homeward.police.matching import (
    DAY_MONTH_SWAPPED,
    DIGIT_OFF,
    FIRST_NAME_DIFFERS,
    LINK,
    NEAR_MATCH,
    NEW,
    NICKNAME,
    PART,
    REVIEW,
    SWAPPED,
    TWINS,
    WEIGHTS,
    PersonDetails,
    date_variants,
    match_child,
    nicknames_agree,
)

pytestmark = pytest.mark.django_db

BORN = dt.date(2011, 3, 14)


@pytest.fixture
def council():
    return make_council()


def _child(council, first="Joshua", last="Pemberton", born=BORN, **extra):
    values = {"sex": "male", "postcode": "OX4 1AB", "address": "12 Mill Lane"} | extra
    return ChildFactory(
        council=council, first_name=first, last_name=last, date_of_birth=born, **values
    )


def _details(first="Joshua", last="Pemberton", born=BORN, **extra):
    values = {"sex": "male", "postcode": "OX4 1AB", "address": "12 Mill Lane"} | extra
    return PersonDetails(first_name=first, last_name=last, date_of_birth=born, **values)


def test_the_same_child_is_linked_with_every_field_agreeing(council):
    child = _child(council)
    _child(council, first="Keira", born=dt.date(2013, 6, 1), sex="female")  # a sister
    match = match_child(council=council, details=_details())
    assert match.decision == LINK
    assert match.child == child
    assert match.best.score > 0.999
    levels = {a.field: a.level for a in match.best.agreements}
    assert levels == {
        "first_name": "exact",
        "last_name": "exact",
        "date_of_birth": "exact",
        "sex": "exact",
        "postcode": "exact",
        "address": "exact",
    }
    assert match.best.as_json()["agreements"][0] == {
        "field": "first_name",
        "level": "exact",
        "weight": round(WEIGHTS["first_name"]["exact"], 2),
    }


@pytest.mark.parametrize(
    ("details", "field", "level"),
    [
        (_details(first="Josh"), "first_name", NICKNAME),
        (_details(last="Pemberton"), "last_name", "exact"),
        (_details(born=dt.date(2011, 3, 15)), "date_of_birth", DIGIT_OFF),
        (_details(first="Pemberton", last="Joshua"), "first_name", SWAPPED),
        (_details(first="Joshau"), "first_name", "close"),
    ],
)
def test_each_variation_is_linked_and_says_how_it_agreed(council, details, field, level):
    child = _child(council)
    match = match_child(council=council, details=details)
    assert match.child == child, match
    assert match.best.level(field) == level


def test_a_day_and_month_swapped_and_a_double_surname_still_find_the_child(council):
    child = _child(council, last="Pemberton-Okafor", born=dt.date(2011, 3, 4))
    match = match_child(council=council, details=_details(last="Okafor", born=dt.date(2011, 4, 3)))
    assert match.best.child == child
    assert match.best.level("last_name") == PART
    assert match.best.level("date_of_birth") == DAY_MONTH_SWAPPED


def test_twins_are_never_linked_without_a_person(council):
    twin = _child(council, first="Joshua")
    other_twin = _child(council, first="Callum")
    for first in ("Joshua", "Callum", "Jordan"):
        match = match_child(council=council, details=_details(first=first))
        assert match.decision == REVIEW
        assert {c.child for c in match.candidates} >= {twin, other_twin}
    assert match_child(council=council, details=_details(first="Joshua")).reason == TWINS


def test_a_sibling_at_the_same_address_is_not_linked(council):
    _child(council, first="Callum", born=dt.date(2009, 8, 2))
    match = match_child(council=council, details=_details(first="Joshua", born=BORN))
    assert match.decision == REVIEW  # a near match: never a new child silently
    assert match.reason in (NEAR_MATCH, FIRST_NAME_DIFFERS)


def test_a_different_first_name_with_the_same_birthday_waits_for_a_person(council):
    _child(council, first="Callum")
    match = match_child(council=council, details=_details(first="Joshua"))
    assert match.decision == REVIEW
    assert match.reason == FIRST_NAME_DIFFERS


def test_two_children_of_the_same_name_and_birthday_wait_for_a_person(council):
    _child(council, postcode="", address="")
    _child(council, postcode="", address="")
    match = match_child(council=council, details=_details(postcode="", address=""))
    assert match.decision == REVIEW
    assert len(match.candidates) == 2


def test_nobody_near_proposes_a_new_child(council):
    _child(council, first="Ruby", last="Nowak", born=dt.date(2008, 1, 20), sex="female")
    match = match_child(council=council, details=_details())
    assert match.decision == NEW


def test_a_police_id_links_and_a_merged_duplicate_leads_to_its_survivor(council):
    survivor = _child(council, police_id="TV123")
    duplicate = _child(council, first="Josh", police_id="TV999")
    Child.all_records.filter(pk=duplicate.pk).update(merged_into=survivor)
    for police_id in ("TV123", "TV999"):
        match = match_child(council=council, details=PersonDetails(police_id=police_id))
        assert (match.decision, match.child, match.best.method) == (LINK, survivor, "police_id")


def test_the_councils_own_id_links(council):
    child = _child(council, local_id="LA-42")
    match = match_child(council=council, details=PersonDetails(la_child_id="LA-42"))
    assert (match.decision, match.child, match.best.method) == (LINK, child, "local_id")


def test_another_councils_child_is_never_a_candidate(council):
    _child(make_council("933"))
    assert match_child(council=council, details=_details()).decision == NEW


def test_the_thresholds_are_settings(council, settings):
    _child(council, postcode="", address="")
    details = _details(first="Joshau", postcode="", address="")
    assert match_child(council=council, details=details).decision == LINK
    settings.HOMEWARD_MATCH_AUTO_LINK = 0.99999
    assert match_child(council=council, details=details).decision == REVIEW


def test_date_variants_and_nicknames():
    variants = date_variants(dt.date(2011, 3, 4))
    assert {dt.date(2011, 4, 3), dt.date(2011, 3, 5), dt.date(2012, 3, 4)} <= variants
    assert dt.date(2011, 3, 4) in variants
    assert nicknames_agree("josh", "joshua") and nicknames_agree("jack", "john")
    assert not nicknames_agree("jack", "james")


def test_on_the_labelled_set_automatic_links_are_right(council):
    """The labelled set (a few thousand made-up children): every automatic link on a twin
    or sibling trap is right, at least 99% of all automatic links are, and most known
    children are linked. The figures in docs/matching.md come from bench/notification_matching."""
    labelled = make_set(seed=12, households=1000)
    ids = save_children(labelled, council)
    figures = evaluate(labelled, lambda details: match_child(council=council, details=details), ids)
    assert len(labelled.children) > 1500
    assert {n.trap for n in labelled.notifications} >= set(TRAPS)
    assert figures.trap_links_wrong == 0, figures.wrong
    assert figures.precision >= 0.99, figures.wrong
    assert figures.recall >= 0.7
    print(f"precision {figures.precision:.4f}, recall {figures.recall:.4f}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_name_block_leaves_the_planner_as_it_found_it(council):
    """The name block is read with sequential scans off (the trigram index, never every
    child); the setting is put back for the rest of the caller's transaction."""
    child = _child(council)
    seen = []
    with (
        transaction.atomic(),
        connection.execute_wrapper(
            lambda execute, sql, *rest: seen.append(sql) or execute(sql, *rest)
        ),
    ):
        assert match_child(council=council, details=_details()).child == child
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"
    assert any("set_config('enable_seqscan', 'off', true)" in sql for sql in seen)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index setting")
def test_the_name_index_keeps_no_pending_list(council):
    """The name block's trigram index takes each new or changed child into its tree at once
    (fastupdate off): with GIN's default, they wait in a pending list that every name query
    reads through whole, and linking a notification changes its child (its police id), so an
    import's name queries got slower row by row (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'child_name_trgm'")
        assert "fastupdate=off" in (cursor.fetchone()[0] or [])
