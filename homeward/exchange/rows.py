"""Row-level episode exports: named for coordinators, pseudonymised for analysts.

Rows come from `core.access.episodes_for_rows`: named rows follow the same rule as every
page, so a named export can never hold what the person's pages would refuse.
"""

import datetime as dt

from homeward.access.rules import PSEUDONYMISED_ROWS, access_for, episodes_for_rows, month_of
from homeward.access.rules import pseudonym as child_pseudonym
from homeward.core.clock import Period
from homeward.exchange.cells import guard_formula, write_date, write_datetime

NAMED_COLUMNS = (
    "episode_id",
    "child_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "category",
    "last_seen_at",
    "reported_at",
    "returned_at",
    "risk",
    "missing_from",
    "locality",
    "legal_status",
    "found_location",
    "reported_by",
)
# No names, no ids that lead back to the child, the month of birth only, no free text.
PSEUDONYMISED_COLUMNS = (
    "child",
    "birth_month",
    "sex",
    "ethnicity",
    "category",
    "last_seen_at",
    "reported_at",
    "returned_at",
    "risk",
    "missing_from",
    "locality",
    "legal_status",
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
    row = _pseudonymised if pseudonymised else _named
    columns = PSEUDONYMISED_COLUMNS if pseudonymised else NAMED_COLUMNS
    return columns, ([guard_formula(cell) for cell in row(e)] for e in episodes.iterator())


def _common(episode) -> list[str]:
    return [
        episode.category,
        write_datetime(episode.last_seen_at),
        write_datetime(episode.reported_at),
        write_datetime(episode.returned_at),
        episode.risk,
        episode.missing_from,
        episode.locality.name if episode.locality else "",
        episode.legal_status,
    ]


def _named(episode) -> list[str]:
    child = episode.child
    return [
        episode.local_id,
        child.local_id,
        child.first_name,
        child.last_name,
        write_date(child.date_of_birth),
        child.sex,
        child.ethnicity,
        *_common(episode),
        episode.found_location,
        episode.reported_by,
    ]


def _pseudonymised(episode) -> list[str]:
    child = episode.child
    return [
        child_pseudonym(child),
        month_of(child.date_of_birth),
        child.sex,
        child.ethnicity,
        *_common(episode),
    ]
