"""The pieces of `make bench` work at tiny scale: the screens load generator against a small
asyncio server on loopback for about two seconds per mode, the table and the latency matching.
Nothing here asserts a speed."""

import asyncio
import functools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from devtools.bench import screens
from devtools.bench.pages import Page, measure, pages
from devtools.bench.table import format_table, latencies, percentile, ratio


class TinyServer:
    """Just enough HTTP for the generator: ``/floor`` (200), ``/wall/<board>`` (304 on a
    matching If-None-Match, else 200 with the board's ETag), ``/events/<board>`` (an event
    stream: a heartbeat, then ``event: changed`` whenever the board changes), anything else 404.
    ``change(board)`` changes a board."""

    def __init__(self):
        self.versions: dict[str, int] = {}
        self.listeners: dict[str, list[asyncio.Queue]] = {}
        self.requests = 0
        self.handlers: set[asyncio.Task] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.close()
        for task in list(self.handlers):  # open streams never end by themselves
            task.cancel()
        await self.server.wait_closed()

    def change(self, board: str) -> None:
        self.versions[board] = self.versions.get(board, 1) + 1
        for queue in self.listeners.get(board, []):
            queue.put_nowait(self.versions[board])

    async def handle(self, reader, writer) -> None:
        task = asyncio.current_task()
        self.handlers.add(task)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                path = line.split()[1].decode()
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                self.requests += 1
                if path.startswith("/events/"):
                    await self.stream(path.split("/")[2], writer)
                    return
                if path == "/floor":
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                elif path.startswith("/wall/"):
                    board = path.split("/")[2].split("?")[0]
                    etag = f'"v{self.versions.setdefault(board, 1)}"'
                    if headers.get("if-none-match") == etag:
                        writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n"
                                     .encode())
                    else:
                        body = b"<div>board</div>"
                        writer.write(f"HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Length: "
                                     f"{len(body)}\r\n\r\n".encode() + body)
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.handlers.discard(task)
            writer.close()

    async def stream(self, board: str, writer) -> None:
        queue: asyncio.Queue = asyncio.Queue()
        self.listeners.setdefault(board, []).append(queue)

        def chunk(text: str) -> bytes:
            data = text.encode()
            return f"{len(data):x}\r\n".encode() + data + b"\r\n"

        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + chunk(": hello\n\n"))
        await writer.drain()
        try:
            while True:
                version = await queue.get()
                writer.write(chunk(f"event: changed\ndata: {version}\n\n"))
                await writer.drain()
        finally:
            self.listeners[board].remove(queue)


def _run(coro):
    return asyncio.run(coro)


