"""System-work API: experiments, reviews, planning windows, standards (+ proposals) — bad
inputs, a permission matrix, no leaks of private items, and constant query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strategy.models import (
    Experiment,
    PlanningWindow,
    Review,
    ReviewFocus,
    Standard,
    StandardProposal,
    StrategyChange,
)
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def today():
    return timezone.localdate()


def test_experiment_api_bad_inputs_and_decide(org, api):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    client = api.as_user(org.lead)
    bad = client.post(f"{V1}/experiments/", {
        "idea": idea.pk, "hypothesis": "We believe", "signal": "s",
        "start": today().isoformat(), "end": (today() - timedelta(days=1)).isoformat()},
        format="json")
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
    made = client.post(f"{V1}/experiments/", {
        "idea": idea.pk, "hypothesis": "We believe", "signal": "s",
        "start": today().isoformat()}, format="json")
    assert made.status_code == 201
    pk = made.json()["id"]
    undecided = client.post(f"{V1}/experiments/{pk}/decide/", {"decision": "adopt"},
                            format="json")
    assert undecided.status_code == 400 and undecided.json()["code"] == "evidence_required"
    done = client.post(f"{V1}/experiments/{pk}/decide/",
                       {"decision": "adapt", "evidence": "3 → 1 jams"}, format="json")
    assert done.status_code == 200 and done.json()["decision"] == "adapt"
    assert api.as_user(org.other).post(f"{V1}/experiments/{pk}/decide/",
                                       {"decision": "adopt", "evidence": "x"},
                                       format="json").status_code == 403


def test_experiments_of_private_items_do_not_leak(org, api):
    secret = IdeaFactory(team=org.line1, reporter=org.member, is_private=True)
    exp = Experiment.objects.create(idea=secret, hypothesis="Secret plan", signal="s",
                                    start=today())
    body = api.as_user(org.other).get(f"{V1}/experiments/").json()
    assert body["count"] == 0
    assert api.as_user(org.other).get(f"{V1}/experiments/{exp.pk}/").status_code == 404
    assert api.as_user(org.other).post(f"{V1}/experiments/", {
        "idea": secret.pk, "hypothesis": "h", "signal": "s", "start": today().isoformat()},
        format="json").status_code == 404
    assert api.as_user(org.member).get(f"{V1}/experiments/").json()["count"] == 1


def test_review_api_bad_inputs(org, api):
    client = api.as_user(org.lead)
    future = client.post(f"{V1}/reviews/", {
        "team": org.line1.pk, "held_on": (today() + timedelta(days=1)).isoformat(),
        "assessment": "a", "focus_notes": ["x"]}, format="json")
    assert future.status_code == 400 and future.json()["errors"].keys() == {"held_on"}
    not_lead = api.as_user(org.lead).post(f"{V1}/reviews/", {
        "team": org.line2.pk, "held_on": today().isoformat(), "assessment": "a",
        "focus_notes": ["x"]}, format="json")
    assert not_lead.status_code == 403
    ok = client.post(f"{V1}/reviews/", {
        "team": org.line1.pk, "held_on": today().isoformat(), "assessment": "Held",
        "focus_notes": ["Handover"]}, format="json")
    assert ok.status_code == 201 and ok.json()["focus_areas"][0]["note"] == "Handover"
    again = client.post(f"{V1}/reviews/", {
        "team": org.line1.pk, "held_on": today().isoformat(), "assessment": "Held",
        "focus_notes": ["Handover"]}, format="json")
    assert again.status_code == 409
    tier = client.post(f"{V1}/reviews/", {
        "tier": 1, "held_on": today().isoformat(), "assessment": "Held",
        "focus_notes": ["Handover"]}, format="json")
    assert tier.status_code == 201 and tier.json()["tier_level"] == 1
    assert client.get(f"{V1}/reviews/missed/").status_code == 200


def test_change_window_through_the_api(org, strat, api):
    PlanningWindow.objects.create(name="Q", start=today() - timedelta(days=40),
                                  end=today() - timedelta(days=30))
    client = api.as_user(org.executive)
    url = f"{V1}/priorities/{strat.priority.pk}/"
    refused = client.patch(url, {"title": "Mid-cycle"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "cause_required"
    accepted = client.patch(url, {"title": "Mid-cycle", "cause": "Audit moved",
                                  "success_criteria": "Scrap ≤ 2.5%",
                                  "allocated_hours": "120"}, format="json")
    assert accepted.status_code == 200
    data = accepted.json()
    assert data["success_criteria"] == "Scrap ≤ 2.5%"
    assert data["resources"]["allocated_hours"] == "120.0"
    assert StrategyChange.objects.get().outside_window
    assert client.post(f"{V1}/priorities/{strat.priority.pk}/close/", {},
                       format="json").status_code == 400


def test_permission_matrix(org, coe, standard, api):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="done", owner=org.member)
    proposal = StandardProposal.objects.create(standard=standard, idea=idea,
                                               proposed_by=org.member, text="t")
    window = {"name": "Q", "start": (today() + timedelta(days=30)).isoformat(),
              "end": (today() + timedelta(days=40)).isoformat()}
    rows = [
        ("get", "/planning-windows/", None, {"member": 200, "executive": 200, "admin": 200}),
        ("post", "/planning-windows/", window, {"member": 403, "executive": 403, "olga": 403,
                                                "admin": 201}),
        ("get", "/standards/", None, {"member": 200, "executive": 200}),
        ("get", f"/standards/{standard.pk}/", None, {"member": 200, "executive": 200}),
        ("patch", f"/standards/{standard.pk}/", {"title": "New"},
         {"member": 403, "executive": 403, "admin": 403, "olga": 200}),
        ("post", f"/standards/{standard.pk}/revise/", {"body": "b", "change_note": "c"},
         {"member": 403, "executive": 403, "admin": 403, "olga": 201}),
        ("post", "/standards/", {"title": "T", "body": "b", "review_date": today().isoformat()},
         {"executive": 403, "manager": 403, "olga": 201}),
        ("post", f"/standards/{standard.pk}/comments/", {"text": "Must hold"},
         {"member": 201, "executive": 201}),
        ("post", f"/standards/{standard.pk}/proposals/", {"idea": idea.pk, "text": "x"},
         {"other": 403, "executive": 403}),
        ("post", f"/standard-proposals/{proposal.pk}/decline/", {"reason": "no"},
         {"member": 403, "executive": 403, "olga": 200}),
        ("get", "/reviews/", None, {"member": 200, "executive": 200}),
        ("get", "/experiments/", None, {"member": 200, "executive": 200}),
        ("get", "/standard-proposals/", None, {"member": 200, "olga": 200}),
    ]
    users = {"member": org.member, "other": org.other, "executive": org.executive,
             "manager": org.manager, "olga": coe, "admin": org.admin}
    for method, path, data, expected in rows:
        for role, code in expected.items():
            client = api.as_user(users[role])
            response = getattr(client, method)(V1 + path, data, format="json")
            assert response.status_code == code, (method, path, role, response.content[:200])
    api.force_authenticate(user=None)
    assert api.get(f"{V1}/standards/").status_code in (401, 403)


def test_proposal_from_a_private_item_does_not_leak(org, coe, standard, api):
    secret = IdeaFactory(team=org.line1, reporter=org.member, status="done", is_private=True,
                         owner=org.member, title="Secret fix")
    response = api.as_user(org.member).post(f"{V1}/standards/{standard.pk}/proposals/",
                                            {"idea": secret.pk, "text": "t"}, format="json")
    assert response.status_code == 201
    seen = api.as_user(org.other).get(f"{V1}/standards/{standard.pk}/proposals/").json()
    assert seen[0]["idea"] == {"id": None, "title": "A private item"}
    assert "Secret fix" not in str(api.as_user(org.executive).get(
        f"{V1}/standard-proposals/").json())


def _count(client, url):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(q)


@pytest.mark.parametrize("n_small,n_large", [(10, 100)])
def test_list_endpoints_run_constant_queries(org, coe, api, n_small, n_large):
    client = api.as_user(org.lead)
    team = coe.memberships.get().team

    def build(start, n):
        for i in range(start, start + n):
            idea = IdeaFactory(team=org.line1, reporter=org.member, status="done")
            Experiment.objects.create(idea=idea, hypothesis="h", signal="s", start=today())
            review = Review.objects.create(team=org.line1, held_on=today() - timedelta(days=i),
                                           period_start=today() - timedelta(days=i),
                                           assessment="a", held_by=org.lead)
            ReviewFocus.objects.create(review=review, idea=idea)
            s = Standard.objects.create(title=f"S{i}", owner_team=team, review_date=today())
            StandardProposal.objects.create(standard=s, idea=idea, proposed_by=org.member,
                                            text="t")
            PlanningWindow.objects.create(name=f"W{i}", start=today() + timedelta(days=3 * i),
                                          end=today() + timedelta(days=3 * i + 1))

    urls = ["/experiments/", "/reviews/", "/standards/", "/standard-proposals/",
            "/planning-windows/"]
    build(0, n_small)
    for u in urls:  # warm the per-request caches of the user object
        client.get(f"{V1}{u}")
    small = [_count(client, f"{V1}{u}?page_size=200") for u in urls]
    build(n_small, n_large - n_small)
    large = [_count(client, f"{V1}{u}?page_size=200") for u in urls]
    assert small == large
