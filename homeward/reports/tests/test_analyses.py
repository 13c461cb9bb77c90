"""Each analysis counted over a small made-up data set, checked against counts made by hand
(the table below), its publication version and its findings against its own figures.

Council 931, period 1 January to 30 June 2020, localities North and South. Times London.

| child | born | sex | ethnicity | episodes (missing) | notes |
|---|---|---|---|---|---|
| A | 2005 | male | WBRI | 4 (+1 Oct 2019, +1 away, open) | home SC1 (North); screened; panel |
| B | 2004 | female | MWBC | 3 | from home, South, child in need |
| C | 2012 | male | (none) | 3 | aged 8: not an adolescent; no locality |
| D | 2005 | male | BAFR | 2 | placed in by 933; children's home SC1 |
| E | 2006 | female | WBRI | 1 | placed out: foster "Far Foster" hosted by 872; no risk |
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.core.clock import Period
from homeward.councils.models import Council
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.services import notice_acknowledge_otherwise
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)
from homeward.reports import analyses, figures
from homeward.reports.analyses import (
    adolescents,
    children_say,
    ethnicity,
    panel,
    placed,
    providers,
    quality,
    rhi_service,
)
from homeward.reports.funnel import standing
from homeward.reports.publication import SUPPRESSED
from homeward.reports.scope import scope_for

LONDON = ZoneInfo("Europe/London")
HOUR = dt.timedelta(hours=1)
PERIOD = Period(dt.date(2020, 1, 1), dt.date(2020, 6, 30))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def missing(child, when, **values):
    return EpisodeFactory(child=child, last_seen_at=when, **values)


@pytest.fixture
def county(db):
    home = council("931")
    north = LocalityFactory(council=home, name="North", population_0_17=30_000)
    south = LocalityFactory(council=home, name="South", population_0_17=20_000)
    a = ChildFactory(date_of_birth=dt.date(2005, 1, 1), sex="male", ethnicity="WBRI")
    b = ChildFactory(date_of_birth=dt.date(2004, 6, 1), sex="female", ethnicity="MWBC")
    c = ChildFactory(date_of_birth=dt.date(2012, 1, 1), sex="male", ethnicity="")
    d = ChildFactory(
        date_of_birth=dt.date(2005, 3, 1), ethnicity="BAFR", responsible_la=council("933")
    )
    e = ChildFactory(date_of_birth=dt.date(2006, 1, 1), sex="female", ethnicity="WBRI")
    home_one = {"provider_urn": "SC1", "provider_name": "Home One", "locality": north}
    pa = PlacementFactory(child=a, **home_one)
    pd = PlacementFactory(child=d, **home_one)
    pe = PlacementFactory(
        child=e, placement_type="foster", provider_name="Far Foster", host_la=council("872")
    )
    placed_a = {"placement": pa, "missing_from": "placement", "legal_status": "looked_after"}
    missing(a, at(2019, 10, 5, 12), locality=north, **placed_a)
    a1 = missing(a, at(2020, 1, 20, 20), locality=north, **placed_a)
    a2 = missing(a, at(2020, 3, 3, 20), locality=north, **placed_a)
    missing(a, at(2020, 4, 4, 20), locality=north, **placed_a)
    missing(a, at(2020, 5, 5, 20), locality=north, **placed_a)
    missing(a, at(2020, 6, 20, 20), locality=north, category="away", returned_at=None, **placed_a)
    b1 = missing(b, at(2020, 2, 1, 22), locality=south)
    b2 = missing(b, at(2020, 2, 15, 22), locality=south)
    missing(b, at(2020, 3, 1, 22), locality=south)
    for day in (1, 2, 3):
        missing(c, at(2020, 4, day, 18), locality=None)
    placed_d = {"placement": pd, "missing_from": "placement", "legal_status": "looked_after"}
    missing(d, at(2020, 2, 2, 18), locality=north, **placed_d)
    missing(d, at(2020, 5, 2, 18), locality=north, **placed_d)
    missing(
        e,
        at(2020, 3, 9, 18),
        locality=south,
        risk="",
        placement=pe,
        missing_from="placement",
        legal_status="looked_after",
    )
    ReturnInterviewFactory(episode=a1, conducted_by_type="team", factors="pull_friends;expl_gifts")
    ReturnInterviewFactory(
        episode=a2,
        conducted_by_type="commissioned",
        completed_at=a2.returned_at + 80 * HOUR,
        factors="pull_friends",
    )
    ReturnInterviewFactory(
        episode=b1, outcome="declined", completed_at=None, not_held_reason="child_declined"
    )
    ReturnInterviewFactory(
        episode=b2, outcome="no_contact", completed_at=None, not_held_reason="no_response"
    )
    ScreeningFactory(
        child=a, completed_on=dt.date(2020, 3, 1), outcome="high", concerns="cce;gangs"
    )
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 2, 10))
    discussion = PanelDiscussionFactory(meeting=meeting, child=a)
    PanelActionFactory(
        discussion=discussion,
        owner="Police",
        due_on=dt.date(2020, 3, 1),
        completed_on=dt.date(2020, 2, 20),
    )
    PanelActionFactory(discussion=discussion, owner="Education", due_on=dt.date(2020, 4, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "north": north, "south": south}


def scope():
    return scope_for("931")


def test_frequently_missing_adolescents_are_counted_by_hand(county):
    found = adolescents.count(scope(), PERIOD)

    assert (found["children"], found["episodes"]) == (2, 7)
    assert found["share_of_episodes"] == {"n": 7, "of": 13, "pct": 53.8}
    assert found["by_sex"] == {
        "male": {"children": 1, "episodes": 4},
        "female": {"children": 1, "episodes": 3},
    }
    assert found["by_legal_status"] == {
        "looked_after": {"children": 1, "episodes": 4},
        "child_in_need": {"children": 1, "episodes": 3},
    }
    assert found["by_placement_type"] == {
        "childrens_home": {"children": 1, "episodes": 4},
        "home": {"children": 1, "episodes": 3},
    }
    assert found["by_locality"] == {
        "North": {"children": 1, "episodes": 4},
        "South": {"children": 1, "episodes": 3},
    }
    assert found["screened"] == {"n": 1, "of": 2, "pct": 50.0}
    assert found["screening_outcomes"] == {"no_concerns": 0, "low": 0, "medium": 0, "high": 1}
    assert found["concerns"] == {"cce": 1, "gangs": 1}
    assert found["discussed_at_panel"] == {"n": 1, "of": 2, "pct": 50.0}


def test_adolescents_are_all_suppressed_in_the_published_paper_when_fewer_than_5(county):
    published = adolescents.suppress(adolescents.count(scope(), PERIOD))

    assert published["children"] == SUPPRESSED
    assert published["by_sex"] == {
        "male": {"children": SUPPRESSED, "episodes": SUPPRESSED},
        "female": {"children": SUPPRESSED, "episodes": SUPPRESSED},
    }
    assert published["ages"] == [13, 17]
    assert "fewer than 5 children aged 13 to 17" in adolescents.findings(published)[0]


def test_adolescents_findings_say_the_tables_figures():
    figures = {
        "children": 12,
        "share_of_episodes": {"n": 60, "of": 150, "pct": 40.0},
        "screened": {"n": 9, "of": 12, "pct": 75.0},
        "discussed_at_panel": {"n": 6, "of": 12, "pct": 50.0},
    }

    said = adolescents.findings(figures)

    assert said[0] == (
        "12 children aged 13 to 17 went missing three or more times in the period: 60 of the "
        "150 missing episodes (40.0%)."
    )
    assert said[1] == (
        "9 of them had an exploitation screening by the period's end and 6 had been discussed "
        "at the panel."
    )


def test_providers_rate_is_episodes_per_child_placed_by_type(county):
    found = providers.count(scope(), PERIOD)

    homes = found["by_type"]["childrens_home"]
    assert (homes["children"], homes["episodes"]) == (2, 6)
    (home_one,) = homes["points"]
    assert home_one | {} == home_one
    assert (home_one["name"], home_one["urn"], home_one["locality"]) == ("Home One", "SC1", "North")
    assert (home_one["size"], home_one["count"], home_one["value"]) == (2, 6, 3.0)
    assert home_one["flag"] == "within"
    (foster,) = found["by_type"]["foster"]["points"]
    assert foster["locality"] == providers.OUT_OF_AREA  # hosted by 872
    assert (foster["name"], foster["urn"], foster["size"], foster["count"]) == (
        "Far Foster",
        None,
        1,
        1,
    )


def test_a_home_with_two_names_is_named_as_the_childrens_homes_table_names_it(county):
    # The made-up county's data may give one Ofsted URN a different name on each placement:
    # the paper must still name the home one way, in its table and in this analysis.
    for name in ("Same Home (Made-up North)", "Same Home (Made-up South)", "Same Home"):
        PlacementFactory(provider_urn="SC9", provider_name=name)

    (in_table,) = [h for h in figures.childrens_homes(scope(), PERIOD) if h["urn"] == "SC9"]
    (point,) = [
        p
        for p in providers.count(scope(), PERIOD)["by_type"]["childrens_home"]["points"]
        if p["urn"] == "SC9"
    ]

    assert point["name"] == in_table["name"] == "Same Home (Made-up South)"


def test_providers_are_regrouped_by_locality_each_against_its_types_limits(county):
    found = providers.count(scope(), PERIOD)

    assert list(found["by_locality"]) == ["North", providers.OUT_OF_AREA]
    north = found["by_locality"]["North"]
    (home_one,) = north["points"]
    (in_type,) = found["by_type"]["childrens_home"]["points"]
    assert home_one == in_type | {
        "placement_type": "childrens_home",
        "expected": 6.0,  # 2 children placed, at children's homes' 3.0 per child
        "ratio": 1.0,
    }
    assert (north["children"], north["episodes"]) == (2, 6)
    # The ratio's limits are its type's: 1 + 3.09 / sqrt(6) is 3.0 + 3.09 * sqrt(3.0 / 2) / 3.0.
    assert north["curve"][0]["upper_998"] == round(1 + 3.09 / 6**0.5, 2) == 2.26


def test_a_small_provider_loses_its_name_in_the_published_paper(county):
    published = providers.suppress(providers.count(scope(), PERIOD))

    for home_one in (
        published["by_type"]["childrens_home"]["points"][0],
        published["by_locality"]["North"]["points"][0],
    ):
        assert home_one["name"] == SUPPRESSED
        assert home_one["urn"] == SUPPRESSED
        assert home_one["count"] == SUPPRESSED
        assert home_one["locality"] == "North"
    assert published["by_locality"]["North"]["points"][0]["placement_type"] == "childrens_home"


def provider(name: str, size: int, count: int) -> dict:
    return {"name": name, "urn": f"SC{name}", "locality": "North", "size": size, "count": count}


def made_up_providers(*points: dict) -> dict:
    found = {"by_type": {"childrens_home": providers._funnel(list(points))}}
    return found | {"measure": "", "by_locality": providers._by_locality(found["by_type"])}


def test_a_provider_hidden_alone_hides_the_next_smallest_and_small_episodes_show_c():
    figures = made_up_providers(provider("A", 3, 9), provider("B", 6, 3), provider("C", 9, 20))

    published = providers.suppress(figures)

    by_name = {p["urn"]: p for p in figures["by_locality"]["North"]["points"]}
    shown = published["by_locality"]["North"]["points"]
    names = [p["name"] for p in shown]
    # A (3 placed) is hidden; B (the next smallest) with it, or A would be the total minus
    # the rest; C stays, in the type's funnel and in its locality's table alike.
    assert names == [SUPPRESSED, SUPPRESSED, "C"]
    assert [p["name"] for p in published["by_type"]["childrens_home"]["points"]] == names
    assert by_name["SCC"]["count"] == 20
    # The limits are drawn over the shown provider's size only: none starts at a hidden one's.
    assert {c["size"] for c in published["by_type"]["childrens_home"]["curve"]} == {9}
    assert {c["expected"] for c in published["by_locality"]["North"]["curve"]} == {
        shown[2]["expected"]
    }
    alone = made_up_providers(provider("B", 6, 3), provider("C", 9, 20))
    (b, _) = providers.suppress(alone)["by_locality"]["North"]["points"]
    assert (b["name"], b["size"], b["count"], b["value"]) == ("B", 6, SUPPRESSED, SUPPRESSED)


def test_providers_outside_their_limits_are_named_from_the_tables_marking():
    figures = made_up_providers(
        provider("A", 6, 60), *(provider(f"H{i}", 6, 6) for i in range(6)), provider("L", 20, 0)
    )
    outside = {p["name"]: standing(p) for p in providers.outside(figures)}
    assert outside == {"A": ("above", "99.8"), "L": ("below", "99.8")}

    said = providers.findings(figures)

    (a,) = [p for p in figures["by_locality"]["North"]["points"] if p["name"] == "A"]
    assert said[0] == (
        f"In North, A (children's home) had 60 missing episodes from 6 children placed "
        f"({a['value']:.2f} per child): higher than the 99.8% limit of {a['upper_998']:.2f} "
        "for a provider of its type and size (outside the 99.8% limits)."
    )
    assert said[1].startswith("In North, L (children's home) had 0 missing episodes")
    assert "lower than the 99.8% limit" in said[1]


def test_placed_in_and_out_children_are_counted_by_hand(county):
    found = placed.count(scope(), PERIOD)

    placed_in = found["placed_in"]
    assert (placed_in["children"], placed_in["episodes"], placed_in["repeat_children"]) == (1, 2, 1)
    assert placed_in["repeat_episodes"] == {"n": 2, "of": 2, "pct": 100.0}
    assert placed_in["placing_councils"] == [
        {"council": council("933").name, "children": 1, "episodes": 2}
    ]
    placed_out = found["placed_out"]
    assert (placed_out["children"], placed_out["episodes"], placed_out["repeat_children"]) == (
        1,
        1,
        0,
    )
    assert placed_out["host_councils"] == [
        {"council": council("872").name, "children": 1, "episodes": 1}
    ]
    # No notice recorded and no time typed: neither episode's placing council told in time.
    assert found["notices"] == {
        "told_within_24h": {"n": 0, "of": 2, "pct": 0.0},
        "notices_recorded": 0,
        "acknowledged": {"n": 0, "of": 0, "pct": None},
    }
    assert "Their placing councils were told within 24 hours of 0 of those 2 episodes (0.0%)." in (
        placed.findings(found)
    )


def test_placing_councils_told_and_acknowledging_are_counted_from_the_notices(county):
    first = county["d"].episodes.order_by("last_seen_at").first()
    PlacingCouncilNotice.objects.create(
        council=council("931"),
        episode=first,
        kind=NoticeKind.MISSING,
        child=first.child,
        placing_council=council("933"),
        prepared_at=first.last_seen_at,
        told_other_way="By phone to their made-up duty team",
        told_at=first.last_seen_at + 2 * HOUR,
        acknowledged_at=first.last_seen_at + 3 * HOUR,
        acknowledged_by_name="Made-up officer",
    )

    found = placed.count(scope(), PERIOD)

    assert found["notices"] == {
        "told_within_24h": {"n": 1, "of": 2, "pct": 50.0},
        "notices_recorded": 1,
        "acknowledged": {"n": 1, "of": 1, "pct": 100.0},
    }
    sentences = placed.findings(found)
    assert "Their placing councils were told within 24 hours of 1 of those 2 episodes (50.0%)." in (
        sentences
    )
    assert "1 of the 1 missing notices recorded (100.0%) were acknowledged" in " ".join(sentences)


def test_a_notice_acknowledged_another_way_counts_as_acknowledged(county):
    first = county["d"].episodes.order_by("last_seen_at").first()
    notice = PlacingCouncilNotice.objects.create(
        council=council("931"),
        episode=first,
        kind=NoticeKind.MISSING,
        child=first.child,
        placing_council=council("933"),
        prepared_at=first.last_seen_at + HOUR,
    )
    assert placed.count(scope(), PERIOD)["notices"]["acknowledged"]["n"] == 0

    notice_acknowledge_otherwise(
        notice=notice,
        how="phone",
        by_name="Made-up officer",
        acknowledged_at=first.last_seen_at + 3 * HOUR,
        expected_version=notice.version,
        now=first.last_seen_at + 4 * HOUR,
        by=None,
    )

    found = placed.count(scope(), PERIOD)["notices"]
    assert found["acknowledged"] == {"n": 1, "of": 1, "pct": 100.0}


def test_placed_councils_are_hidden_in_the_published_paper(county):
    published = placed.suppress(placed.count(scope(), PERIOD))

    assert published["placed_in"]["children"] == SUPPRESSED
    assert published["placed_in"]["placing_councils"] == [
        {"council": SUPPRESSED, "children": SUPPRESSED, "episodes": SUPPRESSED}
    ]


def test_the_interview_service_is_counted_by_hand(county):
    found = rhi_service.count(scope(), PERIOD)

    assert found["returns"] == 13
    assert found["by_held_by"] == {
        "commissioned": {
            "returns": 1,
            "offered_within_72h": {"n": 1, "of": 1, "pct": 100.0},
            "completed_within_72h": {"n": 0, "of": 1, "pct": 0.0},
        },
        "not_recorded": {
            "returns": 11,
            "offered_within_72h": {"n": 2, "of": 11, "pct": 18.2},
            "completed_within_72h": {"n": 0, "of": 11, "pct": 0.0},
        },
        "team": {
            "returns": 1,
            "offered_within_72h": {"n": 1, "of": 1, "pct": 100.0},
            "completed_within_72h": {"n": 1, "of": 1, "pct": 100.0},
        },
    }
    assert {k: g["returns"] for k, g in found["by_placement"].items()} == {
        "own": 10,
        "placed_in": 2,
        "placed_out": 1,
    }
    assert {k: g["returns"] for k, g in found["by_locality"].items()} == {
        "North": 6,
        "South": 4,
        "not_known": 3,
    }
    assert found["not_held"] == {
        "declined": {"child_declined": 1},
        "no_contact": {"no_response": 1},
    }
    hours = found["hours_to_interview"]
    assert (hours["interviews"], hours["median"], hours["p90"]) == (2, 55.0, 75.0)
    assert [b["interviews"] for b in hours["bins"]] == [0, 1, 0, 1, 0, 0]


def test_the_interview_service_months_cover_24_months_to_the_periods_end(county):
    monthly = rhi_service.count(scope(), PERIOD)["monthly"]

    completed = monthly["completed_within_72h"]["months"]
    assert len(completed) == 24
    assert (completed[0]["month"], completed[-1]["month"]) == ("2018-07", "2020-06")
    # October 2019's return (child A, before the period) is in the chart, not the period.
    assert sum(m["of"] for m in completed) == 14
    assert sum(m["n"] for m in monthly["offered_within_72h"]["months"]) == 4
    january = next(m for m in completed if m["month"] == "2020-01")
    assert (january["n"], january["of"]) == (1, 1)


def test_the_interview_service_published_hides_small_groups_and_bins(county):
    published = rhi_service.suppress(rhi_service.count(scope(), PERIOD))

    assert published["by_held_by"]["team"]["returns"] == SUPPRESSED
    assert published["by_held_by"]["not_recorded"]["returns"] == 11
    assert published["by_held_by"]["not_recorded"]["offered_within_72h"]["n"] == SUPPRESSED
    assert published["not_held"]["declined"] == {"child_declined": SUPPRESSED}
    assert published["hours_to_interview"]["median"] == SUPPRESSED


def test_what_children_say_is_counted_by_hand(county):
    found = children_say.count(scope(), PERIOD)
    # Most children first (both 1 here), then most interviews.

    assert (found["interviews_completed"], found["interviews_with_factors"]) == (2, 2)
    assert [(f["code"], f["kind"], f["interviews"], f["children"]) for f in found["factors"]] == [
        ("pull_friends", "pull", 2, 1),
        ("expl_gifts", "indicator", 1, 1),
    ]
    published = children_say.suppress(found)
    assert published["factors"][0]["interviews"] == SUPPRESSED
    assert published["interviews_completed"] == SUPPRESSED


def test_children_say_findings_use_the_top_factor_of_each_kind():
    figures = {
        "interviews_completed": 40,
        "interviews_with_factors": 30,
        "factors": [
            {
                "code": "pull_friends",
                "kind": "pull",
                "label": "Pull: to be with friends",
                "interviews": 12,
                "children": 8,
            },
            {
                "code": "expl_gifts",
                "kind": "indicator",
                "label": "Indicator: unexplained money, phones or gifts",
                "interviews": SUPPRESSED,
                "children": SUPPRESSED,
            },
        ],
    }

    said = children_say.findings(figures)

    assert said == [
        "30 of the 40 interviews completed after the period's returns record what the child "
        "said as codes.",
        "The pull factor recorded for the most children was 'to be with friends': 8 children, "
        "in 12 interviews.",
    ]


def test_ethnicity_is_counted_by_major_group(county):
    found = ethnicity.count(scope(), PERIOD)

    assert found["children"] == 5
    assert {
        k: (g["children"], g["episodes"], g["share_pct"]) for k, g in found["groups"].items()
    } == {
        "white": (2, 5, 40.0),
        "mixed": (1, 3, 20.0),
        "black": (1, 2, 20.0),
        "not_known": (1, 3, 20.0),
    }
    assert all(g["population_share"] is None for g in found["groups"].values())
    assert ethnicity.findings(found)[0] == (
        "2 of the 5 children missing were recorded as White (40.0%)."
    )
    published = ethnicity.suppress(found)
    assert all(g["children"] == SUPPRESSED for g in published["groups"].values())
    said = ethnicity.findings(published)
    assert said[-1] == ethnicity.NO_POPULATION
    assert not any("recorded as" in sentence for sentence in said)


def test_ethnicity_is_compared_with_englands_looked_after_children_missing(county):
    found = ethnicity.count(scope(), PERIOD)

    # DfE, year ending 31 March 2020: 8,610 White of 12,470 who went missing from placement.
    england = found["england"]
    assert (england["year_ending"], england["children"]) == (2020, 12_470)
    assert england["shares"]["white"] == {"n": 8_610, "of": 12_470, "pct": 69.0}
    assert found["groups"]["white"]["england_share"] == england["shares"]["white"]
    assert "Open Government Licence" in england["source"]
    assert (
        "Of England's 12,470 looked-after children who went missing from placement in the "
        "year ending 31 March 2020, 69.0% White" in " ".join(ethnicity.findings(found))
    )


POPULATION_FILE = (
    b"ethnic_group,population_0_17\nWhite,80000\nmixed,6000\nasian,8000\nblack,4000\nother,2000\n"
)


def test_ethnicity_is_compared_with_the_councils_loaded_population(county):
    from homeward.benchmarks.ethnicity import population_load

    population_load(data=POPULATION_FILE, name="p.csv", council_code="931", source="Census 2021")

    found = ethnicity.count(scope(), PERIOD)

    white = found["groups"]["white"]
    assert white["population_share"] == {"n": 80_000, "of": 100_000, "pct": 80.0}
    assert found["groups"]["asian"]["children"] == 0  # shown beside its population share
    assert found["population_note"] is None
    said = ethnicity.findings(found)
    assert said[0] == (
        "2 of the 5 children missing were recorded as White (40.0%), against 80.0% of the "
        "council's population aged 0 to 17."
    )
    assert said[-1] == "The population aged 0 to 17 by ethnic group: Census 2021."
    published = ethnicity.suppress(found)
    assert published["groups"]["white"]["children"] == SUPPRESSED
    assert published["groups"]["white"]["population_share"] == white["population_share"]
    # A locality's report does not compare its children with the whole council's population.
    in_north = ethnicity.count(scope_for("931", "North"), PERIOD)
    assert in_north["population_note"] == ethnicity.LOCALITY_POPULATION


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("WBRI", "white"),
        ("MOTH", "mixed"),
        ("CHNE", "asian"),
        ("BCRB", "black"),
        ("OOTH", "other"),
        ("REFU", "not_known"),
        ("", "not_known"),
    ],
)
def test_each_dfe_code_has_its_major_group(code, group):
    assert ethnicity.major_group(code) == group


def test_the_panel_is_counted_by_hand(county):
    found = panel.count(scope(), PERIOD)

    assert found["children_discussed"] == 1
    assert found["actions"] == {"agreed": 2, "done": 1, "overdue": 1}
    assert found["actions_by_agency"] == {
        "Education": {"agreed": 1, "done": 0, "overdue": 1},
        "Police": {"agreed": 1, "done": 1, "overdue": 0},
    }
    # A: 10 Feb 2020. Before: 5 Oct 2019 and 20 Jan 2020; after: 3 Mar, 4 Apr, 5 May.
    assert found["before_after"] == {
        "children": 1,
        "not_yet_six_months": 0,
        "episodes_before": 2,
        "episodes_after": 3,
    }
    published = panel.suppress(found)
    assert published["children_discussed"] == SUPPRESSED
    assert published["before_after"]["episodes_after"] == SUPPRESSED


def test_the_panel_findings_state_the_comparisons_limits():
    figures = {
        "children_discussed": 8,
        "actions": {"agreed": 20, "done": 15, "overdue": 3},
        "before_after": {"children": 6, "episodes_before": 40, "episodes_after": 22},
    }

    said = panel.findings(figures)

    assert said[0] == (
        "The panel discussed 8 children in the period and agreed 20 actions: 15 done by the "
        "period's end and 3 overdue."
    )
    assert said[1].startswith(
        "The 6 children first discussed in the period went missing 40 times in the six months "
        "before their first discussion and 22 times in the six months after."
    )
    assert said[1].endswith(panel.LIMITS)


def test_the_data_quality_statement_is_counted_by_hand(county):
    paper_day = at(2020, 7, 1, 9)
    Child.all_records.update(created_at=at(2020, 1, 1), changed_at=at(2020, 1, 1))
    Child.objects.filter(pk=county["b"].pk).update(changed_at=at(2020, 8, 1))
    twin = ChildFactory(date_of_birth=dt.date(2005, 1, 1))
    Child.all_records.filter(pk=twin.pk).update(
        merged_into=county["a"], created_at=at(2020, 1, 1), changed_at=at(2020, 9, 1)
    )
    assert paper_day.date() > PERIOD.last

    found = quality.count(scope(), PERIOD)

    assert found["episodes"] == 14
    assert found["open_at_end"] == 1
    assert (found["no_locality"], found["no_risk"]) == (3, 1)
    # 13 returns; completed (2) and declined (1) are settled; no contact once leaves it owed.
    assert found["returns_without_outcome"] == 10
    assert (found["children_merged"], found["children_corrected"]) == (1, 1)
    assert quality.suppress(found)["open_at_end"] == SUPPRESSED


def test_every_analysis_is_in_the_report_with_its_findings(county):
    built = analyses.build(scope(), PERIOD)

    assert set(built) == set(analyses.MODULES)
    assert all(isinstance(a["findings"], list) and a["findings"] for a in built.values())
    published = analyses.build(scope(), PERIOD, publication=True)
    assert published["adolescents"]["children"] == SUPPRESSED


def test_a_council_with_no_data_has_every_analysis_empty(db):
    empty = Council.objects.get(code="872")
    built = analyses.build(scope_for(empty.code), PERIOD)

    assert built["adolescents"]["children"] == 0
    assert built["providers"]["by_type"] == {}
    assert built["rhi_service"]["returns"] == 0
    assert built["panel"]["children_discussed"] == 0


# Counts of children, episodes, returns, interviews or actions. Left out: the monthly
# p-charts (rates over every return, as rhi_monthly) and a shown provider's episodes (its
# children placed, 5 or more, are what could point to a child, as funnel.childrens_homes).
NOT_COUNTS = {"ages", "min_episodes", "from", "to", "monthly", "curve", "count"}


def small_counts(value, path=()) -> list[tuple]:
    """Every count of 1 to 4 in `value`, with where it stands."""
    if isinstance(value, dict):
        return [
            found
            for key, inner in value.items()
            if key not in NOT_COUNTS
            for found in small_counts(inner, (*path, key))
        ]
    if isinstance(value, list):
        return [found for i, inner in enumerate(value) for found in small_counts(inner, (*path, i))]
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        return [(path, value)]
    return []


def test_no_published_analysis_shows_a_count_of_1_to_4(county):
    draft = analyses.build(scope(), PERIOD)
    published = analyses.build(scope(), PERIOD, publication=True)

    assert small_counts(draft)  # the county is small: the draft has many
    assert small_counts(published) == []


def test_the_interview_service_findings_say_the_tables_figures():
    figures = {
        "monthly": {
            "completed_within_72h": {
                "centre": 64.5,
                "signals": [{"rule": "beyond_limits", "direction": "below", "months": ["2019-11"]}],
            }
        },
        "hours_to_interview": {"interviews": 120, "median": 30.5, "p90": 90.0},
        "by_held_by": {
            "team": {"completed_within_72h": {"n": 40, "of": 60, "pct": 66.7}},
            "commissioned": {"completed_within_72h": {"n": "c", "of": "c", "pct": "c"}},
        },
    }

    said = rhi_service.findings(figures)

    assert said == [
        "Over the 24 months to the period's end, 64.5% of returns had an interview completed "
        "within 72 hours; 1 month(s) lay outside the chart's 3-sigma limits.",
        "Of 120 interviews completed after the period's returns, half were held within 30.5 "
        "hours of the return and nine in ten within 90.0 hours.",
        "Returns whose interview was held by the council's own team: 40 of 60 completed within "
        "72 hours (66.7%).",
    ]


def test_the_data_quality_finding_says_the_statements_counts():
    figures = {
        "episodes": 920,
        "open_at_end": 2,
        "no_locality": 60,
        "no_risk": 0,
        "returns_without_outcome": 97,
        "since": "2020-06-30",
        "children_merged": "c",
        "children_corrected": 12,
    }

    (said,) = quality.findings(figures)

    assert said == (
        "Of the period's 920 episodes, 2 were still open at its end, 60 had no locality and 0 "
        "no risk grading; 97 returns had no interview outcome recorded; since 2020-06-30, fewer "
        "than 5 children were merged into another record and 12 corrected."
    )
