"""Review cadences, reviews and their focus areas, moved here from the strategy app with their
data: the tables keep their names (strategy_reviewcadence, strategy_review,
strategy_reviewfocus); strategy migration 0003_move_system_work_out drops the models from
strategy and moves their content types here."""

import datetime
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ideas', '0006_lean_indexes'),
        ('org', '0002_lean_indexes'),
        ('strategy', '0002_system_work'),
        ('systemic', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    # The old app hands its content types over once these models exist here.
    run_before = [('strategy', '0003_move_system_work_out')]

    operations = [
        # The tables exist (under their old names, see Meta.db_table): only Django's view of
        # the models changes.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Review',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('held_on', models.DateField()),
                    ('period_start', models.DateField()),
                    ('assessment', models.TextField(help_text='How did the changes of the prior cycle work out? What held, what did not?', max_length=5000)),
                    ('notes', models.TextField(blank=True, max_length=5000)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('held_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='org.team')),
                    ('tier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='org.tier')),
                ],
                options={
                    'db_table': 'strategy_review',
                    'ordering': ['-held_on', '-id'],
                },
            ),
            migrations.CreateModel(
                name='ReviewCadence',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('every', models.CharField(choices=[('weekly', 'Weekly'), ('fortnightly', 'Fortnightly'), ('monthly', 'Monthly')], default='monthly', max_length=12)),
                    ('since', models.DateField(default=datetime.date.today)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('team', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_cadence', to='org.team')),
                    ('tier', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_cadence', to='org.tier')),
                ],
                options={
                    'db_table': 'strategy_reviewcadence',
                },
            ),
            migrations.CreateModel(
                name='ReviewFocus',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('note', models.CharField(blank=True, max_length=300)),
                    ('idea', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_focus', to='ideas.idea')),
                    ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='focus_areas', to='reviews.review')),
                ],
                options={
                    'db_table': 'strategy_reviewfocus',
                    'ordering': ['id'],
                },
            ),
            migrations.AddField(
                model_name='reviewfocus',
                name='systemic_issue',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_focus', to='systemic.systemicissue'),
            ),
            migrations.AddIndex(
                model_name='review',
                index=models.Index(fields=['team', 'held_on'], name='strategy_re_team_id_d24213_idx'),
            ),
            migrations.AddIndex(
                model_name='review',
                index=models.Index(fields=['tier', 'held_on'], name='strategy_re_tier_id_feaa9a_idx'),
            ),
            migrations.AddConstraint(
                model_name='review',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('team__isnull', False), ('tier__isnull', True)), models.Q(('team__isnull', True), ('tier__isnull', False)), _connector='OR'), name='strategy_review_team_xor_tier'),
            ),
            migrations.AddConstraint(
                model_name='review',
                constraint=models.UniqueConstraint(fields=('team', 'held_on'), name='strategy_review_team_day'),
            ),
            migrations.AddConstraint(
                model_name='review',
                constraint=models.UniqueConstraint(fields=('tier', 'held_on'), name='strategy_review_tier_day'),
            ),
            migrations.AddConstraint(
                model_name='reviewcadence',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('team__isnull', False), ('tier__isnull', True)), models.Q(('team__isnull', True), ('tier__isnull', False)), _connector='OR'), name='strategy_cadence_team_xor_tier'),
            ),
        ]),
    ]
