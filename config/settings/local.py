"""`make run`: Tierline served as production serves it (gunicorn, DEBUG off, whitenoise, the
production security headers, Celery worker and beat), with defaults so that a fresh clone needs
no configuration: the embedded PostgreSQL server (config/localdb.py) unless DATABASE_URL is set,
Redis only when REDIS_URL is set (else the cache is a PostgreSQL table and the broker is
PostgreSQL too), and a secret key generated once into .tierline/secret_key."""

import secrets

from config import localdb

from .base import *  # noqa: F403
from .base import BASE_DIR, broker_options, celery_broker_url, database, env


def _secret_key() -> str:
    path = BASE_DIR / ".tierline" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# `make run` starts the embedded server and hands its URL to every process it starts; a
# management command run by hand starts it (or finds it running) itself.
DATABASE_URL = env("DATABASE_URL", default="") or localdb.start(localdb.RUN_DATA_DIR)
DATABASES = {"default": database(DATABASE_URL)}
CELERY_BROKER_URL = celery_broker_url(DATABASE_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = broker_options(CELERY_BROKER_URL)
