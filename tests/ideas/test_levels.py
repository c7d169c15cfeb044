"""Levels of change on items (team, cross-team, system) and what a system change changes: the
form and the API require the kind, the list and the API filter by level, cards show a badge."""

import pytest

from ideas import services
from ideas.models import Idea

pytestmark = pytest.mark.django_db


def _idea(org, **kw):
    kw.setdefault("title", "Brackets run short at station 4")
    kw.setdefault("category", "delivery")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


def test_form_requires_a_change_kind_for_system_changes(org, client_as):
    client = client_as(org.member)
    data = {"kind": "problem", "title": "Release approvals wait a week", "category": "delivery",
            "team": org.line1.pk, "level": "system"}
    response = client.post("/ideas/new/", data)
    assert response.status_code == 400 and b"Say what this system change changes" in \
        response.content
    response = client.post("/ideas/new/", {**data, "change_kind": "decision_boundaries"})
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.level, idea.change_kind) == ("system", "decision_boundaries")


def test_level_filter_and_badge_on_the_list(org, client_as):
    _idea(org, title="Cross-team handover", level="cross_team")
    _idea(org, title="Team-only tweak")
    client = client_as(org.member)
    html = client.get("/ideas/?level=cross_team").content.decode()
    assert "Cross-team handover" in html and "Team-only tweak" not in html
    assert "level-badge level-cross_team" in html
    html = client.get("/ideas/").content.decode()
    assert html.count("level-badge") == 1


def test_ideas_api_filters_by_level_and_refuses_a_system_change_without_its_kind(org, api):
    client = api.as_user(org.lead)
    base = {"title": "Decision rights", "category": "delivery", "team": org.line1.pk}
    bad = client.post("/api/v1/ideas/", {**base, "level": "system"}, format="json")
    assert bad.status_code == 400 and "change_kind" in str(bad.json())
    ok = client.post("/api/v1/ideas/", {**base, "level": "system",
                                        "change_kind": "decision_boundaries"}, format="json")
    assert ok.status_code == 201
    client.post("/api/v1/ideas/", {**base, "title": "Team thing"}, format="json")
    listed = client.get("/api/v1/ideas/?level=system").json()
    assert [i["id"] for i in listed["results"]] == [ok.json()["id"]]
    assert client.get("/api/v1/ideas/?change_kind=decision_boundaries").json()["count"] == 1
    assert client.get("/api/v1/ideas/?level=galaxy").status_code == 400
