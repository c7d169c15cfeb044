"""Who may open a stream, checked as the board and the wall check it: a display link must be
valid, for this team, not revoked nor expired, its team active; a signed-in person must see
the board. Plain functions run in a worker thread, each closing its database connection when
done: a stream holds no connection, only a subscription to the process's LISTEN."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from huddles import services
from huddles.selectors.board import access_board
from huddles.selectors.version import board_state_for_link, link_still_active


class Refused(Exception):
    """403, with the reason shown to the screen."""


@dataclass(frozen=True)
class Grant:
    """What a stream may watch, and how to check again that it still may."""

    team_id: int
    link_id: int | None = None
    expires_at: float | None = None  # seconds since the epoch
    user_id: int | None = None


def link_grant(key: str, team_slug: str) -> Grant:
    token_hash = services.display_key_hash(key)
    state = board_state_for_link(token_hash) if token_hash else None
    if state is None:
        raise Refused("This display link is not valid.")
    if state.team_slug != team_slug:
        raise Refused("This display link is for another team's board.")
    if not state.link_active or not state.team_active:
        raise Refused("This display link was revoked or has expired.")
    expires = state.link_expires_at.timestamp() if state.link_expires_at else None
    return Grant(team_id=state.team_id, link_id=state.link_id, expires_at=expires)


def user_grant(user, team_slug: str) -> Grant:
    """Raises Refused (not signed in) or Http404 (a board they may not see)."""
    if not user.is_authenticated:
        raise Refused("Log in again to see this board.")
    return Grant(team_id=access_board(user, slug=team_slug).pk, user_id=user.pk)


def session_user(request):
    """The signed-in user of a request that went through no middleware: its session, checked
    as django.contrib.auth checks it (the password hash in the session)."""
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    return auth.get_user(request)


def still_allowed(grant: Grant, team_slug: str) -> str | None:
    """None while the grant holds, else why not."""
    if grant.link_id is not None:
        if link_still_active(grant.link_id, now=timezone.now()):
            return None
        return "This display link was revoked or has expired."
    user = auth.get_user_model().objects.filter(pk=grant.user_id).first()
    try:
        if user is not None:
            user_grant(user, team_slug)
            return None
    except (Refused, PermissionDenied, Http404):
        pass
    return "You can no longer see this board."


def closing(check, *args):
    try:
        return check(*args)
    finally:
        connection.close()


async def off_loop(check, *args):
    """Runs a check in the shared thread pool (not a thread of the request's own: a stream
    lives for minutes) and closes the connection it used."""
    return await sync_to_async(closing, thread_sensitive=False)(check, *args)


def rechecker(grant: Grant, team_slug: str):
    async def recheck() -> str | None:
        return await off_loop(still_allowed, grant, team_slug)
    return recheck
