"""What a column left out of a file means for the checks: the stored value stands in.

A column absent from a file's header leaves the stored records' values as they are, so the
bundle is checked against those values: they are copied into the staging table for the rows
of records already stored (new records have none: absent is empty for them), and the rules
on a row alone that need such a column, skipped while reading, are applied then.
"""

from django.apps import apps
from django.db import connection

from homeward.exchange.bundle_checks import _date, _datetime
from homeward.exchange.bundle_files import ROW_RULES, Context
from homeward.exchange.bundle_spec import DATE, DATETIME, FILES, FileSpec


def _stands_in(spec: FileSpec, present) -> list:
    """The absent columns staged as the stored value itself (not through another record)."""
    return [
        column
        for column in spec.staged
        if column.name not in present and column.field and "__" not in column.field
    ]


def stand_in_stored(council_id: int, files: dict) -> None:
    """Copy the stored values of each file's absent columns into its staging table."""
    for spec in FILES:
        if spec.name not in files:
            continue
        absent = _stands_in(spec, files[spec.name].columns)
        if not absent:
            continue
        table = apps.get_model(spec.model)._meta.db_table
        key = spec.id_column
        sets = ", ".join(f"{column.stage_name} = t.{column.model_column}" for column in absent)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {spec.table} SET {sets} FROM {table} t "
                f"WHERE t.council_id = {int(council_id)} "
                f"AND t.{key.model_column} = {spec.table}.{key.stage_name}"
            )


def check_rows_again(files: dict, context: Context, problems) -> None:
    """Apply the rules on a row alone that waited for the stored values of absent columns."""
    for spec in FILES:
        if spec.name not in files or spec.name not in ROW_RULES:
            continue
        names, rules = ROW_RULES[spec.name]
        if all(name in files[spec.name].columns for name in names):
            continue
        columns = [spec.column(name) for name in names]
        staged = ", ".join(column.stage_name for column in columns)
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT row_no, {staged} FROM {spec.table} WHERE ok = 1 ORDER BY 1")
            while batch := cursor.fetchmany(2_000):
                for row_no, *cells in batch:
                    values = {
                        column.name: _python(column, cell)
                        for column, cell in zip(columns, cells, strict=True)
                    }
                    problems.add_row(spec.name, row_no, list(rules(values, context)))


def _python(column, value):
    """A staged value as the rules take it (SQLite gives dates and times back as text)."""
    if column.kind is DATETIME:
        return _datetime(value)
    if column.kind is DATE:
        return _date(value)
    return "" if value is None and column.kind.stage_type == "text" else value
