"""Protected capacity and improvement time, moved here from the ideas app with their data: the
tables keep their names (ideas_teamcapacity, ideas_timeentry); ideas migration
0007_move_system_work_out drops the models from ideas and moves their content types here."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
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
                name='TeamCapacity',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('unit', models.CharField(choices=[('hours', 'Hours per week'), ('percent', "% of members' time")], default='hours', max_length=10)),
                    ('amount', models.DecimalField(decimal_places=1, help_text="Hours per week, or a percentage (at most 100) of members' working time.", max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('2000'))])),
                    ('member_hours_per_week', models.DecimalField(decimal_places=1, default=Decimal('37.5'), help_text='Working hours of one member a week (to turn a percentage into hours).', max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('1')), django.core.validators.MaxValueValidator(Decimal('80'))])),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('nudged_week', models.DateField(blank=True, null=True)),
                    ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='capacity', to='org.team')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name_plural': 'team capacities',
                    'db_table': 'ideas_teamcapacity',
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('unit', 'percent'), _negated=True), ('amount__lte', 100), _connector='OR'), name='capacity_percent_at_most_100', violation_error_message='A protected capacity cannot exceed 100 %.')],
                },
            ),
            migrations.CreateModel(
                name='TimeEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField()),
                    ('hours', models.DecimalField(decimal_places=2, max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('24'))])),
                    ('note', models.CharField(blank=True, max_length=300)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='time_entries', to='ideas.idea')),
                    ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='time_entries', to='org.team')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='time_entries', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'ideas_timeentry',
                    'ordering': ['-date', '-id'],
                    'indexes': [models.Index(fields=['team', 'date'], name='ideas_timee_team_id_3fc090_idx'), models.Index(fields=['user', 'date'], name='ideas_timee_user_id_25a785_idx')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('hours__gt', 0), ('hours__lte', 24)), name='time_entry_hours_range')],
                },
            ),
        ]),
    ]
