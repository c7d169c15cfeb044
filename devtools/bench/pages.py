"""The page table of `make bench`: every page of issue 15 item 3 over HTTP, as the user who sees
the most (the executive; the lead of the largest team), at 1 client and at 8 concurrent
clients, warm and cold (cold: the application cache emptied before each request).

Targets: pages < 150 ms p50, API lists < 100 ms p50."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

PAGE_TARGET_MS = 150
API_TARGET_MS = 100


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # "executive" or "lead"
    path: str
    api: bool = False

    @property
    def target_ms(self) -> int:
        return API_TARGET_MS if self.api else PAGE_TARGET_MS


def pages(*, board_slug: str, team_slug: str, search: str, api_lists: list[str]) -> list[Page]:
    """The pages of item 3 for this data set; ``api_lists`` are the API's list URLs."""
    rows = [
        Page("strategy", "executive", "/strategy/"),
        Page("my work (home)", "executive", "/"),
        Page("organisation scorecard", "executive", "/scorecards/"),
        Page("tier 1 scorecard", "executive", "/scorecards/tiers/1/"),
        Page("team scorecard (largest team)", "executive", f"/scorecards/teams/{team_slug}/"),
        Page("executive scorecard", "executive", "/scorecards/executive/"),
        Page("escalations overview", "executive", "/escalations/overview/"),
        Page("systemic issues", "executive", "/systemic-issues/"),
        Page("ideas", "lead", "/ideas/"),
        Page("ideas, filtered", "lead", "/ideas/?status=in_progress&category=safety"),
        Page("ideas, search", "lead", f"/ideas/?q={search}"),
        Page("board (largest team)", "lead", f"/boards/{board_slug}/"),
        Page("escalations inbox", "lead", "/escalations/"),
    ]
    rows += [Page(f"API {path.removeprefix('/api/v1/')}", "executive", path, api=True)
             for path in api_lists]
    return rows


class Client:
    """One keep-alive connection with a session cookie (one per thread)."""

    def __init__(self, host: str, port: int, cookie: str):
        self.host, self.port, self.cookie = host, port, cookie
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, float]:
        """Status and seconds of one GET (the whole body read)."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            began = time.perf_counter()
            try:
                self.conn.request("GET", path, headers={"Cookie": self.cookie})
                response = self.conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            took = time.perf_counter() - began
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, took
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


@dataclass
class PageResult:
    page: Page
    warm_ms: float | None = None
    cold_ms: float | None = None
    concurrent_ms: float | None = None
    concurrent_rps: float | None = None
    statuses: Counter | None = None
    shrunk: bool = False  # fewer rounds than asked: the page is slow
    skipped: bool = False  # concurrent clients left out: the page is too slow

    @property
    def ok(self) -> bool:
        return bool(self.statuses) and set(self.statuses) == {200}


def measure(page: Page, *, host: str, port: int, cookie: str, rounds: int, cold_rounds: int,
            concurrent: int, clear_cache: Callable[[], None], client_rounds: int | None = None,
            budget: float | None = None) -> PageResult:
    """p50 warm at 1 client (after one warm-up request), cold at 1 client (the cache emptied
    before each request), and at ``concurrent`` clients (each ``client_rounds`` requests).

    ``budget`` (seconds) bounds a slow page: the rounds shrink to what the warm-up request says
    fits (at least one each), and the concurrent clients are left out when even one round of
    them would not fit (``skipped`` says so)."""
    result = PageResult(page, statuses=Counter())
    client = Client(host, port, cookie)
    status, first = client.get(page.path)  # warm-up: templates, the page's cache entries
    result.statuses[status] += 1
    if status != 200:
        client.close()
        return result
    client_rounds = rounds if client_rounds is None else client_rounds
    if budget is not None and first * (rounds + cold_rounds + 1) > budget:
        fits = max(1, int(budget / 3 / max(first, 1e-3)))
        rounds, cold_rounds = min(rounds, fits), min(cold_rounds, fits)
        if first > budget:  # one request is over the budget: one warm request says enough
            rounds, cold_rounds = 1, 0
        result.shrunk = True
    if budget is not None and first * client_rounds * concurrent / 2 > budget:
        # Two cores: 8 clients take about four times one request each round.
        client_rounds = max(1, min(client_rounds, int(2 * budget / (first * concurrent))))
        if first * concurrent / 2 > budget:
            concurrent = 1
            result.skipped = True
    warm = []
    for _ in range(rounds):
        status, took = client.get(page.path)
        result.statuses[status] += 1
        warm.append(took)
    cold = []
    for _ in range(cold_rounds):
        clear_cache()
        status, took = client.get(page.path)
        result.statuses[status] += 1
        cold.append(took)
    if concurrent > 1 and cold_rounds:
        client.get(page.path)  # warm again before the concurrent clients
    client.close()
    result.warm_ms = statistics.median(warm) * 1000
    result.cold_ms = statistics.median(cold) * 1000 if cold else None
    if concurrent > 1:
        lock = threading.Lock()
        times: list[float] = []

        def worker(_: int) -> None:
            mine, statuses = [], Counter()
            c = Client(host, port, cookie)
            try:
                for _ in range(client_rounds):
                    status, took = c.get(page.path)
                    statuses[status] += 1
                    mine.append(took)
            finally:
                c.close()
            with lock:
                times.extend(mine)
                result.statuses.update(statuses)

        began = time.perf_counter()
        with ThreadPoolExecutor(concurrent) as pool:
            list(pool.map(worker, range(concurrent)))
        wall = time.perf_counter() - began
        result.concurrent_ms = statistics.median(times) * 1000
        result.concurrent_rps = len(times) / wall
    return result
