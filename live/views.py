"""The event streams' URLs as Django views: the ASGI server serves the streams in front of
Django (live/endpoints.py), so a request that reaches these views is one that cannot stream —
under a WSGI server (`make dev`'s runserver, which a stream would block), with push switched
off, or a method other than GET. They check who asks like the streams do and answer 403/404,
else 204 No Content with Retry-After — nothing to stream here, which tells an EventSource not
to reconnect (the spec) — and the screen keeps polling."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .access import Refused, link_grant, user_grant


def _answer(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    if status == 204:
        response["Retry-After"] = "30"
    return response


def _unavailable() -> HttpResponse:
    return _answer("", 204)


@login_not_required
@require_GET
def wall_events(request: HttpRequest, team_slug: str) -> HttpResponse:
    key = request.GET.get("key")
    if key is None:
        return board_events(request, team_slug)
    try:
        link_grant(key, team_slug)
    except Refused as refused:
        return _answer(str(refused), 403)
    return _unavailable()


@login_not_required
@require_GET
def board_events(request: HttpRequest, team_slug: str) -> HttpResponse:
    try:
        user_grant(request.user, team_slug)  # Http404: a board they may not see
    except Refused as refused:
        return _answer(str(refused), 403)
    return _unavailable()

