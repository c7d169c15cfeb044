"""Fixtures of the systemic-issue tests: an item and an issue made through their services."""

import pytest

from ideas import services
from systemic import services as svc


@pytest.fixture
def make_idea(org):
    """``make_idea(**fields)`` logs an item through the service (member on Line 1 by default)."""

    def _make(**kw):
        kw.setdefault("title", "Torque gun keeps slipping")
        kw.setdefault("category", "quality")
        return services.idea_create(actor=kw.pop("actor", org.member),
                                    team=kw.pop("team", org.line1), **kw)

    return _make


@pytest.fixture
def issue(org):
    """A systemic issue owned by Supervisors (tier 2, led by ``supervisor``): escalating it goes
    to Plant."""
    return svc.systemic_issue_create(
        actor=org.supervisor, title="Brackets run short at the line side",
        statement="Lines stop waiting for brackets.", category="delivery", owner_team=org.sup)
