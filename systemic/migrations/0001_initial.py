"""Systemic issues, their links and the issues' history, moved here from the ideas app with their
data: the tables keep their names (ideas_systemicissue, ideas_systemiclink,
ideas_historicalsystemicissue); ideas migration 0007_move_system_work_out drops the models
from ideas and moves their content types here."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ideas', '0006_lean_indexes'),
        ('org', '0002_lean_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    # The old app hands its content types over once these models exist here.
    run_before = [('ideas', '0007_move_system_work_out')]

    operations = [
        # The tables exist (under their old names, see Meta.db_table): only Django's view of
        # the models changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='HistoricalSystemicIssue',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('statement', models.TextField(max_length=10000)),
                    ('category', models.CharField(blank=True, choices=[('safety', 'Safety'), ('quality', 'Quality'), ('delivery', 'Delivery'), ('cost', 'Cost'), ('people', 'People')], max_length=10)),
                    ('status', models.CharField(choices=[('open', 'Open'), ('monitoring', 'Monitoring'), ('resolved', 'Resolved')], default='open', max_length=12)),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('updated_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.team')),
                    ('tracking_idea', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ideas.idea')),
                ],
                options={
                    'verbose_name': 'historical systemic issue',
                    'verbose_name_plural': 'historical systemic issues',
                    'db_table': 'ideas_historicalsystemicissue',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='SystemicIssue',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('statement', models.TextField(max_length=10000)),
                    ('category', models.CharField(blank=True, choices=[('safety', 'Safety'), ('quality', 'Quality'), ('delivery', 'Delivery'), ('cost', 'Cost'), ('people', 'People')], max_length=10)),
                    ('status', models.CharField(choices=[('open', 'Open'), ('monitoring', 'Monitoring'), ('resolved', 'Resolved')], default='open', max_length=12)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('owner_team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='systemic_issues', to='org.team')),
                    ('tracking_idea', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tracked_systemic_issue', to='ideas.idea')),
                ],
                options={
                    'db_table': 'ideas_systemicissue',
                    'ordering': ['-updated_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='SystemicLink',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('linked_at', models.DateTimeField(auto_now_add=True)),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='systemic_links', to='ideas.idea')),
                    ('issue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='systemic.systemicissue')),
                    ('linked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'ideas_systemiclink',
                },
            ),
            migrations.AddField(
                model_name='systemicissue',
                name='problems',
                field=models.ManyToManyField(blank=True, related_name='systemic_issues', through='systemic.SystemicLink', to='ideas.idea'),
            ),
            migrations.AddConstraint(
                model_name='systemiclink',
                constraint=models.UniqueConstraint(fields=('issue', 'idea'), name='systemic_link_once'),
            ),
        ]),
    ]
