"""The screens load generator of `make bench`: thousands of simulated wall screens (or a
closed-loop hammer) in one asyncio process, over raw sockets, to loopback only.

    python -m devtools.bench.screens CONFIG.json

It imports nothing from Django (it must not share the server's CPU accounting) and stops by
itself: every mode has a deadline, and a hard one on top (``deadline`` seconds). It prints JSON
lines on stdout: ``{"ready": …}`` once every screen is connected (push) or polling in step
(poll), then ``{"result": …}`` at the end, with its own CPU time.

Modes (``mode`` in the config):

- ``rate``: ``concurrency`` keep-alive connections GET ``path`` back to back for ``seconds``
  after ``warmup`` seconds — requests per second at saturation (the floor, the poll).
- ``poll``: ``screens`` screens spread over ``targets`` (each ``{"id", "path"}``) GET their
  wall every ``interval`` seconds with ``If-None-Match`` and ``HX-Request`` as the wall's htmx
  poll does; one first fetch per target gives the ETag every screen of it starts from. A 200
  after the start is a change reaching a screen: its time goes into ``events``.
- ``push``: ``screens`` screens hold a ``text/event-stream`` each; every ``event: changed``
  goes into ``events`` with its arrival time; ``: …`` comment lines count as heartbeats.

Times in ``events`` are ``time.time()`` (the same clock as the process that makes the change).
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from devtools.bench.table import percentile

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Closed(Exception):
    """The server closed the connection (an idle keep-alive timeout, a restart)."""


def raise_nofile() -> int:
    """Raises this process's open-file limit to its hard limit (a socket is a file)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 1_048_576 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Connection:
    """One keep-alive HTTP/1.1 connection: enough of the protocol for GETs and an event
    stream (Content-Length, chunked, or a body to the end of the connection)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port,
                                                                 limit=1 << 20)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        """Sends a GET and reads the status line and headers (reopening a connection the server
        closed while idle)."""
        for attempt in (1, 2):
            if self.reader is None or self.reader.at_eof():
                self.close()
                await self.open()
            lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                     *(f"{k}: {v}" for k, v in headers.items()), "", ""]
            self.writer.write("\r\n".join(lines).encode("latin-1"))
            try:
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise Closed
            except (Closed, ConnectionError):
                self.close()
                if attempt == 2:
                    raise Closed from None
                continue
            status = int(status_line.split()[1])
            head: dict[str, str] = {}
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                head[name.strip().lower()] = value.strip()
            return status, head
        raise Closed  # pragma: no cover - the loop returns or raises

    async def chunks(self, status: int, head: dict[str, str]):
        """The body, piece by piece as it arrives."""
        if status in (204, 304) or 100 <= status < 200:
            return
        if "content-length" in head:
            length = int(head["content-length"])
            if length:
                yield await self.reader.readexactly(length)
        elif head.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await self.reader.readline()  # the blank line after the last chunk
                    return
                data = await self.reader.readexactly(size)
                await self.reader.readexactly(2)
                yield data
        else:
            while data := await self.reader.read(65536):
                yield data
            self.close()
            return
        if head.get("connection", "").lower() == "close":
            self.close()

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        status, head = await self.send(path, headers)
        body = b"".join([piece async for piece in self.chunks(status, head)])
        return status, head, body


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, requests in the window
    events: list[tuple[object, float]] = field(default_factory=list)
    heartbeats: int = 0
    connected: int = 0

    def error(self, exc: BaseException) -> None:
        self.errors[type(exc).__name__] += 1


async def _rate(cfg: dict, tally: Tally) -> dict:
    host, port, path = cfg["host"], cfg["port"], cfg["path"]
    headers = cfg.get("headers", {})
    warmup, seconds = cfg.get("warmup", 1.0), cfg["seconds"]
    start = time.monotonic()
    begin, end = start + warmup, start + warmup + seconds

    async def client() -> None:
        conn = Connection(host, port)
        try:
            while (now := time.monotonic()) < end:
                try:
                    status, _, _ = await conn.get(path, headers)
                except (Closed, OSError, asyncio.IncompleteReadError) as exc:
                    tally.error(exc)
                    conn.close()
                    await asyncio.sleep(0.01)
                    continue
                done = time.monotonic()
                if now >= begin and done <= end:
                    tally.statuses[status] += 1
                    tally.latencies.append(done - now)
        finally:
            conn.close()

    await asyncio.gather(*(client() for _ in range(cfg["concurrency"])))
    requests = sum(tally.statuses.values())
    return {"requests": requests, "rps": requests / seconds}


async def _first_etags(cfg: dict, tally: Tally) -> dict[object, str]:
    """One fetch per target (a full render each), so every screen starts from the version the
    board has now instead of making the server render the board once per screen."""
    sem = asyncio.Semaphore(4)
    etags: dict[object, str] = {}

    async def one(target: dict) -> None:
        async with sem:
            conn = Connection(cfg["host"], cfg["port"])
            try:
                status, head, _ = await conn.get(target["path"], {"HX-Request": "true"})
                if status == 200 and head.get("etag"):
                    etags[target["id"]] = head["etag"]
                else:
                    tally.errors[f"first fetch {status}"] += 1
            except (Closed, OSError, asyncio.IncompleteReadError) as exc:
                tally.error(exc)
            finally:
                conn.close()

    await asyncio.gather(*(one(t) for t in cfg["targets"]))
    return etags


async def _poll(cfg: dict, tally: Tally, ready: asyncio.Event, stop: asyncio.Event) -> dict:
    targets, interval = cfg["targets"], float(cfg["interval"])
    etags = await _first_etags(cfg, tally)
    start = time.monotonic()
    end = start + interval + cfg["seconds"]  # one interval to get every screen in step
    asyncio.get_running_loop().call_later(interval, ready.set)
    rng = random.Random(7)

    async def screen(n: int) -> None:
        target = targets[n % len(targets)]
        etag = etags.get(target["id"])
        if etag is None:
            return
        conn = Connection(cfg["host"], cfg["port"])
        tally.connected += 1
        next_at = start + rng.uniform(0, interval)  # screens are switched on at random times
        try:
            while True:
                try:
                    await asyncio.wait_for(stop.wait(), max(0.0, next_at - time.monotonic()))
                    return
                except TimeoutError:
                    pass
                if next_at >= end:
                    return
                sent = time.monotonic()
                try:
                    status, head, _ = await conn.get(target["path"], {
                        "HX-Request": "true", "If-None-Match": etag})
                except (Closed, OSError, asyncio.IncompleteReadError) as exc:
                    tally.error(exc)
                    conn.close()
                else:
                    tally.statuses[status] += 1
                    tally.latencies.append(time.monotonic() - sent)
                    if status == 200:
                        etag = head.get("etag", etag)
                        tally.events.append((target["id"], time.time()))
                next_at += interval
        finally:
            conn.close()

    await asyncio.gather(*(screen(n) for n in range(cfg["screens"])))
    requests = sum(tally.statuses.values())
    return {"requests": requests, "rps": requests / max(0.001, time.monotonic() - start)}


async def _push(cfg: dict, tally: Tally, ready: asyncio.Event, stop: asyncio.Event) -> dict:
    targets, screens = cfg["targets"], cfg["screens"]
    ramp = float(cfg.get("ramp_per_second", 500))
    opened = asyncio.Event()
    start = time.monotonic()
    connect_deadline = start + screens / ramp + float(cfg.get("connect_timeout", 20))
    pending = [screens]

    def one_connected() -> None:
        pending[0] -= 1
        if pending[0] == 0:
            opened.set()

    async def screen(n: int) -> None:
        target = targets[n % len(targets)]
        await asyncio.sleep(n / ramp)
        conn = Connection(cfg["host"], cfg["port"])
        counted = False
        try:
            sent = time.monotonic()
            status, head = await conn.send(target["path"], {"Accept": "text/event-stream"})
            tally.statuses[status] += 1
            tally.latencies.append(time.monotonic() - sent)
            if status != 200:
                return
            tally.connected += 1
            one_connected()
            counted = True
            buffer, event = b"", ""
            async for piece in conn.chunks(status, head):
                buffer += piece
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    line = raw.rstrip(b"\r").decode("utf-8", "replace")
                    if line.startswith(":"):
                        tally.heartbeats += 1
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line == "":
                        if event == "changed":
                            tally.events.append((target["id"], time.time()))
                        event = ""
                if stop.is_set():
                    return
            tally.errors["stream ended"] += 1
        except (Closed, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            tally.error(exc)
        finally:
            if not counted:
                one_connected()
            conn.close()

    tasks = [asyncio.create_task(screen(n)) for n in range(screens)]
    try:
        await asyncio.wait_for(opened.wait(), max(1.0, connect_deadline - time.monotonic()))
    except TimeoutError:
        tally.errors["not connected in time"] += pending[0]
    ready.set()
    try:
        await asyncio.wait_for(stop.wait(), cfg["seconds"])
    except TimeoutError:
        stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"connect_seconds": None}


async def run(cfg: dict, emit=None, stop: asyncio.Event | None = None) -> dict:
    """Runs one mode and returns the result (also what ``main`` prints). ``stop`` ends the poll
    and push modes early (``main`` sets it when a line arrives on stdin); ``seconds`` after
    the screens are ready ends them anyway."""
    if cfg["host"] not in LOOPBACK:
        raise ValueError("The screens load generator only talks to loopback addresses.")
    emit = emit or (lambda _message: None)
    stop = stop or asyncio.Event()
    tally = Tally()
    ready = asyncio.Event()
    cpu0, wall0 = cpu_seconds(), time.monotonic()

    async def announce() -> None:
        await ready.wait()
        emit({"ready": time.time(), "connected": tally.connected,
              "errors": dict(tally.errors)})

    announcer = asyncio.create_task(announce())
    mode = cfg["mode"]
    if mode == "rate":
        ready.set()
        extra = await _rate(cfg, tally)
    elif mode == "poll":
        extra = await _poll(cfg, tally, ready, stop)
    elif mode == "push":
        extra = await _push(cfg, tally, ready, stop)
    else:
        raise ValueError(f"Unknown mode {mode!r}.")
    ready.set()
    await announcer
    wall = time.monotonic() - wall0
    cpu = cpu_seconds() - cpu0
    lat = tally.latencies
    return {
        "mode": mode, **extra, "statuses": {str(k): v for k, v in tally.statuses.items()},
        "errors": dict(tally.errors), "connected": tally.connected,
        "heartbeats": tally.heartbeats, "events": tally.events,
        "p50_ms": percentile(lat, 0.5) * 1000 if lat else None,
        "p95_ms": percentile(lat, 0.95) * 1000 if lat else None,
        "mean_ms": statistics.fmean(lat) * 1000 if lat else None,
        "client_cpu_seconds": cpu, "wall_seconds": wall,
        "client_cpu_percent": 100 * cpu / wall if wall else 0.0,
    }


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as fh:
        cfg = json.load(fh)
    raise_nofile()

    def emit(message: dict) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    hard = float(cfg.get("deadline", 300))

    async def supervised() -> dict:
        # A line on stdin (or its end: the parent is gone) stops the screens.
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        threading.Thread(target=lambda: (sys.stdin.readline(), loop.call_soon_threadsafe(
            stop.set)), daemon=True).start()
        return await asyncio.wait_for(run(cfg, emit, stop), hard)

    try:
        result = asyncio.run(supervised())
    except TimeoutError:
        emit({"result": {"mode": cfg.get("mode"), "errors": {"hard deadline": 1}}})
        return 1
    emit({"result": result})
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
