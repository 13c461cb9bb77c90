"""The matching benchmark's timing, on a few made-up children (its figures are for
docs/performance.md; here only that it runs and reports them with the baseline)."""

import pytest

from bench.notification_matching import _percentile, fill, speed_figures

pytestmark = pytest.mark.django_db


def test_the_percentile_is_of_the_sorted_times():
    assert _percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0
    assert _percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0


def test_the_speed_figures_carry_the_baseline_and_the_target():
    council = fill(300)
    text = speed_figures(council, 300, 20, "sqlite")
    assert "| matching one notification |" in text
    assert "| baseline: children born that day |" in text
    assert "Target: 95th percentile under 50 ms" in text
