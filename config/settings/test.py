"""The test suite: always real PostgreSQL and Redis (never an in-memory broker). PostgreSQL is
TEST_DATABASE_URL when set, else the embedded server of config/localdb.py (its own data folder,
.tierline/postgres-test, started on first use; `make test` stops it at the end)."""

import os

from config import localdb

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, database, env

TEST_DATABASE_URL = env("TEST_DATABASE_URL", default="") or localdb.start(
    localdb.TEST_DATA_DIR, for_tests=True
)
# Processes the tests start (a Celery worker, gunicorn) find the same server without a lookup.
os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL
DATABASES = {"default": database(TEST_DATABASE_URL)}
# TEST_DB_NAME lets several test runs share one PostgreSQL server without colliding.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_tierline")}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
TEST_REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/9")
# Under pytest-xdist each worker gets its own Redis database (the suite clears it between tests)
# and pytest-django gives each its own PostgreSQL database (test_tierline_gw0, _gw1, …).
_xdist_worker = env("PYTEST_XDIST_WORKER", default="")
if _xdist_worker.startswith("gw"):
    _base, _, _db = TEST_REDIS_URL.rpartition("/")
    TEST_REDIS_URL = f"{_base}/{int(_db or 0) + int(_xdist_worker[2:])}"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": "tierline-test",
    }
}
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default=TEST_REDIS_URL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
SECRET_KEY = "tierline-tests-only-secret-key-not-for-any-deployment-0123456789"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "100000/minute"},
}

# Tasks queued by a request run in-process in most tests; tests marked `celery_worker` run
# a real worker against Redis instead (tests/conftest.py: celery_worker_real).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_FAILURE_LIMIT = 5

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
