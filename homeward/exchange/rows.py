"""Row-level episode exports: named for coordinators, pseudonymised for analysts.

Rows come from `access.rules.episodes_for_rows`: named rows follow the same rule as every
page, so a named export can never hold what the person's pages would refuse.
"""

import datetime as dt

from homeward.access.rules import PSEUDONYMISED_ROWS, access_for, episodes_for_rows, month_of
from homeward.access.rules import pseudonym as child_pseudonym
from homeward.core.clock import Period
from homeward.exchange.cells import guard_formula, write_date, write_datetime


def _locality(episode) -> str:
    return episode.locality.name if episode.locality else ""


# Each column of the downloads with how its cell is written from an episode (with its
# child), declared together so that a heading cannot drift from its values.
_SHARED = (
    ("category", lambda e: e.category),
    ("last_seen_at", lambda e: write_datetime(e.last_seen_at)),
    ("reported_at", lambda e: write_datetime(e.reported_at)),
    ("returned_at", lambda e: write_datetime(e.returned_at)),
    ("risk", lambda e: e.risk),
    ("missing_from", lambda e: e.missing_from),
    ("locality", _locality),
    ("legal_status", lambda e: e.legal_status),
)
NAMED = (
    ("episode_id", lambda e: e.local_id),
    ("child_id", lambda e: e.child.local_id),
    ("first_name", lambda e: e.child.first_name),
    ("last_name", lambda e: e.child.last_name),
    ("date_of_birth", lambda e: write_date(e.child.date_of_birth)),
    ("sex", lambda e: e.child.sex),
    ("ethnicity", lambda e: e.child.ethnicity),
    *_SHARED,
    ("found_location", lambda e: e.found_location),
    ("reported_by", lambda e: e.reported_by),
)
# No names, no ids that lead back to the child, the month of birth only, no free text.
PSEUDONYMISED = (
    ("child", lambda e: child_pseudonym(e.child)),
    ("birth_month", lambda e: month_of(e.child.date_of_birth)),
    ("sex", lambda e: e.child.sex),
    ("ethnicity", lambda e: e.child.ethnicity),
    *_SHARED,
)


def episode_rows(*, user, council, day_from: dt.date, day_to: dt.date):
    """(columns, rows) of the episodes last seen in the period that this person may see."""
    pseudonymised = access_for(user).rows == PSEUDONYMISED_ROWS
    period = Period(day_from, day_to)
    start, end = period.starts_at, period.ends_before
    episodes = (
        episodes_for_rows(user)
        .filter(council=council, last_seen_at__gte=start, last_seen_at__lt=end)
        .select_related("child", "locality")
        .order_by("last_seen_at", "pk")
    )
    declared = PSEUDONYMISED if pseudonymised else NAMED
    columns = tuple(name for name, _ in declared)
    cells = [cell for _, cell in declared]
    return columns, ([guard_formula(cell(e)) for cell in cells] for e in episodes.iterator())
