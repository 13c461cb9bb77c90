"""Keep an entry's hash and previous hash unique, without the indexes for LIKE searches.

`unique=True` on a text field adds on PostgreSQL a second index (varchar_pattern_ops) that
only LIKE searches use; none searches the hashes so, and every entry written kept both up to
date. The unique constraints stay as they were, under the names PostgreSQL gave them, which
the model now names as constraints: nothing is built again, only the two indexes dropped.
"""

from django.db import migrations, models

LIKE_INDEXES = {
    "previous_hash": "audit_auditentry_previous_hash_d60411bd_like",
    "hash": "audit_auditentry_hash_718ebbcd_like",
}


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in LIKE_INDEXES.values():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


def make_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column, index in LIKE_INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX "{index}" ON "audit_auditentry" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0010_api_call"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="previous_hash",
                    field=models.CharField(max_length=64),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="hash",
                    field=models.CharField(max_length=64),
                ),
                migrations.AddConstraint(
                    model_name="auditentry",
                    constraint=models.UniqueConstraint(
                        fields=("previous_hash",), name="audit_auditentry_previous_hash_key"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="auditentry",
                    constraint=models.UniqueConstraint(
                        fields=("hash",), name="audit_auditentry_hash_key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_like_indexes, make_like_indexes)],
        ),
    ]
