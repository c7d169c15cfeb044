"""Full-text search of ideas: PostgreSQL full-text search over a GIN index (migration 0003)."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import FloatField, QuerySet, Value

CONFIG = "english"
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def search_vector():
    """Title weighs most; keep identical to the expression indexed in migration 0003."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "description", "problem_statement", "root_cause", "countermeasure", "result",
        "learning", weight="B", config=CONFIG)


def terms(text: str) -> list[str]:
    """The words of a search box, without operators: nothing typed can break the query."""
    return _WORD.findall(text or "")[:MAX_TERMS]


def search(qs: QuerySet, text: str, *, rank: bool = False) -> QuerySet:
    """Items matching every word (as a prefix: "conv" finds "conveyor"). With ``rank`` the rows
    carry ``search_rank`` for a relevance sort. A search with no words in it (punctuation only)
    filters nothing, and ranks every row equal."""
    words = terms(text)
    if not words:
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField())) if rank else qs
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), config=CONFIG, search_type="raw")
    qs = qs.alias(search_document=search_vector()).filter(search_document=query)
    if rank:
        qs = qs.annotate(search_rank=SearchRank(search_vector(), query))
    return qs
