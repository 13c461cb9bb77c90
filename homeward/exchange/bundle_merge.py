"""Merging a checked bundle from the staging tables into the real ones.

One INSERT … ON CONFLICT per table (the same SQL on PostgreSQL and SQLite). A record whose
values are all unchanged is left alone, so importing a bundle twice changes nothing; a
changed one gets a new version and "changed at/by".
"""

import datetime as dt

from django.apps import apps
from django.db import connection

from homeward.exchange.bundle_spec import FILES
from homeward.exchange.staging import adapt, differs, is_postgresql


def _execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def upsert(
    *,
    table: str,
    key: tuple[str, ...],
    values: dict[str, str],
    source: str,
    council_id: int,
    by_id: int | None,
    now: dt.datetime,
    order_by: str = "",
) -> int:
    """Insert or update `table` from `source`, in `order_by` order if given; returns how many
    rows were written."""
    by = "NULL" if by_id is None else str(int(by_id))
    columns = ["council_id", *values, "created_at", "created_by_id", "changed_at", "changed_by_id"]
    selects = [str(int(council_id)), *values.values(), "%(now)s", by, "%(now)s", by]
    changed = [name for name in values if name not in key]
    updates = [f"{name} = excluded.{name}" for name in changed]
    updates += ["changed_at = excluded.changed_at", "changed_by_id = excluded.changed_by_id"]
    columns.append("version")
    selects.append("1")
    updates.append(f"version = {table}.version + 1")
    any_difference = " OR ".join(differs(f"{table}.{name}", f"excluded.{name}") for name in changed)
    # "WHERE 1 = 1" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
    sql = f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(selects)} FROM {source} WHERE 1 = 1 {order_by and f"ORDER BY {order_by}"}
        ON CONFLICT ({", ".join(key)}) DO UPDATE SET {", ".join(updates)}
        WHERE {any_difference}
    """
    return _execute(sql, {"now": adapt(now)})


def _existing(table: str, stage: str, stage_key: str, key: str, council_id: int) -> int:
    same_record = f"t.council_id = {int(council_id)} AND t.{key} = s.{stage_key}"
    return _count(
        f"SELECT COUNT(*) FROM {stage} s WHERE EXISTS (SELECT 1 FROM {table} t WHERE {same_record})"
    )


def merge_all(council_id: int, by, now: dt.datetime, counts: dict) -> None:
    """Write every staged record for the council, counting what was created and updated."""
    by_id = getattr(by, "pk", None)
    council = int(council_id)
    for file, table, stage, stage_key, key, values, source in _plan(council):
        existing = _existing(table, stage, stage_key, key, council)
        written = upsert(
            table=table,
            key=("council_id", key),
            values=values,
            source=source,
            council_id=council,
            by_id=by_id,
            now=now,
            order_by=_write_order(table, values),
        )
        if file in counts:
            created = counts[file].rows - existing
            counts[file].created = created
            counts[file].updated = written - created
        if table == "episodes_episode":
            _merge_companions(council)
    _refresh_statistics([plan[1] for plan in _plan(council)])


def _write_order(table: str, values: dict[str, str]) -> str:
    """Episodes that end are written before those still open: the database's one-open-episode
    index is checked row by row, and must never see a child's new open episode while the one
    it follows, closed by the same bundle, is still open in the table."""
    if table != "episodes_episode" or "returned_at" not in values:
        return ""
    return f"({values['returned_at']}) IS NULL"


def _refresh_statistics(tables: list[str]) -> None:
    """Let PostgreSQL's planner see the new rows at once, rather than at autovacuum's leisure:
    without it, reports run straight after a large import can choose slow plans."""
    if is_postgresql():
        _execute(f"ANALYZE {', '.join(tables)}")


def _plan(council: int) -> list[tuple]:
    """For each file: its table, staging table, keys, columns and where the values come from."""
    locality = (
        "LEFT JOIN councils_locality {alias} "
        "ON {alias}.council_id = {council} AND {alias}.name = s.{column}"
    )
    child = f"JOIN children_child c ON c.council_id = {council} AND c.local_id = s.child_ref"
    # How each staged row finds the records its columns refer to (aliases as in bundle_spec).
    sources = {
        "localities.csv": "hw_stage_locality s",
        "children.csv": "hw_stage_child s "
        + locality.format(alias="l", council=council, column="home_locality"),
        "placements.csv": f"hw_stage_placement s {child} "
        + locality.format(alias="l", council=council, column="locality"),
        "episodes.csv": f"hw_stage_episode s {child} "
        f"LEFT JOIN children_placement p ON p.council_id = {council} "
        "AND p.local_id = s.placement_ref "
        + locality.format(alias="l", council=council, column="locality"),
        "interviews.csv": "hw_stage_interview s JOIN episodes_episode e "
        f"ON e.council_id = {council} AND e.local_id = s.episode_ref",
        "screenings.csv": f"hw_stage_screening s {child}",
    }
    plan = []
    for spec in FILES:
        key = spec.id_column
        values = {name: sql.format(council=council) for name, sql in spec.merged().items()}
        plan.append(
            (
                spec.name,
                apps.get_model(spec.model)._meta.db_table,
                spec.table,
                key.stage_name,
                key.model_column,
                values,
                sources[spec.name],
            )
        )
    return plan


def _merge_companions(council: int) -> None:
    """Make each imported episode's "seen with" children exactly those the bundle lists."""
    staged_pairs = f"""
        SELECT e.id AS episode_id, c.id AS child_id FROM hw_stage_companion s
        JOIN episodes_episode e ON e.council_id = {council} AND e.local_id = s.episode_ref
        JOIN children_child c ON c.council_id = {council} AND c.local_id = s.child_ref
    """
    _execute(
        f"""DELETE FROM episodes_companion WHERE episode_id IN (
                SELECT e.id FROM episodes_episode e JOIN hw_stage_episode s
                ON e.council_id = {council} AND e.local_id = s.ref)
            AND NOT EXISTS (SELECT 1 FROM ({staged_pairs}) k
                WHERE k.episode_id = episodes_companion.episode_id
                  AND k.child_id = episodes_companion.child_id)
        """
    )
    _execute(
        f"""INSERT INTO episodes_companion (episode_id, child_id)
            SELECT DISTINCT k.episode_id, k.child_id FROM ({staged_pairs}) k WHERE 1 = 1
            ON CONFLICT (episode_id, child_id) DO NOTHING
        """
    )
