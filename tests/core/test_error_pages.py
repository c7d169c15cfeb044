"""The project's own error pages, and the answers for an unreachable database or cache (503)
and a transaction that lost a race (409) — whichever layer raised them."""

import psycopg2
import pytest
import redis
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path

from config import urls as project_urls
from core.unavailable import classify


def _raise(exc):
    @login_not_required
    def view(request):
        raise exc

    return view


def _db_error(pgcode: str | None) -> OperationalError:
    """A Django OperationalError caused by a psycopg2 error with this SQLSTATE."""

    class _Cause(psycopg2.OperationalError):
        pass

    cause = _Cause("boom")
    if pgcode:
        _Cause.pgcode = pgcode
    err = OperationalError("boom")
    err.__cause__ = cause
    return err


urlpatterns = [
    path("down/", _raise(_db_error(None))),
    path("api/down/", _raise(_db_error(None))),
    path("shutdown/", _raise(_db_error("57P01"))),
    path("closed/", _raise(InterfaceError("connection already closed"))),
    path("redis/", _raise(redis.exceptions.ConnectionError("refused"))),
    path("api/race/", _raise(_db_error("40001"))),
    path("deadlock/", _raise(_db_error("40P01"))),
    path("bug/", _raise(ZeroDivisionError("bug"))),
    path("api/bug/", _raise(ZeroDivisionError("bug"))),
    path("timeout/", _raise(_db_error("57014"))),  # a statement timeout is a real error
    *project_urls.urlpatterns,
]
handler500 = "core.views.error_500"
handler404 = "core.views.error_404"


@pytest.fixture
def anon(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("exc, kind", [
    (_db_error(None), "unavailable"), (_db_error("08006"), "unavailable"),
    (_db_error("57P01"), "unavailable"), (_db_error("53300"), "unavailable"),
    (InterfaceError("closed"), "unavailable"), (redis.exceptions.TimeoutError(), "unavailable"),
    (_db_error("40001"), "conflict"), (_db_error("40P01"), "conflict"),
    (_db_error("23505"), None), (_db_error("57014"), None), (ValueError(), None), (None, None),
])
def test_classify(exc, kind):
    assert classify(exc) == kind


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/down/", "/shutdown/", "/closed/", "/redis/"])
def test_pages_answer_503_with_retry_after(anon, url):
    r = anon.get(url)
    assert r.status_code == 503
    assert int(r["Retry-After"]) > 0
    assert b"Back in a moment" in r.content


@pytest.mark.django_db
def test_api_answers_503_in_the_error_shape(anon):
    r = anon.get("/api/down/")
    assert r.status_code == 503 and int(r["Retry-After"]) > 0
    assert r.json()["code"] == "service_unavailable" and r.json()["errors"] == {}


@pytest.mark.django_db
def test_a_lost_race_is_a_409(anon):
    assert anon.get("/api/race/").json()["code"] == "conflict"
    assert anon.get("/api/race/").status_code == 409
    assert anon.get("/deadlock/").status_code == 409


@pytest.mark.django_db
def test_a_real_bug_is_our_500_page_without_details(anon):
    r = anon.get("/bug/")
    assert r.status_code == 500
    assert b"Something went wrong" in r.content and b"ZeroDivisionError" not in r.content
    assert anon.get("/timeout/").status_code == 500
    api = anon.get("/api/bug/")
    assert api.status_code == 500 and api.json()["code"] == "error"


@pytest.mark.django_db
def test_404_is_our_page(anon):
    r = anon.get("/nothing-here/")
    assert r.status_code == 404 and b"Not found" in r.content


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(anon):
    r = anon.get("/api/v1/no-such-resource/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found.", "code": "not_found",
                                                 "errors": {}}
