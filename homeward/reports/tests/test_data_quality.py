"""The data quality checks: each finds a made-up record that would spoil a clean return and
passes over a good one; the page and the command list the same lines, only to those who make
the returns, only of records they may see, never another council's, in a few queries."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import NO_DATA_QUALITY
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.exchange.tests.awkward_903 import LONDON, YEAR, date, episode
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.police.models import EpisodeReference
from homeward.reports import data_quality as dq

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:data-quality")
NOW = dt.datetime(2024, 6, 1, 10, 0, tzinfo=LONDON)
TEAM = "Made-up quality team"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def child(local_id: str, born: str = "2008-01-01", **more):
    # A date of birth of its own, so that no two test children look like one recorded twice.
    return ChildFactory(local_id=local_id, date_of_birth=date(born), **more)


def in_care(local_id: str, born: str = "2008-01-01", **more):
    found = child(local_id, born, **more)
    PlacementFactory(child=found, start_date=date("2023-01-01"), place_code="U4")
    return found


def police_ref(ep, ref: str) -> None:
    EpisodeReference.objects.create(council=ep.council, episode=ep, police_ref=ref)


def rows(check: str | None = None) -> list[dq.Row]:
    found = dq.data_quality(council=council(), year=YEAR, now=NOW)
    return [row for row in found if check is None or row.check == check]


def ids(check: str) -> set[str]:
    return {row.local_id for row in rows(check)}


def test_away_for_a_child_not_looked_after_that_day_is_found():
    bad = episode(child("LS1", "2008-01-02"), "away", "2023-07-01 20:00", "2023-07-02 08:00",
                  legal_status="child_in_need")  # fmt: skip
    good = episode(in_care("LS2", "2008-01-03"), "away", "2023-07-01 20:00", "2023-07-02 08:00")
    home = episode(child("LS3", "2008-01-04"), "missing", "2023-07-01 20:00", "2023-07-02 08:00",
                   legal_status="none", missing_from="home")  # fmt: skip
    found = rows(dq.LEGAL_STATUS)
    assert {row.local_id for row in found} == {bad.local_id}
    (row,) = found
    assert row.link == reverse("episodes:edit", args=[bad.pk])
    assert "recorded as away from placement, but the child had no placement" in row.sentence
    assert good.local_id not in ids(dq.LEGAL_STATUS) and home.local_id not in ids(dq.LEGAL_STATUS)


def test_a_child_in_a_placement_recorded_as_not_looked_after_is_found():
    placed = in_care("LS4", "2008-01-05")
    bad = episode(placed, "missing", "2023-08-01 20:00", "2023-08-02 08:00", legal_status="none")
    also = episode(placed, "away", "2023-09-01 20:00", "2023-09-02 08:00",
                   legal_status="child_protection")  # fmt: skip
    found = {row.local_id: row.sentence for row in rows(dq.LEGAL_STATUS)}
    assert set(found) == {bad.local_id, also.local_id}
    assert (
        "records legal status 'None known', but the child was in placement" in found[bad.local_id]
    )
    assert (
        "away from placement but with legal status 'Child protection plan'" in found[also.local_id]
    )


def test_a_police_episode_from_a_placement_the_return_leaves_out_is_found():
    bad = episode(child("PO1", "2008-02-01"), "missing", "2023-07-01 20:00", "2023-07-02 08:00",
                  legal_status="child_in_need")  # fmt: skip
    police_ref(bad, "MADEUP-1")
    good = episode(in_care("PO2", "2008-02-02"), "missing", "2023-07-01 20:00", "2023-07-02 08:00")
    police_ref(good, "MADEUP-2")
    from_home = episode(child("PO3", "2008-02-03"), "missing", "2023-07-01 20:00",
                        "2023-07-02 08:00", legal_status="none", missing_from="home")  # fmt: skip
    police_ref(from_home, "MADEUP-3")
    found = rows(dq.POLICE_NOT_IN_RETURN)
    assert [row.local_id for row in found] == [bad.local_id]
    assert "known to the police (MADEUP-1)" in found[0].sentence
    assert "SSDA903 Missing table leaves it out" in found[0].sentence


def test_a_missing_period_in_the_return_with_no_police_reference_is_found():
    in_return = in_care("PO4", "2008-02-04")
    bad = episode(in_return, "missing", "2023-07-01 20:00", "2023-07-02 08:00")
    # A reference kept on the episode itself (recorded by hand or imported) counts too.
    good = episode(in_return, "missing", "2023-08-01 20:00", "2023-08-02 08:00",
                   police_reference="MADEUP-4")  # fmt: skip
    away = episode(in_return, "away", "2023-09-01 20:00", "2023-09-02 08:00")
    found = rows(dq.PERIOD_WITHOUT_POLICE)
    assert [row.local_id for row in found] == [bad.local_id]
    assert good.local_id not in ids(dq.PERIOD_WITHOUT_POLICE)
    assert away.local_id not in ids(dq.PERIOD_WITHOUT_POLICE)


def test_a_record_the_903_export_refuses_is_listed_as_the_export_words_it():
    bad = episode(child("RF1", "2008-03-01"), "away", "2023-07-01 20:00", "2023-07-02 08:00")
    good = episode(in_care("RF2", "2008-03-02"), "away", "2023-07-01 20:00", "2023-07-02 08:00")
    found = rows(dq.FAILS_903)
    assert [(row.kind, row.local_id) for row in found] == [("episode", bad.local_id)]
    assert found[0].link == reverse("episodes:edit", args=[bad.pk])
    assert "(rules 578 and 581" in found[0].sentence
    assert good.local_id not in ids(dq.FAILS_903)


def test_a_return_with_no_interview_outcome_is_found():
    someone = child("IN1", "2008-04-01")
    bad = episode(someone, "missing", "2024-01-01 20:00", "2024-01-02 08:00",
                  legal_status="none", missing_from="home")  # fmt: skip
    good = episode(someone, "missing", "2024-02-01 20:00", "2024-02-02 08:00",
                   legal_status="none", missing_from="home")  # fmt: skip
    ReturnInterviewFactory(episode=good, outcome="declined", completed_at=None)
    waiting = episode(someone, "missing", "2024-03-01 20:00", "2024-03-02 08:00",
                      legal_status="none", missing_from="home")  # fmt: skip
    ReturnInterviewFactory(episode=waiting, outcome="no_contact", completed_at=None)
    found = rows(dq.NO_INTERVIEW_OUTCOME)
    assert {row.local_id for row in found} == {bad.local_id, waiting.local_id}
    assert found[0].link == reverse("interviews:record", args=[bad.pk])


def test_a_return_not_yet_72_hours_old_is_not_listed(time_machine):
    back = episode(child("IN2", "2008-04-02"), "missing", "2024-03-30 20:00", "2024-03-31 08:00",
                   legal_status="none", missing_from="home")  # fmt: skip
    time_machine.move_to(dt.datetime(2024, 4, 2, 10, 0, tzinfo=LONDON), tick=False)
    soon = dq.data_quality(
        council=council(), year=YEAR, now=dt.datetime(2024, 4, 2, 10, 0, tzinfo=LONDON)
    )
    assert back.local_id not in {
        row.local_id for row in soon if row.check == dq.NO_INTERVIEW_OUTCOME
    }
    assert back.local_id in ids(dq.NO_INTERVIEW_OUTCOME)  # on 1 June, 72 hours have passed


def test_a_child_whose_sex_is_not_known_is_found():
    bad = child("SX1", "2008-05-01", sex="unknown")
    child("SX2", "2008-05-02", sex="female")
    child("SX3", "2008-05-03", sex="other")  # recorded: the DfE's own code is the council's
    found = rows(dq.CHILD_DETAILS)
    assert [(row.local_id, row.link) for row in found] == [
        ("SX1", reverse("children:edit", args=[bad.pk]))
    ]


def test_children_who_may_be_recorded_twice_are_found_as_the_add_a_child_check_finds_them():
    first = child("DU1", "2009-06-01", first_name="Zoë", last_name="O'Brien-Madeup")
    second = child("DU2", "2009-06-01", first_name="Zoe", last_name="OBrien Madeup")
    child("DU3", "2009-06-01", first_name="Tyler", last_name="Notreal")  # same day, not alike
    child("DU4", "2009-06-02", first_name="Zoe", last_name="O'Brien-Madeup")  # alike, not same day
    found = rows(dq.DUPLICATES)
    assert [(row.local_id, row.other_child_pk) for row in found] == [("DU2", first.pk)]
    assert found[0].link == reverse("in_error:merge", args=[first.pk]) + "?other=DU2"
    assert "Children DU1 and DU2 have the same date of birth" in found[0].sentence
    assert second.pk == found[0].child_pk


def make_one_of_each() -> None:
    """One bad record for every check, of council 931's own children."""
    episode(child("ALL1", "2008-07-01"), "away", "2023-07-01 20:00", "2023-07-02 08:00",
            legal_status="child_in_need")  # fmt: skip
    ref = episode(child("ALL2", "2008-07-02"), "missing", "2023-07-01 20:00", "2023-07-02 08:00",
                  legal_status="child_in_need")  # fmt: skip
    police_ref(ref, "MADEUP-ALL")
    episode(in_care("ALL3", "2008-07-03"), "missing", "2023-07-01 20:00", "2023-07-02 08:00")
    child("ALL4", "2008-07-04", sex="unknown")
    child("ALL5", "2008-07-05", first_name="Keira", last_name="Doubled")
    child("ALL6", "2008-07-05", first_name="Keira", last_name="Doubled")