def _off_the_main_thread(test):
    """Runs the test in a thread of its own: in a test process where a browser test ran, the
    main thread already holds a running event loop (Playwright's sync API), and asyncio.run()
    refuses to start another one there — the harness runs in a process of its own."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(test, *args, **kwargs).result()

    return run


@_off_the_main_thread
def test_rate_mode_counts_requests_and_its_own_cpu():
    async def go():
        server = TinyServer()
        port = await server.start()
        try:
            return await screens.run({"mode": "rate", "host": "127.0.0.1", "port": port,
                                      "path": "/floor", "concurrency": 4, "seconds": 1.0,
                                      "warmup": 0.2})
        finally:
            await server.stop()

    result = _run(go())
    assert result["requests"] > 0 and result["statuses"] == {"200": result["requests"]}
    assert result["errors"] == {}
    assert result["client_cpu_seconds"] >= 0 and result["p50_ms"] is not None


@_off_the_main_thread
def test_poll_mode_sees_a_change_on_the_next_poll():
    async def go():
        server = TinyServer()
        port = await server.start()
        emitted = []
        stop = asyncio.Event()
        targets = [{"id": b, "path": f"/wall/{b}?key=k"} for b in ("a", "b")]

        def emit(message):
            emitted.append(message)
            if "ready" in message:
                changes.append(("a", time.time()))
                server.change("a")
                asyncio.get_running_loop().call_later(0.8, stop.set)

        changes: list = []
        try:
            result = await screens.run({"mode": "poll", "host": "127.0.0.1", "port": port,
                                        "targets": targets, "screens": 6, "interval": 0.3,
                                        "seconds": 5}, emit, stop)
        finally:
            await server.stop()
        return result, emitted, changes

    result, emitted, changes = _run(go())
    assert any("ready" in m for m in emitted)
    assert result["connected"] == 6 and result["errors"] == {}
    assert result["statuses"]["304"] > 0
    found, unexplained = latencies(changes, result["events"])
    assert len(found) == 3 and unexplained == 0  # the three screens of board "a"
    assert all(0 <= s < 2 for s in found)


@_off_the_main_thread
def test_push_mode_receives_events_and_heartbeats():
    async def go():
        server = TinyServer()
        port = await server.start()
        stop = asyncio.Event()
        changes: list = []

        def emit(message):
            if "ready" in message:
                loop = asyncio.get_running_loop()
                for n, delay in enumerate((0.2, 0.6)):
                    loop.call_later(delay, lambda n=n: (changes.append(("b", time.time())),
                                                        server.change("b")))
                loop.call_later(1.2, stop.set)

        try:
            result = await screens.run({"mode": "push", "host": "127.0.0.1", "port": port,
                                        "targets": [{"id": "a", "path": "/events/a"},
                                                    {"id": "b", "path": "/events/b"}],
                                        "screens": 10, "ramp_per_second": 1000,
                                        "seconds": 5}, emit, stop)
        finally:
            await server.stop()
        return result, changes

    result, changes = _run(go())
    assert result["connected"] == 10 and result["heartbeats"] == 10
    found, unexplained = latencies(changes, result["events"])
    assert len(found) == 10 and unexplained == 0  # 5 screens of "b" × 2 changes


@_off_the_main_thread
def test_push_not_there_is_a_status_not_a_crash():
    async def go():
        server = TinyServer()
        port = await server.start()
        try:
            return await screens.run({"mode": "push", "host": "127.0.0.1", "port": port,
                                      "targets": [{"id": "a", "path": "/nowhere"}],
                                      "screens": 3, "seconds": 0.2, "connect_timeout": 1})
        finally:
            await server.stop()

    result = _run(go())
    assert result["statuses"] == {"404": 3} and result["connected"] == 0


@_off_the_main_thread
def test_the_generator_talks_to_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        _run(screens.run({"mode": "rate", "host": "192.0.2.1", "port": 80, "path": "/",
                          "concurrency": 1, "seconds": 0.1}))


@_off_the_main_thread
def test_page_measure_over_http_at_one_and_several_clients():
    import threading

    loop = asyncio.new_event_loop()
    server = TinyServer()
    port = loop.run_until_complete(server.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    cleared = []
    try:
        result = measure(Page("floor", "anyone", "/floor"), host="127.0.0.1", port=port,
                         cookie="", rounds=3, cold_rounds=2, concurrent=3,
                         clear_cache=lambda: cleared.append(1))
        slow = measure(Page("floor", "anyone", "/floor"), host="127.0.0.1", port=port,
                       cookie="", rounds=3, cold_rounds=2, concurrent=3,
                       clear_cache=lambda: None, budget=0.0)
        missing = measure(Page("missing", "lead", "/nope"), host="127.0.0.1", port=port,
                          cookie="", rounds=3, cold_rounds=2, concurrent=3,
                          clear_cache=lambda: None)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    assert result.ok and result.warm_ms is not None and result.cold_ms is not None
    assert result.concurrent_ms is not None and result.statuses[200] == 1 + 3 + 2 + 9
    assert len(cleared) == 2
    # Over its time budget a page gets one warm request and no concurrent clients, and says so.
    assert slow.shrunk and slow.skipped and slow.statuses[200] == 2 and slow.cold_ms is None
    assert not missing.ok and missing.statuses == {404: 1} and missing.warm_ms is None


def test_the_page_list_names_every_page_of_the_issue():
    listed = pages(board_slug="t1", team_slug="t1", search="x", api_lists=["/api/v1/ideas/"])
    paths = {p.path for p in listed}
    assert {"/strategy/", "/", "/scorecards/", "/scorecards/executive/", "/escalations/overview/",
            "/systemic-issues/", "/ideas/", "/boards/t1/", "/escalations/",
            "/api/v1/ideas/"} <= paths
    assert {p.who for p in listed} == {"executive", "lead"}
    assert [p.target_ms for p in listed if p.api] == [100]


def test_table_ratio_and_percentile():
    text = format_table(("benchmark", "figure"), [("section",), ("floor", "5,000 req/s"),
                                                  ("poll", None)])
    lines = text.splitlines()
    assert lines[0].startswith("benchmark") and lines[2] == "== section"
    assert lines[3].index("5,000") == lines[0].index("figure")
    assert ratio(2.345) == "2.3×" and ratio(None) == "–" and ratio(1234) == "1,234×"
    assert percentile([], 0.95) is None
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([3.0], 0.5) == 3.0


def test_latencies_match_each_event_to_the_change_before_it():
    changes = [("a", 10.0, "move"), ("a", 20.0, "move"), ("b", 15.0, "sqdc")]
    events = [("a", 10.5), ("a", 21.0), ("b", 15.25), ("c", 30.0), ("b", 14.0)]
    found, unexplained = latencies(changes, events)
    assert sorted(found) == [0.25, 0.5, 1.0] and unexplained == 2


def test_the_floor_exists_only_in_the_bench_urlconf(client, settings):
    assert client.get("/bench/floor/").status_code == 404
    settings.ROOT_URLCONF = "devtools.bench.urls"
    response = client.get("/bench/floor/")
    assert response.status_code == 200 and response.content == b"ok"


def test_every_api_list_is_found_from_the_router():
    from devtools.bench.harness import _api_lists

    found = _api_lists()
    assert {"/api/v1/ideas/", "/api/v1/escalations/", "/api/v1/teams/"} <= set(found)
    assert all(p.startswith("/api/v1/") and "{" not in p for p in found)
