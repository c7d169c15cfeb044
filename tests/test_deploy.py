"""The deployment files agree with the settings (no Docker engine runs here, so we parse them)."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _embedded_major() -> str:
    from config import localdb

    out = subprocess.run([localdb.pg_bin("postgres"), "--version"], capture_output=True,
                         text=True, check=True).stdout
    return out.split()[-1].split(".")[0]


def test_compose_has_the_full_stack():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker" in \
        services["web"]["command"]
    # The same major PostgreSQL as the embedded server of `make run` and the tests.
    assert services["db"]["image"] == f"postgres:{_embedded_major()}"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_environment_matches_production_settings():
    services = _compose()["services"]
    production = (ROOT / "config/settings/production.py").read_text()
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        # Every variable production requires (no default) is provided.
        for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
            assert f'env("{required}")' in production or f'env.list("{required}")' in production \
                or f'env.db("{required}")' in production
            assert required in env, (name, required)
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert (ROOT / "Dockerfile").exists()


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 60 + "-a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="tierline.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tierline",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    env.update(extra)
    return env


def test_production_passes_check_deploy_with_zero_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_has_no_default_secrets():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def _settings_of(module: str, **env_vars) -> dict:
    """Loads a settings module in a fresh interpreter and returns the values we care about."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "TIERLINE_"))}
    env.update(DJANGO_SETTINGS_MODULE=module,
               DATABASE_URL="postgres://u@db.example:5432/tierline", **env_vars)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'cache': s.CACHES['default']['BACKEND'], "
        "'broker': s.CELERY_BROKER_URL, 'broker_options': s.CELERY_BROKER_TRANSPORT_OPTIONS, "
        "'secure_cookie': s.SESSION_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'redirect': s.SECURE_SSL_REDIRECT, 'storage': s.STORAGES['staticfiles']['BACKEND'], "
        "'engine': s.DATABASES['default']['ENGINE']}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


def test_make_run_settings_share_one_cache_and_broker_across_processes():
    s = _settings_of("config.settings.local")
    assert s["debug"] is False and s["engine"] == "django.db.backends.postgresql"
    # No Redis configured: a PostgreSQL table for the cache, PostgreSQL for the broker —
    # never a per-process cache, never a broker folder on one disk.
    assert s["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert s["broker"] == "sqla+postgresql+psycopg2://u@db.example:5432/tierline"
    assert s["broker_options"] == {"pool_pre_ping": True}
    assert s["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # Plain http://127.0.0.1:8000 unless told it is behind TLS.
    assert (s["secure_cookie"], s["hsts"], s["redirect"]) == (False, 0, False)

    with_redis = _settings_of("config.settings.local", REDIS_URL="redis://r.example:6379/0")
    assert with_redis["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert with_redis["broker"] == "redis://r.example:6379/0"

    tls = _settings_of("config.settings.local", TIERLINE_HTTPS="true")
    assert (tls["secure_cookie"], tls["hsts"] > 0, tls["redirect"]) == (True, True, True)


def test_production_follows_the_tls_setting():
    prod = dict(DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="t.example",
                REDIS_URL="redis://r.example:6379/0")
    on = _settings_of("config.settings.production", **prod)
    assert (on["secure_cookie"], on["hsts"] > 0, on["redirect"]) == (True, True, True)
    off = _settings_of("config.settings.production", TIERLINE_HTTPS="false", **prod)
    assert (off["secure_cookie"], off["hsts"], off["redirect"]) == (False, 0, False)


def test_dev_settings_are_the_debug_server():
    s = _settings_of("config.settings.dev")
    assert s["debug"] is True and s["engine"] == "django.db.backends.postgresql"


def test_one_engine_no_sqlite_or_vendor_branches_in_the_app_code():
    found = subprocess.run(
        ["git", "grep", "-n", "-i", "-E", r"sqlite|connection\.vendor", "--", ".",
         ":!tests/", ":!README.md"], cwd=ROOT, capture_output=True, text=True)
    assert found.stdout == ""
