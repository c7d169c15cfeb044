"""The unchanged poll of a wall screen opened by a display link, answered in front of Django:
304 from two Redis reads, with no database query, no middleware, no thread — and the security
headers the middleware would have sent. Anything else (no Redis, no listener, a version that
moved, a link not seen since it last changed, TLS redirects, a host not allowed) goes to
Django, which answers as before."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

from huddles import live_store, services
from huddles.conditional import NO_CACHE

from .headers import is_secure, security_headers

WALL = re.compile(r"^/boards/(?P<slug>[-a-zA-Z0-9_]+)/wall/$")

_redis = None


def _client():
    global _redis
    if _redis is None:
        import redis.asyncio

        _redis = redis.asyncio.Redis.from_url(live_store.redis_url(), socket_timeout=1,
                                              socket_connect_timeout=1)
    return _redis


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
    secure = is_secure(scope, headers)
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
    return [(b"ETag", etag.encode()), (b"Cache-Control", NO_CACHE.encode()),
            (b"Vary", b"HX-Request, HX-Target, Cookie"), *security_headers(secure)]
