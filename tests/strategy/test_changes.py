"""Planning windows and the change history on the pages: who sees /strategy/changes/ and who
adds a window, a priority's criteria, resources and changes, and the cause asked outside a
window (page and admin)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from strategy.models import PlanningWindow, Priority, StrategyChange
from tests.factories import IdeaFactory
from tests.strategy.conftest import link

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _status(client, method, url, data=None):
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


def test_permission_matrix(org, client_as):
    """roles × pages → status (executives, leads and admins read the change history; admins
    add planning windows)."""
    rows = [
        ("get", reverse("strategy:changes"), None,
         {"member": 403, "lead": 200, "executive": 200, "admin": 200}),
        ("post", reverse("strategy:changes"),
         {"name": "Q", "start": today().isoformat(), "end": today().isoformat()},
         {"executive": 403, "admin": 302}),
    ]
    users = {"member": org.member, "lead": org.lead, "executive": org.executive,
             "admin": org.admin}
    for method, url, data, expected in rows:
        for role, code in expected.items():
            got = _status(client_as(users[role]), method, url, data)
            assert got == code, (method, url, role, got)
    assert PlanningWindow.objects.count() == 1


def test_priority_page_shows_criteria_resources_and_changes(org, strat, client_as):
    Priority.objects.filter(pk=strat.priority.pk).update(
        success_criteria="Scrap at 2.5% for a quarter", allocated_hours=Decimal("40"),
        allocated_budget=Decimal("1000"))
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="done",
                       required_spend=Decimal("250"))
    link(strat.priority, idea)
    from capacity.models import TimeEntry
    TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=today(),
                             hours=Decimal("5"))
    StrategyChange.objects.create(subject="priority", action="changed", priority=strat.priority,
                                  fields=["title"], outside_window=True, cause="Audit moved",
                                  actor=org.executive, at=timezone.now())
    page = client_as(org.member).get(reverse("strategy:priority", args=[strat.priority.pk]))
    html = page.content.decode()
    assert "Scrap at 2.5% for a quarter" in html
    assert 'data-testid="hours-used">5<' in html and 'data-testid="hours-allocated">40<' in html
    assert 'data-testid="budget-used">250<' in html
    assert "Audit moved" in html


def test_priority_edit_outside_a_window_asks_for_a_cause(org, strat, client_as):
    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=60),
                                  end=today() - timedelta(days=50))
    client = client_as(org.executive)
    url = reverse("strategy:priority-edit", args=[strat.priority.pk])
    data = {"goal": strat.goal.pk, "title": "Renamed", "why_now": "w",
            "owner_team": org.plant.pk, "start": strat.priority.start.isoformat(),
            "end": strat.priority.end.isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400 and "record the cause" in response.content.decode()
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    response = client.post(url, {**data, "cause": "Customer audit"})
    assert response.status_code == 302
    assert StrategyChange.objects.get().cause == "Customer audit"


def test_admin_priority_change_outside_a_window_asks_for_a_cause(org, strat, client_as):
    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=60),
                                  end=today() - timedelta(days=50))
    client = client_as(org.admin)
    url = reverse("admin:strategy_priority_change", args=[strat.priority.pk])
    data = {"goal": strat.goal.pk, "title": "Renamed in admin", "why_now": "w",
            "owner_team": org.plant.pk, "start": strat.priority.start.isoformat(),
            "end": strat.priority.end.isoformat(), "success_criteria": "",
            "allocated_hours": "", "allocated_budget": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "record the cause" in response.content.decode()
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    response = client.post(url, {**data, "cause": "Board decision"})
    assert response.status_code == 302
    assert StrategyChange.objects.get().cause == "Board decision"
    assert client.get(reverse("admin:strategy_planningwindow_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_review_changelist")).status_code == 200
