"""An ASGI server for the live-board tests, as `make run` serves (gunicorn with uvicorn
workers, config.asgi), in a subprocess on the test run's database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    def __init__(self, workdir: Path, *, redis: bool = True, workers: int = 2, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_log = workdir / "queries.log"
        self.log_path = workdir / "server.log"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.live.server_settings",
                    "LIVE_TEST_DB_NAME": connection.settings_dict["NAME"],
                    "LIVE_TEST_QUERY_LOG": str(self.query_log), "PYTHONUNBUFFERED": "1",
                    **env}
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        if not redis:
            self.env["LIVE_TEST_NO_REDIS"] = "1"
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.asgi:application",
             "-k", "uvicorn_worker.UvicornWorker", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2",
             "--no-control-socket"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"the ASGI server exited:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"the ASGI server never answered:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()

    def threads(self) -> int:
        """Threads of the worker processes, all together."""
        total = 0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += len(list(Path(f"/proc/{child}/task").iterdir()))
        return total

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def queries(self) -> int:
        return self.query_log.stat().st_size if self.query_log.exists() else 0
