"""Checks of a staged bundle that need more than one row: ids, references, overlaps, returns.

Each is one set-based query over the staging tables and what the council already has, so
that a million-row bundle is checked in the database rather than in Python memory. A
record in the bundle takes the place of the recorded one with the same id.
"""

import datetime as dt
from collections.abc import Collection, Iterator

from django.apps import apps
from django.db import connection
from django.utils import timezone

from homeward.children.rules import (
    OLDEST_RECORD_AGE,
    PLACEMENT_BEFORE_BIRTH,
    born_problems,
    earliest_date_of_birth,
    recorded_age_problems,
)
from homeward.core.problems import london_date, when
from homeward.episodes.rules import (
    PLACEMENT_OF_ANOTHER_CHILD,
    episode_age_problem,
    interview_while_missing_problem,
    overlap_problem,
    shares_a_day,
)
from homeward.exchange.bundle_spec import FILES
from homeward.exchange.staging import adapt, is_postgresql
from homeward.exploitation.rules import SCREENING_BEFORE_BIRTH
from homeward.interviews.rules import (
    INTERVIEW_BEFORE_NEW_RETURN,
    missing_again_problem,
    return_problems,
)

DUPLICATE_ID = (
    "The id '{ref}' is used more than once in this file (first on row {first}). "
    "Each row needs its own id."
)
UNKNOWN_REF = (
    "There is no {what} with id '{ref}' in this bundle or already recorded for this council. "
    "Add it to {file} or correct the id."
)

NOT_CHECKED = (
    "{count} row(s) name a {what} that is not already recorded; they could not be checked, "
    "because {file} could not be read (see its problem)."
)

