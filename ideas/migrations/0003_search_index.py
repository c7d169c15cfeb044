"""The full-text search index: a GIN index over the same weighted vector that
ideas.search.search_vector() builds."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "idea_search_gin"


def _index():
    # Frozen copy of ideas.search.search_vector(); tests/ideas/test_search.py checks the planner
    # uses this index for the live expression, so the two cannot drift apart unnoticed.
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "description", "problem_statement", "root_cause", "countermeasure", "result",
        "learning", weight="B", config="english")
    return GinIndex(vector, name=INDEX_NAME)


def create(apps, schema_editor):
    schema_editor.add_index(apps.get_model("ideas", "Idea"), _index())


def drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("ideas", "Idea"), _index())


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_comments_attachments_learning_by")]

    operations = [migrations.RunPython(create, drop)]
