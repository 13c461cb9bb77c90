"""The SSDA903 Missing table: each awkward case written as the DfE's rules want it, and a
return Homeward's records cannot make refused with every record to fix."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.exchange.ssda903 import (
    EPISODES,
    HEADER,
    MISSING,
    ReturnRefused,
    build_903,
    collection_year,
)
from homeward.exchange.tests.awkward_903 import (
    EXPECTED_EPISODES,
    EXPECTED_MISSING,
    YEAR,
    date,
    episode,
    make_awkward_children,
)

pytestmark = pytest.mark.django_db


def read(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_the_year_is_named_by_the_march_it_ends_in():
    year = collection_year(2025)
    assert (year.first, year.last) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_every_awkward_case_is_written_as_the_dfe_wants_it(tmp_path):
    make_awkward_children()
    call_command("export-903", str(tmp_path), "--year", str(YEAR))
    missing = read(tmp_path / "missing.csv")
    assert missing[0] == list(MISSING) == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
    assert missing[1:] == EXPECTED_MISSING
    episodes = read(tmp_path / "episodes.csv")
    assert episodes[0] == list(EPISODES)
    held = [EPISODES.index(name) for name in ("CHILD", "DECOM", "RNE", "PLACE", "DEC", "REC")]
    held.append(EPISODES.index("URN"))
    assert [[row[i] for i in held] for row in episodes[1:]] == EXPECTED_EPISODES
    # The columns Homeward does not hold are left empty for the council's own system.
    empty = [i for i, name in enumerate(EPISODES) if i not in held]
    assert {row[i] for row in episodes[1:] for i in empty} == {""}
    header = read(tmp_path / "header.csv")
    assert header[0] == list(HEADER)
    assert header[1] == ["AWKA", "2", "01/05/2008", "WBRI", "", "", ""]
    assert [row[0] for row in header[1:]] == ["AWKA", "AWKB", "AWKC", "AWKD", "AWKE"]
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["rows"] == {"header.csv": 5, "episodes.csv": 7, "missing.csv": 12}


def test_an_away_period_with_no_placement_refuses_the_return_and_says_what_to_fix(tmp_path):
    child = ChildFactory(local_id="NOPL1")
    away = episode(child, "away", "2023-07-01 20:00", "2023-07-02 08:00")
    missing = episode(child, "missing", "2023-08-01 20:00", "2023-08-02 08:00")
    with pytest.raises(CommandError) as refused:
        call_command("export-903", str(tmp_path / "out"), "--year", str(YEAR))
    said = str(refused.value)
    assert said.startswith("Nothing was written: 2 record(s) must be fixed")
    assert f"episode {away.local_id} ({reverse('episodes:edit', args=[away.pk])})" in said
    assert f"Away episode {away.local_id} of child NOPL1 began on 1 Jul 2023" in said
    assert f"Missing episode {missing.local_id}" in said
    assert "legal status 'Looked after'" in said
    assert not (tmp_path / "out").exists()
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_missing_episode_from_home_before_care_is_not_in_the_return():
    child = ChildFactory(local_id="HOME1")
    PlacementFactory(child=child, start_date=date("2023-09-01"))
    episode(child, "missing", "2023-07-01 20:00", "2023-07-02 08:00", legal_status="none")
    made = build_903(council=council(), year=YEAR)
    assert made.missing == []
    assert [row[0] for row in made.header] == ["HOME1"]


def test_a_period_begun_in_care_that_ended_before_the_year_is_not_in_it():
    child = ChildFactory(local_id="LEFT1")
    PlacementFactory(child=child, start_date=date("2022-01-01"), end_date=date("2023-03-10"))
    episode(child, "away", "2023-03-05 20:00", "2023-04-05 08:00")
    made = build_903(council=council(), year=YEAR)
    assert (made.header, made.episodes, made.missing) == ([], [], [])


def test_overlapping_placements_refuse_the_return(tmp_path):
    child = ChildFactory(local_id="OVER1")
    PlacementFactory(child=child, local_id="OVP1", start_date=date("2023-05-01"))
    second = PlacementFactory(child=child, local_id="OVP2", start_date=date("2023-06-01"))
    with pytest.raises(ReturnRefused) as refused:
        build_903(council=council(), year=YEAR)
    (fix,) = refused.value.fixes
    assert fix.record == "placement OVP2"
    assert fix.link == reverse("children:placement-edit", args=[second.pk])
    assert "Placements OVP1 and OVP2 of child OVER1 overlap" in fix.message


def test_an_episode_on_the_day_of_birth_refuses_the_return():
    child = ChildFactory(local_id="BORN1", date_of_birth=date("2023-06-01"))
    PlacementFactory(child=child, start_date=date("2023-06-01"))
    born = episode(child, "missing", "2023-06-01 20:00", "2023-06-02 08:00")
    with pytest.raises(ReturnRefused) as refused:
        build_903(council=council(), year=YEAR)
    assert [fix.record for fix in refused.value.fixes] == [f"episode {born.local_id}"]
    assert "rule 586" in refused.value.fixes[0].message


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_an_id_a_spreadsheet_would_run_as_a_formula_refuses_the_return(start):
    child = ChildFactory(local_id=f"{start}1+1")
    PlacementFactory(child=child, start_date=date("2023-06-01"))
    with pytest.raises(ReturnRefused) as refused:
        build_903(council=council(), year=YEAR)
    (fix,) = refused.value.fixes
    assert fix.link == reverse("children:detail", args=[child.pk])
    assert f"begins with '{start}'" in fix.message


def test_an_unknown_council_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no council with code '000'"):
        call_command("export-903", str(tmp_path), "--year", "2024", "--council", "000")
