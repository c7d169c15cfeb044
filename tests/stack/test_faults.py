"""Faults with real processes, on what `make run` starts: the database stopped under traffic,
Redis stopped where it is configured, and the Celery worker killed in the middle of the aging
scan. Each fault test owns its servers and ports, so no other test's database is touched."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, stack_env

pytestmark = [pytest.mark.stack, pytest.mark.xdist_group("stack")]


def _until(check, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def _unavailable(response) -> None:
    assert response.status == 503, (response.status, response.text[:300])
    assert int(response.headers["Retry-After"]) > 0


def test_database_stopped_under_traffic_answers_503_then_resumes_by_itself(stack):
    token = stack.token("amira")
    api, page = stack.client(token), stack.client()
    page.login("amira")
    assert api.get("/api/v1/ideas/").status == 200 and page.get("/ideas/").status == 200

    stack.pg_stop()
    try:
        down_api = api.get("/api/v1/ideas/")
        _unavailable(down_api)
        assert down_api.json() == {"detail": down_api.json()["detail"],
                                   "code": "service_unavailable", "errors": {}}
        down_page = page.get("/ideas/")
        _unavailable(down_page)
        assert "Back in a moment" in down_page.text
        write = api.call("POST", "/api/v1/ideas/", {"title": "Lost?", "team": 1,
                                                    "category": "quality"})
        _unavailable(write)
        health = stack.client().get("/healthz")
        assert health.status == 503 and "database" in health.json()["down"]
    finally:
        stack.pg_start()
    returned = time.monotonic()
    assert _until(lambda: api.get("/api/v1/ideas/").status == 200, timeout=10)
    assert _until(lambda: page.get("/ideas/").status == 200, timeout=10)
    assert time.monotonic() - returned < 10
    # The worker and beat rode it out: `make run` is still whole.
    assert stack.proc.poll() is None
    assert _until(lambda: stack.client().get("/healthz").status == 200, timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--dir", str(tmp_path)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]

    class Redis:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self):
            procs[-1].terminate()
            procs[-1].wait(10)

        def start(self):
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))

    yield Redis()
    for p in procs:
        if p.poll() is None:
            p.kill()


def test_redis_stopped_where_configured_answers_503_then_resumes(stack, redis_server, tmp_path):
    """`make run` with REDIS_URL set (cache and broker on Redis), web on its own port."""
    port = free_port()
    env = stack_env(tmp_path, DATABASE_URL=stack.database_url, REDIS_URL=redis_server.url,
                    DJANGO_SETTINGS_MODULE="config.settings.local")
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        from .conftest import Client

        base = f"http://127.0.0.1:{port}"
        assert _until(lambda: _status(Client(base), "/healthz") == 200, timeout=60)
        token = stack.token("amira")
        api = Client(base, token)
        assert api.get("/api/v1/ideas/").status == 200

        redis_server.stop()
        down = api.get("/api/v1/ideas/")  # the API's rate limit reads the cache
        _unavailable(down)
        assert down.json()["code"] == "service_unavailable"
        health = Client(base).get("/healthz")
        assert health.status == 503 and {"cache", "broker"} <= set(health.json()["down"])

        redis_server.start()
        returned = time.monotonic()
        assert _until(lambda: api.get("/api/v1/ideas/").status == 200, timeout=10)
        assert time.monotonic() - returned < 10
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(20)


def _status(client, path):
    try:
        return client.get(path, timeout=5).status
    except OSError:
        return None


# ------------------------------------------------------------------ worker killed mid-scan

STALE_SQL = """
    SELECT count(*) FROM ideas_idea i
      JOIN org_team t ON t.id = i.team_id JOIN org_tier r ON r.id = t.tier_id
     WHERE t.slug LIKE 'kill-%%' AND i.status IN ('new', 'in_progress')
       AND i.waiting_on_team_id IS NULL
       AND i.last_activity_at < now() - make_interval(days => r.aging_threshold_days)
"""
FLAGGED_SQL = """
    SELECT count(*) FROM ideas_idea i JOIN org_team t ON t.id = i.team_id
     WHERE t.slug LIKE 'kill-%%' AND i.aging_flagged_at IS NOT NULL
"""


def _worker(stack, name: str) -> subprocess.Popen:
    env = {**stack.env, "DATABASE_URL": stack.database_url,
           "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "killtest", "-P", "solo",
         "-n", f"{name}@%h", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def _enqueue_scan(stack) -> None:
    """What beat does every hour, on a queue only this test's worker reads."""
    stack.manage("shell", "-c", "from ideas.tasks import flag_aging_items; "
                                "flag_aging_items.apply_async(queue='killtest')")


def test_worker_killed_mid_scan_then_restarted_flags_and_nudges_exactly_once(stack):
    stack.manage("generate_load", "--ideas", "300000", "--teams", "40", "--stale", "0.3",
                 "--prefix", "kill")
    (expected,) = stack.query(STALE_SQL)[0]
    assert expected > 50_000
    assert stack.query(FLAGGED_SQL) == [(0,)]

    worker = _worker(stack, "first")
    try:
        _enqueue_scan(stack)
        # Kill it (SIGKILL: no goodbye, no requeue) once some batches are in, not all.
        assert _until(lambda: stack.query(FLAGGED_SQL)[0][0] > 0, timeout=120, step=0.02)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    (at_kill,) = stack.query(FLAGGED_SQL)[0]
    time.sleep(1)
    (after,) = stack.query(FLAGGED_SQL)[0]
    assert 0 < at_kill == after < expected, (at_kill, after, expected)

    worker = _worker(stack, "second")
    try:
        _enqueue_scan(stack)  # the next tick of beat
        assert _until(lambda: stack.query(FLAGGED_SQL)[0][0] == expected, timeout=180, step=0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)

    # None missed, none flagged twice (each flag set once: one timestamp per run at most) …
    runs = stack.query("SELECT count(DISTINCT i.aging_flagged_at) FROM ideas_idea i "
                       "JOIN org_team t ON t.id = i.team_id WHERE t.slug LIKE 'kill-%%' "
                       "AND i.aging_flagged_at IS NOT NULL")[0][0]
    assert runs == 2
    # … and every flagged item nudged exactly once per person.
    twice = stack.query("""
        SELECT n.target_id, n.recipient_id, count(*) FROM org_notification n
          JOIN ideas_idea i ON i.id = n.target_id JOIN org_team t ON t.id = i.team_id
         WHERE n.verb = 'aging' AND t.slug LIKE 'kill-%%'
         GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5""")
    assert twice == []
    (nudged,) = stack.query("""
        SELECT count(DISTINCT n.target_id) FROM org_notification n
          JOIN ideas_idea i ON i.id = n.target_id JOIN org_team t ON t.id = i.team_id
         WHERE n.verb = 'aging' AND t.slug LIKE 'kill-%%'""")[0]
    assert nudged == expected
