"""Database rules that only PostgreSQL can hold, declared once on the model.

SQLite has no exclusion constraints. Homeward still runs on it (the embedded database), where
its writers are serialised instead (each transaction takes the write lock as it begins, see
config/env.py), so the services' own checks always see every committed row. The constraint
below is therefore created on PostgreSQL and skipped by SQLite's schema editor, and the same
migration runs on both.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class TimeRange(Func):
    """PostgreSQL's tstzrange(start, end, '[)'): from `start`, up to but not including `end`;
    a NULL end leaves the range open (an episode still open runs on for ever)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgreSQLExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL; nothing on another database."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        # The services check the rule themselves, with a sentence that names the other
        # record; this is only reached by a model's full_clean().
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
