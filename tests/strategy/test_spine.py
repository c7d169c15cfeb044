"""The spine: executives reach front-line teams through their managers, not two tiers down."""

import pytest

from core.errors import Forbidden
from ideas.models import Idea
from ideas.services import idea_assign, idea_create
from tests.factories import IdeaFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_spine_refuses_an_executive_two_tiers_down(org):
    with pytest.raises(Forbidden) as exc:
        idea_create(actor=org.executive, team=org.line1, title="Fix the jig", category="quality")
    assert exc.value.code == "spine" and "Plant" in exc.value.message
    assert "through their managers" in exc.value.message
    with pytest.raises(Forbidden):
        idea_create(actor=org.executive, team=org.sup, title="Fix", category="quality")
    assert not Idea.objects.exists()
    # one tier below is the executive's own reach; the managers turn it into work below
    assert idea_create(actor=org.executive, team=org.plant, title="Plan", category="cost")
    assert idea_create(actor=org.manager, team=org.line1, title="Fix", category="quality")
    assert idea_create(actor=org.admin, team=org.line1, title="Fix", category="quality")
    # an executive who also sits in the supervisors' team acts there in that role
    MembershipFactory(user=org.executive, team=org.sup)
    org.executive.__dict__.pop("_tierline_team_ids", None)
    fresh = type(org.executive).objects.get(pk=org.executive.pk)
    assert idea_create(actor=fresh, team=org.line1, title="Fix 2", category="quality")


def test_spine_refuses_assigning_two_tiers_down(org):
    boss = UserFactory(is_staff=True)  # an admin who is also an executive
    MembershipFactory(user=boss, team=org.exec)
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    with pytest.raises(Forbidden) as exc:
        idea_assign(idea_id=idea.pk, owner=org.member, actor=boss)
    assert exc.value.code == "spine"
    assert Idea.objects.get(pk=idea.pk).owner_id is None
    idea_assign(idea_id=idea.pk, owner=org.member, actor=org.lead)
