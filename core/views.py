"""The project's own error pages (handler403/404/500 in config/urls.py)."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from .unavailable import classify, conflict_response, unavailable_response


@login_not_required
def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


@login_not_required
def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found", "errors": {}},
                            status=404)
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside the except block of the uncaught exception.
    kind = classify(sys.exc_info()[1])
    if kind == "unavailable":
        return unavailable_response(request)
    if kind == "conflict":
        return conflict_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error. It was logged.", "code": "error",
                             "errors": {}}, status=500)
    # No request context: the failure may be in what the context processors need.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
