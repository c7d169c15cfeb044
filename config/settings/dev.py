"""`make dev`: the auto-reloading debug server for people working on the code. Same database,
cache and broker defaults as `make run`; DEBUG on; static files straight from the app folders."""

from .local import *  # noqa: F403
from .local import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
