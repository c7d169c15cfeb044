"""/api/v1/systemic-issues/ (+ suggestions): the permission matrix, masking of private items,
creating, linking, tracking, filters and constant queries."""

import pytest
from django.utils import timezone

from capacity.models import TimeEntry
from ideas import services
from ideas.models import Idea
from systemic.models import SystemicIssue, SystemicLink
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _idea(org, **kw):
    kw.setdefault("title", "Bracket bin empty")
    kw.setdefault("category", "delivery")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


ROLES = ["member", "lead", "other", "supervisor", "manager", "executive", "admin"]


CREATE = {"member": 403, "lead": 403, "other": 403, "supervisor": 201, "manager": 403,
          "executive": 201, "admin": 201}


EDIT = {"member": 403, "lead": 403, "other": 403, "supervisor": 200, "manager": 403,
        "executive": 200, "admin": 200}


LINK_OTHER_TEAM = {"member": 403, "lead": 403, "other": 403, "supervisor": 200,
                   "manager": 403, "executive": 200, "admin": 200}


@pytest.mark.parametrize("who", ROLES)
def test_systemic_issue_permission_matrix(org, api, issue, who):
    user = getattr(org, who)
    client = api.as_user(user)
    # Everyone signed in reads issues.
    assert client.get("/api/v1/systemic-issues/").status_code == 200
    assert client.get(f"/api/v1/systemic-issues/{issue.pk}/").status_code == 200
    assert client.get(f"/api/v1/systemic-issues/{issue.pk}/suggestions/").status_code == 200
    # Open one for the supervisors' team (the lead of Line 1 does not lead it).
    response = client.post("/api/v1/systemic-issues/", {
        "title": "Air leaks", "statement": "Hiss.", "category": "cost", "owner_team": org.sup.pk},
        format="json")
    assert response.status_code == CREATE[who], (who, response.json())
    response = client.patch(f"/api/v1/systemic-issues/{issue.pk}/", {"status": "monitoring"},
                            format="json")
    assert response.status_code == EDIT[who], (who, response.json())
    line2_problem = _idea(org, team=org.line2, actor=org.other)
    response = client.post(f"/api/v1/systemic-issues/{issue.pk}/link/",
                           {"ideas": [line2_problem.pk]}, format="json")
    assert response.status_code == LINK_OTHER_TEAM[who], (who, response.json())


def test_anonymous_gets_nothing(api, issue):
    assert api.get("/api/v1/systemic-issues/").status_code in (401, 403)
    assert api.get("/api/v1/time-entries/").status_code in (401, 403)


