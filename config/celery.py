"""The Celery application. Broker, serializer, acks_late and the beat schedule come from
Django settings (CELERY_* in config/settings/base.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tierline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
