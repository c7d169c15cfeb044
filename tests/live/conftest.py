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
