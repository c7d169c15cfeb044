"""Helpers for the live-board tests: a LISTEN connection on the test database."""

import select
import time

import psycopg2
import pytest
from django.db import connection

from live.triggers import CHANNEL


class Listener:
    """A connection LISTENing on the board channel: ``teams()`` drains what arrived."""

    def __init__(self):
        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")

    def payloads(self, wait: float = 0.5) -> list[str]:
        out, deadline = [], time.monotonic() + wait
        while time.monotonic() < deadline:
            if select.select([self.conn], [], [], max(0.0, deadline - time.monotonic()))[0]:
                self.conn.poll()
                out += [n.payload for n in self.conn.notifies]
                self.conn.notifies.clear()
        return out

    def teams(self, wait: float = 0.5) -> list[tuple[str, set]]:
        """(kind, team ids) per notification."""
        found = []
        for payload in self.payloads(wait):
            _, kind, ids = payload.split("|")
            found.append((kind, {"*"} if ids == "*" else {int(i) for i in ids.split(",")}))
        return found

    def close(self):
        self.conn.close()


@pytest.fixture
def listener(transactional_db):
    listening = Listener()
    yield listening
    listening.close()


class Stream:
    """An event stream read in a thread: ``next_event(timeout)`` -> (event, data) or None."""

    def __init__(self, url: str, cookie: str | None = None):
        import http.client
        import queue
        import threading
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = cookie
        self.conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                          headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.headers = self.response.headers
        self.events: queue.Queue = queue.Queue()
        self.ended = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.response.read().decode()
            self.ended.set()

    def _read(self):
        event, data = "message", []
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\r\n")
                if not line:
                    if data:
                        self.events.put((event, "\n".join(data), time.monotonic()))
                    event, data = "message", []
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except (OSError, ValueError, AttributeError):  # closed by the test
            pass
        finally:
            self.ended.set()

    def next_event(self, timeout: float, skip=("ping", "ready")):
        import queue

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                event, data, _ = self.events.get(timeout=left)
            except queue.Empty:
                return None
            if event not in skip:
                return event, data

    def close(self):
        self.conn.close()


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, tmp_path_factory):
    """The ASGI server, Redis configured, a heartbeat of 2 s so the tests need not wait."""
    from .server import AsgiServer

    server = AsgiServer(tmp_path_factory.mktemp("asgi"), TIERLINE_PUSH_HEARTBEAT_SECONDS="2")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def open_stream(transactional_db):
    streams = []

    def _open(url: str, cookie: str | None = None) -> Stream:
        stream = Stream(url, cookie)
        streams.append(stream)
        return stream

    yield _open
    for stream in streams:
        stream.close()


def session_cookie(user) -> str:
    """A session for ``user`` in the database, as the server's cookie header."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="org.backends.UsernameOrEmailBackend")
    return f"sessionid={client.cookies['sessionid'].value}"


def wait_until(check, timeout: float = 10, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")
