"""The server side of `make bench`: a loaded database and Tierline served as `make run` serves it.

- ``BenchDatabase``: an embedded PostgreSQL data folder of its own (``BENCH_PGDATA``, default
  ``.tierline/postgres-bench-<ideas>-<teams>``), migrated, seeded with the demo and loaded with
  ``generate_load`` at ``BENCH_IDEAS`` items over ``BENCH_TEAMS`` teams. A marker in the folder
  records the scale, so a second run at the same scale reuses the data (loading a million items
  takes minutes) and a run at another scale starts the database again from empty.
- ``WebServer``: the gunicorn command of ``config/serve.py`` (uvicorn ASGI workers,
  ``WEB_CONCURRENCY``, the access log) on a free loopback port, with the bench settings
  (``devtools.bench.settings``: ``make run``'s settings plus a bare view, the floor).
- ``cpu_seconds``: CPU used by a process tree, children that already exited included — the
  web workers and the PostgreSQL backends (one per request: connections are not kept).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config import localdb
from config.serve import _processes

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SETTINGS = "devtools.bench.settings"
MARKER = ".tierline-bench.json"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def manage(*args: str, env: dict, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          check=True, text=True, capture_output=capture)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchDatabase:
    def __init__(self, data_dir: Path, *, ideas: int, teams: int):
        self.data_dir = Path(data_dir).resolve()
        self.ideas, self.teams = ideas, teams
        self.proc: subprocess.Popen | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> str:
        log(f"embedded PostgreSQL on {self.data_dir}")
        self.proc = localdb.run_attached(self.data_dir)  # None: one already runs there
        self.url = localdb.running_url(self.data_dir)
        return self.url

    def stop(self) -> None:
        if self.proc is not None:
            localdb.stop_attached(self.proc)
            self.proc = None
        localdb.stop(self.data_dir)

    @property
    def postmaster_pid(self) -> int | None:
        info = localdb._postmaster(self.data_dir)
        return info.pid if info else None

    def env(self, **extra: str) -> dict:
        """The environment of every process of the run: ``make run``'s settings (with the floor)
        on the bench database, Redis only when ``extra`` names it."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": self.url,
               "PYTHONUNBUFFERED": "1"}
        env.pop("REDIS_URL", None)
        env.update(extra)
        return env

    # ------------------------------------------------------------------ data
    def _marker(self) -> dict:
        try:
            return json.loads((self.data_dir / MARKER).read_text())
        except (OSError, ValueError):
            return {}

    def _recreate(self) -> None:
        import psycopg2

        info = localdb._postmaster(self.data_dir)
        conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir),
                                port=info.port)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{localdb.DATABASE}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{localdb.DATABASE}"')
        finally:
            conn.close()

    def prepare(self) -> dict[str, float]:
        """Migrates and seeds (every run: the demo is idempotent, new migrations apply), loads
        the data unless the marker says it is there at this scale. Seconds per step."""
        timings: dict[str, float] = {}
        scale = {"ideas": self.ideas, "teams": self.teams}
        loaded = self._marker() == {**scale, "loaded": True}
        if not loaded:
            log(f"empty database for {self.ideas:,} items over {self.teams:,} teams")
            (self.data_dir / MARKER).unlink(missing_ok=True)
            self._recreate()
        began = time.perf_counter()
        log("manage.py startup (migrate, cache table, seed_demo, collectstatic)")
        manage("startup", env=self.env(), capture=True)
        timings["startup"] = time.perf_counter() - began
        if not loaded:
            began = time.perf_counter()
            log(f"generate_load --ideas {self.ideas} --teams {self.teams} (minutes at 1M)")
            manage("generate_load", "--ideas", str(self.ideas), "--teams", str(self.teams),
                   "--prefix", "bench", env=self.env(), capture=True)
            timings["generate_load"] = time.perf_counter() - began
            (self.data_dir / MARKER).write_text(json.dumps({**scale, "loaded": True}))
        return timings


class WebServer:
    """gunicorn as `make run` starts it, on a free loopback port, stopped by ``stop``."""

    def __init__(self, db: BenchDatabase, *, label: str = "default", **env: str):
        self.db, self.label, self.extra_env = db, label, env
        self.port = free_port()
        self.host = "127.0.0.1"
        self.proc: subprocess.Popen | None = None
        self.log_path = BASE_DIR / ".tierline" / f"bench-web-{label}.log"

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 60) -> None:
        from devtools.bench.screens import raise_nofile

        raise_nofile()  # inherited: every worker may hold thousands of screens
        command = _processes(False, self.host, str(self.port))["web"]
        log(f"gunicorn ({self.label}) on {self.base}: {os.environ.get('WEB_CONCURRENCY', '3')} "
            "uvicorn workers")
        out = open(self.log_path, "wb")  # noqa: SIM115 - the child's, closed below
        self.proc = subprocess.Popen(command.split(), cwd=BASE_DIR,
                                     env=self.db.env(**self.extra_env), stdout=out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/bench/floor/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # gunicorn: graceful stop of the workers
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def cpu_seconds(*pids: int | None) -> float:
    """CPU seconds (user + system) of the process trees under ``pids``: every live process and
    every child each has already reaped (a PostgreSQL backend lives one request)."""
    import psutil

    total = 0.0
    for pid in pids:
        if not pid:
            continue
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for proc in tree:
            try:
                t = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


class CpuMeter:
    """Server CPU over a stretch of wall time: web workers plus the database."""

    def __init__(self, *pids: int | None):
        self.pids = pids

    def __enter__(self) -> CpuMeter:
        self.cpu0, self.t0 = cpu_seconds(*self.pids), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = cpu_seconds(*self.pids) - self.cpu0
        self.wall = time.monotonic() - self.t0

    @property
    def percent(self) -> float:
        """Of one core."""
        return 100 * self.cpu / self.wall if self.wall else 0.0
