"""Every figure of the report JSON against the made-up county in made_up.py, counted by hand."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from homeward.core.clock import Period
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.reports.engine import build_report, year_earlier
from homeward.reports.publication import suppress_group
from homeward.reports.scope import ScopeError
from homeward.reports.tests.made_up import import_made_up_county, import_neighbour

H1_2020 = {"period_from": dt.date(2020, 1, 1), "period_to": dt.date(2020, 6, 30)}


def group(children, episodes):
    return {"children": children, "episodes": episodes}


def share(n, of, pct):
    return {"n": n, "of": of, "pct": pct}


@pytest.fixture
def county(db, tmp_path):
    import_made_up_county(tmp_path / "county")


@pytest.fixture
def report(county):
    return build_report(council_code="931", **H1_2020)


def test_it_counts_missing_episodes_by_last_seen_in_the_period(report):
    missing = report["missing"]
    # E2-E4, E6, E8-E12: not E1 (seen in 2019) nor E7 (1 July in London).
    assert missing["episodes"] == 9
    assert missing["children"] == 5
    assert missing["episodes_per_child"] == 1.8
    assert missing["repeat_children"] == 3  # C1 (3), C3 (2), C4 (2)
    assert missing["rate_per_10k_children"] == 0.6  # 5 / 90,000
    assert missing["rate_per_10k_episodes"] == 1.0  # 9 / 90,000


def test_a_child_is_counted_once_in_each_group_they_have_an_episode_in(report):
    missing = report["missing"]
    assert missing["by_sex"] == {"male": group(3, 6), "female": group(2, 3)}
    assert missing["by_locality"] == {
        "Oxford": group(3, 5),
        "South and Vale": group(2, 2),
        "not_known": group(2, 2),
    }
    assert missing["by_legal_status"] == {
        "looked_after": group(3, 4),
        "child_in_need": group(1, 3),
        "none": group(1, 2),
    }
    assert missing["by_placement_type"] == {
        "home": group(2, 4),
        "foster": group(2, 2),
        "childrens_home": group(1, 2),
        "not_known": group(1, 1),
    }
    assert missing["by_risk"] == {
        "high": group(1, 1),
        "medium": group(3, 5),
        "low": group(1, 1),
        "no_apparent_risk": group(1, 1),
        "not_known": group(1, 1),
    }


def test_age_is_taken_at_last_seen_even_when_a_birthday_falls_in_the_episode(report):
    # C1 is 13 when last seen on 14 March (birthday 15 March, during E3) and 14 by April;
    # C2 is 9 when last seen on 30 June (birthday 1 July, the day she came back);
    # C3 is 16 in January and 17 in May.
    assert report["missing"]["by_age_band"] == {
        "0-9": group(1, 1),
        "10-13": group(2, 3),
        "14-16": group(3, 4),
        "17": group(1, 1),
    }


def test_durations_and_episodes_still_open_at_the_end(report):
    # Returned: 2.17, 9.5, 10, 10, 12, 15, 24, 30 hours; E9 is open.
    assert report["missing"]["duration_hours"] == {"median": 11.0, "p90": 25.8, "of": 8}
    # E6 came back after the period ended; E9 has not come back.
    assert report["missing"]["open_at_end"] == 2


def test_away_episodes_are_counted_separately(report):
    away = report["away"]
    assert (away["episodes"], away["children"], away["repeat_children"]) == (1, 1, 0)
    assert away["by_placement_type"] == {"foster": group(1, 1)}
    assert away["duration_hours"] == {"median": 5.0, "p90": 5.0, "of": 1}


def test_return_home_interviews_are_counted_among_the_returns_in_the_period(report):
    # Returns: E1 (seen in 2019), E2, E3, E4, E8, E10, E11, E12; not E6 (back in July).
    assert report["rhi"] == {
        "returns": 8,
        "offered_within_72h": share(6, 8, 75.0),  # not E10 (not offered) nor E11
        "completed_within_72h": share(3, 8, 37.5),  # E1, E2 (exactly 72h), E12; not E3
        "completed": share(5, 8, 62.5),  # E1, E2, E3, E8, E12
        "declined": share(1, 8, 12.5),  # E4; E8's declined offer was followed by an interview
        "closed": share(0, 8, 0.0),  # none closed by a coordinator
    }


def test_screening_and_repeat_children(report):
    # C1 screened on the last day; C3 the day after; C4 never.
    assert report["ce_screening"] == {"repeat_children": 3, "screened": share(1, 3, 33.3)}
    assert report["repeat_children"] == {
        "count": 3,
        "episodes": 7,
        "screened": share(1, 3, 33.3),
        "known_to_csc": share(2, 3, 66.7),  # C1 (child in need), C4 (looked after); not C3
        "by_episodes": {"2": 2, "3-4": 1, "5-9": 0, "10+": 0},
    }


def test_placed_in_and_placed_out(report):
    # C4's placing council was told 24 hours after E10's report, and 24h 1m after E11's.
    assert report["placed_in"] == {
        "children": 1,
        "episodes": 2,
        "notified_within_24h": share(1, 2, 50.0),
    }
    assert report["placed_out"] == {"children": 1, "episodes": 1}


def test_rates_by_locality(report):
    assert report["rates_by_locality"] == {
        "Oxford": {
            "population_0_17": 30000,
            "children": 3,
            "episodes": 5,
            "rate_per_10k_children": 1.0,
            "rate_per_10k_episodes": 1.7,
        },
        "South and Vale": {
            "population_0_17": 60000,
            "children": 2,
            "episodes": 2,
            "rate_per_10k_children": 0.3,
            "rate_per_10k_episodes": 0.3,
        },
    }


def test_funnels_for_localities_and_childrens_homes(report):
    localities = report["funnel"]["localities"]
    assert localities["centre"] == 0.56  # 5 children / 90,000
    oxford = localities["points"][0]
    assert (oxford["name"], oxford["size"], oxford["count"], oxford["value"]) == (
        "Oxford",
        30000,
        3,
        1.0,
    )
    assert oxford["flag"] == oxford["flag_95"] == "within"
    assert oxford["upper_95"] == 1.4  # 10,000 * (p + 1.96 sqrt(p (1 - p) / 30,000))
    homes = report["funnel"]["childrens_homes"]
    assert homes["centre"] == 1.0  # 2 episodes / 2 children placed
    assert [(p["name"], p["urn"], p["size"], p["count"]) for p in homes["points"]] == [
        ("Made-up House", "SC000001", 1, 2),
        ("Pretend Lodge", "SC000002", 1, 0),
    ]


def test_the_same_period_a_year_earlier_and_the_change(report):
    earlier = report["previous_year"]
    assert earlier["period"]["from"] == "2019-01-01"
    assert earlier["figures"]["missing_episodes"] == 1  # E0
    assert earlier["figures"]["missing_children"] == 1
    assert earlier["change"]["missing_episodes"] == 8
    assert earlier["change_pct"]["missing_episodes"] == 800.0
    assert earlier["figures"]["rhi_completed_within_72h_pct"] == 0.0
    assert earlier["change"]["rhi_completed_within_72h_pct"] == 37.5


def test_the_monthly_interviews_for_24_months(report):
    months = {m["month"]: m for m in report["rhi_monthly"]["months"]}
    assert list(months)[0] == "2018-07" and list(months)[-1] == "2020-06"
    assert months["2020-01"]["completed_within_72h"] == share(2, 3, 66.7)  # E1, E2, E8
    assert months["2020-02"]["completed_within_72h"] == share(0, 1, 0.0)  # E10
    assert months["2020-03"]["completed_within_72h"] == share(0, 2, 0.0)  # E3, E11
    assert months["2019-03"]["completed_within_72h"] == share(0, 1, 0.0)  # E0
    assert months["2019-04"]["returns"] == 0
    # Centre line: 3 within 72 hours out of 9 returns in the 24 months.
    assert report["rhi_monthly"]["centre"] == 33.3


def test_meta_names_the_council_period_and_demo(county):
    with override_settings(HOMEWARD_DEMO=True):
        meta = build_report(council_code=None, **H1_2020)["meta"]
    assert meta["council"] == {"code": "931", "name": "Oxfordshire"}
    assert meta["period"] == {
        "from": "2020-01-01",
        "to": "2020-06-30",
        "label": "1 January to 30 June 2020",
    }
    assert meta["population_0_17"] == 90000
    assert meta["demo"] is True
    assert "made up" in meta["demo_notice"]


def test_the_report_is_plain_json(report):
    assert json.loads(json.dumps(report)) == report


def test_one_locality(county):
    oxford = build_report(council_code="931", locality="Oxford", **H1_2020)
    assert oxford["meta"]["population_0_17"] == 30000
    assert (oxford["missing"]["episodes"], oxford["missing"]["children"]) == (5, 3)
    assert oxford["missing"]["rate_per_10k_children"] == 1.0
    assert oxford["rhi"]["returns"] == 5  # E1, E2, E3, E10, E11
    # Localities are still compared with each other.
    assert list(oxford["rates_by_locality"]) == ["Oxford", "South and Vale"]


def test_all_councils_are_summed(county, tmp_path):
    import_neighbour(tmp_path / "neighbour")
    everywhere = build_report(council_code="all", **H1_2020)
    assert everywhere["meta"]["council"] == {"code": "all", "name": "All councils"}
    assert everywhere["meta"]["population_0_17"] == 110000
    assert (everywhere["missing"]["episodes"], everywhere["missing"]["children"]) == (10, 6)
    assert everywhere["missing"]["by_locality"]["Taunton (933)"] == group(1, 1)
    assert everywhere["benchmarks"] is None
    own = build_report(council_code="933", **H1_2020)
    assert (own["missing"]["episodes"], own["meta"]["population_0_17"]) == (1, 20000)


def test_publication_mode_suppresses_groups_of_fewer_than_5_children(report, county):
    published = build_report(council_code="931", publication=True, **H1_2020)
    assert published["missing"]["by_sex"] == {
        "male": {"children": "c", "episodes": "c"},
        "female": {"children": "c", "episodes": "c"},
    }
    assert published["rates_by_locality"]["Oxford"]["rate_per_10k_children"] == "c"
    assert published["placed_in"]["notified_within_24h"] == "c"
    assert published["ce_screening"]["screened"] == {"n": "c", "of": "c", "pct": "c"}
    assert published["funnel"]["localities"]["points"][0]["value"] == "c"
    # Totals stay; nothing suppressed is quoted in a finding.
    assert published["missing"]["episodes"] == report["missing"]["episodes"]
    assert not [f for f in published["findings"] if f["rule"] == "repeat_unscreened"]


def test_a_group_of_5_children_is_published():
    assert suppress_group(group(5, 9)) == group(5, 9)
    assert suppress_group(group(4, 9)) == {"children": "c", "episodes": "c"}


def test_an_unknown_council_or_locality_is_refused_with_a_sentence(county):
    with pytest.raises(ScopeError, match="no council with code '999'"):
        build_report(council_code="999", **H1_2020)
    with pytest.raises(ScopeError, match="no locality called 'Banbury'.*Oxford, South and Vale"):
        build_report(council_code="931", locality="Banbury", **H1_2020)


def queries_to_build() -> int:
    with CaptureQueriesContext(connection) as queries:
        build_report(council_code="931", **H1_2020)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_episodes(county):
    before = queries_to_build()
    for day in range(1, 29):
        EpisodeFactory(last_seen_at=dt.datetime(2020, 2, day, 18, tzinfo=dt.UTC))
    # About 20 for the report's figures and 20 for its analyses (reports/analyses/).
    assert queries_to_build() == before <= 45


def test_a_year_earlier_from_29_february_is_28_february():
    leap = Period(dt.date(2020, 2, 29), dt.date(2020, 2, 29))
    assert year_earlier(leap) == Period(dt.date(2019, 2, 28), dt.date(2019, 2, 28))
