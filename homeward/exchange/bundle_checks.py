"""Checks of a staged bundle that need more than one row: ids, references, overlaps, returns.

Each is one set-based query over the staging tables and what the council already has, so
that a million-row bundle is checked in the database rather than in Python memory. A
record in the bundle takes the place of the recorded one with the same id.
"""

import datetime as dt
from collections.abc import Iterator

from django.db import connection

from homeward.children.rules import PLACEMENT_BEFORE_BIRTH
from homeward.core.problems import when
from homeward.episodes.rules import BEFORE_BIRTH, PLACEMENT_OF_ANOTHER_CHILD, overlap_problem
from homeward.exchange.bundle_spec import FILES
from homeward.exchange.staging import adapt
from homeward.interviews.rules import INTERVIEW_BEFORE_NEW_RETURN, return_problems

DUPLICATE_ID = (
    "The id '{ref}' is used more than once in this file (first on row {first}). "
    "Each row needs its own id."
)
UNKNOWN_REF = (
    "There is no {what} with id '{ref}' in this bundle or already recorded for this council. "
    "Add it to {file} or correct the id."
)

FAR_FUTURE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _rows(sql: str, params: dict | None = None) -> Iterator[tuple]:
    """The rows a check finds, a batch at a time, so a bundle full of errors stays in bounds."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params or {})
        while batch := cursor.fetchmany(2_000):
            yield from batch


def _datetime(value) -> dt.datetime | None:
    """A datetime read back from a raw query (SQLite gives naive UTC, as text or datetime)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def children_all(council_id: int) -> str:
    """Every child of the council as the bundle would leave them: ref and date of birth."""
    return f"""
        SELECT ref, date_of_birth FROM hw_stage_child WHERE ok = 1
        UNION ALL
        SELECT c.local_id, c.date_of_birth FROM children_child c
        WHERE c.council_id = {int(council_id)}
          AND NOT EXISTS (SELECT 1 FROM hw_stage_child s WHERE s.ref = c.local_id)
    """


def episodes_all(council_id: int) -> str:
    """Every episode of the council as the bundle would leave them."""
    return f"""
        SELECT row_no, ref, child_ref, last_seen_at, returned_at
        FROM hw_stage_episode WHERE ok = 1
        UNION ALL
        SELECT NULL, e.local_id, c.local_id, e.last_seen_at, e.returned_at
        FROM episodes_episode e JOIN children_child c ON c.id = e.child_id
        WHERE e.council_id = {int(council_id)} AND e.entered_in_error_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM hw_stage_episode s WHERE s.ref = e.local_id)
    """


def placements_all(council_id: int) -> str:
    return f"""
        SELECT ref, child_ref FROM hw_stage_placement
        UNION ALL
        SELECT p.local_id, c.local_id
        FROM children_placement p JOIN children_child c ON c.id = p.child_id
        WHERE p.council_id = {int(council_id)}
          AND NOT EXISTS (SELECT 1 FROM hw_stage_placement s WHERE s.ref = p.local_id)
    """


def check_all(council_id: int, problems) -> None:
    """Add to `problems` everything wrong between the staged rows and the recorded ones."""
    check_duplicate_ids(problems)
    check_references(council_id, problems)
    check_placements_of_child(council_id, problems)
    check_born_before(council_id, problems)
    check_overlaps(council_id, problems)
    check_interview_returns(council_id, problems)
    check_returns_before_interviews(council_id, problems)


def check_duplicate_ids(problems) -> None:
    for spec in FILES:
        file, table, key, column = spec.name, spec.table, spec.id_column.stage_name, spec.header[0]
        sql = f"""
            SELECT s.row_no, s.{key}, d.first FROM {table} s
            JOIN (SELECT {key} AS dup, MIN(row_no) AS first FROM {table}
                  GROUP BY {key} HAVING COUNT(*) > 1) d ON d.dup = s.{key}
            WHERE s.row_no > d.first ORDER BY s.row_no
        """
        for row_no, ref, first in _rows(sql):
            problems.add(file, row_no, column, DUPLICATE_ID.format(ref=ref, first=first))


