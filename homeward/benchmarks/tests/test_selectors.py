import pytest

from homeward.benchmarks.models import PublishedFigure
from homeward.benchmarks.selectors import (
    latest_published_year,
    neighbour_model_for,
    population_0_17,
    published_comparison,
)

pytestmark = pytest.mark.django_db

OXFORDSHIRE_2025_MODEL = ["873", "919", "825", "937", "916", "850", "867", "938", "869", "803"]
OXFORDSHIRE_2021_MODEL = ["873", "919", "800", "850", "869", "865", "916", "825", "867", "938"]


def figure(code, measure, year=2024):
    return PublishedFigure.objects.get(
        year_ending=year, level="council", area_code=code, measure=measure
    )


def test_the_2021_model_serves_years_before_2025_and_the_2025_model_from_2025():
    assert neighbour_model_for(council_code="931", year_ending=2024) == 2021
    assert neighbour_model_for(council_code="931", year_ending=2025) == 2025
    assert neighbour_model_for(council_code="931", year_ending=2018) == 2021
    # Cumberland (2023) is only in the 2025 model.
    assert neighbour_model_for(council_code="942", year_ending=2024) == 2025
    result = published_comparison(council_code="931", year_ending=2024)
    assert [n["code"] for n in result["neighbours"]] == OXFORDSHIRE_2021_MODEL
    assert result["neighbours"][0] == {
        "rank": 1,
        "code": "873",
        "name": "Cambridgeshire",
        "closeness": "Extremely close",
    }
    later = published_comparison(council_code="931", year_ending=2025)
    assert [n["code"] for n in later["neighbours"]] == OXFORDSHIRE_2025_MODEL


def test_it_sets_oxfordshire_beside_its_neighbours_region_and_england():
    result = published_comparison(council_code="931", year_ending=2024)
    assert result["region"] == {"code": "E12000008", "name": "South East"}
    pct = result["measures"]["pct_missing"]
    assert pct["council"] == {"value": 11.0, "status": "", "shown": "11"}
    assert pct["region"]["value"] == 12.0 and pct["england"]["value"] == 11.0
    values = [float(figure(code, "pct_missing").value) for code in OXFORDSHIRE_2021_MODEL]
    neighbours = pct["neighbours"]
    assert neighbours["min"] == min(values) and neighbours["max"] == max(values)
    assert neighbours["mean"] == round(sum(values) / 10, 1)
    assert neighbours["with_value"] == 10 and neighbours["without_value"] == 0
    per_child = result["measures"]["incidents_per_missing_child"]
    assert per_child["council"]["value"] == 5.3 and per_child["england"]["value"] == 6.5
    # More than once, as a % of those who went missing: 73 of 125 = 58%.
    assert result["measures"]["pct_missing_more_than_once"]["council"]["value"] == 58.0
    assert result["measures"]["children_missing_more_than_once"]["council"]["value"] == 73.0


def test_suppressed_neighbours_are_left_out_of_the_mean_and_range_and_counted():
    for code, status in [("873", "c"), ("919", "c"), ("800", "x")]:
        PublishedFigure.objects.filter(
            year_ending=2024, area_code=code, measure="pct_missing"
        ).update(value=None, status=status)
    PublishedFigure.objects.filter(year_ending=2024, area_code="850", measure="pct_missing").update(
        value=40
    )
    rest = [float(figure(code, "pct_missing").value) for code in OXFORDSHIRE_2021_MODEL[3:]]
    neighbours = published_comparison(council_code="931", year_ending=2024)["measures"][
        "pct_missing"
    ]["neighbours"]
    assert neighbours["with_value"] == 7
    assert neighbours["without_value"] == 3
    assert neighbours["without_value_by_status"] == {"c": 2, "x": 1}
    assert neighbours["max"] == 40.0 and neighbours["min"] == min(rest)
    assert neighbours["mean"] == round(sum(rest) / 7, 1)
    shown = {v["code"]: v["shown"] for v in neighbours["values"]}
    assert shown["873"] == "c" and shown["800"] == "x" and shown["850"] == "40"


def test_a_suppressed_council_figure_stays_suppressed_never_zero():
    result = published_comparison(council_code="931", year_ending=2024)
    away = result["measures"]["pct_away"]["council"]
    assert away == {"value": None, "status": "c", "shown": "c"}
    # A percentage made from a suppressed count is suppressed too.
    assert result["measures"]["pct_away_more_than_once"]["council"]["status"] == "c"


def test_a_year_not_yet_published_is_unavailable_everywhere():
    result = published_comparison(council_code="931", year_ending=2026)
    assert result["published"] is False
    assert result["measures"]["pct_missing"]["council"]["status"] == "x"
    assert result["measures"]["pct_missing"]["neighbours"]["with_value"] == 0


def test_london_boroughs_are_compared_with_london():
    assert published_comparison(council_code="202", year_ending=2024)["region"] == {
        "code": "E12000007",
        "name": "London",
    }


def test_latest_year_and_population():
    assert latest_published_year() == 2024
    assert population_0_17(area_code="931", year=2024) == 156647
    assert population_0_17(area_code="931", year=1999) is None
