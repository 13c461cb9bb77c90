from homeward.reports.spc import p_chart


def series(*pcts, of=100):
    """Made-up months: each a percentage of `of` returns."""
    return [(f"2020-{i + 1:02d}", pct * of // 100, of) for i, pct in enumerate(pcts)]


def rules(chart):
    return [(s["rule"], s["direction"], s["months"]) for s in chart["signals"]]


def test_the_centre_line_and_limits_come_from_all_the_months():
    chart = p_chart([("2020-01", 30, 40), ("2020-02", 50, 60)])
    assert chart["centre"] == 80.0
    january = chart["months"][0]
    # 80% +/- 3 * sqrt(0.8 * 0.2 / 40) = 80% +/- 18.97%
    assert round(january["lower"], 2) == 61.03
    assert round(january["upper"], 2) == 98.97


def test_noise_around_the_centre_is_no_signal():
    assert rules(p_chart(series(70, 72, 68, 71, 69, 73, 67, 70, 72, 68))) == []


def test_a_point_beyond_its_limit():
    chart = p_chart(series(70, 72, 68, 71, 69, 40, 70, 72, 68, 71))
    assert rules(chart) == [("beyond_limits", "below", ["2020-06"])]


def test_eight_in_a_row_on_one_side_is_a_shift_and_seven_is_not():
    eight = p_chart(series(60, 74, 75, 74, 76, 75, 74, 75, 76, 60, 62, 61))
    assert ("shift", "above", [f"2020-{m:02d}" for m in range(2, 10)]) in rules(eight)
    seven = p_chart(series(60, 74, 75, 74, 76, 75, 74, 75, 60, 62, 61, 63))
    assert not [r for r in rules(seven) if r[0] == "shift"]


def test_a_point_on_the_centre_line_breaks_a_run():
    chart = p_chart(series(72, 72, 72, 72, 70, 72, 72, 72, 72, 68, 68, 68, 68, 68, 68, 68, 68))
    # The centre is 70.0% exactly, so the fifth month sits on it.
    assert chart["centre"] == 70.0
    assert [r[2][0] for r in rules(chart) if r[0] == "shift"] == ["2020-10"]


def test_six_rising_in_a_row_is_a_trend_and_five_is_not():
    six = p_chart(series(70, 60, 62, 64, 66, 68, 70, 69, 71, 70))
    assert ("trend", "rising", [f"2020-{m:02d}" for m in range(2, 8)]) in rules(six)
    five = p_chart(series(70, 60, 62, 64, 66, 68, 67, 69, 71, 70))
    assert not [r for r in rules(five) if r[0] == "trend"]


def test_six_falling_in_a_row_is_a_trend():
    chart = p_chart(series(70, 80, 78, 76, 74, 72, 70, 71, 70, 69))
    assert ("trend", "falling", [f"2020-{m:02d}" for m in range(2, 8)]) in rules(chart)


def test_months_without_returns_are_skipped():
    chart = p_chart([("2020-01", 0, 0), *series(70, 72, 68)])
    assert chart["months"][0]["lower"] is None
    assert rules(chart) == []