def _references() -> list[tuple[str, str, str, str, str]]:
    """Every column that names a child or an episode: (file, its staging table, column,
    staging column, the file it refers to); children first, as they were always checked.
    A placement is checked with its child, by check_placements_of_child."""
    found = []
    for target in ("children.csv", "episodes.csv"):
        for spec in FILES:
            for column in spec.columns:
                if column.refers_to != target:
                    continue
                if column.stage_name is None:  # "seen with": the companions' own table
                    found.append(
                        (spec.name, "hw_stage_companion", column.name, "child_ref", target)
                    )
                else:
                    found.append((spec.name, spec.table, column.name, column.stage_name, target))
    return found


def check_references(council_id: int, problems) -> None:
    council = int(council_id)
    exists = {
        "children.csv": f"""
            EXISTS (SELECT 1 FROM hw_stage_child c WHERE c.ref = s.{{ref}})
            OR EXISTS (SELECT 1 FROM children_child c
                       WHERE c.council_id = {council} AND c.local_id = s.{{ref}})
        """,
        "episodes.csv": f"""
            EXISTS (SELECT 1 FROM hw_stage_episode e WHERE e.ref = s.{{ref}})
            OR EXISTS (SELECT 1 FROM episodes_episode e
                       WHERE e.council_id = {council} AND e.local_id = s.{{ref}})
        """,
    }
    for file, table, column, ref_column, target in _references():
        what = "child" if target == "children.csv" else "episode"
        found = exists[target].format(ref=ref_column)
        sql = f"SELECT s.row_no, s.{ref_column} FROM {table} s WHERE NOT ({found}) ORDER BY 1"
        for row_no, ref in _rows(sql):
            message = UNKNOWN_REF.format(what=what, ref=ref, file=target)
            problems.add(file, row_no, column, message)


def check_placements_of_child(council_id: int, problems) -> None:
    sql = f"""
        WITH placements_all AS ({placements_all(council_id)})
        SELECT e.row_no, e.placement_ref, p.ref FROM hw_stage_episode e
        LEFT JOIN placements_all p ON p.ref = e.placement_ref
        WHERE e.placement_ref IS NOT NULL AND (p.ref IS NULL OR p.child_ref <> e.child_ref)
        ORDER BY 1
    """
    for row_no, placement_ref, found in _rows(sql):
        if found is None:
            message = UNKNOWN_REF.format(what="placement", ref=placement_ref, file="placements.csv")
        else:
            message = PLACEMENT_OF_ANOTHER_CHILD.format(placement=placement_ref)
        problems.add("episodes.csv", row_no, "placement_id", message)


def check_born_before(council_id: int, problems) -> None:
    """Episodes last seen, and placements started, before the child was born."""
    children = children_all(council_id)
    episodes = f"""
        WITH children_all AS ({children})
        SELECT e.row_no, e.last_seen_at, c.date_of_birth FROM hw_stage_episode e
        JOIN children_all c ON c.ref = e.child_ref
        WHERE e.ok = 1 AND e.last_seen_on < c.date_of_birth ORDER BY 1
    """
    for row_no, seen, born in _rows(episodes):
        message = BEFORE_BIRTH.format(seen=when(_datetime(seen)), born=when(_date(born)))
        problems.add("episodes.csv", row_no, "last_seen_at", message)
    placements = f"""
        WITH children_all AS ({children})
        SELECT p.row_no, p.start_date, c.date_of_birth FROM hw_stage_placement p
        JOIN children_all c ON c.ref = p.child_ref
        WHERE p.ok = 1 AND p.start_date < c.date_of_birth ORDER BY 1
    """
    for row_no, start, born in _rows(placements):
        message = PLACEMENT_BEFORE_BIRTH.format(start=when(_date(start)), born=when(_date(born)))
        problems.add("placements.csv", row_no, "start_date", message)


