"""The home page's six-month table and the scrutiny report count the same figures with the
same code: on the same made-up children they agree figure by figure, and show each
percentage the same way."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.core.clock import Period
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.reports.engine import build_report
from homeward.reports.rounding import percentage, whole_percent

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 7, 15, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def six_months(db, time_machine):
    """Made-up episodes from February to July 2020, with returns whose share of interviews
    in time is not a whole percentage (2 of 3, 1 of 6)."""
    time_machine.move_to(NOW, tick=False)
    children = ChildFactory.create_batch(7)
    returns = []
    for i, child in enumerate(children[:3]):  # March: three returns, two interviewed in time
        returns.append(EpisodeFactory(child=child, last_seen_at=at(2020, 3, 2 + i, 18)))
    for i in range(6):  # May: one child six times, one interviewed in time
        returns.append(EpisodeFactory(child=children[3], last_seen_at=at(2020, 5, 2 + i, 18)))
    EpisodeFactory(child=children[4], last_seen_at=at(2020, 5, 31, 23, 30))  # back in June
    EpisodeFactory(child=children[5], last_seen_at=at(2020, 4, 10, 18), category="away")
    EpisodeFactory(child=children[6], last_seen_at=at(2020, 7, 1, 0, 30), returned_at=None)
    for episode in (returns[0], returns[1], returns[3]):
        ReturnInterviewFactory(episode=episode, completed_at=episode.returned_at + 70 * HOUR)
    ReturnInterviewFactory(episode=returns[2], completed_at=returns[2].returned_at + 80 * HOUR)
    return council("931")


def report_figures(period: Period) -> dict:
    report = build_report(council_code="931", period_from=period.first, period_to=period.last)
    return {
        "missing_episodes": report["missing"]["episodes"],
        "children_missing": report["missing"]["children"],
        "repeat_children": report["missing"]["repeat_children"],
        "away_episodes": report["away"]["episodes"],
        "returns": report["rhi"]["returns"],
        "rhi_completed_within_72h": report["rhi"]["completed_within_72h"],
    }


_KEYS = (
    "missing_episodes",
    "children_missing",
    "repeat_children",
    "away_episodes",
    "returns",
    "rhi_completed_within_72h",
)


def test_the_home_page_and_the_report_give_the_same_figures(client, six_months):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    rows = [*response.context["months"], response.context["total"]]
    assert [row["period"] for row in rows][-1] == Period(dt.date(2020, 2, 1), dt.date(2020, 7, 31))
    html = response.content.decode()
    shown = []
    for row in rows:
        expected = report_figures(row["period"])
        assert {key: row[key] for key in _KEYS} == expected, row["period"]
        within = expected["rhi_completed_within_72h"]
        if within["of"]:
            cell = f"{within['n']} of {within['of']} ({whole_percent(within['pct'])})"
            assert cell in html
            shown.append(cell)
    # The shares are not whole percentages, so the rounding rule is what is being compared.
    assert "2 of 3 (67%)" in shown and "1 of 6 (17%)" in shown


def test_the_report_and_the_home_page_keep_one_decimal_and_show_whole_percentages():
    assert percentage(2, 3) == 66.7
    assert percentage(1, 16) == 6.3  # half up, not to the even 6.2
    assert percentage(0, 0) is None
    assert whole_percent(66.7) == "67%"
    assert whole_percent(62.5) == "63%"
    assert whole_percent(12.4) == "12%"
