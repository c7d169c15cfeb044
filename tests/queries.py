"""The one way the suite counts the queries behind a page or an endpoint (every list asserts
its count is the same with 10 and with 100 rows)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, params: dict | None = None, *, warm: bool = False,
                  status: int = 200, **extra) -> int:
    """Queries of one GET (after a first, uncounted one with ``warm``: caches filled, e.g. a
    forced user's team ids); the answer must have ``status``."""
    if warm:
        client.get(url, params or {}, **extra)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {}, **extra)
        if hasattr(response, "streaming_content"):  # a CSV download: its rows are read too
            b"".join(response.streaming_content)
    assert response.status_code == status, (response.status_code, response.content[:300])
    return len(ctx.captured_queries)
