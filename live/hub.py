"""The hub: one LISTEN connection per web process, fanning PostgreSQL's board notifications out
to the streams this process serves.

A stream subscribes to one team's board and waits on an asyncio event: nothing runs for it
while its board is quiet, and no stream holds a database connection. Each notification is
first written to Redis (huddles/live_store.py, when Redis is configured: the versions an
unchanged poll is answered from), then handed to the subscribers of the teams it names.

The connection is a plain psycopg2 connection read from the event loop (``add_reader``);
connecting runs in a thread. When it drops, every stream of the process is closed (their
screens poll until they reconnect) and the hub reconnects with backoff; on every (re)connect
it announces a new epoch, since changes may have been missed meanwhile."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

import psycopg2
from django.db import connections

from huddles import live_store

from .triggers import CHANNEL

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 30  # a quiet LISTEN connection proves it is alive this often
ALIVE_RENEW_SECONDS = 5


@dataclass(frozen=True)
class Change:
    """One notification: the version it sets, the teams it touches (None: all of them) and
    whether display links or a team's active flag changed (streams check their access)."""

    version: str
    teams: frozenset[int] | None
    links: bool


def parse(payload: str) -> Change | None:
    """``<xid>|<b or l>|<ids or *>`` (live/triggers.py); None for anything else."""
    parts = payload.split("|")
    if len(parts) != 3 or parts[1] not in ("b", "l"):
        return None
    version, kind, ids = parts
    if ids == "*":
        return Change(version, None, kind == "l")
    try:
        teams = frozenset(int(i) for i in ids.split(",") if i)
    except ValueError:
        return None
    return Change(version, teams, kind == "l")


class Subscription:
    """One stream's interest in one board. ``wait`` returns when something happened."""

    __slots__ = ("team_id", "event", "version", "links", "closed")

    def __init__(self, team_id: int):
        self.team_id = team_id
        self.event = asyncio.Event()
        self.version: str | None = None
        self.links = False  # check access again before the next event
        self.closed = False  # the hub lost its connection: the stream ends

    def push(self, change: Change) -> None:
        self.version = change.version
        self.links = self.links or change.links
        self.event.set()

    def close(self) -> None:
        self.closed = True
        self.event.set()


class Hub:
    def __init__(self):
        self._subs: dict[int, set[Subscription]] = {}
        self._task: asyncio.Task | None = None
        self._queue: asyncio.Queue[Change] | None = None
        self._redis = None
        self.connected = asyncio.Event()
        self.epoch = ""

    # ---------------------------------------------------------------- subscribers

    def subscribe(self, team_id: int) -> Subscription:
        sub = Subscription(team_id)
        self._subs.setdefault(team_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        subs = self._subs.get(sub.team_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.team_id]

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subs.values())

    def _fan_out(self, change: Change) -> None:
        if change.teams is None:
            targets = [s for subs in self._subs.values() for s in subs]
        else:
            targets = [s for t in change.teams for s in self._subs.get(t, ())]
        for sub in targets:
            sub.push(change)

    def _close_all(self) -> None:
        for subs in list(self._subs.values()):
            for sub in list(subs):
                sub.close()

    # ---------------------------------------------------------------- running

    def ensure_started(self) -> None:
        """Starts the listener on the running event loop (once per process)."""
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="live-hub")

    async def wait_connected(self, timeout: float) -> bool:
        self.ensure_started()
        try:
            async with asyncio.timeout(timeout):
                await self.connected.wait()
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass
            self._task = None
        self._close_all()

    async def _run(self) -> None:
        backoff = 0.5
        writer = asyncio.get_running_loop().create_task(self._write_and_fan_out())
        try:
            while True:
                try:
                    conn = await asyncio.to_thread(_connect)
                except Exception as exc:  # noqa: BLE001 - the database is down: retry
                    log.warning("live boards: cannot LISTEN (%s); retrying", exc)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 10)
                    continue
                backoff = 0.5
                try:
                    await self._listen(conn)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - connection lost: reconnect
                    log.warning("live boards: LISTEN connection lost (%s)", exc)
                finally:
                    self.connected.clear()
                    self._close_all()
                    conn.close()
        finally:
            writer.cancel()

    async def _listen(self, conn) -> None:
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        fd = conn.fileno()
        loop.add_reader(fd, readable.set)
        alive = loop.create_task(self._keep_alive())
        try:
            # Changes made while nobody listened are unknown: a new epoch moves every version,
            # and the streams that were waiting look again.
            self.epoch = secrets.token_hex(6)
            await self._announce_epoch()
            self.connected.set()
            self._queue.put_nowait(Change(f"e{self.epoch}", None, True))
            while True:
                try:
                    async with asyncio.timeout(KEEPALIVE_SECONDS):
                        await readable.wait()
                except TimeoutError:
                    await asyncio.to_thread(_ping, conn)
                readable.clear()
                conn.poll()
                for note in conn.notifies:
                    change = parse(note.payload)
                    if change is not None:
                        self._queue.put_nowait(change)
                conn.notifies.clear()
        finally:
            alive.cancel()
            loop.remove_reader(fd)

    async def _write_and_fan_out(self) -> None:
        """In notification order: Redis first (so a screen that refreshes finds the new
        version there), then the streams."""
        while True:
            change = await self._queue.get()
            await self._record(change)
            self._fan_out(change)

    # ---------------------------------------------------------------- Redis

    def _client(self):
        if self._redis is None and live_store.redis_url():
            import redis.asyncio

            self._redis = redis.asyncio.Redis.from_url(
                live_store.redis_url(), socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    async def _record(self, change: Change) -> None:
        client = self._client()
        if client is None:
            return
        try:
            async with client.pipeline(transaction=False) as pipe:
                if change.teams is None:
                    pipe.set(live_store.epoch_key(), secrets.token_hex(6))
                else:
                    for team_id in change.teams:
                        pipe.set(live_store.version_key(team_id), change.version,
                                 ex=live_store.VERSION_SECONDS)
                await pipe.execute()
        except Exception as exc:  # noqa: BLE001 - Redis down: polls fall back to the database
            log.warning("live boards: cannot record a change in Redis (%s)", exc)
            await self._forget_alive()

    async def _announce_epoch(self) -> None:
        client = self._client()
        if client is None:
            return
        try:
            await client.set(live_store.epoch_key(), self.epoch)
            await client.set(live_store.alive_key(), "1", ex=live_store.ALIVE_SECONDS)
        except Exception as exc:  # noqa: BLE001
            log.warning("live boards: cannot write to Redis (%s)", exc)

    async def _forget_alive(self) -> None:
        try:
            await self._client().delete(live_store.alive_key())
        except Exception:  # noqa: BLE001 - it expires by itself
            pass

    async def _keep_alive(self) -> None:
        client = self._client()
        if client is None:
            return
        while True:
            await asyncio.sleep(ALIVE_RENEW_SECONDS)
            try:
                # Redis lost its keys (a restart, a flush): a new epoch, never an old one back.
                await client.set(live_store.epoch_key(), secrets.token_hex(6), nx=True)
                await client.set(live_store.alive_key(), "1", ex=live_store.ALIVE_SECONDS)
            except Exception:  # noqa: BLE001 - renewed at the next round
                pass


def _connect():
    """A connection of its own (not Django's, which belongs to request threads), with the
    same parameters, in autocommit, LISTENing."""
    params = connections["default"].get_connection_params()
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", 30)
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"LISTEN {CHANNEL}")
    return conn


def _ping(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT 1")


hub = Hub()
