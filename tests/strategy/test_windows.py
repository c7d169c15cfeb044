"""The change-window rule: changes are free until the first planning window, free inside one,
and outside need a cause (recorded, told, counted as churn); what a window must be."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, Forbidden
from org.models import Notification
from strategy import services
from strategy import windows as svc
from strategy.models import PlanningWindow, Priority, StrategyChange
from tests.strategy.conftest import make_deployment

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _window(start, end, name="Q planning"):
    return PlanningWindow.objects.create(name=name, start=start, end=end)


def test_changes_are_free_until_the_first_window(org, strat):
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive, title="New")
    change = StrategyChange.objects.get()
    assert change.outside_window is False and change.fields == ["title"]


def test_change_inside_a_window_is_free(org, strat):
    _window(today() - timedelta(days=2), today() + timedelta(days=5))
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             why_now="Because")
    assert StrategyChange.objects.get().outside_window is False


def test_change_outside_a_window_needs_a_cause_and_counts_as_churn(
        org, strat, django_capture_on_commit_callbacks):
    from strategy.figures import churn_by_cycle, stability

    _window(today() - timedelta(days=60), today() - timedelta(days=47))
    _window(today() + timedelta(days=30), today() + timedelta(days=40), name="Next")
    make_deployment(strat.priority, org.sup, by=org.executive)
    with pytest.raises(DomainError) as exc:
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 title="Changed mid-cycle")
    assert exc.value.field == "cause" and exc.value.code == "cause_required"
    assert "next window opens" in exc.value.message
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    assert not StrategyChange.objects.exists()
    # saving the same values is no change at all
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             title="Cut scrap")
    assert not StrategyChange.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 title="Changed mid-cycle", cause="Customer audit moved")
    change = StrategyChange.objects.get()
    assert change.outside_window and change.cause == "Customer audit moved"
    assert change.fields == ["title"]
    told = set(Notification.objects.filter(verb="strategy_changed_outside_window")
               .values_list("recipient_id", flat=True))
    assert told == {org.manager.pk, org.supervisor.pk}  # owner (plant) + deployed (sup) leads
    history = Priority.objects.get(pk=strat.priority.pk).history.first()
    assert history.history_change_reason == "Customer audit moved"
    figures = stability(start=today() - timedelta(days=1), end=today())
    assert figures["changes"] == 1 and figures["churn"] == 1 and figures["priority_churn"] == 1
    assert churn_by_cycle(cycles=2)[-1]["churn"] == 1
    # constraints follow the same rule
    with pytest.raises(DomainError):
        services.constraint_create(actor=org.executive, statement="No overtime",
                                   start=today())
    constraint = services.constraint_create(actor=org.executive, statement="No overtime",
                                            start=today(), cause="Budget cut")
    with pytest.raises(DomainError):
        services.constraint_lift(constraint_id=constraint.pk, actor=org.executive)
    services.constraint_lift(constraint_id=constraint.pk, actor=org.executive, cause="Lifted")
    assert stability(start=today(), end=today())["constraint_churn"] == 2


def test_planning_window_bad_inputs(org):
    with pytest.raises(Forbidden):
        svc.window_create(actor=org.executive, name="Q1", start=today(), end=today())
    with pytest.raises(DomainError):
        svc.window_create(actor=org.admin, name="Q1", start=today(),
                          end=today() - timedelta(days=1))
    svc.window_create(actor=org.admin, name="Q1", start=today(), end=today() + timedelta(days=13))
    with pytest.raises(DomainError) as exc:
        svc.window_create(actor=org.admin, name="Q1b", start=today() + timedelta(days=3),
                          end=today() + timedelta(days=20))
    assert exc.value.code == "overlap"
