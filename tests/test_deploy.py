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
