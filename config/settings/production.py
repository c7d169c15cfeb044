"""Production: every secret comes from the environment, with no default."""

from .base import *  # noqa: F403
from .base import (
    broker_options,
    celery_broker_url,
    database,
    env,
    redis_cache,
    secure_transport,
    smtp_mailers,
)

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database(env("DATABASE_URL"))}
REDIS_URL = env("REDIS_URL")
CACHES = {"default": redis_cache(REDIS_URL)}
CELERY_BROKER_URL = celery_broker_url(env("DATABASE_URL"))
CELERY_BROKER_TRANSPORT_OPTIONS = broker_options(CELERY_BROKER_URL)

# Production is served over TLS unless told otherwise (TIERLINE_HTTPS=false, e.g. compose on
# localhost).
globals().update(secure_transport(env.bool("TIERLINE_HTTPS", default=True)))

# Production always sends real e-mail (password resets, notifications, digests).
MAILERS = smtp_mailers(env("EMAIL_URL", default="smtp://localhost:25"))
