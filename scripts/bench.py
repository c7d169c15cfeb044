"""`make bench`: Tierline measured over HTTP as `make run` serves it, in one run, one table
(devtools/bench/harness.py). ``--skip-screens``, ``--skip-pages``, ``--skip-aging``,
``--skip-snapshot`` leave a part out.

``--areas [app …]`` runs the in-process benchmarks of each area instead (devtools/bench/<app>.py,
``run() -> list[tuple[str, str, str]]`` rows of (benchmark, figure, note)), in a scratch
PostgreSQL database (the test database settings) emptied before each app's turn and dropped
afterwards.
"""

import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

APPS = ["org", "ideas", "huddles", "escalation", "strategy", "scorecards"]


def areas(only: set[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import get_runner

    from devtools.bench.table import format_table

    settings.DATABASES["default"]["TEST"]["NAME"] = os.environ.get(
        "BENCH_DB_NAME", "bench_tierline")
    runner = get_runner(settings)(interactive=False, verbosity=0)
    runner.setup_test_environment()
    old = runner.setup_databases()
    rows = []
    try:
        for app in APPS:
            if only and app not in only:
                continue
            try:
                module = importlib.import_module(f"devtools.bench.{app}")
            except ModuleNotFoundError as exc:
                if exc.name != f"devtools.bench.{app}":
                    raise
                continue
            # Each app's benchmarks start from an empty database (they build their own data).
            call_command("flush", interactive=False, verbosity=0)
            start = time.perf_counter()
            rows += module.run()
            print(f"  {app}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    finally:
        connection.close()
        runner.teardown_databases(old)
        runner.teardown_test_environment()
    print(format_table(("benchmark", "figure", "note"), rows) if rows else "No benchmarks yet.")
    return 0


def main(argv: list[str]) -> int:
    if "--areas" in argv:
        return areas({a for a in argv if not a.startswith("--")})
    from devtools.bench.harness import main as harness

    return harness(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
