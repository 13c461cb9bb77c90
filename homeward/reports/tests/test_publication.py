"""Publication mode: no suppressed figure can be worked back from what is shown, small counts
are suppressed wherever they appear, and a report about too few children is refused."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.reports import publication
from homeward.reports.documents import render
from homeward.reports.engine import build_report
from homeward.reports.publication import SUPPRESSED, TOO_FEW_CHILDREN, PublicationRefused

LONDON = ZoneInfo("Europe/London")
H1_2020 = {"period_from": dt.date(2020, 1, 1), "period_to": dt.date(2020, 6, 30)}
C = SUPPRESSED


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def missing(child, seen, **fields):
    return EpisodeFactory(child=child, last_seen_at=seen, **fields)


@pytest.fixture
def half_year(db):
    """34 made-up children missing in the first half of 2020: 20 boys, 12 girls and 2 of
    other sex; 3 reported missing twice, 3 still missing at the end; 3 missing a year before."""
    boys = ChildFactory.create_batch(20, sex="male")
    girls = ChildFactory.create_batch(12, sex="female")
    others = ChildFactory.create_batch(2, sex="other")
    for day, child in enumerate(boys + girls[3:] + others, start=1):
        missing(child, at(2020, 1 + day % 5, 1 + day % 27, 18))
    for child in boys[:3]:
        missing(child, at(2020, 6, 10, 18))
    for child in girls[:3]:
        missing(child, at(2020, 6, 29, 18), returned_at=None)
    for child in boys[3:6]:
        missing(child, at(2019, 3, 1, 18))


def published() -> dict:
    return build_report(council_code="931", publication=True, **H1_2020)


def test_a_suppressed_sex_cannot_be_worked_out_from_the_others_and_the_total(half_year):
    draft = build_report(council_code="931", **H1_2020)
    assert draft["missing"]["by_sex"]["other"]["children"] == 2
    by_sex = published()["missing"]["by_sex"]
    assert by_sex["other"] == {"children": C, "episodes": C}
    # Girls (12) are the next smallest: suppressed too, so "other" is not total minus the rest.
    assert by_sex["female"] == {"children": C, "episodes": C}
    assert by_sex["male"] == draft["missing"]["by_sex"]["male"]


def test_every_grouping_has_no_lone_suppressed_cell(half_year):
    report = published()
    for category in ("missing", "away"):
        for grouping in publication.GROUPINGS:
            cells = report[category][grouping].values()
            hidden = [g for g in cells if g["children"] == C]
            assert len(hidden) != 1, (category, grouping)


def test_small_counts_are_suppressed_wherever_they_appear(half_year):
    report = published()
    assert report["missing"]["open_at_end"] == C  # 3 still missing
    assert report["missing"]["repeat_children"] == C  # 3 children missing twice
    assert report["repeat_children"]["count"] == C
    assert report["previous_year"]["figures"]["missing_children"] == C  # 3 a year before
    assert report["previous_year"]["change"]["missing_children"] == C


def test_no_finding_quotes_a_suppressed_number(half_year):
    draft = build_report(council_code="931", **H1_2020)
    rose = [f for f in draft["findings"] if f["id"] == "year-on-year-children"]
    assert rose and "from 3 to 34" in rose[0]["text"]
    report = published()
    for found in report["findings"]:
        assert "from 3 " not in found["text"]
        assert '"c"' not in json.dumps(found["evidence"])


def test_the_paper_never_prints_a_suppressed_small_count(half_year):
    text = render(published(), "html").decode()
    assert "3 episodes had not ended" not in text
    assert "3 of the 34 children" not in text


def test_a_published_report_about_fewer_than_5_children_is_refused(half_year):
    one_day = {"period_from": dt.date(2020, 6, 29), "period_to": dt.date(2020, 6, 29)}
    draft = build_report(council_code="931", **one_day)
    assert 0 < draft["missing"]["children"] < 5
    with pytest.raises(PublicationRefused) as refused:
        build_report(council_code="931", publication=True, **one_day)
    assert str(refused.value) == TOO_FEW_CHILDREN


def test_the_page_refuses_a_published_report_about_fewer_than_5_children(client, half_year):
    client.force_login(UserFactory(roles=["scrutiny"]))
    one_day = {
        "period_from_day": "29",
        "period_from_month": "6",
        "period_from_year": "2020",
        "period_to_day": "29",
        "period_to_month": "6",
        "period_to_year": "2020",
    }
    response = client.get("/reports/", one_day)
    assert response.status_code == 200
    assert "fewer than 5 children" in response.text
    assert "Executive summary" not in response.text
    download = client.get("/reports/download.docx", one_day)
    assert download.status_code == 400
    assert "fewer than 5 children" in download.content.decode()


def test_a_lone_suppressed_locality_takes_the_next_smallest_with_it_in_every_table():
    rates = {
        "Oxford": {"population_0_17": 30000, "children": 40, "episodes": 90},
        "Cherwell": {"population_0_17": 20000, "children": 9, "episodes": 12},
        "Vale": {"population_0_17": 10000, "children": 3, "episodes": 4},
    }
    hidden = publication.to_hide(rates)
    assert hidden == {"Vale", "Cherwell"}


def test_away_episodes_of_fewer_than_5_children_are_all_c_and_the_paper_says_nothing_of_them(
    half_year,
):
    for child in ChildFactory.create_batch(2):
        missing(child, at(2020, 2, 3, 18), category="away")
    report = published()
    assert report["away"]["episodes"] == C
    assert report["away"]["by_sex"] == {}  # not even which sexes
    assert report["previous_year"]["current"]["away_episodes"] == C
    for fmt in ("html", "docx", "pdf"):
        assert render(report, fmt)
    assert (
        "away from their placement without authorisation c times"
        not in render(report, "html").decode()
    )


def test_a_scrutiny_member_downloads_the_published_report_of_enough_children(client, half_year):
    client.force_login(UserFactory(roles=["scrutiny"]))
    query = {
        "period_from_day": "1",
        "period_from_month": "1",
        "period_from_year": "2020",
        "period_to_day": "30",
        "period_to_month": "6",
        "period_to_year": "2020",
    }
    download = client.get("/reports/download.json", query)
    assert download.status_code == 200
    report = json.loads(download.content)
    assert report["meta"]["publication"] is True
    assert report["missing"]["by_sex"]["other"] == {"children": C, "episodes": C}


def test_a_month_of_few_returns_on_the_control_chart_is_c_with_the_next_smallest():
    from homeward.reports.findings import find
    from homeward.reports.tests.sample_report import sample_report
    from homeward.reports.tests.test_findings_agree_with_tables import check_agreement

    report = sample_report()
    months = report["rhi_monthly"]["months"]
    # January 2020, the month of the chart's signal, had 3 returns and 1 interview in time.
    january = next(m for m in months if m["month"] == "2020-01")
    january |= {"returns": 3, "completed_within_72h": {"n": 1, "of": 3, "pct": 33.3}}
    months[3]["returns"] = 40  # the next smallest month

    published = publication.suppress(report)

    hidden = [m["month"] for m in published["rhi_monthly"]["months"] if m["returns"] == "c"]
    assert hidden == [months[3]["month"], "2020-01"]
    (shown_january,) = [m for m in published["rhi_monthly"]["months"] if m["month"] == "2020-01"]
    assert shown_january == {
        "month": "2020-01",
        "returns": "c",
        "completed_within_72h": {"n": "c", "of": "c", "pct": "c"},
        "lower": "c",
        "upper": "c",
    }
    published["findings"] = find(published)
    (signal,) = [f for f in published["findings"] if f["rule"] == "rhi_special_cause"]
    assert "fewer than 5 returns" in signal["text"] and "33.3" not in signal["text"]
    check_agreement(published)
    table = render(published, "html").decode()
    assert "33.3" not in table


def test_the_analyses_control_charts_hide_months_of_few_returns_too():
    from homeward.reports.analyses import rhi_service

    months = [
        {"month": f"2020-0{i}", "n": n, "of": of, "pct": 50.0, "lower": 1.0, "upper": 99.0}
        for i, (n, of) in enumerate([(2, 10), (8, 12), (9, 20), (0, 0)], start=1)
    ]
    chart = {"centre": 50.0, "months": months, "signals": []}

    published = rhi_service._monthly_published(chart)

    assert [m["n"] for m in published["months"]] == ["c", "c", 9, 0]
    assert published["months"][1] == dict.fromkeys(months[1], "c") | {"month": "2020-02"}
    assert published["centre"] == 50.0
