"""Figures about the strategy itself: a priority's resources (allocated vs used), clarity and
constraint coverage, exactly."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import TimeEntry
from core.errors import DomainError
from strategy import services
from strategy.models import Priority
from tests.factories import IdeaFactory
from tests.strategy.conftest import link

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_priority_resources_exact(org, strat):
    from strategy.figures import priority_resources

    Priority.objects.filter(pk=strat.priority.pk).update(allocated_hours=Decimal("40"),
                                                         allocated_budget=Decimal("1000"))
    p = Priority.objects.get(pk=strat.priority.pk)
    a = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress",
                    required_spend=Decimal("300"))
    b = IdeaFactory(team=org.line1, reporter=org.member, status="new",
                    required_spend=Decimal("900"))  # not approved: not spent
    c = IdeaFactory(team=org.line2, reporter=org.other, status="done",
                    required_spend=Decimal("200"))
    for idea in (a, b, c):
        link(p, idea)
    unlinked = IdeaFactory(team=org.line1, reporter=org.member)
    for idea, hours, day in ((a, "2.5", today()), (c, "4", today()), (unlinked, "8", today()),
                             (a, "3", p.start - timedelta(days=1))):
        TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=day,
                                 hours=Decimal(hours))
    r = priority_resources([p])[p.pk]
    assert r["used_hours"] == Decimal("6.5")
    assert r["used_budget"] == Decimal("500")
    assert r["hours_share"] == round(6.5 / 40, 4) and r["budget_share"] == 0.5


def test_priority_resource_bad_inputs(org, strat):
    with pytest.raises(DomainError) as exc:
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 allocated_hours=-5)
    assert exc.value.field == "allocated_hours"
    with pytest.raises(DomainError):
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 allocated_budget="lots")


def test_clarity_and_constraint_coverage_exact(org, strat, constraint):
    from strategy.figures import clarity, constraint_coverage

    Priority.objects.filter(pk=strat.priority.pk).update(success_criteria="Scrap ≤ 2.5%")
    Priority.objects.create(goal=strat.goal, title="Vague", why_now="Because",
                            owner_team=org.plant, start=strat.priority.start,
                            end=strat.priority.end)  # no criteria, no KPI
    Priority.objects.create(goal=strat.goal, title="Closed", why_now="w", owner_team=org.plant,
                            start=strat.priority.start, end=strat.priority.end,
                            status="closed", success_criteria="x")
    figures = clarity()
    assert figures["total"] == 2 and figures["clear"] == 1 and figures["share"] == 0.5
    assert figures["with_kpis"] == 1 and figures["with_criteria"] == 1
    assert constraint_coverage()["covered"] == 0
    constraint(team=org.sup)  # sup, line1, line2
    constraint(team=org.line1)
    constraint(team=org.maint, start=today() - timedelta(days=30),
               end=today() - timedelta(days=1))  # over
    cov = constraint_coverage()
    assert (cov["teams"], cov["covered"], cov["share"]) == (7, 3, round(3 / 7, 4))
    constraint()  # organisation-wide
    assert constraint_coverage()["covered"] == 7
