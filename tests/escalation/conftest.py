"""Escalation test helpers: ideas logged through the services, escalations raised through them,
and a quick way to build many escalations straight in the database (query-count tests)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from escalation import services
from escalation.models import Escalation, RoutingRule
from ideas import services as idea_services
from tests.factories import IdeaFactory

# What an escalation reaching the top tier must carry besides the reason and the ask.
STRUCTURED = {"options": "A: lease a second truck. B: move the shift start. C: do nothing.",
              "recommendation": "A: it removes the wait at shift start."}


@pytest.fixture
def make_idea(org):
    """``make_idea(team=…, actor=…, **fields)``: an item logged through the ideas service."""

    def _make(*, team=None, actor=None, **fields):
        fields.setdefault("title", "Guard missing on press 4")
        fields.setdefault("category", "quality")
        return idea_services.idea_create(actor=actor or org.member, team=team or org.line1,
                                         **fields)

    return _make


@pytest.fixture
def raise_(org):
    """``raise_(idea, actor=…, reason=…, ask=…, requested_spend=…)``."""

    def _raise(idea, *, actor=None, reason="resources", ask="Need a hand", **kw):
        return services.escalation_raise(idea_id=idea.pk, actor=actor or org.member,
                                         reason=reason, ask=ask, **kw)

    return _raise


@pytest.fixture
def spend_rule(db):
    return RoutingRule.objects.create(order=20, kind=RoutingRule.Kind.SPEND)


def build_escalations(org, n: int, *, to_team=None, from_team=None, states=None):
    """``n`` escalations straight in the database, one per idea, with chains every 5th."""
    to_team = to_team or org.plant
    from_team = from_team or org.sup
    states = states or ["open", "acknowledged"]
    now = timezone.now()
    made = []
    for i in range(n):
        idea = IdeaFactory(team=from_team, reporter=org.supervisor, title=f"Item {i}",
                           is_private=(i % 3 == 0))
        idea.shared_with_teams.add(from_team, to_team)
        state = states[i % len(states)]
        parent = None
        if i % 5 == 0:
            parent = Escalation.objects.create(
                idea=idea, from_team=org.line1, to_team=from_team, reason="resources",
                ask="first level", raised_by=org.lead, raised_at=now - timedelta(days=3),
                due_ack_at=now, due_resolve_at=now, state="escalated", resolved_at=now,
                resolved_by=org.supervisor)
        closed = state not in ("open", "acknowledged")
        made.append(Escalation.objects.create(
            idea=idea, parent=parent, from_team=from_team, to_team=to_team,
            reason="authority", ask=f"Ask {i}", requested_spend=Decimal("1000") * i,
            raised_by=org.supervisor, raised_at=now - timedelta(hours=i),
            due_ack_at=now + timedelta(hours=10 - i), due_resolve_at=now + timedelta(days=2),
            state=state, acknowledged_at=now if state != "open" else None,
            acknowledged_by=org.manager if state != "open" else None,
            resolved_at=now if closed else None, resolved_by=org.manager if closed else None,
            decision="Decided" if state in ("resolved", "returned") else "",
            stalled_at=now if i % 7 == 0 else None))
    return made
