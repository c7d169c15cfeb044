"""The demo escalations: every state, across tiers, chains, overdue and stalled ones,
consistent with the items' waiting state; idempotent and fast."""


import pytest
from django.db.models import Count, Q
from django.utils import timezone

from devtools.demo import escalation as demo
from devtools.demo import org as org_demo
from escalation.models import ConflictView, Escalation, RoutingRule
from escalation.selectors import overdue_q
from ideas.models import Idea

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_is_idempotent(django_capture_on_commit_callbacks):
    context = org_demo.seed()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(context)
    states = set(Escalation.objects.values_list("state", flat=True))
    assert states == {"open", "acknowledged", "resolved", "returned", "escalated"}
    assert set(Escalation.objects.values_list("to_team__tier__level", flat=True)) == {2, 3, 4}
    assert Escalation.objects.filter(parent__parent__isnull=False).exists()  # a 3-level chain
    assert Escalation.objects.filter(overdue_q()).count() >= 2
    assert Escalation.objects.filter(stalled_at__isnull=False).count() == 2
    assert RoutingRule.objects.count() == 3
    # the items wait exactly on the team holding their active escalation
    for esc in Escalation.objects.filter(state__in=["open", "acknowledged"]):
        assert esc.idea.waiting_on_team_id == esc.to_team_id
        assert esc.raised_at < timezone.now()
    decided = Idea.objects.annotate(n=Count("escalations")).filter(
        n__gt=0, waiting_on_team__isnull=True)
    assert decided.exists() and all(i.decision_note for i in decided)
    started_item = Idea.objects.get(title="Conveyor belt on line 1 is worn through")
    assert started_item.status == "in_progress"
    # the executive layer's rules: every escalation at the top tier is structured …
    top = Escalation.objects.filter(to_team__tier__level=4)
    assert top.count() >= 3 and not top.filter(Q(options="") | Q(recommendation="")).exists()
    assert top.filter(state="returned").exists() and top.filter(state="resolved").exists()
    # … and cross-team conflicts went to the two teams' lowest common ancestor, with views
    teams = context["teams"]
    torque = Escalation.objects.get(idea__title="Torque tools leave with the other shift's line")
    assert (torque.to_team, torque.other_team) == (teams["assembly-supervisors"],
                                                   teams["line-2-day"])
    assert torque.state == "resolved"
    assert set(ConflictView.objects.filter(escalation=torque).values_list("team__slug", flat=True)
               ) == {"line-1-day", "line-2-day"}
    lane = Escalation.objects.get(idea__title="Warehouse pallets block our outfeed lane")
    assert lane.to_team == teams["packaging-supervisors"] and lane.state == "acknowledged"
    assert ConflictView.objects.filter(escalation=lane).count() == 2
    assert teams["warehouse"] in lane.idea.shared_with_teams.all()
    snapshot = sorted(Escalation.objects.values_list("pk", "state", "raised_at"))
    views = sorted(ConflictView.objects.values_list("pk", "text", "updated_at"))
    demo.seed(context)
    assert sorted(Escalation.objects.values_list("pk", "state", "raised_at")) == snapshot
    assert sorted(ConflictView.objects.values_list("pk", "text", "updated_at")) == views
    assert RoutingRule.objects.count() == 3

