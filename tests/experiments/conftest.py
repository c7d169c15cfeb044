"""Fixtures of the experiments tests: the small strategy deployment they measure against."""

from tests.strategy.conftest import reading, strat  # noqa: F401 - fixtures used here
