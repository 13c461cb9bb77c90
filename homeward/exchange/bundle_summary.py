"""What an import did, in sentences a coordinator reads: nothing changes without a line here.

The command prints these lines; the audit entry keeps the same counts and lists.
"""

from homeward.exchange.bundle_local import KEEP, OVERWRITE
from homeward.exchange.bundle_spec import FILES

COUNTS = "{file}: {rows} rows, {created} new, {updated} updated, {unchanged} unchanged"
KEPT_COUNT = ", {count} not applied (changed in Homeward since the last import)"
OVERWRITTEN_COUNT = ", {count} overwriting changes made in Homeward"
CLEARED = "{file}: {column} cleared on {records}"
DEFAULTED = "{file}: {column} left empty, so set to {default}, on {records}"
ABSENT = "{file}: not in the file, so left as Homeward has them: {columns}"
REFERENCES_ADDED = "{file}: police_refs: {count} police reference{s} added to {episodes}"


def summary_lines(result) -> list[str]:
    """Every file's counts, fields cleared or set to a default, columns left out, and rows
    kept or overwritten because of a change made in Homeward."""
    lines = []
    for spec in FILES:
        counts = result.files.get(spec.name)
        if counts is None:
            continue
        lines.append(_counts_line(spec.name, counts, result.local_changes))
        for column, number in counts.cleared.items():
            lines.append(CLEARED.format(file=spec.name, column=column, records=spec.noun(number)))
        for column, number in counts.defaulted.items():
            default = spec.column(column).default
            records = spec.noun(number)
            lines.append(
                DEFAULTED.format(file=spec.name, column=column, default=default, records=records)
            )
        if counts.references_added:
            count = counts.references_added
            episodes = spec.noun(counts.episodes_given_references)
            s = "" if count == 1 else "s"
            lines.append(
                REFERENCES_ADDED.format(file=spec.name, count=count, s=s, episodes=episodes)
            )
        absent = counts.absent(spec)
        if absent:
            lines.append(ABSENT.format(file=spec.name, columns=", ".join(absent)))
        lines += [change.kept for change in counts.kept]
        lines += [change.overwritten for change in counts.overwritten]
    return lines


def _counts_line(file: str, counts, local_changes: str) -> str:
    line = COUNTS.format(
        file=file,
        rows=counts.rows,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )
    if local_changes == KEEP:
        line += KEPT_COUNT.format(count=counts.kept_rows)
    if local_changes == OVERWRITE:
        line += OVERWRITTEN_COUNT.format(count=counts.overwritten_rows)
    return line
