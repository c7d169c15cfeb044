"""What every board page shares: fragment headers, the board's dialog, URLs that keep the
board's filters, and where a form sends the user back to."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.params import local_url
from org.models import Team

from ..conditional import NO_CACHE
from ..selectors.board import BoardFilters

FRAGMENT_HEADER = "X-Tierline-Fragment"  # huddles.js swaps 4xx answers that carry it


def notice(text: str, level: str = "success") -> dict:
    """A line above a re-rendered fragment (``level``: success or error)."""
    return {"level": level, "text": text}


def fragment(response: HttpResponse, *, target: str | None = None,
             swap: str = "outerHTML") -> HttpResponse:
    """Marks an htmx answer as a fragment (huddles.js swaps it even with a 4xx status) and,
    with ``target``, says where it goes."""
    response[FRAGMENT_HEADER] = "1"
    if target:
        response["HX-Retarget"] = target
        response["HX-Reswap"] = swap
    return response


def polled(response: HttpResponse, etag: str | None = None) -> HttpResponse:
    """Headers of an answer that a poll asks for again with If-None-Match."""
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = NO_CACHE
    response["Vary"] = "HX-Request, HX-Target, Cookie"
    return response


def dialog(request: HttpRequest, page: str, context: dict, status: int = 200) -> HttpResponse:
    """A form of the board's dialog: htmx gets its ``form`` partial swapped into the dialog,
    a plain request the whole page."""
    if not request.htmx:
        return render(request, page, context, status=status)
    return fragment(render(request, f"{page}#form", context, status=status),
                    target="#dialog-body", swap="innerHTML")


def with_filters(url: str, filters: BoardFilters | None) -> str:
    """``url`` carrying the board's filters, so the answer shows the board as it was."""
    query = filters.as_query() if filters else {}
    return f"{url}?{urlencode(query)}" if query else url


def board_url(team: Team, filters: BoardFilters | None = None) -> str:
    return with_filters(reverse("huddles:board", args=[team.slug]), filters)


def safe_next(request: HttpRequest, default: str) -> str:
    """Where a form sends the user back to: its ``next`` when it is a page of this site."""
    return local_url(request, request.POST.get("next") or request.GET.get("next")) or default
