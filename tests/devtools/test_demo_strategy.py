"""The strategy demo data: what the issue asks for, idempotent and fast."""

import random
from datetime import date

import pytest
from django.db.models import Count

from devtools.demo import org as org_demo
from devtools.demo import strategy as demo
from ideas.models import Idea
from strategy.models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
)

pytestmark = pytest.mark.django_db


def _context():
    context = org_demo.seed()
    context.setdefault("rng", random.Random(1))
    try:
        from devtools.demo import ideas as ideas_demo
    except ImportError:  # pragma: no cover - ideas demo not built yet
        ideas_demo = None
    if ideas_demo is not None:
        ideas_demo.seed(context)
    return context


def _counts():
    return [m.objects.count() for m in (Objective, AnnualGoal, Priority, KPI, KPIReading,
                                        Constraint, Deployment, DeploymentComment,
                                        PriorityLink)]


def test_demo_seeds_a_realistic_strategy_idempotently():
    context = _context()
    demo.seed(context)
    assert (Objective.objects.count(), AnnualGoal.objects.count()) == (3, 6)
    assert 8 <= Priority.objects.count() <= 12
    assert Priority.objects.filter(status="closed").exists()
    per_kpi = KPIReading.objects.values("kpi").annotate(n=Count("pk"))
    assert {row["n"] for row in per_kpi} == {12}
    assert KPI.objects.count() == per_kpi.count() >= 10
    states = set(Deployment.objects.values_list("state", flat=True))
    assert states == {"proposed", "accepted", "countered"}
    assert Deployment.objects.filter(round=2, state="proposed").exists()  # revised
    assert DeploymentComment.objects.filter(kind="counter").exists()
    # The spine: from the top one hop down, then cascaded hop by hop from accepted ones.
    root = Deployment.objects.filter(parent__isnull=True).select_related("team__parent")
    assert {d.team.parent.parent_id for d in root} == {None}
    for d in Deployment.objects.filter(parent__isnull=False).select_related("team", "parent"):
        assert d.team.parent_id == d.parent.team_id and d.parent.state == "accepted"
        assert d.proposed_by.memberships.filter(team_id=d.parent.team_id, role="lead").exists()
    assert Deployment.objects.filter(parent__parent__isnull=False).exists()  # two hops down
    from strategy.clarity import clarity_gaps
    for priority in Priority.objects.filter(deployments__isnull=False).distinct():
        assert clarity_gaps(priority) == {}, priority
    assert Priority.objects.filter(deployments__isnull=True, status="active").exists()
    assert Priority.objects.filter(review_by__lt=date.today()).exists()
    assert Constraint.objects.filter(review_by__lt=date.today()).exists()
    assert Constraint.objects.filter(team__isnull=True).exists()
    assert Constraint.objects.filter(team__isnull=False).exists()
    ideas = Idea.objects.count()
    if ideas:
        linked = Idea.objects.filter(priority_links__isnull=False).distinct().count()
        assert 0.4 <= linked / ideas <= 0.6
    before = _counts()
    demo.seed(context)
    assert _counts() == before
