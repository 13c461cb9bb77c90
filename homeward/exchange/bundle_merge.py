"""Merging a checked bundle from the staging tables into the real ones.

Set-based SQL only, the same on PostgreSQL and SQLite. For each file, the records the
bundle would change are found in one query (`compare`) into a temporary table; they are
updated from it in one statement, and the new records are inserted in another. Only the
columns in the file's header are compared and written: a column left out leaves the stored
values as they are. A record whose values are all unchanged is left alone, so importing a
bundle twice changes nothing; a changed one gets a new version, "changed at/by", and the
time of the import (`imported_at`), against which later local changes are told apart.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import connection

from homeward.exchange.bundle_spec import FILES, Column, FileSpec
from homeward.exchange.staging import adapt, differs, is_postgresql

COMPARED = "hw_compare"
COMPANIONS_CHANGED = "hw_companions_changed"
SEEN_WITH = "seen_with"
POLICE_REFS = "police_refs"
# A stored record `t` changed in Homeward since an import last wrote it, or never imported.
LOCAL = "(t.imported_at IS NULL OR t.changed_at > t.imported_at)"


def _execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _one(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@dataclass(frozen=True)
class Plan:
    """How one file is merged: its spec, the real table, where each row's values come from,
    and the columns its header has (so the only ones written to records already stored)."""

    spec: FileSpec
    table: str
    source: str
    council: int
    present: frozenset[str]

    @property
    def key(self) -> Column:
        return self.spec.id_column

    @property
    def written(self) -> tuple[Column, ...]:
        """The columns written to a stored record: those in the header, but the id."""
        return tuple(
            c for c in self.spec.columns[1:] if c.field is not None and c.name in self.present
        )

    @property
    def compares_seen_with(self) -> bool:
        return self.spec.name == "episodes.csv" and SEEN_WITH in self.present

    def new_value(self, column: Column) -> str:
        return column.merge_sql.format(council=self.council)

    def same_record(self) -> str:
        """SQL joining the staged row `s` to its stored record `t`."""
        key = self.key
        return f"t.council_id = {self.council} AND t.{key.model_column} = s.{key.stage_name}"


def plan_for(spec: FileSpec, council_id: int, present) -> Plan:
    """The merge plan of a file whose header has the columns `present`."""
    council = int(council_id)
    return Plan(
        spec=spec,
        table=apps.get_model(spec.model)._meta.db_table,
        source=_sources(council)[spec.name],
        council=council,
        present=frozenset(present),
    )


def _sources(council: int) -> dict[str, str]:
    """How each staged row finds the records its columns refer to (aliases as in bundle_spec).
    Left joins, so that a row referring to a record not yet stored is still compared."""
    locality = (
        "LEFT JOIN councils_locality {alias} "
        "ON {alias}.council_id = {council} AND {alias}.name = s.{column}"
    )
    child = f"LEFT JOIN children_child c ON c.council_id = {council} AND c.local_id = s.child_ref"
    return {
        "localities.csv": "hw_stage_locality s",
        "children.csv": "hw_stage_child s "
        + locality.format(alias="l", council=council, column="home_locality"),
        "placements.csv": f"hw_stage_placement s {child} "
        + locality.format(alias="l", council=council, column="locality"),
        "episodes.csv": f"hw_stage_episode s {child} "
        f"LEFT JOIN children_placement p ON p.council_id = {council} "
        "AND p.local_id = s.placement_ref "
        + locality.format(alias="l", council=council, column="locality"),
        "interviews.csv": "hw_stage_interview s LEFT JOIN episodes_episode e "
        f"ON e.council_id = {council} AND e.local_id = s.episode_ref",
        "screenings.csv": f"hw_stage_screening s {child}",
    }


def _empty_cell(column: Column) -> str:
    """SQL true when the row's cell for `column` was empty (so it clears or takes a default)."""
    staged = f"s.{column.stage_name}"
    if column.kind.stage_type == "text":
        return f"({staged} IS NULL OR {staged} = '')"
    return f"{staged} IS NULL"


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _companions_compared(plan: Plan, local_only: bool) -> None:
    """Note each stored episode whose "seen with" children the bundle would change."""
    council = plan.council
    staged = f"""SELECT c.id FROM hw_stage_companion sc
        JOIN children_child c ON c.council_id = {council} AND c.local_id = sc.child_ref
        WHERE sc.episode_ref = s.ref"""
    _execute(f"DROP TABLE IF EXISTS {COMPANIONS_CHANGED}")
    _execute(
        f"""CREATE TEMPORARY TABLE {COMPANIONS_CHANGED} AS
            SELECT t.id AS episode_id FROM hw_stage_episode s
            JOIN episodes_episode t ON {plan.same_record()}
            WHERE {LOCAL if local_only else "1 = 1"}
            AND (EXISTS (SELECT 1 FROM episodes_companion k
                          WHERE k.episode_id = t.id AND k.child_id NOT IN ({staged}))
               OR EXISTS (SELECT 1 FROM hw_stage_companion sc
                          WHERE sc.episode_ref = s.ref AND NOT EXISTS (
                              SELECT 1 FROM episodes_companion k
                              JOIN children_child c ON c.id = k.child_id
                              WHERE k.episode_id = t.id AND c.local_id = sc.child_ref)))"""
    )


