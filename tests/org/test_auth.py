"""Login is required everywhere except the pages that must be public."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "login", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete", "healthz", "admin:login", "logout", "api-token",
}


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            child_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p, prefix + str(p.pattern), child_ns)
        elif isinstance(p, URLPattern):
            yield f"{ns}{p.name}" if p.name else None, prefix + str(p.pattern)


def _sample(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:slug|str|path|uuid):\w+>", "x", route)
    route = re.sub(r"<\w+>", "x", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
    route = re.sub(r"[\^$?*+()\[\]]", "", route)
    return "/" + route


def _routes():
    seen = set()
    for name, route in _walk(get_resolver()):
        if name in PUBLIC or "static" in route or "media" in route:
            continue
        url = _sample(route)
        if url not in seen:
            seen.add(url)
            yield url


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(_routes()))
def test_anonymous_is_refused_everywhere_else(client, url):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code in (401, 403, 404), url
        if response.status_code != 404:
            assert b"results" not in response.content
    elif url.endswith("/events/"):
        # An event stream is not a page: it answers 403 instead of a redirect to the login
        # form an EventSource cannot follow (live/access.py).
        assert response.status_code == 403, url
    else:
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), url


def test_the_walk_covers_the_pages():
    urls = set(_routes())
    assert {"/", "/teams/", "/notifications/", "/api/v1/teams/"} <= urls


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password_reset/", "/healthz"])
def test_public_pages_are_open(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_login_by_username_or_email_case_insensitive(client, org):
    r = client.post("/accounts/login/", {"username": "MEMBER", "password": "pw-for-tests-1"})
    assert r.status_code == 302 and r["Location"] == "/"
    client.post("/accounts/logout/")
    r = client.post("/accounts/login/", {"username": "member@EXAMPLE.test",
                                         "password": "pw-for-tests-1"})
    assert r.status_code == 302


@pytest.mark.django_db
def test_failed_login_says_so(client, org):
    r = client.post("/accounts/login/", {"username": "member", "password": "wrong"})
    assert r.status_code == 200
    assert b"do not match" in r.content


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "member", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "member", "password": "pw-for-tests-1"})
    assert r.status_code == 429
    assert b"Too many failed log-ins" in r.content
    # Another account is not locked by someone else's failures.
    r = client.post("/accounts/login/", {"username": "lead", "password": "pw-for-tests-1"})
    assert r.status_code == 302


@pytest.mark.django_db
def test_token_auth(api, org):
    r = api.post("/api/v1/auth/token/", {"username": "member", "password": "pw-for-tests-1"},
                 format="json")
    assert r.status_code == 200
    token = r.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/users/me/")
    assert me.status_code == 200 and me.json()["username"] == "member"


@pytest.mark.django_db
def test_token_refused_with_bad_password(api, org):
    r = api.post("/api/v1/auth/token/", {"username": "member", "password": "nope"}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"]


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, org, mailoutbox):
    r = client.post("/accounts/password_reset/", {"email": "member@example.test"})
    assert r.status_code == 302
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.django_db
def test_pages_carry_a_csp_nonce(client_as, org):
    r = client_as(org.member).get("/")
    policy = r["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"'.encode() in r.content