def test_create_with_problems_and_bad_input(org, api):
    problem = _idea(org)
    client = api.as_user(org.lead)
    response = client.post("/api/v1/systemic-issues/", {
        "title": "Bracket shortage", "statement": "Recurring.", "category": "delivery",
        "owner_team": org.line1.pk, "problems": [problem.pk]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["problem_count"] == 1 and body["problems"][0]["id"] == problem.pk
    assert len(body["series"]) == 12
    bad = client.post("/api/v1/systemic-issues/", {"title": "", "statement": "",
                                                   "category": "x", "owner_team": 99999},
                      format="json")
    assert bad.status_code == 400
    assert {"title", "statement", "category", "owner_team"} <= set(str(bad.json()).replace(
        "'", " ").split())


def test_private_item_is_masked_in_the_api(org, api, issue):
    secret = _idea(org, title="Secret bracket dispute", is_private=True)
    api.as_user(org.lead).post(f"/api/v1/systemic-issues/{issue.pk}/link/",
                               {"ideas": [secret.pk]}, format="json")
    assert SystemicLink.objects.count() == 1
    outsider = api.as_user(org.other)
    body = outsider.get(f"/api/v1/systemic-issues/{issue.pk}/").json()
    assert body["problems"] == [{"id": None, "title": "Private item", "team": None,
                                 "status": None, "created_at": None,
                                 "linked_at": body["problems"][0]["linked_at"], "private": True}]
    assert body["team_count"] == 0 and body["problem_count"] == 1
    raw = str(outsider.get("/api/v1/systemic-issues/").json())
    raw += str(outsider.get(f"/api/v1/systemic-issues/{issue.pk}/suggestions/").json())
    raw += str(outsider.get("/api/v1/systemic-issues/suggestions/?text=Secret+bracket").json())
    assert "Secret" not in raw
    insider = api.as_user(org.member).get(f"/api/v1/systemic-issues/{issue.pk}/").json()
    assert insider["problems"][0]["title"] == "Secret bracket dispute"
    # An outsider cannot link (or learn about) it either.
    response = api.as_user(org.supervisor).post(
        f"/api/v1/systemic-issues/{issue.pk}/unlink/", {"idea": secret.pk}, format="json")
    assert response.status_code == 400 and "Secret" not in str(response.json())


def test_suggestions_endpoints(org, api, issue):
    a = _idea(org, title="Brackets run short at station 4")
    _idea(org, title="Brackets run short on line 2", team=org.line2, actor=org.other)
    body = api.as_user(org.supervisor).get(
        f"/api/v1/systemic-issues/{issue.pk}/suggestions/").json()
    assert body["systemic"] and body["teams"] == 2 and len(body["items"]) == 2
    assert body["items"][0]["similarity"] > 0.3
    adhoc = api.as_user(org.supervisor).get(
        "/api/v1/systemic-issues/suggestions/?text=Brackets+run+short&category=delivery").json()
    assert a.pk in [i["id"] for i in adhoc["items"]]
    assert api.as_user(org.supervisor).get(
        "/api/v1/systemic-issues/suggestions/").status_code == 400


def test_track_and_filters(org, api, issue):
    response = api.as_user(org.supervisor).post(f"/api/v1/systemic-issues/{issue.pk}/track/")
    assert response.status_code == 200 and response.json()["tracking_idea"]
    client = api.as_user(org.member)
    assert client.get("/api/v1/systemic-issues/?status=open").json()["count"] == 1
    assert client.get("/api/v1/systemic-issues/?status=resolved").json()["count"] == 0
    assert client.get("/api/v1/systemic-issues/?category=cost").json()["count"] == 0
    assert client.get("/api/v1/systemic-issues/?status=bogus").status_code == 400


def _fill(org, n):
    now = timezone.now()
    ideas = Idea.objects.bulk_create([
        Idea(title=f"Bracket short {i}", team=org.line1 if i % 2 else org.line2,
             reporter=org.member, category="delivery", is_private=i % 3 == 0,
             last_activity_at=now, status_changed_at=now) for i in range(n)])
    issues = SystemicIssue.objects.bulk_create([
        SystemicIssue(title=f"Issue {i}", statement="Recurs.", category="delivery",
                      owner_team=org.sup, created_by=org.supervisor) for i in range(n)])
    SystemicLink.objects.bulk_create([SystemicLink(issue=issues[i], idea=ideas[i],
                                                   linked_by=org.supervisor)
                                      for i in range(n)])
    TimeEntry.objects.bulk_create([TimeEntry(user=org.member, idea=ideas[i], team=org.line1,
                                             date=timezone.localdate(), hours=1)
                                   for i in range(n)])
    return issues


@pytest.mark.parametrize("url", ["/api/v1/systemic-issues/?page_size=100",
                                 "/api/v1/systemic-issues/suggestions/?text=Bracket+short"])
@pytest.mark.parametrize("who", ["member", "admin"])
def test_api_lists_are_constant(org, api, url, who):
    client = api.as_user(getattr(org, who))
    client.get(url)  # the user object caches its teams
    _fill(org, 10)
    small = count_queries(client, url)
    _fill(org, 90)
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries at 10, {large} at 100"


def test_api_detail_is_constant(org, api):
    issues = _fill(org, 2)
    client = api.as_user(org.other)
    client.get(f"/api/v1/systemic-issues/{issues[0].pk}/")  # the user caches its teams
    small = count_queries(client, f"/api/v1/systemic-issues/{issues[0].pk}/")
    now = timezone.now()
    more = Idea.objects.bulk_create([
        Idea(title=f"More {i}", team=org.line1, reporter=org.member, category="delivery",
             is_private=i % 2 == 0, last_activity_at=now, status_changed_at=now)
        for i in range(50)])
    SystemicLink.objects.bulk_create([SystemicLink(issue=issues[0], idea=i,
                                                   linked_by=org.supervisor) for i in more])
    assert count_queries(client, f"/api/v1/systemic-issues/{issues[0].pk}/") == small
