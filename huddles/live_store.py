"""The pushed board versions in Redis: what lets an unchanged poll answer 304 without a
database query.

The web processes' LISTEN connections (live/hub.py) write here what PostgreSQL announces:
``live:v:<team id>`` — the id of the last transaction that changed the team's board;
``live:epoch`` — replaced whenever a listener (re)connects, since it may have missed changes;
``live:alive`` — kept by every listener with a short expiry. Only while ``alive`` exists are
these versions trusted (a version nobody keeps up to date would answer 304 for ever); else
the board version falls back to the fingerprint query (huddles/selectors/version.py). Without
Redis (the default `make run`) there is nothing here and the fingerprint is the version.

A display link seen by a full load is remembered here with the version it was checked at
(``live:link:<token hash>``): its next poll is answered from Redis while the team's version
has not moved. Any change to a display link or to its team moves the version (the triggers
announce it), so a revoked link is checked against the database at its next poll."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings

ALIVE_SECONDS = 20  # a listener renews ``alive`` every few seconds
VERSION_SECONDS = 2 * 24 * 3600  # a version unused for two days may go: the epoch covers it
LINK_SECONDS = 3600


def redis_url() -> str | None:
    """The Redis the cache lives on, or None (the database cache of `make run`)."""
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND", "").endswith("RedisCache"):
        location = cache.get("LOCATION")
        return location[0] if isinstance(location, list | tuple) else location
    return None


def prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'tierline'}:live:"


def alive_key() -> str:
    return prefix() + "alive"


def epoch_key() -> str:
    return prefix() + "epoch"


def version_key(team_id: int) -> str:
    return f"{prefix()}v:{team_id}"


def link_key(token_hash: str) -> str:
    return f"{prefix()}link:{token_hash}"


def token(alive, epoch, version) -> str | None:
    """The pushed version of a board, from the three values read together; None when no
    listener keeps them."""
    if alive is None or epoch is None:
        return None
    as_text = [v.decode() if isinstance(v, bytes) else str(v) for v in (epoch, version or 0)]
    return ":".join(as_text)


def etag(*, team_id: int, version: str, today: date, viewer: str, surface: str,
         query: dict | None = None) -> str:
    """The ETag of a board on one surface for one viewer ("u<id>", "l<link id>") when its
    version is the pushed one; the same for the fast poll and the full answer."""
    extra = f"{surface}?{urlencode(query)}" if query else surface
    raw = "|".join([str(team_id), "live", version, today.isoformat(), viewer, extra])
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


_client = None


def _redis():
    """One client per process (its own connection pool)."""
    global _client
    url = redis_url()
    if url is None:
        return None
    if _client is None:
        import redis

        _client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _client


def live_version(team_id: int) -> str | None:
    """The pushed version of a team's board, or None (no Redis, no listener, Redis down: the
    caller falls back to the fingerprint). One Redis round trip, no database query."""
    client = _redis()
    if client is None:
        return None
    try:
        alive, epoch, version = client.mget([alive_key(), epoch_key(), version_key(team_id)])
    except Exception:  # noqa: BLE001 - Redis down: the database answers instead
        return None
    return token(alive, epoch, version)


@dataclass(frozen=True)
class LinkEntry:
    """A display link as its last full load found it: valid while its team's version stays."""

    team_id: int
    team_slug: str
    link_id: int
    expires_at: float | None  # seconds since the epoch
    version: str

    def dumps(self) -> str:
        return json.dumps([self.team_id, self.team_slug, self.link_id, self.expires_at,
                           self.version])

    @classmethod
    def loads(cls, raw) -> LinkEntry | None:
        try:
            return cls(*json.loads(raw))
        except (TypeError, ValueError):
            return None

    def valid(self, *, team_slug: str, version: str | None, now: float | None = None) -> bool:
        return (version is not None and version == self.version and team_slug == self.team_slug
                and (self.expires_at is None or self.expires_at > (now or time.time())))


def remember_link(token_hash: str, entry: LinkEntry) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.set(link_key(token_hash), entry.dumps(), ex=LINK_SECONDS)
    except Exception:  # noqa: BLE001 - only an optimisation
        pass
