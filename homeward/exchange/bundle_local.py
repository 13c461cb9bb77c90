"""Rows that would change records corrected in Homeward since an import last wrote them.

A council corrects records in Homeward (a return recorded by phone, a wrong date put right)
that its source system may not have caught up with. A bundle row that would change such a
record (changed after its `imported_at`, or never written by an import) is a local change:
by default the whole import is refused, listing each one; `keep` imports everything else and
leaves those records as Homeward has them; `overwrite` lets the bundle win and lists each
correction overwritten. Found before the bundle is checked, so that with `keep` the checks
see the records as they will be left (a kept row is taken out of the staging tables).
"""

from collections import defaultdict
from dataclasses import asdict, dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from homeward.core.problems import when
from homeward.exchange import bundle_merge
from homeward.exchange.bundle_checks import _date, _datetime
from homeward.exchange.bundle_spec import BY_NAME, COUNCIL, DATE, DATETIME, FILES, Column
from homeward.exchange.cells import write_date, write_datetime

REFUSE = "refuse"
KEEP = "keep"
OVERWRITE = "overwrite"

CHANGED_SINCE_IMPORT = (
    "This {noun} was changed in Homeward by {who} on {when}, after an import last wrote it: "
    "Homeward has {stored}, the bundle has {bundled}."
)
NEVER_IMPORTED = (
    "This {noun} was recorded or changed in Homeward by {who} on {when}, and no import has "
    "written it since: Homeward has {stored}, the bundle has {bundled}."
)
CHOOSE = (
    "{rows} row(s) would change records corrected in Homeward since an import last wrote "
    "them. To import everything else and leave those records as Homeward has them, import "
    "again with --keep-local-changes; to replace Homeward's values with the bundle's, import "
    "again with --overwrite-local-changes."
)
KEPT = (
    "{file}, row {row}, {column}: not applied: {noun} {record} was changed in Homeward by "
    "{who} on {when}, so Homeward's value is kept: Homeward has {stored}, the bundle has "
    "{bundled}."
)
OVERWRITTEN = (
    "{file}, row {row}, {column}: {noun} {record} had been changed in Homeward by {who} on "
    "{when}; the bundle's value replaced it: it was {stored}, it is now {bundled}."
)
UNKNOWN_PERSON = "someone not recorded"


@dataclass(frozen=True)
class LocalChange:
    """One column of a bundle row that differs from a record changed in Homeward since."""

    file: str
    row: int
    record: str
    column: str
    stored: str
    bundled: str
    who: str
    when: str
    imported: bool

    def _words(self) -> dict:
        return asdict(self) | {
            "noun": BY_NAME[self.file].nouns[0],
            "stored": _quoted(self.stored),
            "bundled": _quoted(self.bundled),
        }

    @property
    def problem(self) -> str:
        """Why the row refuses the import (file, row and column are said by the problem)."""
        message = CHANGED_SINCE_IMPORT if self.imported else NEVER_IMPORTED
        return message.format(**self._words())

    @property
    def kept(self) -> str:
        return KEPT.format(**self._words())

    @property
    def overwritten(self) -> str:
        return OVERWRITTEN.format(**self._words())

    def as_details(self) -> dict:
        return asdict(self)


def _quoted(value: str) -> str:
    return f"'{value}'" if value else "nothing"


def find_local_changes(council_id: int, files: dict, mode: str, problems) -> int:
    """Find every local change the staged bundle would make; returns how many rows it
    refuses for one (none unless refusing).

    `files` maps each file read to its FileCounts, which gets the `kept` or `overwritten`
    changes; when refusing, each change is added to `problems` instead.
    """
    rows = 0
    for spec in FILES:
        if spec.name not in files:
            continue
        plan = bundle_merge.plan_for(spec, council_id, files[spec.name].columns)
        bundle_merge.compare(plan, local_only=True)
        changes = _changes(plan)
        if mode == REFUSE:
            rows += len({change.row for change in changes})
            for change in changes:
                problems.add(change.file, change.row, change.column, change.problem)
        elif mode == KEEP:
            files[spec.name].kept = changes
            _unstage(plan)
        else:
            files[spec.name].overwritten = changes
    bundle_merge.drop_comparison()
    return rows


def _unstage(plan) -> None:
    """Take the kept rows out of the bundle, as if it had never had them."""
    with connection.cursor() as cursor:
        compared = bundle_merge.COMPARED
        cursor.execute(
            f"DELETE FROM {plan.spec.table} WHERE row_no IN (SELECT row_no FROM {compared})"
        )
        if plan.spec.name == "episodes.csv":
            for table in ("hw_stage_companion", "hw_stage_police_ref"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE episode_ref IN (SELECT ref FROM {compared})"
                )


