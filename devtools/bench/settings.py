"""`make bench` serves Tierline with these settings: exactly `make run`'s
(config.settings.local), plus the bare view that is the floor every page is compared with
(devtools/bench/urls.py). Never used outside the benchmark."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "devtools.bench.urls"