def test_every_check_is_listed_with_its_count(client):
    make_one_of_each()
    client.force_login(staff(roles.MISSING_COORDINATOR))
    page = client.get(PAGE, {"year": YEAR}).content.decode()
    for check, heading in dq.CHECKS.items():
        assert f'href="#{check}"' in page
        assert escape(heading) in page
    assert "1 April 2023 to 31 March 2024" in page
    for row in rows():
        assert f'href="{escape(row.link)}"' in page
        assert escape(row.sentence) in page


def test_the_page_offers_the_year_under_way_unless_asked(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    page = client.get(PAGE).content.decode()
    assert "1 April 2024 to 31 March 2025" in page


@pytest.mark.parametrize(
    "role", [roles.ANALYST, roles.SCRUTINY, roles.EXPLOITATION_LEAD, roles.PRACTITIONER,
             roles.POLICE_LIAISON],
)  # fmt: skip
def test_a_role_that_does_not_make_the_returns_is_refused_with_a_reason(client, role):
    client.force_login(staff(role))
    response = client.get(PAGE, {"year": YEAR})
    assert response.status_code == 403
    assert escape(NO_DATA_QUALITY) in response.content.decode()


def test_another_councils_records_are_never_listed(client):
    theirs = council("933")
    other = ChildFactory(local_id="THEIRS1", council=theirs, responsible_la=theirs, sex="unknown")
    episode(other, "away", "2023-07-01 20:00", "2023-07-02 08:00", legal_status="none")
    make_one_of_each()
    client.force_login(staff(roles.MISSING_COORDINATOR))
    page = client.get(PAGE, {"year": YEAR}).content.decode()
    assert "ALL4" in page
    assert "THEIRS1" not in page
    out = io.StringIO()
    call_command("data-quality", "--year", str(YEAR), stdout=out)
    assert "ALL4" in out.getvalue() and "THEIRS1" not in out.getvalue()
    # Their coordinator sees theirs, not ours.
    client.force_login(staff(roles.MISSING_COORDINATOR, council=theirs))
    assert "ALL4" not in client.get(PAGE, {"year": YEAR}).content.decode()


def test_a_person_sees_only_the_lines_of_records_they_may_see():
    make_one_of_each()
    mine = child("MINE1", "2008-08-01", sex="unknown")
    child_allocate(child=mine, team=TEAM, allocated_on=date("2024-01-01"))
    practitioner = staff(roles.PRACTITIONER, team=TEAM)
    shown = dq.visible_rows(rows(), user=practitioner)
    assert [(row.check, row.local_id) for row in shown] == [(dq.CHILD_DETAILS, "MINE1")]
    # A suspected duplicate is shown only to someone who sees both records.
    # The row is of the later id (MINE1, theirs); the other record (MINE0) is not theirs yet.
    twin = child("MINE0", "2008-08-01", first_name=mine.first_name, last_name=mine.last_name)
    assert dq.DUPLICATES not in {row.check for row in dq.visible_rows(rows(), user=practitioner)}
    child_allocate(child=twin, team=TEAM, allocated_on=date("2024-01-01"))
    assert dq.DUPLICATES in {row.check for row in dq.visible_rows(rows(), user=practitioner)}
    assert dq.visible_rows(rows(), user=staff(roles.ANALYST)) == []


def test_the_page_reads_in_a_few_queries_however_many_records_to_fix(
    client, django_assert_max_num_queries
):
    user = staff(roles.MISSING_COORDINATOR)
    client.force_login(user)
    make_one_of_each()
    with django_assert_max_num_queries(40) as few:
        assert client.get(PAGE, {"year": YEAR}).status_code == 200
    for n in range(15):
        episode(child(f"MANY{n}", f"2007-01-{n + 1:02d}", sex="unknown"), "away",
                "2023-07-01 20:00", "2023-07-02 08:00", legal_status="none")  # fmt: skip
        back = episode(in_care(f"MORE{n}", f"2006-01-{n + 1:02d}"), "missing",
                       "2023-07-01 20:00", "2023-07-02 08:00")  # fmt: skip
        police_ref(back, f"MADEUP-MORE-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PAGE, {"year": YEAR})
    assert response.content.decode().count("MANY") >= 45  # each in three checks


def test_the_command_prints_the_same_lines_and_csv():
    make_one_of_each()
    expected = rows()
    out = io.StringIO()
    call_command("data-quality", "--year", str(YEAR), stdout=out)
    text = out.getvalue()
    assert f"{len(expected)} record(s) to fix" in text
    for row in expected:
        assert f"- {row.kind} {row.local_id} ({row.link}): {row.sentence}" in text
    out = io.StringIO()
    call_command("data-quality", "--year", str(YEAR), "--csv", stdout=out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == ["check", "record", "id", "link", "what to fix"]
    assert table[1:] == [[r.check, r.kind, r.local_id, r.link, r.sentence] for r in expected]


def test_every_line_links_to_a_page_that_opens_for_the_person(client):
    make_one_of_each()
    client.force_login(staff(roles.MISSING_COORDINATOR))
    found = rows()
    assert {row.check for row in found} == set(dq.CHECKS)
    for row in found:
        assert client.get(row.link).status_code == 200, row
