"""Full-text search: PostgreSQL with a GIN index."""

import pytest
from django.db import connection

from ideas import search, services
from ideas.models import Idea


@pytest.fixture
def corpus(org):
    def make(title, **kw):
        return services.idea_create(actor=org.member, team=org.line1, category="quality",
                                    title=title, **kw)

    return {
        "conveyor": make("Conveyor jams at the merge", description="Boxes pile up"),
        "gloves": make("Cut-resistant gloves", description="The conveyors' edges are sharp"),
        "paint": make("Paint booth filter", root_cause="Filters changed monthly, clog weekly"),
    }


@pytest.mark.django_db
class TestFullText:
    def test_stems_and_prefixes(self, corpus):
        found = set(search.search(Idea.objects.all(), "conveyors").values_list("title", flat=True))
        assert found == {"Conveyor jams at the merge", "Cut-resistant gloves"}
        assert search.search(Idea.objects.all(), "conv").count() == 2
        assert search.search(Idea.objects.all(), "clog filter").get() == corpus["paint"]
        assert search.search(Idea.objects.all(), "conveyor gloves").get() == corpus["gloves"]

    def test_title_ranks_first(self, corpus):
        qs = search.search(Idea.objects.all(), "conveyor", rank=True).order_by("-search_rank")
        assert qs.first() == corpus["conveyor"]

    @pytest.mark.parametrize("text", ["'", "a & | ! :*", "(((", "<script>", "é😀", "_", "   ",
                                      "x" * 500, "\\", "--", "!", "¿'\"("])
    def test_operator_garbage_never_errors(self, corpus, text):
        found = search.search(Idea.objects.all(), text, rank=True).order_by("-search_rank")
        if search.terms(text):
            assert list(found) == []  # no item holds these words
        else:  # punctuation only: an empty query, every item, ranked equal
            assert {i.pk for i in found} == {i.pk for i in corpus.values()}
            assert {i.search_rank for i in found} == {0.0}

    def test_gin_index_exists_and_is_used(self, corpus):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'idea_search_gin'")
            (definition,) = cursor.fetchone()
            assert "gin" in definition.lower() and "to_tsvector" in definition
            # A tiny table: take sequential and plain index scans off the table so the plan
            # shows whether the search can use the GIN index at all (GIN is read by bitmap).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            qs = search.search(Idea.objects.all(), "conveyor").only("pk").order_by()
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "idea_search_gin" in plan, plan
