"""Before the tests: are PostgreSQL and Redis reachable? Say which variable to set if not."""

import os
import sys

import psycopg2
import redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from config.env import env  # noqa: E402

db_url = env("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tierline")
redis_url = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/9")
problems = []
try:
    cfg = env.db_url_config(db_url)
    psycopg2.connect(
        dbname="postgres", user=cfg.get("USER") or None, password=cfg.get("PASSWORD") or None,
        host=cfg.get("HOST") or None, port=cfg.get("PORT") or None, connect_timeout=3,
    ).close()
except Exception as exc:  # noqa: BLE001
    problems.append(
        f"PostgreSQL is not reachable at {db_url} ({exc}).\n"
        "  Start it, or set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/tierline"
    )
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    problems.append(
        f"Redis is not reachable at {redis_url} ({exc}).\n"
        "  Start it, or set TEST_REDIS_URL=redis://HOST:PORT/9"
    )
if problems:
    print("The tests need real PostgreSQL and Redis:\n- " + "\n- ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"PostgreSQL and Redis reachable ({db_url}, {redis_url}).")
