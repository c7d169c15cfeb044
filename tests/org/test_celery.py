"""The Celery wiring, proved with a real worker consuming from Redis."""

import time

import pytest
import redis
from celery.signals import task_postrun
from django.conf import settings

from config.celery import app
from org.tasks import heartbeat


def test_configuration():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.beat_schedule


@pytest.mark.celery_worker
def test_sample_task_runs_on_a_real_worker(celery_worker_real):
    """Sent through the Redis broker, run by the worker thread, seen through Redis."""
    r = redis.Redis.from_url(settings.TEST_REDIS_URL)
    key = "tierline-test:heartbeat-seen"
    r.delete(key)

    def _seen(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == "org.tasks.heartbeat":
            r.set(key, retval)

    task_postrun.connect(_seen, weak=False)
    try:
        heartbeat.apply_async()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not r.get(key):
            time.sleep(0.1)
        assert r.get(key), "the worker did not run the task within 20 s"
    finally:
        task_postrun.disconnect(_seen)
