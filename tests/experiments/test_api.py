"""/api/v1/experiments/: bad inputs, deciding on evidence, no leak of private items, the
permission matrix and constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from experiments.models import Experiment
from tests.factories import IdeaFactory
from tests.queries import count_queries

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


def test_permission_matrix(org, api):
    rows = [
        ("get", "/experiments/", None, {"member": 200, "executive": 200}),
    ]
    users = {"member": org.member, "executive": org.executive}
    for method, path, data, expected in rows:
        for role, code in expected.items():
            client = api.as_user(users[role])
            response = getattr(client, method)(V1 + path, data, format="json")
            assert response.status_code == code, (method, path, role, response.content[:200])


@pytest.mark.parametrize("n_small,n_large", [(10, 100)])
def test_list_endpoints_run_constant_queries(org, api, n_small, n_large):
    client = api.as_user(org.lead)

    def build(start, n):
        for _ in range(start, start + n):
            idea = IdeaFactory(team=org.line1, reporter=org.member, status="done")
            Experiment.objects.create(idea=idea, hypothesis="h", signal="s", start=today())

    urls = ["/experiments/"]
    build(0, n_small)
    for u in urls:  # warm the per-request caches of the user object
        client.get(f"{V1}{u}")
    small = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    build(n_small, n_large - n_small)
    large = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    assert small == large
