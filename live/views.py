"""The two event streams (see live/streams.py for what they say):

    GET /boards/<team>/events/                 a signed-in person who may see the board
    GET /boards/<team>/wall/events/?key=<key>  a wall screen's display link (or signed in)

Who asks is checked as the board and the wall check it: a display link must be valid, for this
team, not revoked nor expired, its team active (else 403); a signed-in person must see the
board (else 403 when not signed in, 404 for a board they may not see). The checks run in the
request's thread, whose database connection is closed before the stream starts: a stream
holds no connection, only a subscription to the process's one LISTEN connection."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from huddles import services
from huddles.selectors.board import access_board
from huddles.selectors.version import board_state_for_link, link_still_active

from .hub import hub
from .streams import events

CONNECT_TIMEOUT = 5  # seconds to wait for the process's LISTEN connection


class Refused(Exception):
    pass


def _link(key: str, team_slug: str):
    """(team id, link id, expiry as seconds since the epoch) of a usable display link."""
    token_hash = services.display_key_hash(key)
    state = board_state_for_link(token_hash) if token_hash else None
    if state is None:
        raise Refused("This display link is not valid.")
    if state.team_slug != team_slug:
        raise Refused("This display link is for another team's board.")
    if not state.link_active or not state.team_active:
        raise Refused("This display link was revoked or has expired.")
    expires = state.link_expires_at.timestamp() if state.link_expires_at else None
    return state.team_id, state.link_id, expires


def _viewer_team_id(user, team_slug: str) -> int:
    if not user.is_authenticated:
        raise Refused("Log in again to see this board.")
    return access_board(user, slug=team_slug).pk


def _checked(close: bool, check, *args):
    """Runs a check in the request's thread, then closes that thread's connection when
    ``close`` (under the ASGI server: a stream must not keep it for its whole life)."""
    try:
        return check(*args)
    finally:
        if close:
            connection.close()


def _link_recheck(link_id: int):
    def still() -> bool:
        return link_still_active(link_id, now=timezone.now())

    async def recheck() -> str | None:
        ok = await sync_to_async(_checked)(True, still)
        return None if ok else "This display link was revoked or has expired."
    return recheck


def _user_recheck(user, team_slug: str):
    def still() -> str | None:
        try:
            _viewer_team_id(user.__class__.objects.get(pk=user.pk), team_slug)
        except (Refused, PermissionDenied, Http404, user.__class__.DoesNotExist):
            return "You can no longer see this board."
        return None

    async def recheck() -> str | None:
        return await sync_to_async(_checked)(True, still)
    return recheck


def _asgi(request) -> bool:
    return isinstance(request, ASGIRequest)


def _refused(text: str, status: int = 403) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _unavailable() -> HttpResponse:
    response = _refused("Live updates are not available here; the screen keeps polling.", 503)
    response["Retry-After"] = "30"
    return response


async def _stream(request, team_id: int, recheck,
                  expires_at: float | None = None) -> HttpResponse:
    # Under a WSGI server (`make dev`'s runserver) a stream would hold a worker for ever.
    if not _asgi(request) or not settings.TIERLINE_PUSH:
        return _unavailable()
    if not await hub.wait_connected(CONNECT_TIMEOUT):
        return _unavailable()
    sub = hub.subscribe(team_id)
    response = StreamingHttpResponse(events(hub, sub, recheck=recheck, expires_at=expires_at),
                                     content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once
    return response


@login_not_required
@require_GET
async def wall_events(request: HttpRequest, team_slug: str) -> HttpResponse:
    key = request.GET.get("key")
    if key is None:
        return await board_events(request, team_slug)
    try:
        team_id, link_id, expires = await sync_to_async(_checked)(
            _asgi(request), _link, key, team_slug)
    except Refused as exc:
        return _refused(str(exc))
    return await _stream(request, team_id, _link_recheck(link_id), expires)


@login_not_required
@require_GET
async def board_events(request: HttpRequest, team_slug: str) -> HttpResponse:
    user = await request.auser()
    try:
        team_id = await sync_to_async(_checked)(
            _asgi(request), _viewer_team_id, user, team_slug)
    except Refused as exc:
        return _refused(str(exc))
    return await _stream(request, team_id, _user_recheck(user, team_slug))
