"""What every `make bench` row measures: the median time of repeated calls and the queries of
one call."""

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    """The median wall time of ``rounds`` calls of ``fn``, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def query_count(fn: Callable[[], object]) -> int:
    """How many queries one call of ``fn`` makes."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def get_expecting(client: Client, url: str, status: int = 200, *args, **extra
                  ) -> Callable[[], None]:
    """A request to time: GET ``url`` and check that it answers ``status``."""

    def get() -> None:
        response = client.get(url, *args, **extra)
        assert response.status_code == status, (url, response.status_code)

    return get
