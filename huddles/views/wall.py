"""The wall screen: the board for a TV, opened by a logged-in user or by a display link.

Polls carry If-None-Match; an unchanged board answers 304 in at most two queries without
rendering anything. Every card is rendered: static/js/wall.js measures what fits a column
and compacts, then pages, the cards so that none stays hidden (no cap here)."""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET

from org.models import User

from .. import live_store, services
from ..conditional import etag_matches, not_modified
from ..selectors.board import access_board, board_team, mark_new, new_since
from ..selectors.board_view import BoardView, board_version, board_view
from ..selectors.version import (
    BoardState,
    board_state_for_link,
    board_state_for_team,
    link_still_active,
)
from .common import fragment, polled


def _wall_refused(request, message: str, status: int = 403) -> HttpResponse:
    template = "huddles/wall_refused.html#fragment" if request.htmx else \
        "huddles/wall_refused.html"
    response = fragment(render(request, template, {"message": message}, status=status))
    response["Cache-Control"] = "no-store"
    return response


def _fast_not_modified(request, team_slug: str, today: date) -> HttpResponse | None:
    """An unchanged poll of a logged-in wall in two queries: the session, then one query for
    the board version and the user's password hash (to check the session like
    django.contrib.auth does, without loading the user)."""
    user_id = request.session.get(SESSION_KEY)
    if not user_id:
        return None
    state = board_state_for_team(team_slug, user_id=user_id, today=today)
    if state is None or not state.team_active or not state.user_password:
        return None
    expected = User(password=state.user_password).get_session_auth_hash()
    if not constant_time_compare(request.session.get(HASH_SESSION_KEY, ""), expected):
        return None
    etag = state.etag(today=today, surface="wall", user_id=user_id)
    return not_modified(etag) if etag_matches(request, etag) else None


def _remember_link(token_hash: str, state: BoardState) -> None:
    """With a pushed version, the link's next polls are answered from Redis (live/asgi.py)
    until the team's version moves. Checked again after the version was read, so a link
    revoked meanwhile is never remembered as valid."""
    if state.live is None or not link_still_active(state.link_id):
        return
    expires = state.link_expires_at.timestamp() if state.link_expires_at else None
    live_store.remember_link(token_hash, live_store.LinkEntry(
        team_id=state.team_id, team_slug=state.team_slug, link_id=state.link_id,
        expires_at=expires, version=state.live))


@login_not_required
@require_GET
def wall(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The board for a TV: large type, no navigation, refreshes itself.

    Opened by a logged-in user, or by anyone holding a display link (``?key=…``) — which shows
    this one board read-only, private items masked."""
    today = timezone.localdate()
    poll = bool(request.htmx)
    key = request.GET.get("key")
    if key is not None:
        token_hash = services.display_key_hash(key)
        state = board_state_for_link(token_hash, today=today) if token_hash else None
        if state is None:
            return _wall_refused(request, "This display link is not valid.")
        if state.team_slug != team_slug:
            return _wall_refused(request, "This display link is for another team's board.")
        if not state.link_active or not state.team_active:
            return _wall_refused(request, "This display link was revoked or has expired. "
                                          "Ask the team's lead for a new one.")
        etag = state.etag(today=today, surface="wall")
        _remember_link(token_hash, state)
        if poll and etag_matches(request, etag):
            return not_modified(etag)
        services.display_link_seen(state.link_id)
        view = board_view(board_team(slug=team_slug), viewer=None, etag=etag, today=today)
        return _render_wall(request, view, key)

    if poll and request.headers.get("If-None-Match"):
        response = _fast_not_modified(request, team_slug, today)
        if response is not None:
            return response
    if not request.user.is_authenticated:
        if poll:
            return _wall_refused(request, "Log in again to see this board.")
        return redirect_to_login(request.get_full_path())
    team = access_board(request.user, slug=team_slug)
    etag = board_version(team, viewer=request.user, surface="wall", today=today)
    if poll and etag_matches(request, etag):
        return not_modified(etag)
    return _render_wall(request, board_view(team, viewer=request.user, etag=etag, today=today),
                        None)


def _render_wall(request, view: BoardView, key: str | None) -> HttpResponse:
    now = timezone.localtime()
    mark_new(view.board, new_since(view.team, now=now))
    query = f"?{urlencode({'key': key})}" if key else ""
    context = {
        "team": view.team, "board": view.board, "settings": view.settings, "etag": view.etag,
        "today": view.today, "now": now, "display_link": key is not None,
        "poll_url": request.path + query,
        # The wall's event stream (live/urls.py), beside the wall's own URL.
        "events_url": request.path + "events/" + query,
        "letters": view.letters, "huddle": view.huddle,
        "huddle_time": view.team.tier.huddle_time, "capacity": view.capacity,
    }
    template = "huddles/wall.html#wall-board" if request.htmx else "huddles/wall.html"
    response = render(request, template, context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    if request.htmx:
        return polled(response, view.etag)
    response["Cache-Control"] = "no-store"
    return response