REFERENCE_TWICE = (
    "The police reference '{ref}' is also given to episode {episode} (row {first}). A police "
    "reference belongs to one episode: keep it on the right one."
)
REFERENCE_TAKEN = (
    "The police reference '{ref}' already belongs to episode {episode} in Homeward, and a "
    "police reference belongs to one episode. Remove it from this row, or correct the "
    "episode id if this row is episode {episode}."
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
    """Every child of the council as the bundle would leave them: row (if staged), ref and
    date of birth."""
    return f"""
        SELECT row_no, ref, date_of_birth FROM hw_stage_child WHERE ok = 1
        UNION ALL
        SELECT NULL, c.local_id, c.date_of_birth FROM children_child c
        WHERE c.council_id = {int(council_id)}
          AND NOT EXISTS (SELECT 1 FROM hw_stage_child s WHERE s.ref = c.local_id)
    """


def episodes_all(council_id: int) -> str:
    """Every episode of the council as the bundle would leave them."""
    return f"""
        SELECT row_no, ref, child_ref, last_seen_at, returned_at, day_precision
        FROM hw_stage_episode WHERE ok = 1
        UNION ALL
        SELECT NULL, e.local_id, c.local_id, e.last_seen_at, e.returned_at, e.day_precision
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


def interviews_all(council_id: int) -> str:
    """Every interview of the council as the bundle would leave them, with its episode."""
    return f"""
        SELECT row_no, ref, episode_ref, completed_at FROM hw_stage_interview WHERE ok = 1
        UNION ALL
        SELECT NULL, i.local_id, e.local_id, i.completed_at
        FROM interviews_returninterview i JOIN episodes_episode e ON e.id = i.episode_id
        WHERE i.council_id = {int(council_id)}
          AND NOT EXISTS (SELECT 1 FROM hw_stage_interview s WHERE s.ref = i.local_id)
    """


def check_all(
    council_id: int, problems, today: dt.date | None = None, unreadable: Collection[str] = ()
) -> None:
    """Add to `problems` everything wrong between the staged rows and the recorded ones.

    A reference to a file in `unreadable` (one that could not be read whole) may name a
    record in the part not read: those are counted in one problem, not listed by the thousand.
    """
    check_duplicate_ids(problems)
    check_references(council_id, problems, unreadable)
    check_placements_of_child(council_id, problems, unreadable)
    check_new_births(council_id, problems, today or timezone.localdate())
    check_born_before(council_id, problems)
    check_overlaps(council_id, problems)
    check_interview_returns(council_id, problems)
    check_returns_before_interviews(council_id, problems)
    check_interviews_while_missing(council_id, problems)
    check_police_refs(council_id, problems)


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


def check_references(council_id: int, problems, unreadable: Collection[str] = ()) -> None:
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
        if target in unreadable:
            _not_checked(problems, file, column, what, target, sum(1 for _ in _rows(sql)))
            continue
        for row_no, ref in _rows(sql):
            message = UNKNOWN_REF.format(what=what, ref=ref, file=target)
            problems.add(file, row_no, column, message)


def _not_checked(problems, file: str, column: str, what: str, target: str, count: int) -> None:
    if count:
        message = NOT_CHECKED.format(count=count, what=what, file=target)
        problems.add(file, 0, column, message)


def check_placements_of_child(council_id: int, problems, unreadable: Collection[str] = ()) -> None:
    sql = f"""
        WITH placements_all AS ({placements_all(council_id)})
        SELECT e.row_no, e.placement_ref, p.ref FROM hw_stage_episode e
        LEFT JOIN placements_all p ON p.ref = e.placement_ref
        WHERE e.placement_ref IS NOT NULL AND (p.ref IS NULL OR p.child_ref <> e.child_ref)
        ORDER BY 1
    """
    not_checked = 0
    for row_no, placement_ref, found in _rows(sql):
        if found is None and "placements.csv" in unreadable:
            not_checked += 1
            continue
        if found is None:
            message = UNKNOWN_REF.format(what="placement", ref=placement_ref, file="placements.csv")
        else:
            message = PLACEMENT_OF_ANOTHER_CHILD.format(placement=placement_ref)
        problems.add("episodes.csv", row_no, "placement_id", message)
    _not_checked(
        problems, "episodes.csv", "placement_id", "placement", "placements.csv", not_checked
    )


def _days_after(column: str, days: int) -> str:
    """SQL for the date `days` after a date column."""
    if is_postgresql():
        return f"({column} + {int(days)})"
    return f"date({column}, '+{int(days)} days')"


def check_new_births(council_id: int, problems, today: dt.date) -> None:
    """A child added, or whose date of birth changes, may not be older today than anyone
    whose records a council keeps. A bundle brings history: a care leaver of 26 went missing
    at 17, so 25 is judged at each episode (check_born_before), not today."""
    sql = f"""
        SELECT s.row_no, s.date_of_birth FROM hw_stage_child s
        LEFT JOIN children_child c ON c.council_id = {int(council_id)} AND c.local_id = s.ref
        WHERE s.ok = 1 AND s.date_of_birth < %(earliest)s
          AND (c.id IS NULL OR c.date_of_birth <> s.date_of_birth)
        ORDER BY 1
    """
    earliest = earliest_date_of_birth(today, OLDEST_RECORD_AGE)
    for row_no, born in _rows(sql, {"earliest": adapt(earliest)}):
        for problem in recorded_age_problems(date_of_birth=_date(born), today=today):
            problems.add("children.csv", row_no, problem.field, problem.message)


def check_born_before(council_id: int, problems) -> None:
    """Episodes last seen, and placements and screenings dated, before the child was born;
    episodes when the child was over 25. Reported on the staged row: the episode's (or
    placement's, screening's) if it is in the bundle, else the child's date of birth."""
    _check_episode_ages(council_id, problems)
    dated = (
        ("placements.csv", "hw_stage_placement", "children_placement", "start_date"),
        ("screenings.csv", "hw_stage_screening", "exploitation_screening", "completed_on"),
    )
    for file, stage, table, column in dated:
        _check_dated_births(council_id, problems, file, stage, table, column)


