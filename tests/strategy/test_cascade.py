"""The spine all the way down: deployments go one hop in the team tree at a time, each tier's
leads cascade what they accepted to their own teams with their own ask, catchball at every hop;
and clarity before urgency: a priority is deployed only once it is clear."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import Conflict, DomainError, Forbidden
from org.models import Notification
from strategy import services
from strategy.clarity import clarity_gaps
from strategy.models import Deployment, PlanningWindow, StrategyChange
from tests.factories import TeamFactory
from tests.queries import count_queries

from .conftest import make_deployment, make_kpi, make_priority

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _accepted_at_plant(org, strat):
    d = services.deployment_create(actor=org.executive, priority=strat.priority,
                                   team=org.plant, ask="Cut scrap 20%")
    return services.deployment_accept(deployment_id=d.pk, actor=org.manager)


# ---------------------------------------------------------------- one hop from the top


def test_an_executive_deploys_one_tier_down_and_the_refusal_names_the_team(org, strat):
    for team in (org.line1, org.sup):
        with pytest.raises(DomainError) as exc:
            services.deployment_create(actor=org.executive, priority=strat.priority, team=team)
        assert exc.value.code == "one_tier_down" and exc.value.field == "team"
        assert "Deploy to Plant instead" in exc.value.message
        assert exc.value.extra["deploy_to"] == org.plant.pk
    with pytest.raises(DomainError) as exc:  # its own team is not below it
        services.deployment_create(actor=org.executive, priority=strat.priority, team=org.exec)
    assert "Plant" in exc.value.message and "Support" in exc.value.message
    assert not Deployment.objects.exists()
    assert services.deployment_create(actor=org.executive, priority=strat.priority,
                                      team=org.plant).parent_id is None
    # admins set up and repair the deployment: any team
    assert services.deployment_create(actor=org.admin, priority=strat.priority, team=org.line1)


def test_executive_straight_to_the_line_is_a_400_naming_the_manager_team(org, strat, api):
    r = api.as_user(org.executive).post(f"{V1}/priorities/{strat.priority.pk}/deploy/",
                                        {"teams": [org.line1.pk]}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "one_tier_down"
    assert "Deploy to Plant instead" in r.json()["errors"]["teams"][0]
    r = api.as_user(org.executive).post(f"{V1}/deployments/", {
        "priority": strat.priority.pk, "team": org.line2.pk}, format="json")
    assert r.status_code == 400 and "Plant" in r.json()["errors"]["team"][0]
    assert not Deployment.objects.exists()


# ---------------------------------------------------------------- cascading


def test_cascade_hop_by_hop_with_catchball_at_every_hop(org, strat,
                                                        django_capture_on_commit_callbacks):
    plant = _accepted_at_plant(org, strat)
    with django_capture_on_commit_callbacks(execute=True):
        [sup] = services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                            teams=[org.sup], ask="Scrap on lines 1 and 2")
    assert (sup.parent_id, sup.proposed_by, sup.state) == (plant.pk, org.manager, "proposed")
    assert sup.comments.get().text == "Scrap on lines 1 and 2"
    assert Notification.objects.filter(recipient=org.supervisor,
                                       verb="deployment_proposed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.deployment_counter(deployment_id=sup.pk, actor=org.supervisor,
                                    comment="Line 2 only this quarter")
    # the counter goes to the manager who proposed the hop, not to the executives
    assert Notification.objects.filter(recipient=org.manager,
                                       verb="deployment_countered").exists()
    assert not Notification.objects.filter(recipient=org.executive,
                                           verb="deployment_countered").exists()
    with pytest.raises(Conflict):  # accept it before passing it on
        services.deployment_cascade(deployment_id=sup.pk, actor=org.supervisor,
                                    teams=[org.line2], ask="x")
    with pytest.raises(Forbidden):  # executives do not revise a manager's ask to their teams
        services.deployment_revise(deployment_id=sup.pk, actor=org.executive, comment="No")
    services.deployment_revise(deployment_id=sup.pk, actor=org.manager, comment="Agreed",
                               ask="Line 2 this quarter, line 1 next")
    services.deployment_accept(deployment_id=sup.pk, actor=org.supervisor)
    lines = services.deployment_cascade(deployment_id=sup.pk, actor=org.supervisor,
                                        teams=[org.line1, org.line2], ask="Halve scrap")
    assert {d.team for d in lines} == {org.line1, org.line2}
    assert all(d.parent_id == sup.pk for d in lines)
    services.deployment_accept(deployment_id=lines[0].pk, actor=org.lead)


def test_cascade_rules(org, strat):
    plant = _accepted_at_plant(org, strat)
    with pytest.raises(DomainError) as exc:  # one hop: sup first
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                    teams=[org.line1], ask="x")
    assert exc.value.field == "teams" and "Deploy to Supervisors instead" in exc.value.message
    with pytest.raises(DomainError) as exc:  # not below the plant at all
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                    teams=[org.maint], ask="x")
    assert "Supervisors" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                    teams=[org.sup], ask="  ")
    assert exc.value.field == "ask"
    with pytest.raises(DomainError):
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager, teams=[],
                                    ask="x")
    for who in ("executive", "supervisor", "lead", "member"):
        with pytest.raises(Forbidden):
            services.deployment_cascade(deployment_id=plant.pk, actor=getattr(org, who),
                                        teams=[org.sup], ask="x")
    assert not Deployment.objects.filter(parent=plant).exists()
    services.deployment_cascade(deployment_id=plant.pk, actor=org.manager, teams=[org.sup],
                                ask="x")
    with pytest.raises(Conflict):
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                    teams=[org.sup], ask="again")
    with pytest.raises(Conflict) as exc:  # cascaded further: withdraw the cascade first
        services.deployment_withdraw(deployment_id=plant.pk, actor=org.executive)
    assert "Supervisors" in exc.value.message
    sup = Deployment.objects.get(team=org.sup)
    with pytest.raises(Forbidden):
        services.deployment_withdraw(deployment_id=sup.pk, actor=org.executive)
    services.deployment_withdraw(deployment_id=sup.pk, actor=org.manager)
    services.deployment_withdraw(deployment_id=plant.pk, actor=org.executive)
    assert not Deployment.objects.exists()


def test_a_closed_or_vague_priority_does_not_cascade(org, strat):
    plant = _accepted_at_plant(org, strat)
    strat.priority.success_criteria = ""
    strat.priority.save()
    with pytest.raises(DomainError) as exc:
        services.deployment_cascade(deployment_id=plant.pk, actor=org.manager,
                                    teams=[org.sup], ask="x")
    assert exc.value.code == "not_clear"


# ---------------------------------------------------------------- clarity before urgency


def test_a_priority_is_deployed_only_once_clear(org, strat, api):
    vague = make_priority(strat.goal, org.plant, title="Vague", why_now="")
    assert set(clarity_gaps(vague)) == {"success_criteria", "kpis", "why_now"}
    with pytest.raises(DomainError) as exc:
        services.deployment_create(actor=org.executive, priority=vague, team=org.plant)
    assert exc.value.code == "not_clear"
    assert "success criteria" in exc.value.message and "KPI" in exc.value.message
    r = api.as_user(org.executive).post(f"{V1}/priorities/{vague.pk}/deploy/",
                                        {"teams": [org.plant.pk]}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "not_clear"
    assert set(r.json()["errors"]) == {"success_criteria", "kpis", "why_now"}
    assert "KPI" in r.json()["errors"]["kpis"][0]
    data = api.as_user(org.member).get(f"{V1}/priorities/{vague.pk}/").json()
    assert data["clarity"]["clear"] is False and "kpis" in data["clarity"]["missing"]
    assert not Deployment.objects.exists()
    make_kpi(vague, org.sup)
    services.priority_update(priority_id=vague.pk, actor=org.executive, why_now="Audit in May",
                             success_criteria="Two audits without a finding")
    vague.refresh_from_db()
    assert clarity_gaps(vague) == {}
    assert services.deployment_create(actor=org.executive, priority=vague, team=org.plant)


def test_clarifying_outside_a_planning_window_is_not_churn(org, strat):
    PlanningWindow.objects.create(name="Q", start=strat.today - timedelta(days=60),
                                  end=strat.today - timedelta(days=50))
    vague = make_priority(strat.goal, org.plant, title="Vague")
    services.priority_update(priority_id=vague.pk, actor=org.executive,
                             success_criteria="No repeat complaint for a quarter",
                             review_by=strat.today + timedelta(days=30))
    change = StrategyChange.objects.get(priority=vague)
    assert (change.action, change.outside_window) == ("clarified", False)
    services.kpi_create(actor=org.executive, priority=vague, name="Complaints", baseline=20,
                        target=14, direction="down", owner_team=org.sup)
    assert not StrategyChange.objects.filter(outside_window=True).exists()
    with pytest.raises(DomainError) as exc:  # rewriting stated criteria is a change of course
        services.priority_update(priority_id=vague.pk, actor=org.executive,
                                 success_criteria="Something else")
    assert exc.value.code == "cause_required"


# ---------------------------------------------------------------- who may do what (API)

CASCADE = {"manager": 201, "admin": 201, "executive": 403, "supervisor": 403, "lead": 403,
           "member": 403}


@pytest.mark.parametrize("role,status", CASCADE.items())
def test_cascade_matrix(org, strat, api, role, status):
    plant = _accepted_at_plant(org, strat)
    r = api.as_user(getattr(org, role)).post(f"{V1}/deployments/{plant.pk}/cascade/",
                                             {"teams": [org.sup.pk], "ask": "Yours"},
                                             format="json")
    assert r.status_code == status, r.content
    assert Deployment.objects.filter(parent=plant).exists() == (status == 201)


HOP = {  # revise / withdraw a cascade: whoever proposed the hop (and admins)
    "manager": 200, "admin": 200, "executive": 403, "supervisor": 403, "lead": 403,
    "member": 403}


@pytest.mark.parametrize("role,status", HOP.items())
def test_revise_and_withdraw_a_cascade_matrix(org, strat, api, role, status):
    plant = make_deployment(strat.priority, org.plant, state="accepted", by=org.executive)
    sup = make_deployment(strat.priority, org.sup, state="countered", by=org.manager,
                          parent=plant)
    client = api.as_user(getattr(org, role))
    r = client.post(f"{V1}/deployments/{sup.pk}/revise/", {"comment": "Again"}, format="json")
    assert r.status_code == status, r.content
    r = client.delete(f"{V1}/deployments/{sup.pk}/")
    assert r.status_code == (204 if status == 200 else 403)
    comment = client.post(f"{V1}/deployments/{sup.pk}/comment/", {"text": "Hi"}, format="json")
    if status == 200:
        assert comment.status_code == 404  # withdrawn
    else:
        allowed = role in ("executive", "supervisor")  # executives talk; the team's leads too
        assert comment.status_code == (201 if allowed else 403)


def test_cascade_input_errors_are_400_with_fields(org, strat, api):
    plant = _accepted_at_plant(org, strat)
    client = api.as_user(org.manager)
    r = client.post(f"{V1}/deployments/{plant.pk}/cascade/", {"teams": []}, format="json")
    assert r.status_code == 400 and {"teams", "ask"} <= set(r.json()["errors"])
    r = client.post(f"{V1}/deployments/{plant.pk}/cascade/",
                    {"teams": [org.line1.pk], "ask": "x"}, format="json")
    assert r.status_code == 400 and "Supervisors" in r.json()["errors"]["teams"][0]
    r = client.post(f"{V1}/deployments/{plant.pk}/cascade/",
                    {"teams": [999999], "ask": "x"}, format="json")
    assert r.status_code == 400
    assert client.post(f"{V1}/deployments/999999/cascade/", {"teams": [org.sup.pk],
                                                             "ask": "x"}, format="json"
                       ).status_code == 404


# ---------------------------------------------------------------- the pages


def test_the_priority_page_shows_the_tree_and_the_cascade_form(org, strat, client_as):
    plant = _accepted_at_plant(org, strat)
    url = reverse("strategy:priority", args=[strat.priority.pk])
    html = client_as(org.manager).get(url).content.decode()
    assert 'data-testid="cascade-form"' in html and "Supervisors (tier 2)" in html
    assert 'data-testid="cascade-form"' not in client_as(org.executive).get(url).content.decode()
    cascade = reverse("strategy:deployment-cascade", args=[plant.pk])
    r = client_as(org.manager).post(cascade, {f"cascade{plant.pk}-teams": [org.sup.pk],
                                              f"cascade{plant.pk}-ask": ""})
    assert r.status_code == 400 and "a cascade needs its own ask" in r.content.decode()
    r = client_as(org.manager).post(cascade, {f"cascade{plant.pk}-teams": [org.sup.pk],
                                              f"cascade{plant.pk}-ask": "Scrap on your lines"})
    assert r.status_code == 302
    html = client_as(org.supervisor).get(url).content.decode()
    assert 'data-team="sup" data-depth="1"' in html and 'data-testid="cascaded-to"' in html
    for who in ("executive", "supervisor", "member"):
        assert client_as(getattr(org, who)).post(cascade, {}).status_code == 403
    assert Deployment.objects.filter(parent=plant).count() == 1


def test_the_deploy_form_offers_only_teams_one_hop_down(org, strat, client_as):
    url = reverse("strategy:priority", args=[strat.priority.pk])
    html = client_as(org.executive).get(url).content.decode()
    assert "Plant (tier 3)" in html and "Line 1 (tier 1)" not in html
    r = client_as(org.executive).post(reverse("strategy:priority-deploy",
                                              args=[strat.priority.pk]),
                                      {"teams": [org.line1.pk], "ask": "x"})
    assert r.status_code == 400 and not Deployment.objects.exists()
    assert "Line 1 (tier 1)" in client_as(org.admin).get(url).content.decode()


def test_the_deployment_tree_runs_a_constant_number_of_queries(org, strat, client_as):
    plant = make_deployment(strat.priority, org.plant, state="accepted", by=org.executive)
    sup = make_deployment(strat.priority, org.sup, state="accepted", by=org.manager,
                          parent=plant)
    url = reverse("strategy:priority", args=[strat.priority.pk])
    client = client_as(org.supervisor)

    def grow(n):
        start = TeamFactory._meta.model.objects.count()
        for i in range(n):
            team = TeamFactory(name=f"Cell {start + i}", slug=f"cell-{start + i}",
                               tier=org.tiers[1], parent=org.sup)
            make_deployment(strat.priority, team, state="accepted", by=org.supervisor,
                            parent=sup)
        TeamFactory(name=f"Free {start}", slug=f"free-{start}", tier=org.tiers[1],
                    parent=org.sup)  # one left to cascade to: the form shows
    grow(10)
    small = count_queries(client, url, warm=True)
    grow(90)
    assert Deployment.objects.filter(parent=sup).count() == 100
    assert count_queries(client, url, warm=True) == small


def test_my_work_brings_a_countered_cascade_to_the_manager_who_proposed_it(org, strat,
                                                                           client_as):
    plant = make_deployment(strat.priority, org.plant, state="accepted", by=org.executive)
    sup = make_deployment(strat.priority, org.sup, state="countered", by=org.manager,
                          parent=plant)
    top = make_deployment(strat.priority, org.support, state="countered", by=org.executive)
    manager = client_as(org.manager).get("/").content.decode()
    assert f"#deployment-{sup.pk}" in manager and f"#deployment-{top.pk}" not in manager
    executive = client_as(org.executive).get("/").content.decode()
    assert f"#deployment-{top.pk}" in executive and f"#deployment-{sup.pk}" not in executive
    # accepting on My work offers the cascade next
    d = make_deployment(strat.priority, org.maint, by=org.admin)
    from org.models import Membership
    Membership.objects.create(user=org.manager, team=org.maint, role="lead")
    r = client_as(org.manager).post(reverse("strategy:deployment-answer", args=[d.pk]),
                                    {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert "Cascade it to your teams" in r.content.decode()
