"""Each bundle file's columns are declared once (bundle_spec), and docs/bundle.md lists them."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from homeward.exchange.bundle_import import stage_tables
from homeward.exchange.bundle_spec import FILES

BUNDLE_MD = Path(__file__).resolve().parents[3] / "docs" / "bundle.md"


def documented_files(text: str) -> dict[str, list[tuple[str, bool]]]:
    """Each `### \\`file.csv\\`` section's columns, in order, with whether marked * (required)."""
    files: dict[str, list[tuple[str, bool]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.fullmatch(r"### `([a-z_0-9]+\.csv)`", line.strip())
        if heading:
            current = files.setdefault(heading.group(1), [])
            continue
        if line.startswith("#"):
            current = None  # any other heading (a list of codes, the next part) ends it
        if current is None or not line.startswith("|"):
            continue
        first_cell = line.split("|")[1]
        for name, star in re.findall(r"`([a-z_0-9]+)`(\*?)", first_cell):
            current.append((name, star == "*"))
    return files


def test_docs_list_exactly_the_declared_columns_of_each_file():
    documented = documented_files(BUNDLE_MD.read_text(encoding="utf-8"))
    assert list(documented) == [spec.name for spec in FILES]
    for spec in FILES:
        declared = [(column.name, column.required) for column in spec.columns]
        assert documented[spec.name] == declared, spec.name


@pytest.mark.parametrize("spec", FILES, ids=lambda spec: spec.name)
def test_each_declared_field_is_a_field_of_the_files_model(spec):
    model = apps.get_model(spec.model)
    for column in spec.columns:
        if column.field is None:
            continue
        first, *rest = column.field.split("__")
        field = model._meta.get_field(first)
        if rest:
            assert field.related_model._meta.get_field(rest[0]), column.name
    assert spec.header[0] == spec.id_column.name
    assert spec.id_column.required


def test_the_staging_tables_are_the_declared_columns():
    tables = stage_tables()
    for spec in FILES:
        staged = list(tables[spec.name].columns)
        assert staged[0] == "row_no" and staged[-1] == "ok"
        expected = [c.stage_name for c in spec.columns if c.stage_name]
        assert staged[1 : 1 + len(expected)] == expected, spec.name