def compare(plan: Plan, *, local_only: bool) -> None:
    """Fill COMPARED with the stored records the file's rows would change (columns `d<i>`
    flag each changed column, `o<i>` and `n<i>` hold its old and new value, `e<i>` says the
    cell was empty) or that were changed in Homeward since an import last wrote them
    (`local`); `b<i>` is the cell as the bundle gave it. With `local_only`, only the records
    both changed locally and by the bundle."""
    if plan.compares_seen_with:
        _companions_compared(plan, local_only)
    selects = [
        "s.row_no AS row_no",
        f"s.{plan.key.stage_name} AS ref",
        "t.id AS record_id",
        "t.changed_at AS changed_at",
        "t.changed_by_id AS changed_by_id",
    ]
    changes = []
    for number, column in enumerate(plan.written):
        old, new = f"t.{column.model_column}", plan.new_value(column)
        changed = differs(old, new)
        changes.append(changed)
        selects += [
            f"{old} AS o{number}",
            f"{new} AS n{number}",
            f"s.{column.stage_name} AS b{number}",
            f"{_flag(changed)} AS d{number}",
            f"{_flag(_empty_cell(column))} AS e{number}",
        ]
    if plan.compares_seen_with:
        changed = f"EXISTS (SELECT 1 FROM {COMPANIONS_CHANGED} x WHERE x.episode_id = t.id)"
        changes.append(changed)
        no_companions = (
            "NOT EXISTS (SELECT 1 FROM hw_stage_companion sc WHERE sc.episode_ref = s.ref)"
        )
        selects += [f"{_flag(changed)} AS d_seen", f"{_flag(no_companions)} AS e_seen"]
    any_change = " OR ".join(changes) or "1 = 0"
    selects += [
        f"{_flag(any_change)} AS changed",
        f"{_flag(LOCAL)} AS local",
        f"{_flag('t.imported_at IS NOT NULL')} AS imported",
    ]
    which = f"{LOCAL} AND ({any_change})" if local_only else f"{LOCAL} OR {any_change}"
    _execute(f"DROP TABLE IF EXISTS {COMPARED}")
    _execute(
        f"""CREATE TEMPORARY TABLE {COMPARED} AS
            SELECT {", ".join(selects)}
            FROM {plan.source} JOIN {plan.table} t ON {plan.same_record()}
            WHERE s.ok = 1 AND ({which})"""
    )
    if is_postgresql():
        _execute(f"ANALYZE {COMPARED}")


def drop_comparison() -> None:
    _execute(f"DROP TABLE IF EXISTS {COMPARED}")
    _execute(f"DROP TABLE IF EXISTS {COMPANIONS_CHANGED}")


def merge_all(council_id: int, by, now: dt.datetime, counts: dict) -> None:
    """Write every staged record for the council, counting what was created, updated,
    cleared and set to a default (`counts`: each present file's FileCounts)."""
    by_id = getattr(by, "pk", None)
    plans = []
    for spec in FILES:
        if spec.name not in counts:
            continue
        plan = plan_for(spec, council_id, counts[spec.name].columns)
        plans.append(plan)
        compare(plan, local_only=False)
        _count(plan, counts[spec.name])
        _update(plan, by_id, now)
        counts[spec.name].created = _insert(plan, by_id, now)
        if plan.compares_seen_with:
            _merge_companions(plan.council)
        if spec.name == "episodes.csv" and POLICE_REFS in plan.present:
            _add_police_refs(plan.council, now, counts[spec.name])
    drop_comparison()
    _refresh_statistics([plan.table for plan in plans])


