"""Capacity start date, and the trigram index behind systemic-issue suggestions.

The pg_trgm GIN index on the title serves ``title % 'text'`` (ideas.systemic.suggestions).
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
create it."""

import django.utils.timezone
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEX_NAME = "idea_title_trgm"


def _index():
    return GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name=INDEX_NAME)


def create(apps, schema_editor):
    schema_editor.add_index(apps.get_model("ideas", "Idea"), _index())


def drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("ideas", "Idea"), _index())


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0004_system_work'),
    ]

    operations = [
        migrations.AddField(
            model_name='teamcapacity',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
