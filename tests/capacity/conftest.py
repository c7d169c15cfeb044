"""Fixtures of the capacity tests: an item logged through the ideas service."""

import pytest

from ideas import services


@pytest.fixture
def make_idea(org):
    """``make_idea(**fields)`` logs an item through the service (member on Line 1 by default)."""

    def _make(**kw):
        kw.setdefault("title", "Torque gun keeps slipping")
        kw.setdefault("category", "quality")
        return services.idea_create(actor=kw.pop("actor", org.member),
                                    team=kw.pop("team", org.line1), **kw)

    return _make
