"""Experiments: bad inputs, who manages them, the evidence a done item needs, and the evidence
figures (a decided experiment, or KPI readings before and after the change)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError, Forbidden
from experiments import services as svc
from experiments.models import Experiment
from ideas.models import Idea
from ideas.services import idea_transition
from strategy.models import Priority
from tests.factories import IdeaFactory
from tests.strategy.conftest import link

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _exp(idea, actor, **kw):
    data = dict(hypothesis="We believe a shadow board will cut search time",
                signal="minutes searching", start=today() - timedelta(days=5))
    data.update(kw)
    return svc.experiment_create(idea_id=idea.pk, actor=actor, **data)


def test_experiment_bad_inputs(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    with pytest.raises(DomainError) as exc:
        _exp(idea, org.lead, end=today() - timedelta(days=6))
    assert exc.value.field == "end" and "ends before it starts" in exc.value.message
    with pytest.raises(DomainError) as exc:
        _exp(idea, org.lead, hypothesis="  ")
    assert exc.value.field == "hypothesis"
    exp = _exp(idea, org.lead)
    with pytest.raises(DomainError) as exc:
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="adopt")
    assert exc.value.code == "evidence_required"
    with pytest.raises(DomainError) as exc:
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="abandon",
                              evidence="No change in 4 weeks")
    assert exc.value.field == "learning"
    with pytest.raises(DomainError):
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="maybe",
                              evidence="x")
    exp.refresh_from_db()
    assert exp.decision == "" and exp.evidence == ""  # nothing half-saved


def test_experiment_permissions(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    with pytest.raises(Forbidden):
        _exp(idea, org.other)  # line2 member: sees it, may not edit it
    private = IdeaFactory(team=org.line1, reporter=org.member, is_private=True)
    from django.http import Http404
    with pytest.raises(Http404):
        _exp(private, org.other)
    exp = _exp(idea, org.lead)
    with pytest.raises(Forbidden):
        svc.experiment_decide(experiment_id=exp.pk, actor=org.executive, decision="adopt",
                              evidence="x")


def test_done_needs_evidence_then_decision_counts(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    exp = _exp(idea, org.lead)
    with pytest.raises(DomainError) as exc:
        idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning="We learned x")
    assert exc.value.code == "experiment_without_evidence"
    assert "evidence" in exc.value.message
    assert Idea.objects.get(pk=idea.pk).status == "in_progress"
    svc.experiment_update(experiment_id=exp.pk, actor=org.lead, evidence="14 → 3 min")
    idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning="We learned x")
    assert Idea.objects.get(pk=idea.pk).status == "done"
    # an abandoned experiment with learning is learning, not failure
    exp = svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="abandon",
                                learning="The cause is upstream")
    assert exp.decision == "abandon" and exp.decided_at
    from experiments.selectors import decided_experiments
    assert [e.pk for e in decided_experiments(org.member)] == [exp.pk]


def test_evidence_q_and_kpi_movement_exact(org, strat, reading):
    from experiments.selectors import evidence_q, idea_evidence

    now = timezone.now()
    done_day = today() - timedelta(days=10)
    stamp = timezone.make_aware(timezone.datetime.combine(done_day, timezone.datetime.min.time()
                                                          .replace(hour=12)))
    moved = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=stamp)
    one_side = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=stamp)
    decided = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=now)
    nothing = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=now)
    IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    link(strat.priority, moved)
    reading("4.0", done_day - timedelta(days=20))
    reading("3.1", done_day + timedelta(days=5))
    other_kpi = strat.kpi.__class__.objects.create(
        priority=Priority.objects.create(goal=strat.goal, title="Other", why_now="w",
                                         owner_team=org.plant, start=strat.priority.start,
                                         end=strat.priority.end),
        name="Only before", baseline=1, target=2, direction="up", owner_team=org.sup)
    reading("1.0", done_day - timedelta(days=3), kpi=other_kpi)
    link(other_kpi.priority, one_side)
    Experiment.objects.create(idea=decided, hypothesis="h", signal="s", start=today(),
                              evidence="e", decision="adopt")
    Experiment.objects.create(idea=nothing, hypothesis="h", signal="s", start=today())
    ids = set(Idea.objects.filter(evidence_q()).values_list("pk", flat=True))
    assert ids == {moved.pk, decided.pk}
    panel = idea_evidence(moved)
    (movement,) = panel["movements"]
    assert movement.before.value == Decimal("4.0") and movement.after.value == Decimal("3.1")
    assert movement.delta == Decimal("-0.9") and movement.improved is True  # lower is better
    assert panel["has_evidence"]
    assert not idea_evidence(one_side)["has_evidence"]
    assert nothing.pk not in ids