# Fewer days than 26 years ever have, less a day for Europe/London against UTC: every
# episode of someone over 25 is last seen at least this long after their birth.
_OVER_25_DAYS = 26 * 365 - 1


def _check_episode_ages(council_id: int, problems) -> None:
    # SQL finds the candidates with room to spare; Python judges each by the rule itself.
    sql = f"""
        WITH children_all AS ({children_all(council_id)}),
        episodes_all AS ({episodes_all(council_id)})
        SELECT e.row_no, c.row_no, e.ref, e.last_seen_at, c.date_of_birth
        FROM episodes_all e JOIN children_all c ON c.ref = e.child_ref
        WHERE (e.row_no IS NOT NULL OR c.row_no IS NOT NULL)
          AND (e.last_seen_at < {_days_after("c.date_of_birth", 1)}
               OR e.last_seen_at >= {_days_after("c.date_of_birth", _OVER_25_DAYS)})
        ORDER BY 1, 2
    """
    for episode_row, child_row, ref, seen, born in _rows(sql):
        seen, born = _datetime(seen), _date(born)
        problem = episode_age_problem(seen, born)
        if problem is None:
            continue
        if episode_row is not None:
            problems.add("episodes.csv", episode_row, problem.field, problem.message)
            continue
        record = (f"episode {ref} (last seen)", london_date(seen), True)
        for found in born_problems(date_of_birth=born, records=[record]):
            problems.add("children.csv", child_row, found.field, found.message)


def _check_dated_births(council_id, problems, file, stage, table, column) -> None:
    sql = f"""
        WITH children_all AS ({children_all(council_id)}),
        dated_all AS (
            SELECT row_no, ref, child_ref, {column} AS on_day FROM {stage} WHERE ok = 1
            UNION ALL
            SELECT NULL, r.local_id, c.local_id, r.{column}
            FROM {table} r JOIN children_child c ON c.id = r.child_id
            WHERE r.council_id = {int(council_id)}
              AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE s.ref = r.local_id)
        )
        SELECT d.row_no, c.row_no, d.ref, d.on_day, c.date_of_birth
        FROM dated_all d JOIN children_all c ON c.ref = d.child_ref
        WHERE d.on_day < c.date_of_birth AND (d.row_no IS NOT NULL OR c.row_no IS NOT NULL)
        ORDER BY 1, 2
    """
    what = "placement {ref} (start)" if file == "placements.csv" else "screening {ref}"
    message = PLACEMENT_BEFORE_BIRTH if file == "placements.csv" else SCREENING_BEFORE_BIRTH
    for row_no, child_row, ref, on, born in _rows(sql):
        on, born = _date(on), _date(born)
        if row_no is not None:
            text = message.format(start=when(on), completed=when(on), born=when(born))
            problems.add(file, row_no, column, text)
            continue
        record = (what.format(ref=ref), on, False)
        for found in born_problems(date_of_birth=born, records=[record]):
            problems.add("children.csv", child_row, found.field, found.message)


def check_overlaps(council_id: int, problems) -> None:
    """A child's episodes must not overlap, and none may follow one still open.

    Two episodes known to the day only (Episode.day_precision) that begin on the same day
    may share it when one of them also ends that day, as the DfE lets SSDA903 missing
    periods do: several on one day have the same dates, and an away period of one day
    may be followed by a missing one from that day (`shares_a_day`)."""
    # Sorted by last seen, an episode clashes with an earlier one if the furthest return
    # before it is after its start, and with a later one if it ends after the next start.
    sql = f"""
        WITH episodes_all AS ({episodes_all(council_id)}),
        ordered AS (
            SELECT row_no, ref, child_ref, last_seen_at, returned_at, day_precision,
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
        SELECT c.row_no, o.ref, o.last_seen_at, o.returned_at,
               c.day_precision AND o.day_precision, c.last_seen_at, c.returned_at
        FROM clashing c JOIN episodes_all o
          ON o.child_ref = c.child_ref AND o.ref <> c.ref
         AND o.last_seen_at < COALESCE(c.returned_at, %(far)s)
         AND COALESCE(o.returned_at, %(far)s) > c.last_seen_at
        ORDER BY c.row_no, o.last_seen_at
    """
    last_reported = None
    # Rows come ordered by row number: report only the first clash of each.
    found = _rows(sql, {"far": adapt(FAR_FUTURE)})
    for row_no, other, seen, returned, by_day, own_seen, own_returned in found:
        if by_day and shares_a_day(
            (_datetime(own_seen), _datetime(own_returned)),
            (_datetime(seen), _datetime(returned)),
        ):
            continue
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


