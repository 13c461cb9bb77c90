"""The name trigram index (migration 0006) without GIN's pending list (PostgreSQL).

By default GIN keeps new index entries in a pending list, up to 4 MB, until a vacuum or the
list's filling moves them into the index's tree, and every search reads the whole list as
well as the tree. A child changed in any indexed column (linking a police notification sets
its police id) adds its name to that list again, so during an import of notifications the
name block of police matching read more and more of it: beside 50,000 children, 3,882
pending names made each name query about twice as dear (docs/performance.md). With
fastupdate off each entry goes into the tree at once (a little dearer a write; writes are
rare beside reads), and the list already there is moved in now. SQLite needs none of it."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX child_name_trgm SET (fastupdate = off)")
        schema_editor.execute("SELECT gin_clean_pending_list('child_name_trgm')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX child_name_trgm RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("children", "0010_police_lookups")]

    operations = [migrations.RunPython(forwards, backwards)]
