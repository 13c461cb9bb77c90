"""Searching children by name on PostgreSQL: the unaccent and pg_trgm extensions, the
function that folds a child's name as children.matching.fold does, a generated column
holding each child's folded name, and GIN trigram indexes on it and on the local and police ids. SQLite needs none of it: the same
functions are registered in Python on each connection (children.matching)."""

from django.db import migrations

EXTENSIONS = ("unaccent", "pg_trgm")
CANNOT_CREATE = (
    "The PostgreSQL extension {name} is not installed, and this database role may not create "
    "it. Ask the database administrator to run CREATE EXTENSION {name}; in this database "
    "(both unaccent and pg_trgm ship with PostgreSQL), then migrate again."
)

NAME_KEY = r"""
CREATE OR REPLACE FUNCTION homeward_name_key(first_name text, last_name text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
    regexp_replace(
      lower(public.unaccent('public.unaccent'::regdictionary,
                            coalesce(first_name, '') || ' ' || coalesce(last_name, ''))),
      '[''’‘`´]', '', 'g'),
    '[^[:alnum:]]+', ' ', 'g'))
$$
"""
# The folded name kept in a column PostgreSQL computes itself on every insert and update
# (including the bundle import's own SQL), so that a search does not fold each name again.
NAME_COLUMN = (
    "ALTER TABLE children_child ADD COLUMN IF NOT EXISTS name_key text "
    "GENERATED ALWAYS AS (homeward_name_key(first_name, last_name)) STORED"
)
INDEXES = (
    "CREATE INDEX IF NOT EXISTS child_name_trgm ON children_child "
    "USING gin (name_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS child_local_id_trgm ON children_child "
    "USING gin (upper(local_id::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS child_police_id_trgm ON children_child "
    "USING gin (upper(police_id::text) gin_trgm_ops)",
)
UNDO = (
    "DROP INDEX IF EXISTS child_name_trgm",
    "DROP INDEX IF EXISTS child_local_id_trgm",
    "DROP INDEX IF EXISTS child_police_id_trgm",
    "ALTER TABLE children_child DROP COLUMN IF EXISTS name_key",
    "DROP FUNCTION IF EXISTS homeward_name_key(text, text)",
)


def _installed(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
    return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in EXTENSIONS:
            if _installed(cursor, name):
                continue
            cursor.execute(
                "SELECT rolsuper OR has_database_privilege(current_database(), 'CREATE') "
                "FROM pg_roles WHERE rolname = current_user"
            )
            if not cursor.fetchone()[0]:
                raise RuntimeError(CANNOT_CREATE.format(name=name))
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name} SCHEMA public")
        cursor.execute(NAME_KEY)
        cursor.execute(NAME_COLUMN)
        for statement in INDEXES:
            cursor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in UNDO:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("children", "0005_merge_imported_at_and_entered_in_error")]

    operations = [migrations.RunPython(forwards, backwards)]
