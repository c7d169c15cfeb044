from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from org.models import Notification
from org.outbox import notification_emails_send

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_all_up(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "database": True, "cache": True, "broker": True}


@pytest.mark.django_db
def test_redis_unreachable_names_the_parts(client, settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": UNREACHABLE_REDIS}}
    monkeypatch.setattr(app.conf, "broker_url", UNREACHABLE_REDIS)
    r = client.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert set(body["down"]) == {"cache", "broker"}
    assert body["checks"]["database"]["ok"] is True
    assert "Error" in body["checks"]["cache"]["error"]


@pytest.mark.django_db
def test_failed_and_overdue_emails_are_counted_without_turning_the_status_to_503(client, org):
    now = timezone.now()
    states = Notification.EmailState

    def note(key, **fields):
        return Notification.objects.create(recipient=org.member, verb="test", text=key,
                                           event_key=key, **fields)

    assert client.get("/healthz").json()["email"] == {"failed": 0, "overdue": 0}
    note("failed-1", email_state=states.FAILED, email_attempts=8)
    note("failed-2", email_state=states.FAILED, email_attempts=8)
    note("overdue", email_state=states.PENDING, email_next_attempt_at=now - timedelta(minutes=16))
    note("just-due", email_state=states.PENDING, email_next_attempt_at=now - timedelta(minutes=5))
    note("backing-off", email_state=states.PENDING, email_next_attempt_at=now + timedelta(hours=1))
    note("sent", email_state=states.SENT, emailed_at=now - timedelta(days=1))
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["down"] == []
    assert body["email"] == {"failed": 2, "overdue": 1}


@pytest.mark.django_db
def test_a_failed_email_from_the_outbox_shows_up(client, org, settings):
    """End to end: a mail server that never answers, the last attempt, then /healthz."""
    from tests.org.test_email_outbox import FlakyBackend

    settings.MAILERS = {"default": {"BACKEND": "tests.org.test_email_outbox.FlakyBackend"}}
    settings.TIERLINE_EMAIL_MAX_ATTEMPTS = 2
    FlakyBackend.failures, FlakyBackend.refused = 10, set()
    n = Notification.objects.create(
        recipient=org.member, verb="test", text="Hello", event_key="e-1",
        email_state=Notification.EmailState.PENDING, email_next_attempt_at=timezone.now())
    notification_emails_send(now=timezone.now())
    assert client.get("/healthz").json()["email"] == {"failed": 0, "overdue": 0}  # retrying
    notification_emails_send(now=timezone.now() + timedelta(hours=1))
    n.refresh_from_db()
    assert n.email_state == Notification.EmailState.FAILED
    assert client.get("/healthz").json()["email"] == {"failed": 1, "overdue": 0}
