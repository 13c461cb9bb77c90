"""Ofsted's ILACS Annex A, List 8 (children in care), as at a date (docs/returns.md).

One row a child the council looked after at any time in the 12 months ending on the as-at
date, under every heading of Ofsted's template in its order. Homeward fills the headings it
holds (the child, their periods in care and placements, the missing and away episodes and the
return home interview after the last missing one, their allocation) and leaves the others
empty for the council's own system to fill.

The counting rules, as docs/returns.md states them:
- "in the last 12 months": the as-at date and the 364 or 365 days before it (as at 31 March
  2024: 1 April 2023 to 31 March 2024), Europe/London days, both ends included; an episode
  is in them when the child was last seen on one of those days;
- "from placement": while the child was looked after, that is on a day one of the council's
  placements of the child covers, wherever they went missing from (a placement, a family
  visit, school): the same episodes the SSDA903 Missing table carries.
"""

import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db.models import Q

from homeward.children.models import Allocation, Child, Placement
from homeward.core.clock import LONDON, Period, age_in_years
from homeward.core.codes import Category, InterviewOutcome, Sex
from homeward.episodes.models import Episode
from homeward.exchange.downloads import Table, as_xlsx
from homeward.interviews.models import ReturnInterview

SHEET = "List 8"
CHILD_ID = "Child Unique ID"
MISSING_COUNT = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
AWAY_COUNT = (
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
)
RHI_OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
RHI_ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
# Ofsted's headings for List 8, in the template's order.
COLUMNS = (
    CHILD_ID,
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
    "months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    MISSING_COUNT,
    AWAY_COUNT,
    RHI_OFFERED,
    RHI_ACCEPTED,
    "Allocated Team",
    "Allocated Worker",
)
# Ofsted's answers for gender, as its template lists them.
GENDER = {
    Sex.MALE: "a) Male",
    Sex.FEMALE: "b) Female",
    Sex.UNKNOWN: "c) Not stated/recorded",
    Sex.OTHER: "d) Neither",
}
YES, NO = "Y", "N"
DAY = dt.timedelta(days=1)
# An interview after a return counts as offered when it was, or when its outcome says the
# child was asked (they took part, or said no); accepted when it was held.
ASKED = (InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED)


def last_12_months(as_at: dt.date) -> Period:
    """The 12 months ending on `as_at`, both ends included (29 February is read as the 28th
    a year earlier)."""
    day = 28 if (as_at.month, as_at.day) == (2, 29) else as_at.day
    return Period(dt.date(as_at.year - 1, as_at.month, day) + DAY, as_at)


def write_annex_a(path, *, council, as_at: dt.date) -> int:
    """Write List 8 as an Excel workbook at `path`; the number of children in it."""
    table = list_8(council=council, as_at=as_at)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(as_xlsx(table, sheet=SHEET))
    return len(table.rows)


def list_8(*, council, as_at: dt.date) -> Table:
    """List 8's headings and one row a child looked after in the 12 months ending `as_at`."""
    months = last_12_months(as_at)
    placements = defaultdict(list)
    for placement in (
        Placement.objects.filter(
            council=council,
            placing_la=council,
            child__responsible_la=council,
            child__merged_into__isnull=True,
            start_date__lte=as_at,
        )
        .select_related("host_la")
        .order_by("child", "start_date", "pk")
    ):
        placements[placement.child_id].append(placement)
    in_care = {
        pk: theirs for pk, theirs in placements.items() if any(_overlaps(p, months) for p in theirs)
    }
    children = Child.objects.filter(pk__in=list(in_care)).order_by("local_id")
    in_window = Episode.objects.filter(
        council=council,
        child__in=list(in_care),
        last_seen_at__gte=months.starts_at,
        last_seen_at__lt=months.ends_before,
    )
    episodes = _episodes(in_window)
    interviews = _interviews(in_window, as_at)
    allocations = _allocations(in_care, as_at)
    rows = []
    for child in children:
        theirs = in_care[child.pk]
        counted = [e for e in episodes.get(child.pk, []) if _looked_after(theirs, e.seen_on)]
        rows.append(
            _row(child, theirs, counted, interviews, allocations.get(child.pk, []), months, council)
        )
    return Table(COLUMNS, rows)


