"""The strategy API: shapes, the bad inputs, a permission matrix and constant query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strategy.models import (
    KPI,
    Constraint,
    Deployment,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
)
from tests.factories import IdeaFactory

from .conftest import link, make_deployment, make_kpi, make_priority

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def test_priority_detail_has_alignment_figures(org, strat, api):
    done = IdeaFactory(team=org.line1, reporter=org.member, status="done",
                       actual_money_per_year=Decimal("500"))
    IdeaFactory(team=org.line2, reporter=org.other)
    link(strat.priority, done)
    data = api.as_user(org.member).get(f"{V1}/priorities/{strat.priority.pk}/").json()
    assert data["why_now"] == "Scrap doubled since the new supplier."
    assert data["owner_team"]["slug"] == "plant"
    assert data["figures"]["linked"] == 1 and data["figures"]["done"] == 1
    assert data["figures"]["by_state"]["done"] == 1
    assert Decimal(data["figures"]["actual_money_per_year"]) == Decimal("500")
    # plant's subtree logged 2 items in the period; 1 serves the priority
    assert data["alignment"] == {"total": 2, "aligned": 1, "share": 0.5}
    assert data["kpis"][0]["status"] == "no_data"


def test_create_priority_and_bad_dates(org, strat, api):
    client = api.as_user(org.executive)
    body = {"goal": strat.goal.pk, "title": "Halve changeovers", "why_now": "Demand mix",
            "owner_team": org.sup.pk, "start": "2026-03-01", "end": "2026-02-01"}
    r = client.post(f"{V1}/priorities/", body, format="json")
    assert r.status_code == 400 and "end" in r.json()["errors"]
    body["end"] = "2026-09-30"
    r = client.post(f"{V1}/priorities/", body, format="json")
    assert r.status_code == 201 and r.json()["alignment"]["total"] == 0
    pk = r.json()["id"]
    r = client.patch(f"{V1}/priorities/{pk}/", {"end": "2026-01-01"}, format="json")
    assert r.status_code == 400 and "ends before it starts" in r.json()["detail"]
    assert Priority.objects.get(pk=pk).end == date(2026, 9, 30)


def test_kpi_bad_inputs_and_warnings(org, strat, api):
    client = api.as_user(org.executive)
    body = {"priority": strat.priority.pk, "name": "OEE", "baseline": "80", "target": "70",
            "direction": "up", "owner_team": org.sup.pk}
    r = client.post(f"{V1}/kpis/", body, format="json")
    assert r.status_code == 201
    assert r.json()["warnings"] and "Check the direction" in r.json()["warnings"][0]
    r = client.post(f"{V1}/kpis/", {**body, "name": "Hold", "target": "80"}, format="json")
    assert r.status_code == 201 and r.json()["warnings"] == [] and "hold KPI" in r.json()["notes"][0]
    r = client.post(f"{V1}/kpis/", {**body, "baseline": "lots"}, format="json")
    assert r.status_code == 400 and "baseline" in r.json()["errors"]


def test_readings_endpoint(org, strat, api):
    url = f"{V1}/kpis/{strat.kpi.pk}/readings/"
    lead = api.as_user(org.supervisor)
    today = timezone.localdate()
    r = lead.post(url, {"date": str(today + timedelta(days=1)), "value": "3"}, format="json")
    assert r.status_code == 400 and r.json()["errors"]["date"]
    for bad in ("three", "NaN", None):
        r = lead.post(url, {"date": str(today), "value": bad}, format="json")
        assert r.status_code == 400 and "value" in r.json()["errors"], bad
    r = lead.post(url, {"date": str(today), "value": "3.3", "note": "after 5S"}, format="json")
    assert r.status_code == 201 and r.json()["recorded_by"]["id"] == org.supervisor.pk
    r = lead.post(url, {"date": str(today), "value": "3.1"}, format="json")
    assert r.status_code == 200 and r.json()["value"] == "3.1000"
    r = api.as_user(org.lead).post(url, {"date": str(today), "value": "1"}, format="json")
    assert r.status_code == 403
    readings = api.as_user(org.member).get(url).json()
    assert readings["count"] == 1 and readings["results"][0]["value"] == "3.1000"
    kpi = api.as_user(org.member).get(f"{V1}/kpis/{strat.kpi.pk}/").json()
    assert kpi["latest"]["value"] == "3.1000" and kpi["status"]["code"] in ("on_track",
                                                                           "off_track")


def test_constraints_endpoint(org, api):
    client = api.as_user(org.executive)
    org.maint.active = False
    org.maint.save()
    r = client.post(f"{V1}/constraints/", {"statement": "Freeze", "team": org.maint.pk,
                                           "start": str(date.today())}, format="json")
    assert r.status_code == 400 and r.json()["errors"]["team"]
    r = client.post(f"{V1}/constraints/", {"statement": "No new headcount",
                                           "start": str(date.today())}, format="json")
    assert r.status_code == 201 and r.json()["team"] is None and r.json()["active"]
    r = client.post(f"{V1}/constraints/", {"statement": "Plant", "team": org.plant.pk,
                                           "start": str(date.today())}, format="json")
    applies = api.as_user(org.member).get(f"{V1}/constraints/?applies_to={org.line1.pk}").json()
    assert {c["statement"] for c in applies["results"]} == {"No new headcount", "Plant"}
    applies = api.as_user(org.member).get(f"{V1}/constraints/?applies_to={org.support.pk}")
    assert [c["statement"] for c in applies.json()["results"]] == ["No new headcount"]
    assert api.as_user(org.member).get(f"{V1}/constraints/?applies_to=x").status_code == 400
    pk = r.json()["id"]
    r = api.as_user(org.executive).post(f"{V1}/constraints/{pk}/lift/")
    assert r.json()["end"] == str(date.today()), r.content


def test_catchball_over_the_api(org, strat, api):
    ex = api.as_user(org.executive)
    r = ex.post(f"{V1}/priorities/{strat.priority.pk}/deploy/",
                {"teams": [org.plant.pk, org.support.pk], "ask": "Cut scrap 20%"}, format="json")
    assert r.status_code == 201 and len(r.json()) == 2
    d_plant = Deployment.objects.get(team=org.plant)
    d_support = Deployment.objects.get(team=org.support)
    r = api.as_user(org.manager).get(f"{V1}/deployments/?awaiting=me").json()
    assert [d["id"] for d in r["results"]] == [d_plant.pk]
    assert api.as_user(org.manager).post(
        f"{V1}/deployments/{d_support.pk}/accept/").status_code == 403
    r = api.as_user(org.manager).post(f"{V1}/deployments/{d_plant.pk}/accept/",
                                      {"comment": "Yes"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert api.as_user(org.manager).post(f"{V1}/deployments/{d_plant.pk}/counter/",
                                         {"comment": "x"}, format="json").status_code == 409
    r = api.as_user(org.manager).post(f"{V1}/deployments/{d_plant.pk}/cascade/",
                                      {"teams": [org.sup.pk], "ask": "Scrap on your lines"},
                                      format="json")
    assert r.status_code == 201 and r.json()[0]["parent"] == d_plant.pk
    d_sup = Deployment.objects.get(team=org.sup)
    r = api.as_user(org.supervisor).post(f"{V1}/deployments/{d_sup.pk}/counter/", {},
                                         format="json")
    assert r.status_code == 400 and "comment" in r.json()["errors"]
    r = api.as_user(org.supervisor).post(f"{V1}/deployments/{d_sup.pk}/counter/",
                                         {"comment": "Half"}, format="json")
    assert r.json()["state"] == "countered"
    # the manager proposed this hop: the manager revises it, not the executive
    ex = api.as_user(org.executive)
    assert ex.post(f"{V1}/deployments/{d_sup.pk}/revise/", {"comment": "x"},
                   format="json").status_code == 403
    r = api.as_user(org.manager).post(f"{V1}/deployments/{d_sup.pk}/revise/",
                                      {"comment": "OK, half"}, format="json")
    assert r.json()["state"] == "proposed" and r.json()["round"] == 2
    assert [c["kind"] for c in r.json()["comments"]] == ["propose", "counter", "revise"]
    ex = api.as_user(org.executive)  # one client: log the executive back in
    r = ex.post(f"{V1}/deployments/", {"priority": strat.priority.pk, "team": org.support.pk},
                format="json")
    assert r.status_code == 409
    assert ex.delete(f"{V1}/deployments/{d_support.pk}/").status_code == 204
    # the plant's deployment was cascaded further: withdraw the cascade first
    assert ex.delete(f"{V1}/deployments/{d_plant.pk}/").status_code == 409
    assert api.as_user(org.manager).delete(f"{V1}/deployments/{d_sup.pk}/").status_code == 204


def test_link_over_the_api_and_closed_priority(org, strat, api):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    r = api.as_user(org.member).post(f"{V1}/priorities/{strat.priority.pk}/link/",
                                     {"idea": idea.pk}, format="json")
    assert r.status_code == 200 and r.json()["figures"]["linked"] == 1
    ideas = api.as_user(org.member).get(f"{V1}/priorities/{strat.priority.pk}/ideas/").json()
    assert [i["id"] for i in ideas["results"]] == [idea.pk]
    api.as_user(org.executive).post(f"{V1}/priorities/{strat.priority.pk}/close/",
                                    {"note": "Done"}, format="json")
    other = IdeaFactory(team=org.line1, reporter=org.member)
    r = api.as_user(org.member).post(f"{V1}/priorities/{strat.priority.pk}/link/",
                                     {"idea": other.pk}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "priority_closed"
    secret = IdeaFactory(team=org.maint, reporter=org.admin, is_private=True)
    r = api.as_user(org.executive).post(f"{V1}/priorities/{strat.priority.pk}/unlink/",
                                        {"idea": secret.pk}, format="json")
    assert r.status_code == 404


def test_an_ideas_priorities_over_the_api(org, strat, api):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    closed = make_priority(strat.goal, org.plant, title="Old", status="closed",
                           closed_on=date.today())
    link(closed, idea)
    url = f"{V1}/ideas/{idea.pk}/priorities/"
    r = api.as_user(org.member).put(url, {"priorities": [strat.priority.pk]}, format="json")
    assert r.status_code == 200
    assert {p["title"] for p in r.json()} == {"Cut scrap", "Old"}  # the closed link is kept
    r = api.as_user(org.member).put(url, {"priorities": [closed.pk]}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "priority_closed"
    r = api.as_user(org.member).put(url, {"priorities": ["x"]}, format="json")
    assert r.status_code == 400
    r = api.as_user(org.other).put(url, {"priorities": []}, format="json")
    assert r.status_code == 403  # may see it, may not edit it
    assert api.as_user(org.other).get(url).json()[0]["why_now"]
    secret = IdeaFactory(team=org.maint, reporter=org.admin, is_private=True)
    assert api.as_user(org.member).get(f"{V1}/ideas/{secret.pk}/priorities/").status_code == 404


def test_private_linked_ideas_do_not_leak(org, strat, api):
    secret = IdeaFactory(team=org.maint, reporter=org.admin, is_private=True,
                         title="Secret")
    link(strat.priority, secret)
    data = api.as_user(org.member).get(f"{V1}/priorities/{strat.priority.pk}/").json()
    assert data["figures"]["linked"] == 0
    ideas = api.as_user(org.member).get(f"{V1}/priorities/{strat.priority.pk}/ideas/").json()
    assert ideas["count"] == 0
    data = api.as_user(org.admin).get(f"{V1}/priorities/{strat.priority.pk}/").json()
    assert data["figures"]["linked"] == 1


# ---------------------------------------------------------------- permission matrix

ROLES = ["member", "lead", "supervisor", "manager", "executive", "admin"]


def _endpoints(org, strat):
    d = make_deployment(strat.priority, org.line1, by=org.executive)
    idea = IdeaFactory(team=org.line2, reporter=org.other)
    today = str(date.today())
    return d, [
        # (name, method, url, body, roles allowed (status) — others get 403)
        ("objectives create", "post", f"{V1}/objectives/",
         {"title": "O", "horizon_year": date.today().year + 3}, {"executive", "admin"}),
        ("objective edit", "patch", f"{V1}/objectives/{strat.objective.pk}/", {"title": "O2"},
         {"executive", "admin"}),
        ("goal create", "post", f"{V1}/annual-goals/",
         {"objective": strat.objective.pk, "year": date.today().year, "title": "G"},
         {"executive", "admin"}),
        ("priority edit", "patch", f"{V1}/priorities/{strat.priority.pk}/", {"title": "P2"},
         {"executive", "admin"}),
        ("kpi create", "post", f"{V1}/kpis/",
         {"priority": strat.priority.pk, "name": "K", "baseline": "1", "target": "2",
          "direction": "up", "owner_team": org.sup.pk}, {"executive", "admin"}),
        ("reading", "post", f"{V1}/kpis/{strat.kpi.pk}/readings/",
         {"date": today, "value": "3"}, {"supervisor", "admin"}),
        ("constraint create", "post", f"{V1}/constraints/",
         {"statement": "S", "start": today}, {"executive", "admin"}),
        ("link another team's idea", "post", f"{V1}/priorities/{strat.priority.pk}/link/",
         {"idea": idea.pk}, {"manager", "executive", "admin"}),
        ("comment on deployment", "post", f"{V1}/deployments/{d.pk}/comment/",
         {"text": "Hi"}, {"lead", "executive", "admin"}),
        ("revise deployment", "post", f"{V1}/deployments/{d.pk}/revise/",
         {"comment": "again"}, {"executive", "admin"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(org, strat, api, role):
    user = getattr(org, role)
    client = api.as_user(user)
    _, endpoints = _endpoints(org, strat)
    for name, method, url, body, allowed in endpoints:
        r = getattr(client, method)(url, body, format="json")
        if role in allowed:
            assert r.status_code in (200, 201), (name, role, r.status_code, r.content)
        else:
            assert r.status_code == 403, (name, role, r.status_code, r.content)
    for url in ("objectives", "annual-goals", "priorities", "kpis", "constraints",
                "deployments"):
        assert client.get(f"{V1}/{url}/").status_code == 200


@pytest.mark.parametrize("role,status", [("lead", 200), ("member", 403), ("supervisor", 403),
                                         ("executive", 403), ("other", 403)])
def test_answer_matrix(org, strat, api, role, status):
    d = make_deployment(strat.priority, org.line1, by=org.executive)
    r = api.as_user(getattr(org, role)).post(f"{V1}/deployments/{d.pk}/accept/")
    assert r.status_code == status
    assert Deployment.objects.get(pk=d.pk).state == ("accepted" if status == 200 else "proposed")


def test_anonymous_is_refused(api, strat):
    for url in ("objectives", "priorities", "kpis", "constraints", "deployments"):
        assert api.get(f"{V1}/{url}/").status_code in (401, 403)


# ---------------------------------------------------------------- constant queries


def _rows(org, strat, n):
    for i in range(n):
        p = make_priority(strat.goal, org.plant, title=f"P{i}")
        kpi = make_kpi(p, org.sup, name=f"K{i}")
        KPIReading.objects.create(kpi=kpi, date=date.today(), value=Decimal(i))
        d = make_deployment(p, org.line1, by=org.executive)
        link(p, IdeaFactory(team=org.line1, reporter=org.member))
        Constraint.objects.create(statement=f"C{i}", start=date.today(),
                                  team=org.plant if i % 2 else None)
        d.comments.create(author=org.lead, kind="comment", text="ok")


LISTS = ["objectives", "priorities", "kpis", "constraints", "deployments", "annual-goals",
         "priorities/{pk}/ideas", "deployments/?awaiting=me"]


def test_list_endpoints_run_constant_queries(org, strat, api):
    client = api.as_user(org.lead)

    def counts() -> dict:
        out = {}
        for path in LISTS:
            url = f"{V1}/{path.format(pk=strat.priority.pk)}"
            url += ("&" if "?" in url else "/?") + "page_size=200"
            client.get(url)
            with CaptureQueriesContext(connection) as q:
                assert client.get(url).status_code == 200, url
            out[path] = len(q)
        return out

    def grow(n):
        _rows(org, strat, n)
        Objective.objects.bulk_create([Objective(title=f"O{i}", horizon_year=2030)
                                       for i in range(n)])
        for _ in range(n):
            link(strat.priority, IdeaFactory(team=org.line1, reporter=org.member))

    grow(10)
    small = counts()
    grow(90)
    assert Priority.objects.count() > 100 and KPI.objects.count() > 100
    assert PriorityLink.objects.count() == 200 and strat.priority.ideas.count() == 100
    assert counts() == small


def test_schema_builds(api, org):
    r = api.as_user(org.member).get("/api/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "/api/v1/kpis/{id}/readings/" in body and "/api/v1/deployments/{id}/counter/" in body
