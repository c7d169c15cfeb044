"""Before the tests: is Redis reachable (and PostgreSQL, when TEST_DATABASE_URL names one)?
Say which variable to set if not. With no TEST_DATABASE_URL the tests start the embedded
PostgreSQL server themselves (config/localdb.py)."""

import os
import sys

import psycopg2
import redis

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from config.env import env  # noqa: E402

db_url = env("TEST_DATABASE_URL", default="")
redis_url = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/9")
problems = []
if db_url:
    try:
        cfg = env.db_url_config(db_url)
        psycopg2.connect(
            dbname="postgres", user=cfg.get("USER") or None, password=cfg.get("PASSWORD") or None,
            host=cfg.get("HOST") or None, port=cfg.get("PORT") or None, connect_timeout=3,
            **cfg.get("OPTIONS", {}),
        ).close()
    except Exception as exc:  # noqa: BLE001
        problems.append(
            f"PostgreSQL is not reachable at {db_url} ({exc}).\n"
            "  Start it, or unset TEST_DATABASE_URL to use the embedded server."
        )
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    problems.append(
        f"Redis is not reachable at {redis_url} ({exc}).\n"
        "  Start it (redis-server), or set TEST_REDIS_URL=redis://HOST:PORT/9"
    )
if problems:
    print("The tests need Redis (and PostgreSQL when TEST_DATABASE_URL is set):\n- "
          + "\n- ".join(problems), file=sys.stderr)
    sys.exit(1)
where = db_url or "the embedded server (.tierline/postgres-test)"
print(f"Redis reachable ({redis_url}); PostgreSQL: {where}.")
