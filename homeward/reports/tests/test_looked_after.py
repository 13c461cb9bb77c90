"""The council's own looked-after figures for a year ending 31 March, against hand counts.

Year ending 31 March 2020: 1 April 2019 to 31 March 2020, Europe/London.

| child | why | looked after | missing | away |
|---|---|---|---|---|
| A | placement ends 1 Apr 2019, the first day | yes | 1: 00:30 BST 1 Apr 2019 (A0 is before) | 0 |
| B | placement starts 31 Mar 2020, the last day | yes | 2 on 31 Mar 2020 (see below) | 0 |
| C | placement ended 31 Mar 2019 | no | - | - |
| D | no placement, episodes recorded as looked after | yes | 1 | 2 |
| E | placed here by Surrey (936) | Surrey's to count | (3) | - |
| F | placed out in Surrey all year | yes | 0 | 0 |
| G | child in need, never looked after | no | (1) | - |

B's episode from home before care (B0) and after the year (B3) are not counted.
Looked after 4 (A, B, D, F); missing 3 children (A, B, D), 4 incidents, 1 more than once (B);
away 1 child (D), 2 incidents, 1 more than once.
"""

import pytest

from homeward.benchmarks.models import PublishedFigure
from homeward.councils.tests.factories import council
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, write_bundle
from homeward.reports.looked_after import comparison, looked_after_year, year_ending_for

pytestmark = pytest.mark.django_db


def placement(ref, child_ref, start, end="", host="931"):
    return {
        "placement_id": ref,
        "child_id": child_ref,
        "start_date": start,
        "end_date": end,
        "placement_type": "foster",
        "place_code": "U1",
        "provider_urn": "",
        "provider_name": "Made-up carers",
        "locality": "Oxford" if host == "931" else "",
        "placing_la": "",
        "host_la": host,
    }


def looked_after(ref, child_ref, seen, back, **values):
    return episode(
        ref,
        child_ref,
        last_seen_at=seen,
        returned_at=back,
        legal_status="looked_after",
        missing_from="placement",
        **values,
    )


@pytest.fixture
def bundle(tmp_path):
    write_bundle(
        tmp_path,
        localities=LOCALITIES,
        children=[
            child("A"),
            child("B"),
            child("C"),
            child("D", sex="female"),
            child("E", responsible_la="936"),
            child("F"),
            child("G"),
        ],
        placements=[
            placement("PA", "A", "2018-01-01", "2019-04-01"),
            placement("PB", "B", "2020-03-31"),
            placement("PC", "C", "2017-01-01", "2019-03-31"),
            placement("PE", "E", "2019-01-01"),
            placement("PF", "F", "2018-06-01", host="936"),
        ],
        episodes=[
            looked_after("A0", "A", "2019-03-31T23:30", "2019-03-31T23:50"),
            looked_after("A1", "A", "2019-04-01T00:30", "2019-04-01T06:00"),
            episode("B0", "B", last_seen_at="2019-06-01T18:00", legal_status="child_in_need"),
            episode("B1", "B", last_seen_at="2020-03-31T10:00", returned_at="2020-03-31T12:00"),
            episode("B2", "B", last_seen_at="2020-03-31T22:00", returned_at="2020-03-31T23:00"),
            looked_after("B3", "B", "2020-04-01T00:30", "2020-04-01T02:00"),
            looked_after("D1", "D", "2019-10-10T20:00", "2019-10-11T01:00", category="away"),
            looked_after("D2", "D", "2019-11-01T20:00", "2019-11-02T01:00", category="away"),
            looked_after("D3", "D", "2019-12-01T20:00", "2019-12-02T01:00"),
            looked_after("E1", "E", "2019-05-01T20:00", "2019-05-02T01:00"),
            looked_after("E2", "E", "2019-06-01T20:00", "2019-06-02T01:00"),
            looked_after("E3", "E", "2019-07-01T20:00", "2019-07-02T01:00"),
            episode("G1", "G", last_seen_at="2019-09-01T18:00", legal_status="child_in_need"),
        ],
    )
    import_bundle(tmp_path, council_code="931")
    return council("931")


def test_it_counts_the_year_as_dfe_does(bundle):
    year = looked_after_year(council=bundle, year_ending=2020)
    assert (year["from"], year["to"]) == ("2019-04-01", "2020-03-31")
    assert year["counts"] == {
        "children_looked_after": 4,
        "children_missing": 3,
        "missing_incidents": 4,
        "children_missing_more_than_once": 1,
        "children_away": 1,
        "away_incidents": 2,
        "children_away_more_than_once": 1,
    }
    assert year["measures"] == {
        "children_looked_after": 4,
        "pct_missing": 75.0,
        "incidents_per_missing_child": 1.3,
        "pct_missing_more_than_once": 33.0,
        "children_missing": 3,
        "missing_incidents": 4,
        "children_missing_more_than_once": 1,
        "pct_away": 25.0,
        "incidents_per_away_child": 2.0,
        "pct_away_more_than_once": 100.0,
        "children_away": 1,
        "away_incidents": 2,
        "children_away_more_than_once": 1,
    }


def test_the_year_before_and_after_hold_their_own_episodes(bundle):
    before = looked_after_year(council=bundle, year_ending=2019)["counts"]
    # A (placed), C (placed to 31 Mar 2019), E is Surrey's, F (placed); A0 counted here.
    assert before["children_looked_after"] == 3
    assert (before["children_missing"], before["missing_incidents"]) == (1, 1)
    after = looked_after_year(council=bundle, year_ending=2021)["counts"]
    # B and F still placed; B3 on 1 April 2020.
    assert after["children_looked_after"] == 2
    assert (after["children_missing"], after["missing_incidents"]) == (1, 1)


def test_a_year_with_no_children_has_no_percentages(db):
    year = looked_after_year(council=council("931"), year_ending=2020)
    assert year["counts"]["children_looked_after"] == 0
    assert year["measures"]["pct_missing"] is None
    assert year["measures"]["incidents_per_missing_child"] is None


def test_comparison_sets_own_figures_beside_published_ones_and_is_json_ready(bundle):
    result = comparison(council=bundle, year_ending=2020)
    assert "year ending 31 March 2020" in result["note"]
    assert "2021 model" in result["note"]
    row = next(r for r in result["rows"] if r["measure"] == "pct_missing")
    assert row["own"] == 75.0
    published = PublishedFigure.objects.get(
        year_ending=2020, area_code="931", level="council", measure="pct_missing"
    )
    assert row["council"]["value"] == float(published.value)
    assert row["neighbours"]["with_value"] + row["neighbours"]["without_value"] == 10
    assert [r["measure"] for r in result["rows"]][:3] == [
        "pct_missing",
        "incidents_per_missing_child",
        "pct_missing_more_than_once",
    ]
    _assert_plain(result)


def test_comparison_says_when_dfe_has_not_published_the_year(bundle):
    result = comparison(council=bundle, year_ending=2026)
    assert "has not published figures for that year (the latest loaded is 2024)" in result["note"]
    assert result["rows"][0]["council"]["shown"] == "x"


def test_year_ending_for_a_day():
    import datetime as dt

    assert year_ending_for(dt.date(2020, 6, 30)) == 2020
    assert year_ending_for(dt.date(2020, 3, 31)) == 2020
    assert year_ending_for(dt.date(2020, 3, 30)) == 2019


def _assert_plain(value):
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for v in value.values():
            _assert_plain(v)
    elif isinstance(value, list):
        for v in value:
            _assert_plain(v)
    else:
        assert value is None or type(value) in (str, int, float, bool), repr(value)
