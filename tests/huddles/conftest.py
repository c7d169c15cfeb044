"""Helpers for the huddles tests: cards on boards, display links."""

from datetime import timedelta

import pytest
from django.utils import timezone

from huddles import services
from ideas.models import Idea
from tests.factories import IdeaFactory


@pytest.fixture
def card(org):
    """``card(team=…, **fields)``: an idea straight in the database (default: a new item of
    Line 1 reported by its member)."""

    def _make(team=None, **fields):
        fields.setdefault("reporter", org.member)
        return IdeaFactory(team=team or org.line1, **fields)

    return _make


@pytest.fixture
def cards(org):
    """``cards(n, team=…)``: n items spread over every board column, in one bulk insert."""

    def _make(n, team=None, **fields):
        team = team or org.line1
        now = timezone.now()
        statuses = ["new", "in_progress", "done"]
        rows = []
        for i in range(n):
            status = statuses[i % 3]
            rows.append(Idea(
                title=f"Item {i}", team=team, reporter=org.member,
                owner=org.lead if i % 2 else None, category=["safety", "quality", "cost"][i % 3],
                kind="idea" if i % 4 == 0 else "problem", status=status,
                is_private=(i % 5 == 0), required_spend=100 if i % 7 == 0 else None,
                last_activity_at=now, status_changed_at=now,
                done_at=now - timedelta(days=1) if status == "done" else None,
                started_at=now if status != "new" else None, **fields))
        return Idea.objects.bulk_create(rows)

    return _make


@pytest.fixture
def display_link(org):
    """``display_link(team=…)`` -> (link, key) made by the team's lead."""

    def _make(team=None, actor=None, **kw):
        kw.setdefault("label", "Hall TV")
        return services.display_link_create(team=team or org.line1, actor=actor or org.lead,
                                            **kw)

    return _make
