"""`make run`: a developer's machine. SQLite and the filesystem broker unless the environment
names PostgreSQL (DATABASE_URL) and Redis (REDIS_URL / CELERY_BROKER_URL)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
