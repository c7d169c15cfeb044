"""/api/v1/time-entries/: logging and removing improvement time, its refusals, what outsiders see
and constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity import services as svc
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


def test_log_time_via_api(org, api):
    idea = _idea(org)
    response = api.as_user(org.member).post("/api/v1/time-entries/",
                                            {"idea": idea.pk, "hours": "1.25", "note": "5S"},
                                            format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hours"] == "1.25" and body["team"]["id"] == org.line1.pk
    assert body["idea"]["id"] == idea.pk and body["user"]["id"] == org.member.pk


@pytest.mark.parametrize("payload, field", [
    ({"hours": "0"}, "hours"), ({"hours": "-1"}, "hours"), ({"hours": "25"}, "hours"),
    ({"hours": "abc"}, "hours"), ({"hours": "2", "date": "2999-01-01"}, "date"),
    ({"hours": "2", "date": "not-a-date"}, "date"), ({}, "hours"),
])
def test_bad_time_input_is_400_with_field_errors(org, api, payload, field):
    idea = _idea(org)
    response = api.as_user(org.member).post("/api/v1/time-entries/",
                                            {"idea": idea.pk, **payload}, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not TimeEntry.objects.exists()


def test_more_than_24_hours_a_day_via_api(org, api):
    idea = _idea(org)
    client = api.as_user(org.member)
    assert client.post("/api/v1/time-entries/", {"idea": idea.pk, "hours": "16"},
                       format="json").status_code == 201
    response = client.post("/api/v1/time-entries/", {"idea": idea.pk, "hours": "9"},
                           format="json")
    assert response.status_code == 400 and "a day has 24" in str(response.json())


def test_time_on_a_private_item_is_404_for_outsiders_and_hidden_from_lists(org, api):
    secret = _idea(org, is_private=True, title="Secret")
    svc.time_entry_create(idea_id=secret.pk, actor=org.member, hours=2)
    response = api.as_user(org.other).post("/api/v1/time-entries/",
                                           {"idea": secret.pk, "hours": "1"}, format="json")
    assert response.status_code == 404
    listed = api.as_user(org.other).get("/api/v1/time-entries/").json()
    assert listed["count"] == 0
    entry = TimeEntry.objects.get()
    assert api.as_user(org.other).get(f"/api/v1/time-entries/{entry.pk}/").status_code == 404
    assert api.as_user(org.lead).get("/api/v1/time-entries/").json()["count"] == 1


def test_time_entry_filters(org, api):
    idea = _idea(org)
    other = _idea(org, title="Other item")
    svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    svc.time_entry_create(idea_id=other.pk, actor=org.lead, hours=2,
                          day=timezone.localdate() - timedelta(days=3))
    client = api.as_user(org.lead)
    assert client.get(f"/api/v1/time-entries/?idea={idea.pk}").json()["count"] == 1
    assert client.get("/api/v1/time-entries/?user=me").json()["count"] == 1
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/time-entries/?date_from={day}").json()["count"] == 1
    assert client.get("/api/v1/time-entries/?team=x").status_code == 400


@pytest.mark.parametrize("who, code", [("member", 204), ("lead", 204), ("other", 403),
                                       ("supervisor", 403), ("admin", 204)])
def test_delete_time_entry_matrix(org, api, who, code):
    idea = _idea(org)
    entry = svc.time_entry_create(idea_id=idea.pk, actor=org.member, hours=1)
    response = api.as_user(getattr(org, who)).delete(f"/api/v1/time-entries/{entry.pk}/")
    assert response.status_code == code


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


@pytest.mark.parametrize("url", ["/api/v1/time-entries/?page_size=100"])
@pytest.mark.parametrize("who", ["member", "admin"])
def test_api_lists_are_constant(org, api, url, who):
    client = api.as_user(getattr(org, who))
    client.get(url)  # the user object caches its teams
    _fill(org, 10)
    small = count_queries(client, url)
    _fill(org, 90)
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries at 10, {large} at 100"