def _row(child, placements, episodes, interviews, allocations, months: Period, council) -> list:
    as_at = months.last
    periods = _periods(placements)
    latest_start, latest_end = periods[-1]
    ceased = latest_end + DAY if latest_end is not None and latest_end < as_at else None
    latest = placements[-1]
    missing = [e for e in episodes if e.category == Category.MISSING]
    away = [e for e in episodes if e.category == Category.AWAY]
    offered, accepted = _interview_after(missing, interviews)
    team = next((a.team for a in allocations if a.team), "")
    worker = next((a.worker for a in allocations if a.worker), None)
    in_area = latest.host_la_id == council.pk
    held = {
        CHILD_ID: child.local_id,
        "Gender": GENDER.get(child.sex, ""),
        "Ethnicity": child.ethnicity,
        "Date of Birth": child.date_of_birth,
        "Age of Child (Years)": age_in_years(child.date_of_birth, as_at),
        "Date Started to be Looked After": latest_start,
        COLUMNS[9]: YES if sum(_touches(p, months) for p in periods) >= 2 else NO,
        "Number of Placements in the Last 12 months": sum(_overlaps(p, months) for p in placements),
        "Date Ceased to be Looked After": ceased,
        "Start Date of Most Recent Placement": latest.start_date,
        "Placement Type": latest.place_code,
        "URN of Placement": latest.provider_urn,
        "Placement Location": "In" if in_area else "Out",
        "LA of Placement": latest.host_la.name,
        MISSING_COUNT: len(missing),
        AWAY_COUNT: len(away),
        RHI_OFFERED: offered,
        RHI_ACCEPTED: accepted,
        "Allocated Team": team,
        "Allocated Worker": (worker.get_full_name() or worker.get_username()) if worker else "",
    }
    return [held.get(column, "") for column in COLUMNS]


def _interview_after(missing: list, interviews: dict) -> tuple[str, str]:
    """Y or N for offered and accepted after the last missing episode; empty without one."""
    if not missing:
        return "", ""
    last = max(missing, key=lambda e: (e.last_seen_at, e.pk))
    held = interviews.get(last.pk, [])
    offered = any(i.offered_at is not None or i.outcome in ASKED for i in held)
    accepted = any(i.outcome == InterviewOutcome.COMPLETED for i in held)
    return (YES if offered else NO), (YES if accepted else NO)


def _episodes(in_window) -> dict[int, list]:
    found = defaultdict(list)
    for episode in in_window.order_by("child", "last_seen_at", "pk"):
        episode.seen_on = episode.last_seen_at.astimezone(LONDON).date()
        found[episode.child_id].append(episode)
    return found


def _interviews(in_window, as_at: dt.date) -> dict[int, list]:
    """Each episode's interviews as they stood at the end of the as-at day."""
    by_episode = defaultdict(list)
    known_by = Period(as_at, as_at).ends_before
    for interview in ReturnInterview.objects.filter(episode__in=in_window.values("pk")):
        when = interview.offered_at or interview.completed_at
        if when is None or when < known_by:
            by_episode[interview.episode_id].append(interview)
    return by_episode


def _allocations(in_care: dict, as_at: dt.date) -> dict[int, list]:
    """Each child's allocations in force on the as-at date, the newest first."""
    current = defaultdict(list)
    for allocation in (
        Allocation.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=as_at),
            child__in=list(in_care),
            allocated_on__lte=as_at,
        )
        .select_related("worker")
        .order_by("child", "-allocated_on", "-pk")
    ):
        current[allocation.child_id].append(allocation)
    return current


def _periods(placements: list) -> list[tuple[dt.date, dt.date | None]]:
    """The child's looked-after periods: runs of placements each starting no later than the
    day after the one before ends. The end is the last day looked after (None: goes on)."""
    periods: list[list] = []
    for placement in placements:
        if periods and (periods[-1][1] is None or placement.start_date <= periods[-1][1] + DAY):
            end = periods[-1][1]
            periods[-1][1] = (
                None if end is None or placement.end_date is None else max(end, placement.end_date)
            )
        else:
            periods.append([placement.start_date, placement.end_date])
    return [(start, end) for start, end in periods]


def _overlaps(placement, months: Period) -> bool:
    return placement.start_date <= months.last and (
        placement.end_date is None or placement.end_date >= months.first
    )


def _touches(period: tuple, months: Period) -> bool:
    start, end = period
    return start <= months.last and (end is None or end >= months.first)


def _looked_after(placements: list, day: dt.date) -> bool:
    return any(
        p.start_date <= day and (p.end_date is None or day <= p.end_date) for p in placements
    )
