"""The event streams, served in front of Django (live/asgi.py):

    GET /boards/<team>/events/                 a signed-in person who may see the board
    GET /boards/<team>/wall/events/?key=<key>  a wall screen's display link (or signed in)

What they say is in live/streams.py; who may open them in live/access.py. Served here rather
than by a Django view because Django gives every request a thread of its own for its whole
life (the sync middleware, signals and session run there): a stream would keep one idle for
minutes. Here the checks borrow the shared thread pool and give its connection back, and the
open stream is a coroutine waiting on an event. Answers: 403 (not signed in; a bad, foreign,
revoked or expired link; an inactive team), 404 (no such board), 503 with Retry-After (the
process's LISTEN connection is down), with the security headers. A request this cannot judge
(a host not allowed, a plain-http request to redirect, the database down) goes to Django,
whose views answer it as usual (live/views.py)."""

from __future__ import annotations

import asyncio
import io
import logging
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404

from .access import Refused, link_grant, off_loop, rechecker, session_user, user_grant
from .headers import is_secure, security_headers
from .hub import hub
from .streams import events

log = logging.getLogger(__name__)

STREAM = re.compile(r"^/boards/(?P<slug>[-a-zA-Z0-9_]+)/(?P<wall>wall/)?events/$")
CONNECT_TIMEOUT = 5  # seconds to wait for the process's LISTEN connection


def _viewer_grant(request, team_slug: str):
    return user_grant(session_user(request), team_slug)


async def _answer(send, status: int, text: str, secure: bool, extra=()) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"Content-Type", b"text/plain; charset=utf-8"), (b"Cache-Control", b"no-store"),
        *extra, *security_headers(secure)]})
    await send({"type": "http.response.body", "body": text.encode()})


async def serve_stream(scope, receive, send) -> bool:
    """Serves a request for an event stream; False when it is not one (Django serves it)."""
    if scope["type"] != "http" or scope["method"] != "GET" or not settings.TIERLINE_PUSH:
        return False
    match = STREAM.match(scope["path"])
    if match is None:
        return False
    request = ASGIRequest(scope, io.BytesIO())
    secure = is_secure(scope, dict(scope["headers"]))
    try:
        request.get_host()
    except DisallowedHost:
        return False
    if settings.SECURE_SSL_REDIRECT and not secure:
        return False
    slug, key = match["slug"], request.GET.get("key") if match["wall"] else None
    try:
        if key is not None:
            grant = await off_loop(link_grant, key, slug)
        else:
            grant = await off_loop(_viewer_grant, request, slug)
    except Refused as refused:
        await _answer(send, 403, str(refused), secure)
        return True
    except Http404:
        await _answer(send, 404, "No such board.", secure)
        return True
    except Exception:  # noqa: BLE001 - the database is down, …: Django answers (503)
        log.warning("live boards: a stream's check failed; Django answers", exc_info=True)
        return False
    if not await hub.wait_connected(CONNECT_TIMEOUT):
        await _answer(send, 503, "Live updates are not available; the screen keeps polling.",
                      secure, [(b"Retry-After", b"30")])
        return True
    await _stream(send, receive, grant, slug, secure)
    return True


async def _stream(send, receive, grant, slug: str, secure: bool) -> None:
    sub = hub.subscribe(grant.team_id)
    stream = events(hub, sub, recheck=rechecker(grant, slug), expires_at=grant.expires_at)

    async def pump():
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"Content-Type", b"text/event-stream; charset=utf-8"),
            (b"Cache-Control", b"no-store"),
            (b"X-Accel-Buffering", b"no"),  # a proxy must pass each event on at once
            *security_headers(secure)]})
        async for chunk in stream:
            await send({"type": "http.response.body", "body": chunk.encode(),
                        "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def until_disconnected():
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = [asyncio.ensure_future(pump()), asyncio.ensure_future(until_disconnected())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await stream.aclose()
        hub.unsubscribe(sub)  # however the stream ended, even before it started
