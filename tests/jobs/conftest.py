"""Helpers for the job tests: items and escalations built straight in the database with the
exact timestamps each case needs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Escalation
from org.models import Notification
from tests.factories import IdeaFactory
from tests.scorecards.conftest import world  # noqa: F401  (the hand-built month, shared)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def item(org, now):
    """``item(team, idle_days, **fields)``: an item whose last activity was ``idle_days`` ago."""

    def _make(team=None, idle_days=0.0, **fields):
        last = now - timedelta(days=idle_days)
        fields.setdefault("reporter", org.member)
        fields.setdefault("created_at", last)
        idea = IdeaFactory(team=team or org.line1, last_activity_at=last,
                           status_changed_at=last, **fields)
        if "created_at" in fields:  # auto_now_add ignores the value given on create
            type(idea).objects.filter(pk=idea.pk).update(created_at=fields["created_at"])
            idea.refresh_from_db()
        return idea

    return _make


@pytest.fixture
def escalation(org, now):
    """``escalation(idea, to_team, raised_hours_ago, ack_hours, resolve_hours, **fields)``."""

    def _make(idea, to_team, *, raised_hours_ago: float, ack_hours: float = 8,
              resolve_hours: float = 48, from_team=None, **fields):
        raised = now - timedelta(hours=raised_hours_ago)
        return Escalation.objects.create(
            idea=idea, from_team=from_team or idea.team, to_team=to_team, reason="resources",
            ask="Need a hand", raised_by=org.lead, raised_at=raised,
            due_ack_at=raised + timedelta(hours=ack_hours),
            due_resolve_at=raised + timedelta(hours=resolve_hours), **fields)

    return _make


def notes(verb: str | None = None):
    """(recipient username, event key) of every notification, sorted."""
    qs = Notification.objects.all()
    if verb:
        qs = qs.filter(verb=verb)
    return sorted(qs.values_list("recipient__username", "event_key"))
