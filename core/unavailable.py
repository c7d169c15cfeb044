"""When a backing service is down or a transaction lost a race, answer so — never a 500.

- PostgreSQL unreachable (connection refused, shutting down, connection lost) or Redis
  unreachable where it is configured → 503 with ``Retry-After`` and the API's error shape;
  service resumes by itself, since every request opens its connections afresh.
- A serialization failure or deadlock PostgreSQL resolved by cancelling this transaction → 409:
  the change was not made, and trying again will work.

``classify`` is used by the 500 handler (core.views.error_500), which Django calls for every
uncaught exception, whether a view, a middleware or DRF raised it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 5

# SQLSTATE classes: 08 connection exception, 57P operator intervention (shutdown, cannot
# connect now), 53 insufficient resources (too many connections); 40001 serialization failure,
# 40P01 deadlock detected.
_UNAVAILABLE_CODES = ("08", "57P", "53")
_RACE_CODES = ("40001", "40P01")


def _db_error_code(exc: BaseException) -> str | None:
    cause = exc.__cause__ or exc.__context__
    return getattr(cause, "pgcode", None) or getattr(exc, "pgcode", None)


def classify(exc: BaseException | None) -> str | None:
    """'unavailable', 'conflict' or None (a real server error)."""
    if exc is None:
        return None
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):
        return "unavailable"  # the connection is closed or was lost
    if isinstance(exc, OperationalError):
        code = _db_error_code(exc)
        if code is None or code.startswith(_UNAVAILABLE_CODES):
            return "unavailable"
        if code in _RACE_CODES:
            return "conflict"
        return None
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is a dependency
        return None
    if isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        return "unavailable"
    return None


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = "Tierline cannot reach its database or cache just now. Try again in a few seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "service_unavailable", "errors": {}},
                                status=503)
    else:
        # Rendered without the request's context processors: they would need the database.
        html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def conflict_response(request: HttpRequest) -> HttpResponse:
    message = "Someone else changed this at the same moment; nothing was saved. Try again."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "conflict", "errors": {}}, status=409)
    html = loader.get_template("409.html").render({"message": message})
    return HttpResponse(html, status=409)
