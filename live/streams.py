"""The event stream of one screen: ``text/event-stream`` that says ``changed`` when the board
changed, a comment as heartbeat, and ``refused`` when the screen may no longer look.

    retry: 3000                       (reconnect after 3 s when the stream drops)
    event: ready
    data: <heartbeat seconds>

    event: changed
    data: <version>

    : heartbeat
    event: ping                       (a comment for proxies, an event for the page's
    data: <unix time>                  watchdog: browsers do not report comments)

    event: refused
    data: <why>

    event: bye                        (the stream's time is up: reconnect, nothing missed)
    data: reconnect

Nothing runs for a stream while its board is quiet, apart from its heartbeat. Access is
checked again only when PostgreSQL says a display link or the team changed (and when a
display link's expiry passes); a stream ends after ``TIERLINE_PUSH_MAX_STREAM_SECONDS`` and the
browser reconnects through the full check."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from django.conf import settings

from .hub import Hub, Subscription

RETRY_MS = 3000

Recheck = Callable[[], Awaitable[str | None]]  # None: still allowed; else why not


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TIERLINE_PUSH_HEARTBEAT_SECONDS", 15))


def max_stream_seconds() -> float:
    return float(getattr(settings, "TIERLINE_PUSH_MAX_STREAM_SECONDS", 600))


def message(event: str, data: str) -> str:
    data = "\ndata: ".join(str(data).splitlines() or [""])
    return f"event: {event}\ndata: {data}\n\n"


async def events(hub: Hub, sub: Subscription, *, recheck: Recheck,
                 expires_at: float | None = None) -> AsyncIterator[str]:
    """The stream of one subscription; unsubscribes however it ends (the client left: the
    server cancels the iteration)."""
    beat = heartbeat_seconds()
    # Spread out, so that screens opened together do not all reconnect together.
    deadline = time.monotonic() + max_stream_seconds() * random.uniform(0.9, 1.1)
    try:
        yield f"retry: {RETRY_MS}\n" + message("ready", f"{beat:g}")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                yield message("bye", "reconnect")  # nothing was missed: no forced refresh
                return
            try:
                async with asyncio.timeout(min(beat, left)):
                    await sub.event.wait()
            except TimeoutError:
                if expires_at is not None and time.time() >= expires_at:
                    yield message("refused", "This display link has expired.")
                    return
                yield ": heartbeat\n" + message("ping", str(int(time.time())))
                continue
            sub.event.clear()
            if sub.closed:
                return
            if sub.links:
                sub.links = False
                refusal = await recheck()
                if refusal:
                    yield message("refused", refusal)
                    return
            yield message("changed", sub.version or "")
    finally:
        hub.unsubscribe(sub)
