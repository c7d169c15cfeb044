"""`make bench`: the wall screens' part — thousands of simulated screens polling and holding
event streams (devtools/bench/screens.py, in its own process), the changes made while they
watch, and the rows they give. devtools/bench/harness.py runs it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import TYPE_CHECKING

from .server import BASE_DIR, CpuMeter, WebServer, log
from .table import latencies, ms, percentile, quotient, ratio

if TYPE_CHECKING:
    from .harness import Config, Context


# ------------------------------------------------------------------ the load generator
def run_generator(cfg: dict, on_ready=None) -> dict:
    """Runs devtools/bench/screens.py in its own process; ``on_ready`` runs here once the
    screens are all in place, while they go on. Returns the generator's result."""
    cfg = {"deadline": 600, **cfg}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(cfg, fh)
        path = fh.name
    proc = subprocess.Popen([sys.executable, "-m", "devtools.bench.screens", path],
                            cwd=BASE_DIR, stdout=subprocess.PIPE, stdin=subprocess.PIPE,
                            text=True)
    extra = None
    try:
        result = None
        for line in proc.stdout:
            message = json.loads(line)
            if "ready" in message:
                if on_ready is not None:
                    extra = on_ready(message)
                with contextlib.suppress(OSError):
                    proc.stdin.write("stop\n")  # the screens have done their part
                    proc.stdin.flush()
            if "result" in message:
                result = message["result"]
        proc.wait(cfg["deadline"] + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.unlink(path)
    result = result or {"errors": {"no result": 1}}
    result["on_ready"] = extra
    return result


def etag_of(web: WebServer, path: str) -> str:
    request = urllib.request.Request(web.base + path, headers={"HX-Request": "true"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.headers["ETag"]


def push_status(web: WebServer, path: str) -> int | None:
    """The status the push URL answers (404 until push is merged), None when it says nothing
    within 10 s."""
    try:
        with socket.create_connection((web.host, web.port), timeout=10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {web.host}:{web.port}\r\n"
                         "Accept: text/event-stream\r\n\r\n".encode())
            first = sock.makefile("rb").readline()
        return int(first.split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _run_changes(web: WebServer, slugs: list[str], rounds: int, gap: float) -> list:
    spec = json.dumps({"teams": slugs, "rounds": rounds, "gap": gap})
    done = subprocess.run([sys.executable, "-m", "devtools.bench.change", spec], cwd=BASE_DIR,
                          env=web.db.env(**web.extra_env), check=True, text=True,
                          capture_output=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _errors(result: dict) -> str:
    errors = result.get("errors") or {}
    return ", ".join(f"{k} {v}" for k, v in errors.items()) if errors else "no errors"


def _statuses(result: dict) -> str:
    return " ".join(f"{k}×{v:,}" for k, v in sorted((result.get("statuses") or {}).items()))


class Screens:
    """The floor, the poll and the push on one server, as rows of the main table."""

    def __init__(self, cfg: Config, ctx: Context, web: WebServer, pg_pid: int | None):
        self.cfg, self.ctx, self.web = cfg, ctx, web
        self.pids = (web.proc.pid, pg_pid)
        self.rows: list[tuple] = []
        self.interval = cfg.poll_seconds or ctx.refresh_seconds

    def _row(self, *cells) -> None:
        log("  " + " | ".join(str(c) for c in cells if c is not None))
        self.rows.append(cells)

    def rate(self, label: str, path: str, headers: dict | None = None) -> dict:
        log(f"{self.web.label}: {label} at saturation, {self.cfg.concurrency} connections")
        with CpuMeter(*self.pids) as meter:
            result = run_generator({"mode": "rate", "host": self.web.host, "port": self.web.port,
                                    "path": path, "headers": headers or {},
                                    "concurrency": self.cfg.concurrency,
                                    "seconds": self.cfg.rate_seconds, "warmup": 1.0})
        rps = result.get("rps") or 0.0
        result["server_cpu_ms"] = (1000 * meter.cpu / (rps * meter.wall)) if rps else None
        return result

    def run(self) -> None:
        cfg, ctx, label = self.cfg, self.ctx, self.web.label
        with CpuMeter(*self.pids) as rest:
            time.sleep(min(5.0, cfg.idle_seconds))
        self._row(f"server CPU at rest ({label})", f"{rest.percent:.1f} % of a core",
                  None, "web workers + PostgreSQL, no client")
        floor = self.rate("floor", "/bench/floor/")
        target = ctx.screen_targets[0]
        etag = etag_of(self.web, target["poll"])
        poll = self.rate("wall poll, unchanged", target["poll"],
                         {"HX-Request": "true", "If-None-Match": etag})
        f_rps, p_rps = floor.get("rps") or 0, poll.get("rps") or 0
        self._row(f"bare Django view, the floor ({label})", f"{f_rps:,.0f} req/s",
                  "1.0×", f"{cfg.concurrency} connections; p50 {ms(floor.get('p50_ms'))}; "
                  f"server {ms(floor['server_cpu_ms'])} CPU/req; client "
                  f"{floor.get('client_cpu_percent', 0):.0f} % of a core; {_statuses(floor)}")
        # The ratio is of server CPU per request: on a shared machine requests/s move with
        # what other processes do, CPU per request much less.
        self._row(f"wall poll, unchanged ({label})", f"{p_rps:,.0f} req/s",
                  f"{ratio(quotient(poll['server_cpu_ms'], floor['server_cpu_ms']))} floor CPU",
                  f"server {ms(poll['server_cpu_ms'])} CPU/req; costs "
                  f"{ratio(f_rps / p_rps if p_rps else None)} the floor in req/s; "
                  f"p50 {ms(poll.get('p50_ms'))}; {_statuses(poll)}; {_errors(poll)}"
                  + ("; Redis's own CPU not counted" if "REDIS_URL" in self.web.extra_env
                     else ""))
        self.floor_p50 = floor.get("p50_ms")
        self.poll_screens()
        self.push_screens()

    def _screens_rows(self, kind: str, result: dict, idle: CpuMeter | None, changes: list,
                      expected_each: int, note: str) -> None:
        cfg, label = self.cfg, self.web.label
        n = cfg.screens
        if idle is not None:
            self._row(f"{n:,} screens {kind}, nothing changing ({label})",
                      f"{idle.percent:.1f} % of a core",
                      f"10,000 ≈ {5 * idle.percent:.0f} % of a core",
                      f"server CPU over {idle.wall:.0f} s; 10,000 screens extrapolated ×5; "
                      f"client {result.get('client_cpu_percent', 0):.0f} % of a core; "
                      f"{result.get('connected', 0):,} connected; {_errors(result)}; {note}")
        found, unexplained = latencies(changes, result.get("events") or [])
        expected = expected_each * len(changes)
        p50, p95 = percentile(found, 0.5), percentile(found, 0.95)
        self._row(f"change-to-screen, {kind} ({label})",
                  f"p95 {p95:.2f} s" if p95 is not None else "no event",
                  None, (f"p50 {p50:.2f} s; " if p50 is not None else "")
                  + f"{len(found):,} of {expected:,} screen updates seen"
                  + (f", {unexplained} unexplained" if unexplained else "")
                  + f"; {len(changes)} changes ({', '.join(sorted({c[2] for c in changes}))})")

    def poll_screens(self) -> None:
        cfg, ctx = self.cfg, self.ctx
        log(f"{self.web.label}: {cfg.screens:,} screens polling every {self.interval:.0f} s over "
            f"{len(ctx.screen_targets)} boards")
        changed = [t["id"] for t in ctx.screen_targets[:cfg.changed]]
        box: dict = {}

        def on_ready(_message) -> None:
            with CpuMeter(*self.pids) as idle:
                time.sleep(cfg.idle_seconds)
            box["idle"] = idle
            box["changes"] = _run_changes(self.web, changed, 1, 0)
            time.sleep(self.interval + 3)  # every screen has polled since

        targets = [{"id": t["id"], "path": t["poll"]} for t in ctx.screen_targets]
        result = run_generator({
            "mode": "poll", "host": self.web.host, "port": self.web.port, "targets": targets,
            "screens": cfg.screens, "interval": self.interval,
            "seconds": cfg.idle_seconds + 120 + self.interval}, on_ready)
        per_board = cfg.screens // max(1, len(targets))
        self._screens_rows("polling", result, box.get("idle"), box.get("changes", []),
                           per_board,
                           f"every {self.interval:.0f} s"
                           + (" (the wall's default refresh)" if self.interval
                              == ctx.refresh_seconds else "") + "; poll "
                           f"p50 {ms(result.get('p50_ms'))}, p95 {ms(result.get('p95_ms'))}; "
                           f"{_statuses(result)}")

    def push_screens(self) -> None:
        cfg, ctx, label = self.cfg, self.ctx, self.web.label
        status = push_status(self.web, ctx.screen_targets[0]["push"])
        if status != 200:
            what = {404: "not available", None: "no answer"}.get(status, f"answers {status}")
            self._row(f"push ({label})", f"push: {what}", None,
                      "GET /boards/<team>/wall/events/?key=… — measured once it answers 200")
            return
        log(f"{label}: {cfg.screens:,} screens holding a push stream")
        changed = [t["id"] for t in ctx.screen_targets[:cfg.changed]]
        rounds, gap = 3, 3.0
        box: dict = {}

        def on_ready(_message) -> None:
            with CpuMeter(*self.pids) as idle:
                time.sleep(cfg.idle_seconds)
            box["idle"] = idle
            box["changes"] = _run_changes(self.web, changed, rounds, gap)
            time.sleep(gap)

        targets = [{"id": t["id"], "path": t["push"]} for t in ctx.screen_targets]
        result = run_generator({
            "mode": "push", "host": self.web.host, "port": self.web.port, "targets": targets,
            "screens": cfg.screens, "ramp_per_second": 400,
            "seconds": cfg.idle_seconds + 120 + rounds * gap}, on_ready)
        per_board = cfg.screens // max(1, len(targets))
        self._screens_rows("push", result, box.get("idle"), box.get("changes", []), per_board,
                           f"{result.get('heartbeats', 0):,} heartbeats; stream opened in "
                           f"p50 {ms(result.get('p50_ms'))}")
