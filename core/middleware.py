"""Request guards that every page, the API and the admin share."""

from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, message: str, *, field: str = "non_field_errors"
                ) -> HttpResponse:
    """A 400 in the API's error shape, or a short plain page."""
    if _is_api(request):
        return JsonResponse({"detail": message, "code": "invalid", "errors": {field: [message]}},
                            status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RejectNulBytesMiddleware:
    """A NUL byte can never be stored in PostgreSQL text and means nothing in a URL or a form:
    refuse it with a 400 wherever it appears — path, query string, form fields or a JSON body
    (the API's parsers refuse it too, see core.parsers) — before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return bad_request(request, "The address contains a NUL character.")
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in {"POST", "PUT", "PATCH"} and content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                fields = [(k, v) for k, values in request.POST.lists() for v in values]
            except Exception:  # noqa: BLE001 - a malformed body is the view's 400 to give
                fields = []
            for key, value in fields:
                if NUL in key or NUL in value:
                    return bad_request(request, "This field contains a NUL character.",
                                       field=key.replace(NUL, ""))
        return self.get_response(request)
