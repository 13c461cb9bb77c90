import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.benchmarks.loading import DATA, MEASURES, SHIPPED_NEIGHBOURS
from homeward.benchmarks.models import Population0to17, PublishedFigure, StatisticalNeighbour

pytestmark = pytest.mark.django_db

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,la_name,new_la_code,CLA_group,number"
)
OXFORDSHIRE = "2024,Reporting year,Local authority,E92000001,England,E12000008,South East,931,Oxfordshire,E10000025"  # noqa: E501
ENGLAND = "2024,Reporting year,National,E92000001,England,,,,,"


def published(year, code, measure):
    return PublishedFigure.objects.get(
        year_ending=year, level="council", area_code=code, measure=measure
    )


def file_rows(name):
    with (DATA / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_shipped_figures_for_oxfordshire_2024_are_those_in_the_file():
    rows = [
        r
        for r in file_rows("cla_missing_by_la_2020_2024.csv")
        if r["old_la_code"] == "931" and r["time_period"] == "2024"
    ]
    assert len(rows) == 13
    for row in rows:
        figure = published(2024, "931", MEASURES[row["CLA_group"].lower()])
        if row["number"] == "c":
            assert (figure.value, figure.status) == (None, "c")
        else:
            assert (figure.value, figure.status) == (Decimal(row["number"]), "")
    assert published(2024, "931", "children_looked_after").value == 1098
    assert published(2024, "931", "incidents_per_missing_child").value == Decimal("5.3")
    # Suppressed stays suppressed: never a zero.
    assert published(2024, "931", "pct_away").status == "c"
    assert published(2024, "931", "pct_away").value is None


def test_the_newer_release_wins_where_the_years_overlap():
    # Oxfordshire 2021: 90 children missing in the 2022 release, revised to 91 in 2024's.
    assert published(2021, "931", "children_missing").value == 91
    assert published(2021, "931", "children_missing").source == "cla_missing_by_la_2020_2024.csv"
    assert published(2019, "931", "children_missing").source == "cla_missing_by_la_2018_2022.csv"
    assert set(PublishedFigure.objects.values_list("year_ending", flat=True)) == set(
        range(2018, 2025)
    )
    # Every DfE label became one of the thirteen stable keys.
    assert set(PublishedFigure.objects.values_list("measure", flat=True)) == set(MEASURES.values())


def test_england_and_regions_are_loaded_with_their_codes():
    england = PublishedFigure.objects.get(
        year_ending=2024, level="england", measure="children_missing"
    )
    assert (england.area_code, england.value) == ("E92000001", 13010)
    south_east = PublishedFigure.objects.get(
        year_ending=2024, level="region", area_code="E12000008", measure="pct_missing"
    )
    assert south_east.value == 12


def test_oxfordshires_statistical_neighbours_are_the_ten_in_the_2025_file():
    with SHIPPED_NEIGHBOURS[2025].open(encoding="utf-8-sig", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["old_la_code"] == "931")
    expected = [row[f"SN_{rank}"] for rank in range(1, 11)]
    assert expected[0] == "873"
    loaded = StatisticalNeighbour.objects.filter(model_year=2025, council_code="931")
    assert [n.neighbour_code for n in loaded] == expected
    assert [n.rank for n in loaded] == list(range(1, 11))
    assert loaded[0].closeness == "Extremely close"
    # The 2021 model is loaded too, from its older layout, without its notes.
    assert (
        StatisticalNeighbour.objects.get(model_year=2021, council_code="931", rank=3).neighbour_code
        == "800"
    )  # noqa: E501
    assert StatisticalNeighbour.objects.filter(model_year=2021, council_code="928").count() == 10


def test_the_population_aged_0_to_17_is_loaded():
    assert Population0to17.objects.get(year=2024, area_code="931").value == 156647
    assert Population0to17.objects.get(year=2024, level="england").value == 12183016


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_dfe_replaces_the_years_a_release_covers(tmp_path):
    release = write(
        tmp_path / "cla_missing_2025.csv",
        HEADER,
        f"{OXFORDSHIRE},Children looked after during the year,1111",
        f"{OXFORDSHIRE},Percentage of children who had a missing incident during the year,c",
        f"{ENGLAND},Children looked after during the year,120000",
    ).read_text()
    # The same rows as a revision of 2024.
    write(tmp_path / "revised.csv", release.replace("2025,", "2024,").strip())
    before_2023 = PublishedFigure.objects.filter(year_ending=2023).count()
    out = io.StringIO()
    call_command("load-dfe", "--missing", str(tmp_path / "revised.csv"), stdout=out)
    assert "Loaded 3 published figures" in out.getvalue()
    assert PublishedFigure.objects.filter(year_ending=2024).count() == 3
    assert published(2024, "931", "children_looked_after").value == 1111
    assert published(2024, "931", "pct_missing").status == "c"
    assert PublishedFigure.objects.filter(year_ending=2023).count() == before_2023


def test_load_dfe_loads_a_new_neighbour_model_and_population(tmp_path):
    header = "old_la_code,la_name,region_ind,region_name," + ",".join(
        f"SN_{i},SN_{i}P" for i in range(1, 11)
    )
    neighbours = ",".join(f"{code},Close " for code in range(801, 811))
    write(tmp_path / "sn.csv", header, f"931,Oxfordshire,6,South East,{neighbours}")
    population = write(
        tmp_path / "pop.csv",
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,new_la_code,la_name,age_group,population_estimate",
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,931,"
        "E10000025,Oxfordshire,Children aged 0 to 17 years,157000",
    )
    call_command(
        "load-dfe",
        "--neighbours",
        str(tmp_path / "sn.csv"),
        "--model-year",
        "2027",
        "--population",
        str(population),
        stdout=io.StringIO(),
    )
    loaded = StatisticalNeighbour.objects.filter(model_year=2027, council_code="931")
    assert [n.neighbour_code for n in loaded] == [str(c) for c in range(801, 811)]
    assert loaded[0].closeness == "Close"
    assert StatisticalNeighbour.objects.filter(model_year=2025).count() > 1000
    assert Population0to17.objects.get(year=2025, area_code="931").value == 157000
    assert Population0to17.objects.get(year=2024, area_code="931").value == 156647


def test_load_dfe_refuses_a_bad_file_listing_every_problem_and_loads_nothing(tmp_path):
    write(
        tmp_path / "bad.csv",
        HEADER,
        f"{OXFORDSHIRE},Children looked after during the year,1111",
        f"{OXFORDSHIRE.replace('2024', '24', 1)},Children looked after during the year,5",
        f"{OXFORDSHIRE},Children who liked the year,5",
        f"{OXFORDSHIRE},Number of missing incidents during the year,-3",
        f"{OXFORDSHIRE.replace(',931,', ',93A,')},Number of missing incidents during the year,7",
        f"{OXFORDSHIRE},Children looked after during the year,1112",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was loaded: 5 problem"):
        call_command("load-dfe", "--missing", str(tmp_path / "bad.csv"), stderr=err)
    assert err.getvalue().splitlines() == [
        "bad.csv, row 3, time_period: '24' is not a year.",
        "bad.csv, row 4, cla_group: 'Children who liked the year' is not a measure Homeward knows.",
        "bad.csv, row 5, number: '-3' is neither a number nor c, z, x or k.",
        "bad.csv, row 6, old_la_code: '93A' is not a council code.",
        "bad.csv, row 7, cla_group: this figure appears twice.",
    ]
    assert published(2024, "931", "children_looked_after").value == 1098


def test_load_dfe_refuses_a_file_without_the_columns_it_needs(tmp_path):
    write(tmp_path / "odd.csv", "year,council,number", "2024,931,5")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load-dfe", "--missing", str(tmp_path / "odd.csv"), stderr=err)
    assert "odd.csv, row 1, time_period, geographic_level" in err.getvalue()
    assert "the header lacks these columns." in err.getvalue()


def test_load_dfe_wants_a_model_year_with_neighbours(tmp_path):
    write(tmp_path / "sn.csv", "old_la_code,la_name")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load-dfe", "--neighbours", str(tmp_path / "sn.csv"), stderr=err)
    assert "sn.csv: say which model it is with --model-year (e.g. 2025)." in err.getvalue()
