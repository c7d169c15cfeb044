"""Fixtures of the review tests: the small strategy deployment a review looks at, and the CoE
lead (a user who holds no review)."""

from tests.strategy.conftest import coe, reading, strat  # noqa: F401 - fixtures used here
