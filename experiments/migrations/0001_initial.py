"""Experiments, moved here from the strategy app with their data: the table keeps its name
(strategy_experiment); strategy migration 0003_move_system_work_out drops the model from
strategy and moves its content type here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ideas', '0006_lean_indexes'),
        ('strategy', '0002_system_work'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    # The old app hands its content types over once these models exist here.
    run_before = [('strategy', '0003_move_system_work_out')]

    operations = [
        # The tables exist (under their old names, see Meta.db_table): only Django's view of
        # the models changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Experiment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('hypothesis', models.TextField(help_text='We believe … will … measured by …', max_length=2000)),
                    ('signal', models.CharField(help_text='What you will watch to know whether it works.', max_length=300)),
                    ('start', models.DateField()),
                    ('end', models.DateField(blank=True, null=True)),
                    ('evidence', models.TextField(blank=True, help_text='What was observed: numbers, not impressions.', max_length=5000)),
                    ('decision', models.CharField(blank=True, choices=[('adopt', 'Adopt'), ('adapt', 'Adapt'), ('abandon', 'Abandon')], max_length=8)),
                    ('learning', models.TextField(blank=True, max_length=5000)),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='experiments', to='ideas.idea')),
                    ('kpi', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='experiments', to='strategy.kpi')),
                ],
                options={
                    'db_table': 'strategy_experiment',
                    'ordering': ['start', 'id'],
                    'indexes': [models.Index(fields=['idea', 'decision'], name='strategy_ex_idea_id_836d94_idx'), models.Index(fields=['decided_at'], name='strategy_ex_decided_bb7f29_idx')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('end__isnull', True), ('end__gte', models.F('start')), _connector='OR'), name='strategy_experiment_end_after_start'), models.CheckConstraint(condition=models.Q(('decision', ''), models.Q(('evidence', ''), _negated=True), _connector='OR'), name='strategy_experiment_decided_with_evidence')],
                },
            ),
        ]),
    ]
