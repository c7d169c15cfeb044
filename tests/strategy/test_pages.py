"""Strategy pages and forms: what people see, what they may do, and constant query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from strategy.models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    KPIReading,
    Objective,
    Priority,
)
from tests.factories import IdeaFactory
from tests.queries import count_queries

from .conftest import link, make_deployment, make_kpi, make_priority

pytestmark = pytest.mark.django_db


def test_index_shows_the_tree_with_kpi_status_and_trend(org, strat, reading, client_as):
    for months_ago, value in ((3, "3.9"), (2, "3.6"), (1, "3.4"), (0, "2.4")):
        reading(value, day=strat.today - timedelta(days=30 * months_ago))
    make_deployment(strat.priority, org.line1, state="accepted", by=org.executive)
    response = client_as(org.member).get(reverse("strategy:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Most reliable supplier" in html and "On-time delivery 98%" in html
    assert "Cut scrap" in html and "Scrap doubled since the new supplier." in html
    assert 'data-testid="sparkline"' in html and "<polyline" in html
    assert "Target met" in html  # 2.4 is at or below the 2.5 target
    assert 'data-testid="xmatrix"' in html and "Line 1" in html
    assert "New priority" not in html  # members read only


def test_index_filters_and_off_track_colour(org, strat, reading, client_as):
    reading("4.5")  # worse than the baseline: off track
    closed = make_priority(strat.goal, org.plant, title="Old focus", status="closed",
                           closed_on=strat.today)
    client = client_as(org.executive)
    html = client.get(reverse("strategy:index")).content.decode()
    assert "chip-bad" in html and "Off track" in html
    assert closed.title not in html and "New priority" in html
    html = client.get(reverse("strategy:index") + "?status=closed").content.decode()
    assert closed.title in html
    assert client.get(reverse("strategy:index") + "?status=bogus&year=x").status_code == 200


def _build(org, n_priorities: int, n_ideas: int):
    objective = Objective.objects.create(title="Objective", horizon_year=2030)
    goals = [AnnualGoal.objects.create(objective=objective, year=date.today().year,
                                       title=f"Goal {i}") for i in range(3)]
    priorities = []
    ideas = [IdeaFactory(team=org.line1, reporter=org.member) for _ in range(n_ideas)]
    for i in range(n_priorities):
        p = make_priority(goals[i % 3], org.plant, title=f"Priority {i}")
        kpi = make_kpi(p, org.sup, name=f"KPI {i}")
        KPIReading.objects.bulk_create([
            KPIReading(kpi=kpi, date=date.today() - timedelta(days=30 * m), value=Decimal(m))
            for m in range(14)])
        make_deployment(p, org.line1 if i % 2 else org.sup, by=org.executive)
        priorities.append(p)
    for i, idea in enumerate(ideas):
        link(priorities[i % len(priorities)], idea)
    return priorities


def test_strategy_page_runs_a_constant_number_of_queries(org, client_as):
    client = client_as(org.executive)
    _build(org, 5, 20)
    small = count_queries(client, reverse("strategy:index"), warm=True)
    _build(org, 45, 80)  # 50 priorities, 100 linked ideas
    assert Priority.objects.count() == 50
    large = count_queries(client, reverse("strategy:index"), warm=True)
    assert small == large


def test_priority_page_runs_a_constant_number_of_queries(org, client_as):
    client = client_as(org.executive)
    p = _build(org, 1, 5)[0]
    make_kpi(p, org.sup, name="Second KPI")
    small = count_queries(client, reverse("strategy:priority", args=[p.pk]), warm=True)
    for idea in [IdeaFactory(team=org.line2, reporter=org.other) for _ in range(95)]:
        link(p, idea)
    for team in (org.line2, org.maint, org.support):
        make_deployment(p, team, by=org.executive)
    make_kpi(p, org.sup, name="Third KPI")
    assert p.ideas.count() == 100
    large = count_queries(client, reverse("strategy:priority", args=[p.pk]), warm=True)
    assert small == large


def test_priority_page_shows_everything_and_hides_private_ideas(org, strat, reading, client_as):
    reading("3.9", day=strat.today - timedelta(days=20))
    reading("3.5")
    public = IdeaFactory(team=org.line1, reporter=org.member, title="Sort the scrap bins",
                         status="done", actual_money_per_year=Decimal("1200"))
    secret = IdeaFactory(team=org.maint, reporter=org.admin, title="Secret supplier issue",
                         is_private=True)
    link(strat.priority, public)
    link(strat.priority, secret)
    make_deployment(strat.priority, org.line1, state="countered", by=org.executive)
    html = client_as(org.other).get(reverse("strategy:priority",
                                            args=[strat.priority.pk])).content.decode()
    assert "Scrap doubled since the new supplier." in html
    assert "Sort the scrap bins" in html and "Secret supplier issue" not in html
    assert 'data-testid="kpi-chart"' in html and "Countered" in html
    assert 'data-testid="linked-count">1<' in html  # the private one is not counted either
    admin_html = client_as(org.admin).get(
        reverse("strategy:priority", args=[strat.priority.pk])).content.decode()
    assert "Secret supplier issue" in admin_html


def test_missing_priority_is_404(org, client_as):
    assert client_as(org.member).get(reverse("strategy:priority", args=[999])).status_code == 404


# ---------------------------------------------------------------- forms


@pytest.mark.parametrize("name,args", [
    ("strategy:objective-new", []), ("strategy:goal-new", []), ("strategy:priority-new", []),
    ("strategy:constraint-new", []),
])
def test_non_executives_get_403_on_forms(org, strat, client_as, name, args):
    for user in (org.member, org.lead, org.manager):
        client = client_as(user)
        assert client.get(reverse(name, args=args)).status_code == 403
        assert client.post(reverse(name, args=args), {"title": "x"}).status_code == 403


def test_non_executive_editing_strategy_is_403(org, strat, client_as):
    client = client_as(org.manager)
    p = strat.priority
    urls = [reverse("strategy:priority-edit", args=[p.pk]),
            reverse("strategy:kpi-new", args=[p.pk]),
            reverse("strategy:kpi-edit", args=[strat.kpi.pk]),
            reverse("strategy:objective-edit", args=[strat.objective.pk]),
            reverse("strategy:goal-edit", args=[strat.goal.pk])]
    for url in urls:
        assert client.get(url).status_code == 403
    for url in (reverse("strategy:priority-close", args=[p.pk]),
                reverse("strategy:priority-deploy", args=[p.pk])):
        assert client.post(url, {"teams": [org.plant.pk]}).status_code == 403
    p.refresh_from_db()
    assert p.status == "active" and not p.deployments.exists()


def test_executive_creates_the_chain_through_forms(org, client_as):
    client = client_as(org.executive)
    year = date.today().year
    r = client.post(reverse("strategy:objective-new"),
                    {"title": "Zero harm", "horizon_year": year + 4})
    objective = Objective.objects.get(title="Zero harm")
    assert r.status_code == 302
    client.post(reverse("strategy:goal-new"), {"objective": objective.pk, "year": year,
                                               "title": "Halve injuries", "measure": "LTI 4 → 2"})
    goal = AnnualGoal.objects.get(title="Halve injuries")
    r = client.post(reverse("strategy:priority-new"), {
        "goal": goal.pk, "title": "Forklift traffic", "why_now": "Three near misses in May.",
        "owner_team": org.plant.pk, "start": date.today(), "end": date(year, 12, 31)})
    priority = Priority.objects.get(title="Forklift traffic")
    assert r.url == reverse("strategy:priority", args=[priority.pk])
    r = client.post(reverse("strategy:kpi-new", args=[priority.pk]), {
        "name": "Near misses", "unit": "", "direction": "down", "baseline": "3", "target": "3",
        "owner_team": org.sup.pk, "review_frequency": "weekly"}, follow=True)
    assert KPI.objects.filter(name="Near misses").exists()
    assert "hold KPI" in r.content.decode()  # baseline == target is allowed, and explained
    r = client.post(reverse("strategy:kpi-new", args=[priority.pk]), {
        "name": "Walkway compliance", "direction": "down", "baseline": "60", "target": "95",
        "owner_team": org.sup.pk, "review_frequency": "monthly"}, follow=True)
    assert KPI.objects.filter(name="Walkway compliance").exists()  # saved …
    assert "Check the direction" in r.content.decode()  # … with a warning
    # Not clear yet (no success criteria): the deploy form says what is missing …
    r = client.post(reverse("strategy:priority-deploy", args=[priority.pk]),
                    {"teams": [org.plant.pk, org.support.pk], "ask": "Mark the walkways"})
    assert r.status_code == 400 and not priority.deployments.exists()
    assert "success criteria" in r.content.decode()
    assert 'data-missing="success_criteria"' in r.content.decode()
    # … stating them outside a planning window is clarifying, not churn: no cause needed.
    r = client.post(reverse("strategy:priority-edit", args=[priority.pk]), {
        "goal": goal.pk, "title": "Forklift traffic", "why_now": "Three near misses in May.",
        "owner_team": org.plant.pk, "start": priority.start, "end": priority.end,
        "review_by": priority.review_by,
        "success_criteria": "No near miss for a quarter"})
    assert r.status_code == 302, r.content.decode()
    r = client.post(reverse("strategy:priority-deploy", args=[priority.pk]),
                    {"teams": [org.plant.pk, org.support.pk], "ask": "Mark the walkways"})
    assert r.status_code == 302
    assert set(priority.deployments.values_list("team__slug", flat=True)) == {"plant",
                                                                             "support"}
    r = client.post(reverse("strategy:constraint-new"), {
        "statement": "No new headcount", "team": "", "start": date.today()})
    assert Constraint.objects.get(statement="No new headcount").team is None


def test_bad_inputs_on_forms(org, strat, client_as):
    client = client_as(org.executive)
    r = client.post(reverse("strategy:priority-new"), {
        "goal": strat.goal.pk, "title": "Backwards", "why_now": "Because",
        "owner_team": org.plant.pk, "start": "2026-06-01", "end": "2026-05-01"})
    assert r.status_code == 400 and "ends before it starts" in r.content.decode()
    org.maint.active = False
    org.maint.save()
    r = client.post(reverse("strategy:constraint-new"), {
        "statement": "Freeze", "team": org.maint.pk, "start": date.today()})
    assert r.status_code == 400 and "Choose an active team" in r.content.decode()
    r = client.post(reverse("strategy:kpi-new", args=[strat.priority.pk]), {
        "name": "K", "direction": "up", "baseline": "lots", "target": "3",
        "owner_team": org.sup.pk, "review_frequency": "monthly"})
    assert r.status_code == 400 and "Enter a number" in r.content.decode()
    assert not Priority.objects.filter(title="Backwards").exists()
    assert not Constraint.objects.exists()


def test_reading_form(org, strat, client_as):
    client = client_as(org.supervisor)  # leads sup, which owns the KPI
    url = reverse("strategy:reading-new", args=[strat.kpi.pk])
    tomorrow = strat.today + timedelta(days=1)
    r = client.post(url, {"reading-date": tomorrow, "reading-value": "3"})
    assert r.status_code == 400 and "cannot be dated in the future" in r.content.decode()
    r = client.post(url, {"reading-date": strat.today, "reading-value": "three"})
    assert r.status_code == 400 and "Enter a number" in r.content.decode()
    r = client.post(url, {"reading-date": strat.today, "reading-value": "3.2"})
    assert r.status_code == 302 and strat.kpi.readings.get().value == Decimal("3.2")
    assert client_as(org.lead).post(url, {"reading-date": strat.today,
                                          "reading-value": "1"}).status_code == 403
    page = client_as(org.supervisor).get(reverse("strategy:kpi", args=[strat.kpi.pk]))
    assert 'data-testid="reading-form"' in page.content.decode()


# ---------------------------------------------------------------- catchball pages


def test_leads_answer_on_my_work(org, strat, client_as):
    d1 = make_deployment(strat.priority, org.line1, by=org.executive)
    d2 = make_deployment(strat.priority, org.sup, by=org.executive)
    home = client_as(org.lead).get("/").content.decode()
    assert 'data-testid="catchball-panel"' in home and "Cut scrap" in home
    assert "Scrap doubled" in home  # the why now, where the lead decides
    r = client_as(org.lead).post(reverse("strategy:deployment-answer", args=[d1.pk]),
                                 {"decision": "accept", "next": "/"})
    assert r.status_code == 302 and r.url == "/"
    r = client_as(org.lead).post(reverse("strategy:deployment-answer", args=[d2.pk]),
                                 {"decision": "accept"})
    assert r.status_code == 403  # a lead answering another team's deployment
    client = client_as(org.supervisor)
    r = client.post(reverse("strategy:deployment-answer", args=[d2.pk]),
                    {"decision": "counter", "comment": ""}, follow=True)
    assert "a counter needs a comment" in r.content.decode()
    client.post(reverse("strategy:deployment-answer", args=[d2.pk]),
                {"decision": "counter", "comment": "Only half of it this year"})
    assert Deployment.objects.get(pk=d1.pk).state == "accepted"
    assert Deployment.objects.get(pk=d2.pk).state == "countered"
    assert 'data-testid="catchball-panel"' not in client_as(org.lead).get("/").content.decode()
    exec_home = client_as(org.executive).get("/").content.decode()
    assert 'data-testid="counter-panel"' in exec_home and "Only half of it" in exec_home
    r = client_as(org.executive).post(reverse("strategy:deployment-revise", args=[d2.pk]),
                                      {"comment": "OK, half", "ask": "Cut scrap 10%"})
    d2.refresh_from_db()
    assert (d2.state, d2.round, d2.ask) == ("proposed", 2, "Cut scrap 10%")


def test_answering_with_htmx_swaps_the_card(org, strat, client_as):
    d = make_deployment(strat.priority, org.sup, by=org.executive)
    client = client_as(org.supervisor)
    url = reverse("strategy:deployment-answer", args=[d.pk])
    r = client.post(url, {"decision": "counter", "comment": "", "next": "/"},
                    HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and 'role="alert"' in html and "needs a comment" in html
    assert 'data-testid="awaiting-deployment"' in html and "<html" not in html
    r = client.post(url, {"decision": "counter", "comment": "Next year", "next": "/"},
                    HTTP_HX_REQUEST="true")
    assert 'data-testid="answered-deployment"' in r.content.decode()
    assert Deployment.objects.get(pk=d.pk).state == "countered"
    r = client.post(url, {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert "already countered" in r.content.decode()  # answered once per round


def test_members_see_no_catchball_panels(org, strat, client_as):
    make_deployment(strat.priority, org.line1, by=org.executive)
    home = client_as(org.member).get("/").content.decode()
    assert "catchball-panel" not in home and "counter-panel" not in home


# ---------------------------------------------------------------- linking from the page


def test_link_and_unlink_from_the_priority_page(org, strat, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Label the bins")
    page = client_as(org.member).get(reverse("strategy:priority", args=[strat.priority.pk]))
    assert "Label the bins" in page.content.decode()  # offered: the member may edit it
    client = client_as(org.member)
    r = client.post(reverse("strategy:priority-link", args=[strat.priority.pk]),
                    {"idea": idea.pk})
    assert r.status_code == 302 and strat.priority.ideas.filter(pk=idea.pk).exists()
    r = client.post(reverse("strategy:priority-link", args=[strat.priority.pk]),
                    {"idea": 987654}, follow=True)
    assert "no item #987654 that you can see" in r.content.decode()
    client.post(reverse("strategy:priority-unlink", args=[strat.priority.pk, idea.pk]))
    assert not strat.priority.ideas.exists()
    other = IdeaFactory(team=org.line2, reporter=org.other)
    r = client.post(reverse("strategy:priority-link", args=[strat.priority.pk]),
                    {"idea": other.pk})
    assert r.status_code == 403


def test_linking_to_a_closed_priority_from_the_page_is_refused(org, strat, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    Priority.objects.filter(pk=strat.priority.pk).update(status="closed",
                                                         closed_on=strat.today)
    r = client_as(org.executive).post(
        reverse("strategy:priority-link", args=[strat.priority.pk]), {"idea": idea.pk},
        follow=True)
    assert "ideas can only be linked to active priorities" in r.content.decode()
    assert not strat.priority.ideas.exists()


# ---------------------------------------------------------------- constraints page


def test_constraints_page_and_team_scope(org, constraint, client_as):
    constraint("Reduce overhead 12% without increasing headcount")
    constraint("Plant: no overtime", team=org.plant)
    constraint("Support: freeze contractors", team=org.support)
    constraint("Next year only", start=date.today() + timedelta(days=30))
    client = client_as(org.member)
    html = client.get(reverse("strategy:constraints")).content.decode()
    assert "Reduce overhead 12%" in html and "Next year only" in html
    assert "lift today" not in html  # members read only
    html = client_as(org.executive).get(reverse("strategy:constraints")).content.decode()
    assert html.count("lift today") == 3  # the three in force, not the upcoming one
    client = client_as(org.member)
    html = client.get(reverse("strategy:constraints") + "?team=line1").content.decode()
    assert "Reduce overhead 12%" in html and "Plant: no overtime" in html
    assert "Support: freeze contractors" not in html and "Next year only" not in html


def test_editing_a_priority_whose_owner_team_was_deactivated(org, strat, client_as):
    org.plant.active = False
    org.plant.save()
    client = client_as(org.executive)
    url = reverse("strategy:priority-edit", args=[strat.priority.pk])
    assert client.get(url).status_code == 200
    data = {"goal": strat.goal.pk, "title": "Cut scrap (renamed)", "why_now": "Still true",
            "owner_team": org.plant.pk, "start": strat.priority.start,
            "end": strat.priority.end}
    assert client.post(url, data).status_code == 302
    strat.priority.refresh_from_db()
    assert strat.priority.title == "Cut scrap (renamed)"
    org.maint.active = False
    org.maint.save()
    r = client.post(url, {**data, "owner_team": org.maint.pk})
    assert r.status_code == 400 and "Choose an active team" in r.content.decode()