def check_overlaps(council_id: int, problems) -> None:
    """A child's episodes must not overlap, and none may follow one still open."""
    # Sorted by last seen, an episode clashes with an earlier one if the furthest return
    # before it is after its start, and with a later one if it ends after the next start.
    sql = f"""
        WITH episodes_all AS ({episodes_all(council_id)}),
        ordered AS (
            SELECT row_no, ref, child_ref, last_seen_at, returned_at,
                MAX(COALESCE(returned_at, %(far)s)) OVER (
                    PARTITION BY child_ref ORDER BY last_seen_at, ref
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach,
                LEAD(last_seen_at) OVER (
                    PARTITION BY child_ref ORDER BY last_seen_at, ref) AS next_seen
            FROM episodes_all
        ),
        clashing AS (
            SELECT * FROM ordered
            WHERE row_no IS NOT NULL
              AND (reach > last_seen_at OR COALESCE(returned_at, %(far)s) > next_seen)
        )
        SELECT c.row_no, o.ref, o.last_seen_at, o.returned_at
        FROM clashing c JOIN episodes_all o
          ON o.child_ref = c.child_ref AND o.ref <> c.ref
         AND o.last_seen_at < COALESCE(c.returned_at, %(far)s)
         AND COALESCE(o.returned_at, %(far)s) > c.last_seen_at
        ORDER BY c.row_no, o.last_seen_at
    """
    last_reported = None
    # Rows come ordered by row number: report only the first clash of each.
    for row_no, other, seen, returned in _rows(sql, {"far": adapt(FAR_FUTURE)}):
        if row_no == last_reported:
            continue
        last_reported = row_no
        problem = overlap_problem(
            other_id=other,
            other_last_seen_at=_datetime(seen),
            other_returned_at=_datetime(returned),
        )
        problems.add("episodes.csv", row_no, problem.field, problem.message)


def check_interview_returns(council_id: int, problems) -> None:
    """Interviews follow a return: none for a child still missing, none before the return."""
    sql = f"""
        WITH episodes_all AS ({episodes_all(council_id)})
        SELECT i.row_no, i.episode_ref, e.returned_at, i.offered_at, i.completed_at
        FROM hw_stage_interview i JOIN episodes_all e ON e.ref = i.episode_ref
        WHERE i.ok = 1 AND (e.returned_at IS NULL OR i.offered_at < e.returned_at
                            OR i.completed_at < e.returned_at)
        ORDER BY 1
    """
    for row_no, episode_ref, returned, offered, completed in _rows(sql):
        found = return_problems(
            episode_id=episode_ref,
            returned_at=_datetime(returned),
            offered_at=_datetime(offered),
            completed_at=_datetime(completed),
        )
        for problem in found:
            problems.add("interviews.csv", row_no, problem.field, problem.message)


def check_returns_before_interviews(council_id: int, problems) -> None:
    """A corrected return must still come before the interviews already recorded for it."""
    sql = f"""
        SELECT s.row_no, i.local_id, s.returned_at, i.offered_at, i.completed_at
        FROM hw_stage_episode s
        JOIN episodes_episode e ON e.council_id = {int(council_id)} AND e.local_id = s.ref
        JOIN interviews_returninterview i ON i.episode_id = e.id
        WHERE s.ok = 1 AND i.entered_in_error_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM hw_stage_interview si WHERE si.ref = i.local_id)
          AND (s.returned_at IS NULL OR i.offered_at < s.returned_at
               OR i.completed_at < s.returned_at)
        ORDER BY 1
    """
    for row_no, interview, returned, offered, completed in _rows(sql):
        returned = _datetime(returned)
        earliest = min((t for t in (_datetime(offered), _datetime(completed)) if t), default=None)
        message = INTERVIEW_BEFORE_NEW_RETURN.format(
            interview=interview,
            when=f"at {when(earliest)}" if earliest else "for this episode",
            returned=when(returned) if returned else "none: the child is shown as still missing",
        )
        problems.add("episodes.csv", row_no, "returned_at", message)
