"""Made-up children with every awkward case of the SSDA903 Missing table, in the collection
year 1 April 2023 to 31 March 2024 (`YEAR`), and the rows the return must hold for them."""

import datetime as dt
from zoneinfo import ZoneInfo

from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
YEAR = 2024


def at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def date(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def episode(child, category: str, seen: str, back: str | None, **more):
    seen_at = at(*seen.split())
    return EpisodeFactory(
        child=child,
        category=category,
        last_seen_at=seen_at,
        reported_at=seen_at,
        returned_at=at(*back.split()) if back else None,
        missing_from=more.pop("missing_from", "placement"),
        legal_status=more.pop("legal_status", "looked_after"),
        **more,
    )


def make_awkward_children() -> None:
    """Children A to H (ids AWKA to AWKH), each an awkward case; see the comments."""
    # A: in care all year, moved placement; missing and away kept apart, several on one day,
    # a period begun before the year, and one open at the end of the year.
    a = ChildFactory(local_id="AWKA", date_of_birth=date("2008-05-01"), sex="female")
    PlacementFactory(
        child=a, start_date=date("2022-01-10"), end_date=date("2023-08-31"), place_code="K2",
        provider_urn="SC000001",
    )  # fmt: skip
    PlacementFactory(child=a, start_date=date("2023-09-01"), place_code="U4")
    episode(a, "missing", "2023-03-30 20:00", "2023-04-02 09:00")  # begun before the year
    episode(a, "missing", "2023-04-05 20:00", "2023-04-06 09:00")
    episode(a, "away", "2023-04-06 12:00", "2023-04-06 18:00")  # same day, away
    episode(a, "missing", "2023-04-06 21:00", "2023-04-06 23:00")  # same day again
    episode(a, "missing", "2023-08-31 22:00", "2023-09-02 10:00")  # across the move
    episode(a, "missing", "2024-03-30 22:00", None)  # open at the end of the year
    # B: care ends while the child is still missing: the period ends the day care ended.
    b = ChildFactory(local_id="AWKB", date_of_birth=date("2009-02-03"))
    PlacementFactory(child=b, start_date=date("2023-06-01"), end_date=date("2023-12-31"))
    episode(b, "missing", "2023-06-01 19:00", "2023-06-02 07:00", legal_status="child_in_need")
    episode(b, "missing", "2023-12-20 19:00", None)
    # C: turns 18 while missing, which ends care (rule 580: the episode ends E8).
    c = ChildFactory(local_id="AWKC", date_of_birth=date("2005-11-15"))
    PlacementFactory(child=c, start_date=date("2020-01-01"), end_date=date("2023-11-14"))
    episode(c, "missing", "2023-11-10 16:00", "2023-11-20 10:00")
    # D: the placement the child went missing from ends while they are still missing, at the
    # end of the year: the period ends with it (rule 575).
    d = ChildFactory(local_id="AWKD", date_of_birth=date("2007-07-07"))
    PlacementFactory(child=d, start_date=date("2023-05-01"), end_date=date("2023-10-09"))
    PlacementFactory(child=d, start_date=date("2023-10-10"))
    episode(d, "missing", "2023-10-01 23:00", None)
    # E: a period that starts and ends on one day, then one begun that same day that is still
    # going on when the year ends (the child came back in April).
    e = ChildFactory(local_id="AWKE", date_of_birth=date("2010-01-20"))
    PlacementFactory(child=e, start_date=date("2021-04-01"))
    episode(e, "missing", "2024-02-10 09:00", "2024-02-10 11:00")
    episode(e, "away", "2024-02-10 15:00", "2024-04-03 10:00")
    # F: never looked after, missing from home: not in the return.
    f = ChildFactory(local_id="AWKF", date_of_birth=date("2009-09-09"))
    episode(f, "missing", "2023-07-01 20:00", "2023-07-02 08:00", missing_from="home",
            legal_status="child_in_need")  # fmt: skip
    # G: another council's child placed here: their council's return, not this one.
    g = ChildFactory(
        local_id="AWKG", date_of_birth=date("2008-08-08"), responsible_la=council("872")
    )
    PlacementFactory(child=g, start_date=date("2022-01-01"))
    episode(g, "away", "2023-07-01 20:00", "2023-07-02 08:00")
    # H: in care, but its only period ended before the year began; and one entered in error.
    h = ChildFactory(local_id="AWKH", date_of_birth=date("2008-03-03"))
    PlacementFactory(child=h, start_date=date("2022-01-01"), end_date=date("2023-03-15"))
    episode(h, "missing", "2023-03-01 20:00", "2023-03-02 08:00")
    wrong = episode(h, "missing", "2023-05-01 20:00", "2023-05-02 08:00")
    wrong.entered_in_error_at = at("2023-05-03")
    wrong.save()


EXPECTED_MISSING = [
    ["AWKA", "01/05/2008", "M", "30/03/2023", "02/04/2023"],
    ["AWKA", "01/05/2008", "M", "05/04/2023", "06/04/2023"],
    ["AWKA", "01/05/2008", "A", "06/04/2023", "06/04/2023"],
    ["AWKA", "01/05/2008", "M", "06/04/2023", "06/04/2023"],
    ["AWKA", "01/05/2008", "M", "31/08/2023", "02/09/2023"],
    ["AWKA", "01/05/2008", "M", "30/03/2024", ""],
    ["AWKB", "03/02/2009", "M", "01/06/2023", "02/06/2023"],
    ["AWKB", "03/02/2009", "M", "20/12/2023", "01/01/2024"],
    ["AWKC", "15/11/2005", "M", "10/11/2023", "15/11/2023"],
    ["AWKD", "07/07/2007", "M", "01/10/2023", "10/10/2023"],
    ["AWKE", "20/01/2010", "M", "10/02/2024", "10/02/2024"],
    ["AWKE", "20/01/2010", "A", "10/02/2024", ""],
]
# CHILD, DECOM, RNE, PLACE, DEC, REC, URN (the other columns Homeward does not hold).
EXPECTED_EPISODES = [
    ["AWKA", "10/01/2022", "S", "K2", "01/09/2023", "X1", "SC000001"],
    ["AWKA", "01/09/2023", "P", "U4", "", "", ""],
    ["AWKB", "01/06/2023", "S", "", "01/01/2024", "E8", ""],
    ["AWKC", "01/01/2020", "S", "", "15/11/2023", "E8", ""],
    ["AWKD", "01/05/2023", "S", "", "10/10/2023", "X1", ""],
    ["AWKD", "10/10/2023", "P", "", "", "", ""],
    ["AWKE", "01/04/2021", "S", "", "", "", ""],
]
