"""A bundle meets the mistakes put right in Homeward (in_error): before the checks and the
merge, staged rows are set aside or redirected, each with a line in the import's summary.

- A row for a record marked entered in error in Homeward is skipped: a re-import must not
  silently bring back (or change) what a coordinator took out. Undoing the mark in Homeward
  lets the next import apply it. An interview row of an episode in error is skipped too.
- A row naming a child merged into another record is applied to the surviving record; the
  merged child's own row in children.csv is skipped.
"""

from django.apps import apps
from django.db import connection

from homeward.exchange.bundle_spec import FILES

SKIPPED_IN_ERROR = (
    "{file}, row {row}: {noun} {ref} is marked entered in error in Homeward, so this row was "
    "skipped. Undo the mark in Homeward to import it again."
)
SKIPPED_EPISODE_IN_ERROR = (
    "{file}, row {row}: interview {ref} is of episode {episode}, which is marked entered in "
    "error in Homeward, so this row was skipped."
)
SKIPPED_MERGED_CHILD = (
    "{file}, row {row}: child {ref} was merged into child {survivor} in Homeward, so this row "
    "was skipped; the child's records are kept on {survivor}."
)
APPLIED_TO_SURVIVOR = (
    "{file}, row {row}: child {ref} was merged into child {survivor} in Homeward, so this row "
    "was applied to {survivor}."
)
NOUNS = {
    "placements.csv": "placement",
    "episodes.csv": "episode",
    "interviews.csv": "interview",
    "screenings.csv": "screening",
}
# Merges of merges are followed this many steps at most (each step is one UPDATE).
MERGE_DEPTH = 5


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def set_aside(council_id: int, files: dict, lines: list[str]) -> None:
    """Skip or redirect staged rows as the module says, adding a line for each to `lines`
    and taking skipped rows out of `files`' row counts."""
    council = int(council_id)
    by_name = {spec.name: spec for spec in FILES}
    for name, noun in NOUNS.items():
        spec = by_name[name]
        table = apps.get_model(spec.model)._meta.db_table
        found = _rows(
            f"""SELECT s.row_no, s.ref FROM {spec.table} s JOIN {table} t
                ON t.council_id = {council} AND t.local_id = s.ref
                WHERE t.entered_in_error_at IS NOT NULL ORDER BY s.row_no"""  # nosec B608
        )
        lines += [SKIPPED_IN_ERROR.format(file=name, row=r, noun=noun, ref=ref) for r, ref in found]
        _skip(spec, found, files)
    _skip_interviews_of_episodes_in_error(council, by_name["interviews.csv"], files, lines)
    _redirect_merged_children(council, by_name, files, lines)


def _skip(spec, found: list[tuple], files: dict) -> None:
    if not found:
        return
    _execute(
        f"""DELETE FROM {spec.table} WHERE row_no IN ({", ".join(str(int(r)) for r, _ in found)})"""  # nosec B608
    )
    if spec.name == "episodes.csv":
        for table in ("hw_stage_companion", "hw_stage_police_ref"):
            _execute(
                f"""DELETE FROM {table}
                    WHERE row_no IN ({", ".join(str(int(r)) for r, _ in found)})"""  # nosec B608
            )
    if spec.name in files:
        files[spec.name].rows -= len(found)


def _skip_interviews_of_episodes_in_error(council: int, spec, files: dict, lines: list) -> None:
    found = _rows(
        f"""SELECT s.row_no, s.ref, s.episode_ref FROM hw_stage_interview s
            JOIN episodes_episode e ON e.council_id = {council} AND e.local_id = s.episode_ref
            WHERE e.entered_in_error_at IS NOT NULL ORDER BY s.row_no"""  # nosec B608
    )
    lines += [
        SKIPPED_EPISODE_IN_ERROR.format(file=spec.name, row=r, ref=ref, episode=episode)
        for r, ref, episode in found
    ]
    _skip(spec, [(r, ref) for r, ref, _ in found], files)


def _merged(council: int) -> str:
    """Merged-away children of the council with the local id of the record they went into."""
    return f"""SELECT d.local_id AS ref, m.local_id AS survivor FROM children_child d
        JOIN children_child m ON m.id = d.merged_into_id
        WHERE d.council_id = {council}"""  # nosec B608


def _redirect_merged_children(council: int, by_name: dict, files: dict, lines: list) -> None:
    children = by_name["children.csv"]
    found = _rows(
        f"""SELECT s.row_no, s.ref, g.survivor FROM {children.table} s
            JOIN ({_merged(council)}) g ON g.ref = s.ref ORDER BY s.row_no"""  # nosec B608
    )
    lines += [
        SKIPPED_MERGED_CHILD.format(file=children.name, row=r, ref=ref, survivor=survivor)
        for r, ref, survivor in found
    ]
    _skip(children, [(r, ref) for r, ref, _ in found], files)
    staged = [(spec.name, spec.table) for spec in FILES if "child_ref" in spec.stage_columns()]
    staged.append(("episodes.csv", "hw_stage_companion"))
    for name, table in staged:
        for _ in range(MERGE_DEPTH):
            found = _rows(
                f"""SELECT s.row_no, s.child_ref, g.survivor FROM {table} s
                    JOIN ({_merged(council)}) g ON g.ref = s.child_ref
                    ORDER BY s.row_no"""  # nosec B608
            )
            if not found:
                break
            lines += [
                APPLIED_TO_SURVIVOR.format(file=name, row=r, ref=ref, survivor=survivor)
                for r, ref, survivor in found
            ]
            _execute(
                f"""UPDATE {table} SET child_ref = (
                        SELECT g.survivor FROM ({_merged(council)}) g
                        WHERE g.ref = {table}.child_ref)
                    WHERE child_ref IN (SELECT ref FROM ({_merged(council)}) g)"""  # nosec B608
            )
