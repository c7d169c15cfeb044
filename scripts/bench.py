"""`make bench`: runs every app's benchmarks and prints one table.

Each area may have a module in ``devtools/bench/`` with ``run() -> list[tuple[str, str, str]]`` rows of
(benchmark, figure, note). Benchmarks build their own data in a scratch PostgreSQL database
(the test database settings), emptied before each app's turn, and drop it afterwards.
"""

import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

APPS = ["org", "ideas", "huddles", "escalation", "strategy", "scorecards"]


def main() -> int:
    only = set(sys.argv[1:])
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
    if not rows:
        print("No benchmarks yet.")
        return 0
    widths = [max(len(str(r[i])) for r in rows + [("benchmark", "figure", "note")])
              for i in range(3)]
    header = ("benchmark", "figure", "note")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
