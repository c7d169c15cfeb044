"""What `make run` starts, started for real: `python -m config.serve` (the Makefile's command)
in its own process group, on its own port, with its own embedded PostgreSQL data folder, and no
DATABASE_URL / REDIS_URL — exactly a newcomer's default configuration. Tests talk to it over
HTTP only, and reach its database directly only to check what happened."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2
import pytest

from config import localdb

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "tierline-demo"
# Variables of the test run that must not leak into the stack: it configures itself.
_TEST_ONLY = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
              "TEST_DATABASE_URL", "TEST_REDIS_URL", "TEST_DB_NAME", "TEST_CELERY_BROKER_URL",
              "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY}
    env.update(TIERLINE_PGDATA=str(workdir / "pg"), HOST="127.0.0.1", WEB_CONCURRENCY="2",
               CELERY_BEAT_SCHEDULE_FILENAME=str(workdir / "celerybeat-schedule"),
               PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body or b"null")


class Client:
    """A small HTTP client with its own cookies (a browser session) and an optional token."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url, self.token = base_url, token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def call(self, method: str, path: str, body=None, *, form: dict | None = None,
             headers: dict | None = None, timeout: float = 30) -> Response:
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            hdrs["Authorization"] = f"Token {self.token}"
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, path: str, **kw) -> Response:
        return self.call("GET", path, **kw)

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((c for c in self.jar if c.name == name), None)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = self.call("POST", "/accounts/login/", form={
            "username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base_url + "/accounts/login/"})
        assert done.status == 302, (done.status, done.text[:500])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Stack:
    """`make run`'s process tree: serve → embedded PostgreSQL, gunicorn, Celery worker, beat."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.data_dir = workdir / "pg"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = stack_env(workdir, PORT=str(self.port))
        self.log_path = workdir / "run.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> float:
        began = time.monotonic()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "config.serve"], cwd=ROOT,
                                     env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"make run exited early:\n{self.log()[-4000:]}")
            try:
                if self.client().get("/healthz", timeout=5).status == 200:
                    return time.monotonic() - began
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"/healthz never answered:\n{self.log()[-4000:]}")

    def stop(self, timeout: float = 60) -> int | None:
        """SIGTERM to serve, as a service manager (or Ctrl-C) would; it stops the rest."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc and self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            localdb.stop(self.data_dir)
            raise
        finally:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def client(self, token: str | None = None) -> Client:
        return Client(self.base_url, token)

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        r = self.client().call("POST", "/api/v1/auth/token/",
                               {"username": username, "password": password})
        assert r.status == 200, (r.status, r.text)
        body = r.json()
        return body.get("token") or body["key"]

    @property
    def database_url(self) -> str:
        url = localdb.running_url(self.data_dir)
        assert url, "the stack's database is not running"
        return url

    def db(self):
        """A direct connection to the stack's database (autocommit), to check effects."""
        cfg = __import__("environ").Env.db_url_config(self.database_url)
        conn = psycopg2.connect(dbname=cfg["NAME"], user=cfg["USER"], **cfg["OPTIONS"])
        conn.autocommit = True
        return conn

    def query(self, sql: str, params=()) -> list[tuple]:
        conn = self.db()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def manage(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        env = {**self.env, "DATABASE_URL": self.database_url}
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def pg_stop(self) -> None:
        localdb.pg_ctl(self.data_dir, "-w", "-t", "120", "-m", "fast", "stop")

    def pg_start(self) -> None:
        localdb.start(self.data_dir)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("stack"))
    s.started_in = s.start()
    yield s
    s.stop()


def race(calls) -> list:
    """Runs every call in its own thread at the same moment; returns their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the assertion
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
