"""The bench URLconf: Tierline's own, plus ``/bench/floor/`` — a bare Django view behind the same
middleware, on the same server and workers, as the floor of every figure."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site


@login_not_required
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *site]
