# The panel's records, moved here from the exploitation app with their tables as they were:
# the state is taken over (exploitation 0004 gives it up), the database is not touched.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('children', '0003_allocation'),
        ('councils', '0003_alter_locality_changed_by_alter_locality_created_by'),
        ('exploitation', '0004_panel_moves_to_its_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PanelMeeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('local_id', models.CharField(max_length=64)),
                        ('held_on', models.DateField()),
                        ('chair', models.CharField(max_length=200)),
                        ('agencies', models.CharField(blank=True, help_text='The agencies present, as the minutes list them.', max_length=500)),
                        ('notes', models.TextField(blank=True)),
                        ('changed_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('council', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='councils.council')),
                        ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'exploitation_panelmeeting',
                        'ordering': ['-held_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PanelDiscussion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('local_id', models.CharField(max_length=64)),
                        ('reason', models.TextField(help_text='Why the child was referred to or discussed at the panel.')),
                        ('risk', models.CharField(choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High'), ('very_high', 'Very high')], max_length=20)),
                        ('summary', models.TextField(blank=True, help_text='What was discussed and decided.')),
                        ('next_review_on', models.DateField(blank=True, null=True)),
                        ('changed_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='panel_discussions', to='children.child')),
                        ('council', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='councils.council')),
                        ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='discussions', to='panel.panelmeeting')),
                    ],
                    options={
                        'db_table': 'exploitation_paneldiscussion',
                        'ordering': ['meeting', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PanelAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('local_id', models.CharField(max_length=64)),
                        ('description', models.TextField()),
                        ('owner', models.CharField(help_text='A person, an agency, or both.', max_length=200)),
                        ('due_on', models.DateField()),
                        ('completed_on', models.DateField(blank=True, null=True)),
                        ('changed_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('council', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='councils.council')),
                        ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('discussion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='panel.paneldiscussion')),
                    ],
                    options={
                        'db_table': 'exploitation_panelaction',
                        'ordering': ['due_on', 'pk'],
                        'indexes': [models.Index(fields=['completed_on', 'due_on'], name='panel_action_open')],
                        'constraints': [models.UniqueConstraint(fields=('council', 'local_id'), name='panel_action_unique_local_id')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='panelmeeting',
                    constraint=models.UniqueConstraint(fields=('council', 'local_id'), name='panel_meeting_unique_local_id'),
                ),
                migrations.AddConstraint(
                    model_name='paneldiscussion',
                    constraint=models.UniqueConstraint(fields=('council', 'local_id'), name='panel_discussion_unique_local_id'),
                ),
                migrations.AddConstraint(
                    model_name='paneldiscussion',
                    constraint=models.UniqueConstraint(fields=('meeting', 'child'), name='panel_discussion_once_per_meeting'),
                ),
            ],
        ),
    ]
