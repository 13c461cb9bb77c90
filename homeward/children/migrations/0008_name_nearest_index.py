"""Finding the closest names first without ranking every match (PostgreSQL): a GiST trigram
index that answers `ORDER BY ... <->> query LIMIT n` by walking the index nearest first
(children.selectors.find_children, when a common name alone matches thousands of children).

It is on `name_key || ''`, not on name_key itself, so that only that ordering uses it: a
search's `<%` match keeps using the GIN index of migration 0006, which answers a rare name
several times faster than a GiST index does. siglen=256 makes the index's signatures
precise enough for names. SQLite needs none of it."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS child_name_nearest ON children_child "
    "USING gist ((name_key || '') gist_trgm_ops(siglen=256))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS child_name_nearest")


class Migration(migrations.Migration):
    dependencies = [("children", "0007_child_date_of_birth_index")]

    operations = [migrations.RunPython(forwards, backwards)]