def _count(plan: Plan, counts) -> None:
    """How many records the file changes, and which fields it empties, from COMPARED."""
    columns = list(plan.written)
    sums = ["SUM(changed)"] + [f"SUM(d{n} * e{n})" for n in range(len(columns))]
    if plan.compares_seen_with:
        sums.append("SUM(d_seen * e_seen)")
    found = _one(f"SELECT {', '.join(sums)} FROM {COMPARED}")
    counts.updated = int(found[0] or 0)
    names = [column.name for column in columns] + ([SEEN_WITH] if plan.compares_seen_with else [])
    for name, emptied in zip(names, found[1:], strict=True):
        if not emptied:
            continue
        column = plan.spec.column(name)
        (counts.defaulted if column.default else counts.cleared)[name] = int(emptied)


def _update(plan: Plan, by_id: int | None, now: dt.datetime) -> None:
    """Write the changed records from COMPARED, and note when an import last confirmed one
    changed in Homeward whose values the bundle now agrees with."""
    by = "NULL" if by_id is None else str(int(by_id))
    sets = [f"{column.model_column} = k.n{n}" for n, column in enumerate(plan.written)]
    sets += [
        "version = version + 1",
        "changed_at = %(now)s",
        f"changed_by_id = {by}",
        "imported_at = %(now)s",
    ]
    mine = f"{plan.table}.id = k.record_id"
    for which in _write_order(plan):
        _execute(
            f"UPDATE {plan.table} SET {', '.join(sets)} FROM {COMPARED} k "
            f"WHERE {mine} AND k.changed = 1 AND {which}",
            {"now": adapt(now)},
        )
    _execute(
        f"UPDATE {plan.table} SET imported_at = %(now)s FROM {COMPARED} k "
        f"WHERE {mine} AND k.changed = 0 AND k.local = 1",
        {"now": adapt(now)},
    )


def _write_order(plan: Plan) -> tuple[str, ...]:
    """Episodes that end are written before those still open, each as SQL over COMPARED `k`:
    the database's one-open-episode index is checked row by row, and must never see a child's
    episode opened while the one it follows, closed by the same bundle, is still open."""
    returned = [n for n, c in enumerate(plan.written) if c.model_column == "returned_at"]
    if plan.table != "episodes_episode" or not returned:
        return ("1 = 1",)
    return (f"k.n{returned[0]} IS NOT NULL", f"k.n{returned[0]} IS NULL")


def _insert(plan: Plan, by_id: int | None, now: dt.datetime) -> int:
    """Insert the rows with no stored record (every column: the absent ones empty or their
    default); returns how many."""
    by = "NULL" if by_id is None else str(int(by_id))
    values = {name: sql.format(council=plan.council) for name, sql in plan.spec.merged().items()}
    columns = ["council_id", *values, "created_at", "created_by_id", "changed_at"]
    columns += ["changed_by_id", "version", "imported_at"]
    selects = [str(plan.council), *values.values(), "%(now)s", by, "%(now)s", by, "1", "%(now)s"]
    # As in _write_order: a new episode that ends before one still open.
    order = f"ORDER BY ({values['returned_at']}) IS NULL" if "returned_at" in values else ""
    return _execute(
        f"""INSERT INTO {plan.table} ({", ".join(columns)})
            SELECT {", ".join(selects)} FROM {plan.source}
            WHERE NOT EXISTS (SELECT 1 FROM {plan.table} t WHERE {plan.same_record()})
            {order}""",
        {"now": adapt(now)},
    )


def _refresh_statistics(tables: list[str]) -> None:
    """Let PostgreSQL's planner see the new rows at once, rather than at autovacuum's leisure:
    without it, reports run straight after a large import can choose slow plans."""
    if is_postgresql() and tables:
        _execute(f"ANALYZE {', '.join(tables)}")


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


def _add_police_refs(council: int, now: dt.datetime, counts) -> None:
    """Give each imported episode the police references the bundle lists that it is not yet
    known by, in the order listed (the checks refused any that is another episode's)."""
    table = apps.get_model("police.EpisodeReference")._meta.db_table
    new = f"""
        FROM hw_stage_police_ref s
        JOIN episodes_episode e ON e.council_id = {council} AND e.local_id = s.episode_ref
        WHERE NOT EXISTS (SELECT 1 FROM {table} r
                          WHERE r.council_id = {council} AND r.police_ref = s.police_ref)
    """  # nosec B608
    added, episodes = _one(f"SELECT COUNT(*), COUNT(DISTINCT e.id) {new}")
    counts.references_added, counts.episodes_given_references = int(added), int(episodes)
    if added:
        _execute(
            f"""INSERT INTO {table}
                    (council_id, episode_id, police_ref, force_name, added_at, notification_id)
                SELECT {council}, e.id, s.police_ref, '', %(now)s, NULL {new}
                ORDER BY s.row_no, s.position""",
            {"now": adapt(now)},
        )
