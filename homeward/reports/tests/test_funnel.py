import pytest

from homeward.reports.funnel import binomial_limits, flag, funnel, poisson_limits


def test_binomial_limits_narrow_as_the_population_grows():
    small = binomial_limits(0.003, 10_000, 1.96)
    large = binomial_limits(0.003, 100_000, 1.96)
    assert small[0] < large[0] < 0.003 < large[1] < small[1]
    assert small[1] == pytest.approx(0.003 + 1.96 * (0.003 * 0.997 / 10_000) ** 0.5)


def test_poisson_limits_never_go_below_zero():
    assert poisson_limits(1.0, 1, 3.09) == (0.0, pytest.approx(4.09))


def test_each_point_is_flagged_against_its_own_limits():
    points = [
        {"name": "Big", "size": 60_000, "count": 300},  # 50 per 10,000
        {"name": "Small", "size": 20_000, "count": 40},  # 20 per 10,000
        {"name": "Typical", "size": 40_000, "count": 120},  # 30 per 10,000
    ]
    chart = funnel(points, centre=0.003, method="binomial", scale=10_000)
    flags = {p["name"]: (p["flag"], p["flag_95"]) for p in chart["points"]}
    assert chart["centre"] == 30.0
    assert flags == {
        "Big": ("above", "above"),
        "Small": ("within", "below"),  # 95%: 22.42 to 37.58; 99.8%: 18.05 to 41.95
        "Typical": ("within", "within"),
    }
    big = chart["points"][0]
    assert big["value"] == 50.0 and big["upper_998"] < 50.0


def test_a_point_between_the_95_and_998_limits():
    # Centre 30 per 10,000 over 20,000: 95% upper 37.58, 99.8% upper 41.95.
    chart = funnel([{"name": "X", "size": 20_000, "count": 80}], 0.003, "binomial", 10_000)
    point = chart["points"][0]
    assert (point["upper_95"], point["upper_998"]) == (37.58, 41.95)
    assert (point["flag"], point["flag_95"]) == ("within", "above")


def test_the_curve_spans_the_points():
    chart = funnel(
        [{"name": "A", "size": 10, "count": 5}, {"name": "B", "size": 50, "count": 40}],
        0.75,
        "poisson",
    )
    assert chart["curve"][0]["size"] == 10 and chart["curve"][-1]["size"] == 50


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, "below"), (1.0, "within"), (2.0, "within"), (2.1, "above")]
)
def test_flag(value, expected):
    assert flag(value, 1.0, 2.0) == expected
