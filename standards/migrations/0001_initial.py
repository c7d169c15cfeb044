"""The standards library, moved here from the strategy app with its data: the tables keep their
names (strategy_centreofexcellence, strategy_standard…); strategy migration
0003_move_system_work_out drops the models from strategy and moves their content types here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ideas', '0006_lean_indexes'),
        ('org', '0002_lean_indexes'),
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
                name='CentreOfExcellence',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('designated_at', models.DateTimeField(auto_now_add=True)),
                    ('team', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='coe', to='org.team')),
                ],
                options={
                    'verbose_name': 'centre of excellence',
                    'verbose_name_plural': 'centre of excellence',
                    'db_table': 'strategy_centreofexcellence',
                },
            ),
            migrations.CreateModel(
                name='Standard',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('summary', models.CharField(blank=True, max_length=500)),
                    ('review_date', models.DateField(help_text='When the CoE next checks the standard still holds.')),
                    ('current_version', models.PositiveIntegerField(default=1)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_standards', to=settings.AUTH_USER_MODEL)),
                    ('owner_team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='standards', to='org.team')),
                ],
                options={
                    'db_table': 'strategy_standard',
                    'ordering': ['title', 'id'],
                },
            ),
            migrations.CreateModel(
                name='StandardComment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.TextField(max_length=2000)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='standards.standard')),
                ],
                options={
                    'db_table': 'strategy_standardcomment',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='StandardVersion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveIntegerField()),
                    ('body', models.TextField(max_length=20000)),
                    ('change_note', models.CharField(blank=True, max_length=500)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('idea', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='standard_versions', to='ideas.idea')),
                    ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='standards.standard')),
                ],
                options={
                    'db_table': 'strategy_standardversion',
                    'ordering': ['-number'],
                },
            ),
            migrations.CreateModel(
                name='StandardProposal',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.TextField(help_text='What should change in the standard, and what the item showed.', max_length=5000)),
                    ('state', models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='pending', max_length=10)),
                    ('proposed_at', models.DateTimeField(auto_now_add=True)),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('reason', models.TextField(blank=True, max_length=2000)),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='standard_proposals', to='ideas.idea')),
                    ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='standards.standard')),
                    ('version', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='proposal', to='standards.standardversion')),
                ],
                options={
                    'db_table': 'strategy_standardproposal',
                    'ordering': ['-proposed_at', '-id'],
                },
            ),
            migrations.AddConstraint(
                model_name='standardversion',
                constraint=models.UniqueConstraint(fields=('standard', 'number'), name='strategy_standard_version_once'),
            ),
            migrations.AddIndex(
                model_name='standardproposal',
                index=models.Index(fields=['state', 'proposed_at'], name='strategy_st_state_b29f59_idx'),
            ),
        ]),
    ]
