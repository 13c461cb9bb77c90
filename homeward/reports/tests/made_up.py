"""A small made-up bundle for the report tests, every figure counted by hand in test_engine.

Council 931 (Oxford 30,000 children aged 0-17, South and Vale 60,000), period
1 January to 30 June 2020. Times without an offset are Europe/London.

| episode | child | last seen | back | notes |
|---|---|---|---|---|
| E1 | C1 | 31 Dec 2019 23:00 | 1 Jan 05:00 | before the period; its return is in it |
| E2 | C1 | 10 Jan 18:00 | +15h | high risk; RHI completed exactly 72h after |
| E3 | C1 | 14 Mar 23:00 | +12h | birthday (15 Mar) during it: age 13; RHI at 72h + 1s |
| E4 | C1 | 1 Apr 00:30 BST | 10:00 | age 14; South and Vale; RHI declined |
| E5 | C2 | 10 Feb 20:00 | +5h | away, from foster care |
| E6 | C2 | 30 Jun 22:00 BST | 1 Jul 00:10 | still out at the end; birthday (1 Jul) on return |
| E7 | C2 | 1 Jul 00:30 BST | | 30 June in UTC, July in London: not counted |
| E8 | C3 | 5 Jan 12:00 | +24h | age 16; low risk; declined, then completed at 100h |
| E9 | C3 | 20 May 12:00 | open | age 17; no risk, no locality, from "other" |
| E10, E11 | C4 | 1 Feb, 1 Mar 10:00 | 20:00 | placed in (933); told at 24h, 24h 1m |
| E12 | C5 | 1 May 10:00 | 2 May 16:00 | placed out (hosted by 872); RHI without offer time |
| E0 | C3 | 10 Mar 2019 | | the same period a year earlier |
"""

from pathlib import Path

from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, interview, write_bundle


def placement(ref, child_ref, placement_type, **values) -> dict:
    return {
        "placement_id": ref,
        "child_id": child_ref,
        "start_date": "2019-06-01",
        "placement_type": placement_type,
        "placing_la": "931",
    } | values


CHILDREN = [
    child("C1", date_of_birth="2006-03-15"),
    child("C2", sex="female", date_of_birth="2010-07-01"),
    child("C3", date_of_birth="2003-01-10"),
    child("C4", sex="female", date_of_birth="2005-06-01", responsible_la="933"),
    child("C5", date_of_birth="2008-01-01"),
    child("C6", sex="female", date_of_birth="2005-02-02"),
]

PLACEMENTS = [
    placement("P2", "C2", "foster"),
    placement(
        "P4",
        "C4",
        "childrens_home",
        provider_urn="SC000001",
        provider_name="Made-up House",
        locality="Oxford",
        placing_la="933",
    ),
    placement("P5", "C5", "foster", host_la="872"),
    placement(
        "P6",
        "C6",
        "childrens_home",
        start_date="2020-03-01",
        provider_urn="SC000002",
        provider_name="Pretend Lodge",
    ),
]

FROM_PLACEMENT = {"missing_from": "placement", "legal_status": "looked_after"}

EPISODES = [
    episode("E0", "C3", last_seen_at="2019-03-10T12:00", legal_status="none"),
    episode("E1", "C1", last_seen_at="2019-12-31T23:00", returned_at="2020-01-01T05:00"),
    episode("E2", "C1", last_seen_at="2020-01-10T18:00", risk="high"),
    episode("E3", "C1", last_seen_at="2020-03-14T23:00", returned_at="2020-03-15T11:00"),
    episode(
        "E4",
        "C1",
        last_seen_at="2020-04-01T00:30",
        returned_at="2020-04-01T10:00",
        locality="South and Vale",
    ),
    episode(
        "E5",
        "C2",
        category="away",
        last_seen_at="2020-02-10T20:00",
        returned_at="2020-02-11T01:00",
        placement_id="P2",
        **FROM_PLACEMENT,
    ),
    episode(
        "E6",
        "C2",
        last_seen_at="2020-06-30T22:00",
        returned_at="2020-07-01T00:10",
        placement_id="P2",
        **FROM_PLACEMENT,
    ),
    episode(
        "E7",
        "C2",
        last_seen_at="2020-07-01T00:30",
        returned_at="2020-07-01T09:00",
        placement_id="P2",
        **FROM_PLACEMENT,
    ),
    episode(
        "E8",
        "C3",
        last_seen_at="2020-01-05T12:00",
        returned_at="2020-01-06T12:00",
        risk="low",
        locality="South and Vale",
        legal_status="none",
    ),
    episode(
        "E9",
        "C3",
        last_seen_at="2020-05-20T12:00",
        returned_at="",
        risk="",
        locality="",
        missing_from="other",
        legal_status="none",
    ),
    episode(
        "E10",
        "C4",
        last_seen_at="2020-02-01T10:00",
        reported_at="2020-02-01T12:00",
        returned_at="2020-02-01T20:00",
        placing_la_notified_at="2020-02-02T12:00",
        placement_id="P4",
        **FROM_PLACEMENT,
    ),
    episode(
        "E11",
        "C4",
        last_seen_at="2020-03-01T10:00",
        reported_at="2020-03-01T12:00",
        returned_at="2020-03-01T20:00",
        placing_la_notified_at="2020-03-02T12:01",
        placement_id="P4",
        **FROM_PLACEMENT,
    ),
    episode(
        "E12",
        "C5",
        last_seen_at="2020-05-01T10:00",
        returned_at="2020-05-02T16:00",
        risk="no_apparent_risk",
        locality="",
        placement_id="P5",
        **FROM_PLACEMENT,
    ),
]

INTERVIEWS = [
    interview("I1", "E1", offered_at="2020-01-01T07:00", completed_at="2020-01-02T01:00"),
    interview("I2", "E2", offered_at="2020-01-11T10:00", completed_at="2020-01-14T09:00"),
    interview("I3", "E3", offered_at="2020-03-15T12:00", completed_at="2020-03-18T11:00:01"),
    interview("I4", "E4", offered_at="2020-04-01T11:00", outcome="declined", completed_at=""),
    interview("I8a", "E8", offered_at="2020-01-06T14:00", outcome="declined", completed_at=""),
    interview("I8b", "E8", offered_at="2020-01-09T12:00", completed_at="2020-01-10T16:00"),
    interview("I10", "E10", offered_at="", outcome="not_offered", completed_at=""),
    interview("I12", "E12", offered_at="", completed_at="2020-05-04T16:00"),
]

SCREENINGS = [
    {"screening_id": "S1", "child_id": "C1", "completed_on": "2020-06-30", "outcome": "low"},
    {"screening_id": "S3", "child_id": "C3", "completed_on": "2020-07-01", "outcome": "high"},
]


def import_made_up_county(folder: Path) -> None:
    """Write and import the bundle above for council 931."""
    write_bundle(
        folder,
        localities=LOCALITIES,
        children=CHILDREN,
        placements=PLACEMENTS,
        episodes=EPISODES,
        interviews=INTERVIEWS,
        screenings=SCREENINGS,
    )
    import_bundle(folder, council_code="931")


def import_neighbour(folder: Path) -> None:
    """Council 933: one locality of 20,000 and one child missing once in the period."""
    write_bundle(
        folder,
        localities=[{"locality": "Taunton", "population_0_17": "20000"}],
        children=[child("X1", responsible_la="933", home_locality="Taunton")],
        episodes=[episode("X1E1", "X1", last_seen_at="2020-02-02T15:00", locality="Taunton")],
    )
    import_bundle(folder, council_code="933")
