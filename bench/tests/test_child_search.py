"""The search benchmark's report, on made-up figures (the benchmark itself is `make bench`)."""

from bench.child_search import markdown


def test_each_figure_carries_its_ratio_to_the_baseline():
    text = markdown(
        {"baseline": 0.5, "searches": {"Zoe": (20.0, "1,234"), "Smith": (61.5, "more than 200")}},
        300_000,
        "postgresql",
    )
    assert "| `Zoe` | 1,234 | 20.0 | 40 |" in text
    assert "| `Smith` | more than 200 | 61.5 | 123 |" in text
    assert "exact local id: 0.50 ms" in text
