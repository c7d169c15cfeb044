import pytest

from config.celery import app

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
