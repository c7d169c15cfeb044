from datetime import timedelta

import pytest
from django.utils import timezone

from holdcheck.jobs import ask_hold_checks
from holdcheck.models import HoldCheck
from ideas import services
from ideas.models import Idea


def done_item(org, *, days_ago: int = 31, owner=None, team=None, title="Label the bins",
              is_private: bool = False, category: str = "cost") -> Idea:
    """An item done ``days_ago`` days ago through the services (owner: the line member)."""
    team = team or org.line1
    owner = owner if owner is not None else org.member
    idea = services.idea_create(actor=org.member if team == org.line1 else org.other, team=team,
                                title=title, category=category, owner=owner,
                                is_private=is_private)
    lead = org.lead if team == org.line1 else org.admin
    services.idea_transition(idea_id=idea.pk, to="in_progress", actor=lead)
    services.idea_transition(idea_id=idea.pk, to="done", actor=lead,
                             learning="Labels save a minute a bin, every shift.")
    Idea.objects.filter(pk=idea.pk).update(done_at=timezone.now() - timedelta(days=days_ago))
    idea.refresh_from_db()
    return idea


def asked(idea) -> HoldCheck:
    ask_hold_checks()
    return HoldCheck.objects.get(idea=idea, done_at=idea.done_at)


@pytest.fixture
def make_done():
    return done_item
