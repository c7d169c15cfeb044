"""What the ASGI server runs around Django (config/asgi.py):

- ``lifespan``: the process's hub starts listening when the server starts (so the versions in
  Redis are kept even before the first stream) and stops with it;
- the unchanged poll of a wall screen opened by a display link is answered here, before Django:
  304 from two Redis reads, with no database query, no middleware, no thread — but with the
  security headers the middleware would have sent. Anything else (no Redis, no listener, a
  version that moved, a link not seen since it last changed) goes to Django as before."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qs

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import timezone
from django.utils.csp import build_policy

from huddles import live_store, services
from huddles.conditional import NO_CACHE

from .hub import hub

WALL = re.compile(r"^/boards/(?P<slug>[-a-zA-Z0-9_]+)/wall/$")

_redis = None


def _client():
    global _redis
    if _redis is None:
        import redis.asyncio

        _redis = redis.asyncio.Redis.from_url(live_store.redis_url(), socket_timeout=1,
                                              socket_connect_timeout=1)
    return _redis


@cache
def _security_headers() -> tuple[tuple[bytes, bytes], ...]:
    """The headers SecurityMiddleware, XFrameOptionsMiddleware and the CSP middleware add."""
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY")))
    if getattr(settings, "SECURE_CSP", None):
        headers.append(("Content-Security-Policy", build_policy(settings.SECURE_CSP)))
    return tuple((k.encode(), v.encode()) for k, v in headers)


def _hsts() -> tuple[bytes, bytes] | None:
    if not settings.SECURE_HSTS_SECONDS:
        return None
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return b"Strict-Transport-Security", value.encode()


def _secure(scope, headers: dict[bytes, bytes]) -> bool:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        return headers.get(name, b"").decode("latin-1") == proxy[1]
    return scope.get("scheme") == "https"


def _matches(header: bytes, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.decode("latin-1").split(",")]
    return etag in tags


async def not_modified(scope) -> list[tuple[bytes, bytes]] | None:
    """The headers of a 304 for an unchanged display-link poll, or None: Django answers."""
    if scope["type"] != "http" or scope["method"] != "GET" or live_store.redis_url() is None:
        return None
    match = WALL.match(scope["path"])
    if match is None:
        return None
    headers = dict(scope["headers"])
    if headers.get(b"hx-request") != b"true" or b"if-none-match" not in headers:
        return None
    host, _ = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    secure = _secure(scope, headers)
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    keys = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("key", [])
    token_hash = services.display_key_hash(keys[0]) if len(keys) == 1 else None
    if token_hash is None:
        return None
    try:
        client = _client()
        alive, epoch, raw = await client.mget(
            [live_store.alive_key(), live_store.epoch_key(), live_store.link_key(token_hash)])
        entry = live_store.LinkEntry.loads(raw) if raw else None
        if entry is None or alive is None:
            return None
        version = live_store.token(alive, epoch,
                                   await client.get(live_store.version_key(entry.team_id)))
    except Exception:  # noqa: BLE001 - Redis trouble: Django answers (and says 503 if down)
        return None
    if not entry.valid(team_slug=match["slug"], version=version):
        return None
    etag = live_store.etag(team_id=entry.team_id, version=version, today=timezone.localdate(),
                           viewer=f"l{entry.link_id}", surface="wall")
    if not _matches(headers[b"if-none-match"], etag):
        return None
    out = [(b"ETag", etag.encode()), (b"Cache-Control", NO_CACHE.encode()),
           (b"Vary", b"HX-Request, HX-Target, Cookie"), *_security_headers()]
    if secure and (hsts := _hsts()):
        out.append(hsts)
    return out


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if getattr(settings, "TIERLINE_PUSH", True):
                hub.ensure_started()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def wrap(django_app):
    """The ASGI application: Django, with the hub's lifespan and the fast poll in front."""

    async def application(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        headers = await not_modified(scope)
        if headers is None:
            await django_app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return application
