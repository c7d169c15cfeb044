"""Conditional requests: every board poll (page fragment, wall screen, API) sends the board
version back as If-None-Match, and an unchanged board answers 304 without a body."""

from django.http import HttpResponse, HttpResponseNotModified

NO_CACHE = "no-cache, private"  # a browser may keep the answer but must ask again each time


def etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return etag in [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = NO_CACHE
    return response
