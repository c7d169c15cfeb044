"""The Celery application. Broker, serializer, acks_late and the beat schedule come from
Django settings (CELERY_* in config/settings/base.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tierline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if str(app.conf.broker_url or "").startswith("filesystem://"):
    # Kombu's filesystem transport needs its folder to exist before the first message.
    for key in ("data_folder_in", "data_folder_out"):
        folder = (app.conf.broker_transport_options or {}).get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
