"""Tampering with the audit table the way an attacker with database access would."""

from contextlib import contextmanager

from django.db import connection

TABLE = "audit_auditentry"


@contextmanager
def trigger_disabled():
    """On PostgreSQL, switch the append-only trigger off for the test's own transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Check the rows written so far now, or PostgreSQL will not alter the table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_append_only")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw_sql(sql: str, params=()):
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
