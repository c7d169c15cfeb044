"""Settings of the ASGI server the live-board tests start: the test settings, on the test
run's database (LIVE_TEST_DB_NAME), counting queries (tests/live/countingdb), Redis as the
tests use it — or, with LIVE_TEST_NO_REDIS, no Redis at all (a per-process cache), as
`make run` runs by default."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LIVE_TEST_DB_NAME"]
DATABASES["default"]["ENGINE"] = "tests.live.countingdb"
if os.environ.get("LIVE_TEST_NO_REDIS"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
