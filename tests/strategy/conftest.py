"""Strategy fixtures: a small deployment on top of the shared organisation."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from org.models import Membership
from standards.models import CentreOfExcellence, Standard, StandardVersion
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
from tests.factories import TeamFactory, UserFactory


@dataclass
class Strat:
    objective: Objective
    goal: AnnualGoal
    priority: Priority
    kpi: KPI
    today: date


def make_priority(goal, team, *, title="Cut scrap", start=None, end=None, status="active",
                  closed_on=None, why_now="Scrap doubled since the new supplier.",
                  success_criteria=""):
    today = timezone.localdate()
    return Priority.objects.create(
        goal=goal, title=title, why_now=why_now, owner_team=team,
        start=start or date(today.year, 1, 1), end=end or date(today.year, 12, 31),
        status=status, closed_on=closed_on, success_criteria=success_criteria)


def make_kpi(priority, team, *, name="Scrap rate", baseline="4.0", target="2.5",
             direction="down", unit="%"):
    return KPI.objects.create(priority=priority, name=name, unit=unit, baseline=Decimal(baseline),
                              target=Decimal(target), direction=direction, owner_team=team)


def make_deployment(priority, team, *, state="proposed", by=None, parent=None):
    d = Deployment.objects.create(priority=priority, team=team, state=state, proposed_by=by,
                                  proposed_at=timezone.now(), parent=parent)
    DeploymentComment.objects.create(deployment=d, author=by, kind="propose", text="Please")
    return d


def link(priority, idea, by=None):
    return PriorityLink.objects.create(priority=priority, idea=idea, linked_by=by)


@pytest.fixture
def strat(org) -> Strat:
    today = timezone.localdate()
    objective = Objective.objects.create(title="Most reliable supplier", horizon_year=today.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=today.year,
                                     title="On-time delivery 98%")
    # Clear enough to deploy (strategy.clarity): success criteria, a KPI, an owner, a why-now.
    priority = make_priority(goal, org.plant, success_criteria="Scrap at 2.5% for a quarter")
    kpi = make_kpi(priority, org.sup)
    return Strat(objective, goal, priority, kpi, today)


@pytest.fixture
def reading(strat):
    def _make(value, day=None, kpi=None):
        return KPIReading.objects.create(kpi=kpi or strat.kpi, value=Decimal(str(value)),
                                         date=day or strat.today)
    return _make


@pytest.fixture
def constraint(org):
    def _make(statement="No new headcount", team=None, start=None, end=None):
        return Constraint.objects.create(statement=statement, team=team,
                                         start=start or timezone.localdate() - timedelta(days=10),
                                         end=end)
    return _make


@pytest.fixture
def coe(org):
    """Olga, lead of the Centre of Excellence (a team under the executive team)."""
    team = TeamFactory(name="CoE", slug="coe", tier=org.tiers[3], parent=org.exec)
    CentreOfExcellence.objects.create(team=team)
    olga = UserFactory(username="olga")
    Membership.objects.create(user=olga, team=team, role="lead")
    return olga


@pytest.fixture
def standard(coe):
    """A standard of the CoE with its first version."""
    s = Standard.objects.create(title="Safety walk", owner_team=coe.memberships.get().team,
                                owner=coe, review_date=timezone.localdate())
    StandardVersion.objects.create(standard=s, number=1, body="1. Walk the aisles")
    return s