def check_interviews_while_missing(council_id: int, problems) -> None:
    """No interview is completed while its child was missing again (inside another of the
    child's episodes): reported on the interview's row if it is in the bundle, else on the
    episode's."""
    sql = f"""
        WITH episodes_all AS ({episodes_all(council_id)}),
        interviews_all AS ({interviews_all(council_id)})
        SELECT i.row_no, o.row_no, i.ref, own.ref, i.completed_at, o.ref, o.last_seen_at
        FROM interviews_all i
        JOIN episodes_all own ON own.ref = i.episode_ref
        JOIN episodes_all o ON o.child_ref = own.child_ref AND o.ref <> own.ref
         AND o.last_seen_at < i.completed_at
         AND COALESCE(o.returned_at, %(far)s) > i.completed_at
        WHERE i.completed_at IS NOT NULL AND (i.row_no IS NOT NULL OR o.row_no IS NOT NULL)
        ORDER BY 1, 2, o.last_seen_at
    """
    reported = set()
    for interview_row, episode_row, interview, own, completed, other, seen in _rows(
        sql, {"far": adapt(FAR_FUTURE)}
    ):
        if interview_row is not None:
            where = ("interviews.csv", interview_row)
            problem = missing_again_problem(
                completed_at=_datetime(completed), episode=other, last_seen_at=_datetime(seen)
            )
        else:
            where = ("episodes.csv", episode_row)
            problem = interview_while_missing_problem(
                interview=interview, episode=own, completed_at=_datetime(completed)
            )
        if where not in reported:  # the first clash of each row is enough to correct it
            reported.add(where)
            problems.add(*where, problem.field, problem.message)


def check_police_refs(council_id: int, problems) -> None:
    """A police reference names one episode: not two of the bundle, nor one of the bundle
    and another Homeward already knows by it."""
    twice = """
        SELECT t.row_no, t.police_ref, t.first, e.ref FROM (
            SELECT s.row_no, s.police_ref, MIN(f.row_no) AS first FROM hw_stage_police_ref s
            JOIN hw_stage_police_ref f ON f.police_ref = s.police_ref AND f.row_no < s.row_no
                AND f.episode_ref <> s.episode_ref
            GROUP BY s.row_no, s.police_ref
        ) t JOIN hw_stage_episode e ON e.row_no = t.first
        ORDER BY 1, 2
    """
    # One cause, one problem: a reference given twice is not also said to be taken.
    said = set()
    for row_no, ref, first, episode in _rows(twice):
        message = REFERENCE_TWICE.format(ref=ref, episode=episode, first=first)
        problems.add("episodes.csv", row_no, "police_refs", message)
        said.add((row_no, ref))
    table = apps.get_model("police.EpisodeReference")._meta.db_table
    taken = f"""
        SELECT s.row_no, s.police_ref, e.local_id FROM hw_stage_police_ref s
        JOIN {table} r ON r.council_id = {int(council_id)} AND r.police_ref = s.police_ref
        JOIN episodes_episode e ON e.id = r.episode_id
        WHERE e.local_id <> s.episode_ref ORDER BY 1, 2
    """  # nosec B608
    for row_no, ref, episode in _rows(taken):
        if (row_no, ref) in said:
            continue
        message = REFERENCE_TAKEN.format(ref=ref, episode=episode)
        problems.add("episodes.csv", row_no, "police_refs", message)