def _changes(plan) -> list[LocalChange]:
    """Each changed column of each row in COMPARED, with both values as a bundle writes them."""
    columns = list(plan.written)
    selects = ["row_no", "ref", "record_id", "changed_at", "changed_by_id", "imported"]
    for n in range(len(columns)):
        selects += [f"d{n}", f"o{n}", f"b{n}"]
    if plan.compares_seen_with:
        selects.append("d_seen")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(selects)} FROM {bundle_merge.COMPARED} ORDER BY row_no",
        )
        found = cursor.fetchall()
    if not found:
        return []
    shown = _Shown(plan, columns, found)
    changes = []
    for row in found:
        row_no, ref, record_id, changed_at, by_id, imported = row[:6]
        base = {
            "file": plan.spec.name,
            "row": row_no,
            "record": ref,
            "who": shown.person(by_id),
            "when": when(_datetime(changed_at)),
            "imported": bool(imported),
        }
        for n, column in enumerate(columns):
            changed, old, new = row[6 + 3 * n : 9 + 3 * n]
            if changed:
                stored, bundled = shown.stored(column, old), shown.bundled(column, new)
                changes.append(
                    LocalChange(column=column.name, stored=stored, bundled=bundled, **base)
                )
        if plan.compares_seen_with and row[-1]:
            stored, bundled = shown.companions(record_id, ref)
            changes.append(
                LocalChange(column=bundle_merge.SEEN_WITH, stored=stored, bundled=bundled, **base)
            )
    return changes


def _named(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Shown:
    """Values of the rows found as a bundle would write them, looking up (a batch at a
    time) the records their keys name: people, councils, localities, children."""

    def __init__(self, plan, columns: list[Column], rows: list[tuple]):
        self.model = apps.get_model(plan.spec.model)
        self.names: dict[str, dict] = {}
        for n, column in enumerate(columns):
            if "__" in (column.field or ""):
                ids = [row[7 + 3 * n] for row in rows if row[6 + 3 * n] and row[7 + 3 * n]]
                self.names[column.name] = self._lookup(column, ids)
        self.councils = dict(apps.get_model("councils.Council").objects.values_list("id", "code"))
        people = {row[4] for row in rows if row[4] is not None}
        users = get_user_model().objects.filter(pk__in=people)
        self.people = {user.pk: _named(user) for user in users}
        self.stored_companions, self.staged_companions = defaultdict(set), defaultdict(set)
        if plan.compares_seen_with:
            self._load_companions([row[2] for row in rows])

    def _lookup(self, column: Column, ids: list) -> dict:
        relation, attribute = column.field.split("__", 1)
        related = self.model._meta.get_field(relation).related_model
        found = {}
        for chunk in _chunks(list(set(ids))):
            found |= dict(related.objects.filter(pk__in=chunk).values_list("pk", attribute))
        return found

    def person(self, by_id) -> str:
        return self.people.get(by_id, UNKNOWN_PERSON)

    def stored(self, column: Column, value) -> str:
        if value is None:
            return ""
        if column.name in self.names:
            return str(self.names[column.name].get(value, value))
        return _written(column, value)

    def bundled(self, column: Column, value) -> str:
        if value is None:
            return ""
        if column.kind is COUNCIL:
            return self.councils.get(value, str(value))
        return _written(column, value)

    def companions(self, episode_id: int, ref: str) -> tuple[str, str]:
        """Who the child was missing with, as Homeward has it and as the bundle gives it."""
        stored, staged = self.stored_companions[episode_id], self.staged_companions[ref]
        return ";".join(sorted(stored)), ";".join(sorted(staged))

    def _load_companions(self, episodes: list[int]) -> None:
        companion = apps.get_model("episodes.Companion")
        for chunk in _chunks(episodes):
            pairs = companion.objects.filter(episode_id__in=chunk)
            for episode_id, child in pairs.values_list("episode_id", "child__local_id"):
                self.stored_companions[episode_id].add(child)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT episode_ref, child_ref FROM hw_stage_companion "
                f"WHERE episode_ref IN (SELECT ref FROM {bundle_merge.COMPARED})"
            )
            for ref, child in cursor.fetchall():
                self.staged_companions[ref].add(child)


def _written(column: Column, value) -> str:
    if column.kind is DATETIME:
        return write_datetime(_datetime(value))
    if column.kind is DATE:
        return write_date(_date(value))
    return str(value)
