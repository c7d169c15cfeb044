"""`make run` and `make dev`: one command that starts Tierline with everything it needs.

    python -m config.serve          # as production serves it: gunicorn (ASGI workers), DEBUG off
    python -m config.serve --dev    # Django's auto-reloading debug server instead of gunicorn

With no DATABASE_URL it starts the embedded PostgreSQL server (config/localdb.py, data in
.tierline/postgres) and hands its URL to every process; then it migrates, seeds the demo,
collects static files, prints the demo logins and runs web, Celery worker and Celery beat
side by side (honcho). Ctrl-C (or SIGTERM) stops the three, then the embedded server.

Environment: HOST (127.0.0.1), PORT (8000), WEB_CONCURRENCY (gunicorn workers, 3),
TIERLINE_PGDATA (the embedded server's data folder), DATABASE_URL, REDIS_URL.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from config import localdb

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _processes(dev: bool, host: str, port: str) -> dict[str, str]:
    python = sys.executable
    if dev:
        web = f"{python} manage.py runserver {host}:{port}"
    else:
        workers = os.environ.get("WEB_CONCURRENCY", "3")
        web = (f"{BIN / 'gunicorn'} config.asgi:application -k uvicorn_worker.UvicornWorker "
               f"--workers {workers} --bind {host}:{port} --graceful-timeout 10 --no-control-socket "
               "--access-logfile - --forwarded-allow-ips 127.0.0.1")
    return {
        "web": web,
        "worker": f"{BIN / 'celery'} -A config worker --loglevel=INFO --concurrency=2",
        # Beat keeps its state where CELERY_BEAT_SCHEDULE_FILENAME says (.tierline/ by default).
        "beat": f"{BIN / 'celery'} -A config beat --loglevel=INFO",
    }


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="auto-reloading debug server")
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo data")
    args = parser.parse_args(argv)
    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C, the database included.
    signal.signal(signal.SIGTERM, _interrupt)

    env = os.environ
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev" if args.dev
                   else "config.settings.local")
    env.setdefault("PYTHONUNBUFFERED", "1")
    host, port = env.get("HOST", "127.0.0.1"), env.get("PORT", "8000")
    env.setdefault("TIERLINE_BASE_URL", f"http://{host}:{port}")
    (BASE_DIR / ".tierline").mkdir(exist_ok=True)

    data_dir = Path(env.get("TIERLINE_PGDATA", localdb.RUN_DATA_DIR))
    embedded = not env.get("DATABASE_URL")
    server = None
    if embedded:
        print(f"Starting the embedded PostgreSQL server (data in {data_dir})", flush=True)
        server = localdb.run_attached(data_dir)
        env["DATABASE_URL"] = localdb.running_url(data_dir)
    try:
        steps = [sys.executable, "manage.py", "startup"]
        if args.dev:
            steps.append("--no-static")
        if args.no_seed:
            steps.append("--no-seed")
        subprocess.run(steps, cwd=BASE_DIR, check=True)
        print(f"Starting web, worker and beat: open http://{host}:{port}  "
              "(Ctrl-C stops everything)", flush=True)
        from honcho.manager import Manager

        manager = Manager()
        for name, command in _processes(args.dev, host, port).items():
            manager.add_process(name, command, cwd=str(BASE_DIR), env=dict(env))
        manager.loop()
        return manager.returncode or 0
    except subprocess.CalledProcessError as exc:
        return exc.returncode
    except KeyboardInterrupt:
        return 130
    finally:
        if embedded:
            # Last, once web, worker and beat are gone (the worker hands unfinished tasks back).
            if server is not None:
                localdb.stop_attached(server)
            localdb.stop(data_dir)  # also one restarted meanwhile by hand (pg_ctl)
            print("Stopped the embedded PostgreSQL server.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
