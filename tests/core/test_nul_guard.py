"""The NUL-byte guard (core.middleware.RejectNulBytesMiddleware, core.parsers): a NUL anywhere in
a request — path, query string, form field name or value, multipart field, JSON value or key —
is a 400 before any view runs, on the pages, in the API (in its error shape) and in the admin;
nothing is saved."""

import json

import pytest
from django.conf import settings

from ideas.models import Idea

pytestmark = pytest.mark.django_db

PAGES = ["/ideas/", "/ideas/new/", "/learning/", "/boards/line1/", "/strategy/"]
API = ["/api/v1/ideas/", "/api/v1/teams/", "/api/v1/escalations/"]
ADMIN = ["/admin/", "/admin/ideas/idea/", "/admin/org/team/add/"]


def test_the_guard_runs_for_every_request_before_sessions_and_views():
    middleware = settings.MIDDLEWARE
    guard = middleware.index("core.middleware.RejectNulBytesMiddleware")
    assert guard < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert guard < middleware.index("django.middleware.csrf.CsrfViewMiddleware")
    parsers = settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]
    assert parsers == ["core.parsers.JSONParser", "core.parsers.FormParser",
                       "core.parsers.MultiPartParser"]


def _refused(response, *, api: bool) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert b"NUL" in response.content
    if api:
        body = response.json()
        assert set(body) >= {"detail", "code", "errors"} and body["code"] == "invalid"
        assert body["errors"]


@pytest.mark.parametrize("url", PAGES + API + ADMIN)
def test_nul_in_the_query_string_is_refused(org, client_as, url):
    client = client_as(org.admin)
    _refused(client.get(url, {"q": "a\x00b"}), api=url.startswith("/api/"))
    _refused(client.get(url + "?x%00y=1"), api=url.startswith("/api/"))  # in a name, too


@pytest.mark.parametrize("url", ["/ideas/%00/", "/api/v1/ideas/%00/", "/admin/ideas/%00/"])
def test_nul_in_the_path_is_refused(org, client_as, url):
    _refused(client_as(org.admin).get(url), api=url.startswith("/api/"))


@pytest.mark.parametrize("url", ["/ideas/new/", "/api/v1/ideas/", "/admin/ideas/idea/add/"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_nul_in_a_form_field_is_refused_and_nothing_is_saved(org, client_as, url, encoding):
    client = client_as(org.admin)
    data = {"title": "Guard\x00missing", "category": "safety", "team": org.line1.pk,
            "kind": "problem"}
    if encoding == "urlencoded":
        from urllib.parse import urlencode

        response = client.post(url, urlencode(data),
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, data)  # the test client sends multipart
    _refused(response, api=url.startswith("/api/"))
    if url.startswith("/api/"):
        assert response.json()["errors"] == {"title": ["This field contains a NUL character."]}
    assert not Idea.objects.exists()


def test_nul_in_a_form_field_name_is_refused(org, client_as):
    _refused(client_as(org.member).post("/ideas/new/", {"ti\x00tle": "x"}), api=False)


@pytest.mark.parametrize("body,field", [
    ({"title": "a\x00b", "category": "safety", "team": 1}, "title"),
    ({"title": "ok", "category": "safety", "team": 1, "labels": ["fine", "bad\x00"]}, "labels"),
    ({"title": "ok", "category": "safety", "team": 1, "x": {"y": ["\x00"]}}, "x"),
    ({"title": "ok", "category": "safety", "team": 1, "ti\x00tle": "x"}, "non_field_errors"),
    (["\x00"], "non_field_errors"),
])
def test_nul_anywhere_in_a_json_body_is_refused(org, api, body, field):
    response = api.as_user(org.admin).post("/api/v1/ideas/", json.dumps(body),
                                           content_type="application/json")
    _refused(response, api=True)
    assert list(response.json()["errors"]) == [field]
    assert not Idea.objects.exists()


def test_nul_in_a_json_patch_is_refused(org, api):
    from ideas import services

    idea = services.idea_create(actor=org.member, team=org.line1, title="Fine",
                                category="safety")
    response = api.as_user(org.member).patch(f"/api/v1/ideas/{idea.pk}/",
                                             {"description": "x\x00"}, format="json")
    _refused(response, api=True)
    idea.refresh_from_db()
    assert idea.description == ""


def test_nul_in_a_form_encoded_patch_is_refused_by_the_parser(org, api):
    # Django reads form bodies of POSTs only: a PATCH's is the API's parser to check.
    from ideas import services

    idea = services.idea_create(actor=org.member, team=org.line1, title="Fine",
                                category="safety")
    response = api.as_user(org.member).patch(f"/api/v1/ideas/{idea.pk}/",
                                             "description=x%00y",
                                             content_type="application/x-www-form-urlencoded")
    _refused(response, api=True)
    assert response.json()["errors"] == {"description": ["This field contains a NUL character."]}


def test_text_without_nul_passes_the_guard(org, client_as, api):
    # The guard refuses NUL only: other control characters and any Unicode text go through.
    assert client_as(org.member).get("/ideas/", {"q": "m² \t ¿'\"( ✓"}).status_code == 200
    response = api.as_user(org.member).post(
        "/api/v1/ideas/", {"title": "Torque ² ✓", "category": "safety", "team": org.line1.pk},
        format="json")
    assert response.status_code == 201
