"""`make run` on a fresh checkout, tried over HTTP as its users would: PostgreSQL (embedded),
gunicorn with DEBUG off, the production headers, Celery worker and beat, nothing lost under
concurrency, and a clean stop that keeps the data."""

import re
import time

import pytest

from .conftest import race

pytestmark = [pytest.mark.stack, pytest.mark.xdist_group("stack")]


def lead_team(stack, token):
    me = stack.client(token).get("/api/v1/users/me/").json()
    lead = next(m for m in me["memberships"] if m["role"] == "lead")
    return lead["team"]["id"] if isinstance(lead["team"], dict) else lead["team"]


def test_serves_the_demo_as_production_does(stack):
    client = stack.client()
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert {k for k, v in health["checks"].items() if v["ok"]} == {"database", "cache", "broker"}
    # The embedded PostgreSQL server, with no DATABASE_URL given.
    (version,) = stack.query("SHOW server_version")[0]
    assert int(version.split(".")[0]) >= 18
    assert "DATABASE_URL" not in stack.env
    # gunicorn's ASGI workers, not Django's development server.
    assert "Using worker: uvicorn_worker.UvicornWorker" in stack.log()
    assert "Starting development server" not in stack.log()

    home = client.get("/")
    assert home.status == 302 and home.headers["Location"].startswith("/accounts/login/")
    login = client.get("/accounts/login/")
    assert login.status == 200
    for header, value in {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                          "Referrer-Policy": "same-origin",
                          "Cross-Origin-Opener-Policy": "same-origin"}.items():
        assert login.headers[header] == value
    assert "script-src 'self' 'nonce-" in login.headers["Content-Security-Policy"]
    # Plain http://127.0.0.1: no HSTS, no redirect, cookies a browser will send back.
    assert "Strict-Transport-Security" not in login.headers
    assert client.cookie("csrftoken") is not None and not client.cookie("csrftoken").secure

    # Static files: hashed names from collectstatic, served by whitenoise, cached for long.
    css = re.search(r'href="(/static/css/tierline\.[0-9a-f]{12}\.css)"', login.text)
    assert css, "static files are not the hashed production ones"
    asset = client.get(css.group(1))
    assert asset.status == 200 and "max-age=315360000" in asset.headers["Cache-Control"]

    # DEBUG off: the project's own 404 page, never Django's technical one.
    missing = client.get("/no-such-page-here/")
    assert missing.status == 404
    assert "DEBUG = True" not in missing.text and "Traceback" not in missing.text
    assert "Not found" in missing.text


def test_demo_logins_are_printed_and_work(stack):
    log = stack.log()
    assert "Demo logins (password for all: tierline-demo)" in log
    client = stack.client()
    client.login("amira")
    assert client.get("/").status == 200


def test_twenty_concurrent_moves_of_one_card_one_wins(stack):
    token = stack.token("amira")
    api = stack.client(token)
    team = lead_team(stack, token)
    idea = api.call("POST", "/api/v1/ideas/", {"title": "Concurrent card", "team": team,
                                               "category": "quality"}).json()
    results = race([
        (lambda: stack.client(token).call("POST", f"/api/v1/boards/{team}/move/", {
            "idea": idea["id"], "to": "in_progress", "version": idea["version"]}).status)
        for _ in range(20)
    ])
    assert sorted(results) == [200] + [409] * 19, results
    assert api.get(f"/api/v1/ideas/{idea['id']}/").json()["status"] == "in_progress"


def test_thirty_concurrent_escalations_of_one_item_one_wins(stack):
    token = stack.token("amira")
    api = stack.client(token)
    team = lead_team(stack, token)
    idea = api.call("POST", "/api/v1/ideas/", {"title": "Needs the plant's help", "team": team,
                                               "category": "delivery"}).json()
    results = race([
        (lambda i=i: stack.client(token).call("POST", f"/api/v1/ideas/{idea['id']}/escalate/", {
            "reason": "resources", "ask": f"A second forklift ({i})"}).status)
        for i in range(30)
    ])
    assert sorted(results) == [201] + [409] * 29, results
    rows = stack.query("SELECT count(*) FROM escalation_escalation WHERE idea_id = %s",
                       [idea["id"]])
    assert rows == [(1,)]


def test_no_celery_task_fails_and_notification_emails_go_out(stack):
    """The escalation above notified the target team's leads; the worker sent their e-mails
    (console backend) through the default broker, PostgreSQL."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = stack.query(
            "SELECT count(*) FROM org_notification n JOIN org_user u ON u.id = n.recipient_id "
            "WHERE n.verb = 'escalation' AND n.emailed_at IS NULL AND u.email <> '' "
            "AND u.email_notifications")[0][0]
        sent = stack.query("SELECT count(*) FROM org_notification WHERE verb = 'escalation' "
                           "AND emailed_at IS NOT NULL")[0][0]
        if pending == 0 and sent > 0:
            break
        time.sleep(0.5)
    assert pending == 0 and sent > 0, (pending, sent)
    assert "Subject: [Tierline]" in stack.log()
    failures = [line for line in stack.log().splitlines()
                if re.search(r"Task [\w.]+\[[\w-]+\] (raised|failed)", line)]
    assert failures == []
    assert "broker" in stack.client().get("/healthz").json()["checks"]


def test_stops_cleanly_and_keeps_its_data_across_restarts(stack):
    token = stack.token("amira")
    team = lead_team(stack, token)
    idea = stack.client(token).call("POST", "/api/v1/ideas/", {
        "title": "Survives a restart", "team": team, "category": "cost"}).json()
    assert stack.stop() == 0 or stack.proc.returncode in (0, 130, 143)
    # Everything `make run` started is gone, the embedded server stopped cleanly.
    from config import localdb

    assert localdb.running_url(stack.data_dir) is None
    assert "Stopped the embedded PostgreSQL server." in stack.log()
    # Started again on the same data folder: the item is still there.
    stack.start()
    again = stack.client(stack.token("amira")).get(f"/api/v1/ideas/{idea['id']}/")
    assert again.status == 200 and again.json()["title"] == "Survives a restart"
