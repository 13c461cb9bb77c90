"""The trigram indexes of Find a child's ids (migration 0006) without GIN's pending list
(PostgreSQL), as migration 0011 did for the name index.

Linking police notifications sets children's police ids, and every change to an indexed
column adds the child's ids to each GIN index's pending list, which every search reads whole
until a vacuum moves it into the tree: Find a child by an id (a local id or a police id typed
in part) grew dearer during an import of notifications. With fastupdate off each entry goes
into the tree at once, and the list already there is moved in now. SQLite needs none of it."""

from django.db import migrations

INDEXES = ("child_local_id_trgm", "child_police_id_trgm")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
            schema_editor.execute(f"SELECT gin_clean_pending_list('{index}')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("children", "0011_name_index_without_pending_list")]

    operations = [migrations.RunPython(forwards, backwards)]
