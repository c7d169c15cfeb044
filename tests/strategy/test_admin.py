"""The Django admin for strategy: pages load, and saves obey the services' rules."""

from datetime import date

import pytest

from strategy.models import Constraint, Priority

pytestmark = pytest.mark.django_db


def test_admin_pages_load(org, strat, client_as):
    client = client_as(org.admin)
    for model in ("objective", "annualgoal", "priority", "kpi", "constraint", "deployment"):
        assert client.get(f"/admin/strategy/{model}/").status_code == 200, model
    assert client.get(f"/admin/strategy/priority/{strat.priority.pk}/change/").status_code == 200


def test_admin_constraint_rules(org, client_as):
    client = client_as(org.admin)
    org.maint.active = False
    org.maint.save()
    r = client.post("/admin/strategy/constraint/add/", {
        "statement": "Freeze", "detail": "", "team": org.maint.pk, "start": "2026-01-01",
        "end": ""})
    assert r.status_code == 200 and "active team" in r.content.decode()
    r = client.post("/admin/strategy/constraint/add/", {
        "statement": "No new headcount", "detail": "", "team": "", "start": "2026-01-01",
        "end": ""})
    assert r.status_code == 302
    assert Constraint.objects.get().set_by == org.admin


def test_admin_priority_dates(org, strat, client_as):
    r = client_as(org.admin).post(f"/admin/strategy/priority/{strat.priority.pk}/change/", {
        "goal": strat.goal.pk, "title": "Cut scrap", "why_now": "Because",
        "owner_team": org.plant.pk, "start": "2026-06-01", "end": "2026-05-01"})
    assert r.status_code == 200 and "ends before it starts" in r.content.decode()
    assert Priority.objects.get().end != date(2026, 5, 1)
