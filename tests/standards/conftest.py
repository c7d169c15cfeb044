"""Fixtures of the standards tests: the Centre of Excellence's lead and a standard of theirs."""

from tests.strategy.conftest import coe, standard  # noqa: F401 - fixtures used here
