"""Loading a council's population aged 0-17 by ethnic group: all of the file or nothing,
every problem named by file, row, column and reason; the command says what it did."""

import io

import pytest
from django.core.management import CommandError, call_command

from homeward.audit.models import AuditEntry
from homeward.benchmarks.ethnicity import england_missing, population_load
from homeward.benchmarks.models import PopulationByEthnicity
from homeward.borders.csvfile import FileRejected
from homeward.councils.tests.factories import council

GOOD = (
    "ethnic_group,population_0_17\n"
    "White,80000\n"
    "Mixed or multiple ethnic groups,6000\n"
    "asian,8000\n"
    'black,"4,000"\n'
    "other,2000\n"
)


def load(text: str, source: str = "Census 2021, ONS table TS021"):
    return population_load(
        data=text.encode(), name="population.csv", council_code="931", source=source
    )


def test_a_good_file_is_loaded_and_each_group_audited(db):
    loaded = load(GOOD)

    assert str(loaded) == (
        "Loaded the population aged 0-17 of council 931 in 5 ethnic groups (100,000 children); "
        "5 group(s) changed."
    )
    assert dict(PopulationByEthnicity.objects.values_list("ethnic_group", "population_0_17")) == {
        "white": 80_000,
        "mixed": 6_000,
        "asian": 8_000,
        "black": 4_000,
        "other": 2_000,
    }
    assert AuditEntry.objects.filter(label__startswith="population aged 0-17").count() == 5
    assert str(load(GOOD.replace("80000", "81000"))).endswith("1 group(s) changed.")


def test_a_file_with_problems_loads_nothing_and_names_each(db):
    load(GOOD)
    bad = "ethnic_group,population_0_17\nWhite,90000\nPurple,10\nasian,lots\nwhite,5\nother,2000\n"

    with pytest.raises(FileRejected) as rejected:
        load(bad)

    assert [str(p) for p in rejected.value.problems] == [
        "population.csv, row 3, column ethnic_group: 'Purple' is not one of DfE's major ethnic "
        "groups. Use white, mixed, asian, black or other.",
        "population.csv, row 4, column population_0_17: 'lots' is not a whole number of "
        "children. Write it in figures, e.g. 41250.",
        "population.csv, row 5, column ethnic_group: The white group is in the file twice "
        "(row 2). Give each group once.",
        "population.csv, row 1, column ethnic_group: The file has no row for the mixed, black "
        "group(s). Give all five groups.",
    ]
    assert PopulationByEthnicity.objects.get(ethnic_group="white").population_0_17 == 80_000


def test_the_command_loads_the_file_or_says_every_problem(db, tmp_path, settings):
    settings.HOMEWARD_COUNCIL = "931"
    council("931")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text("ethnic_group,population\nwhite,1\n")
    out, err = io.StringIO(), io.StringIO()

    call_command("load-population-by-ethnicity", str(good), "--source", "Census 2021", stdout=out)
    with pytest.raises(CommandError, match="Nothing was loaded: 1 problem"):
        call_command(
            "load-population-by-ethnicity", str(bad), "--source", "Census 2021", stderr=err
        )

    assert "(100,000 children)" in out.getvalue()
    assert "bad.csv, row 1, column population_0_17" in err.getvalue()
    assert PopulationByEthnicity.objects.filter(council_code="931").count() == 5
    with pytest.raises(CommandError, match="There is no council with code '999'"):
        call_command("load-population-by-ethnicity", str(good), "--source", "C", "--council", "999")
    assert not PopulationByEthnicity.objects.filter(council_code="999").exists()


def test_englands_shares_are_read_for_the_year_ending_by_the_day():
    import datetime as dt

    assert england_missing(dt.date(2020, 6, 30))["year_ending"] == 2020
    assert england_missing(dt.date(2024, 3, 30))["year_ending"] == 2023
    assert england_missing(dt.date(2019, 1, 1))["year_ending"] == 2020  # the earliest held
    latest = england_missing(dt.date(2026, 1, 1))
    assert (latest["year_ending"], latest["total"], latest["groups"]["white"]) == (
        2024,
        13_010,
        8_520,
    )
