"""The database itself refuses overlapping episodes of a child, a second open episode and a
return not after last seen.

The exclusion constraint needs PostgreSQL's btree_gist extension (for "child_id WITH =" in a
GiST index; it ships with PostgreSQL and is trusted, so the database's owner may create it).
On SQLite the extension and the exclusion constraint are skipped; the other two are made.

An existing database that already breaks a rule (two writers at once could store that before
this migration) is not altered: the migration stops and lists the episodes to correct.
"""

import django.contrib.postgres.fields.ranges
from django.contrib.postgres.operations import BtreeGistExtension

import homeward.core.constraints
from django.conf import settings
from django.db import migrations, models


BROKEN = (
    "Some episodes already recorded break a rule the database is about to enforce, so the "
    "upgrade stopped and changed nothing. Correct these episodes (council, episode id: what "
    "is wrong), then run the upgrade again:\n{found}"
)


def refuse_broken_episodes(apps, schema_editor):
    """Stop, naming the episodes, rather than fail on a bare constraint error."""
    sql = """
        SELECT c.code, e.local_id, 'the return is not after last seen'
        FROM episodes_episode e JOIN councils_council c ON c.id = e.council_id
        WHERE e.returned_at IS NOT NULL AND e.returned_at <= e.last_seen_at
        UNION ALL
        SELECT c.code, e.local_id, 'overlaps episode ' || o.local_id || ' of the same child'
        FROM episodes_episode e
        JOIN episodes_episode o ON o.child_id = e.child_id AND o.id > e.id
        JOIN councils_council c ON c.id = e.council_id
        WHERE (o.returned_at IS NULL OR o.returned_at > e.last_seen_at)
          AND (e.returned_at IS NULL OR e.returned_at > o.last_seen_at)
        ORDER BY 1, 2
    """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchmany(200)
    if found:
        lines = "\n".join(f"  {code}, {episode}: {what}" for code, episode, what in found)
        raise RuntimeError(BROKEN.format(found=lines))


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0003_allocation'),
        ('councils', '0003_alter_locality_changed_by_alter_locality_created_by'),
        ('episodes', '0002_alter_episode_changed_by_alter_episode_council_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(refuse_broken_episodes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='episode',
            constraint=models.CheckConstraint(condition=models.Q(('returned_at__isnull', True), ('returned_at__gt', models.F('last_seen_at')), _connector='OR'), name='episode_returns_after_last_seen'),
        ),
        migrations.AddConstraint(
            model_name='episode',
            constraint=models.UniqueConstraint(condition=models.Q(('returned_at__isnull', True)), fields=('child',), name='episode_one_open_per_child'),
        ),
        migrations.AddConstraint(
            model_name='episode',
            constraint=homeward.core.constraints.PostgreSQLExclusionConstraint(expressions=[('child', '='), (homeward.core.constraints.TimeRange('last_seen_at', 'returned_at', django.contrib.postgres.fields.ranges.RangeBoundary()), '&&')], name='episode_periods_never_overlap', deferrable=models.Deferrable.IMMEDIATE),
        ),
    ]
