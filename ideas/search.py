"""Full-text search of ideas: PostgreSQL full-text search over a GIN index (migration 0003),
a plain ``icontains`` fallback on SQLite (the zero-setup database of ``make run``)."""

import re

from django.db import connection
from django.db.models import F, Q, QuerySet

CONFIG = "english"
TEXT_FIELDS = ("title", "description", "problem_statement", "root_cause", "countermeasure",
               "result", "learning")
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_vector():
    """Title weighs most; keep identical to the expression indexed in migration 0003."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "description", "problem_statement", "root_cause", "countermeasure", "result",
        "learning", weight="B", config=CONFIG)


def terms(text: str) -> list[str]:
    """The words of a search box, without operators: nothing typed can break the query."""
    return _WORD.findall(text or "")[:MAX_TERMS]


def search(qs: QuerySet, text: str, *, rank: bool = False) -> QuerySet:
    """Items matching every word (as a prefix: "conv" finds "conveyor"). With ``rank`` the rows
    carry ``search_rank`` for a relevance sort (0 on SQLite)."""
    words = terms(text)
    if not words:
        return qs
    if not uses_full_text():
        for word in words:
            match = Q()
            for field in TEXT_FIELDS:
                match |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(match)
        if rank:
            qs = qs.annotate(search_rank=F("pk") * 0)
        return qs

    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(" & ".join(f"{w}:*" for w in words), config=CONFIG, search_type="raw")
    qs = qs.alias(search_document=search_vector()).filter(search_document=query)
    if rank:
        qs = qs.annotate(search_rank=SearchRank(search_vector(), query))
    return qs
