"""/api/v1/reviews/: bad inputs, the permission matrix and constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Review, ReviewFocus
from tests.factories import IdeaFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


V1 = "/api/v1"


def today():
    return timezone.localdate()


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


def test_permission_matrix(org, api):
    rows = [
        ("get", "/reviews/", None, {"member": 200, "executive": 200}),
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
        for i in range(start, start + n):
            idea = IdeaFactory(team=org.line1, reporter=org.member, status="done")
            review = Review.objects.create(team=org.line1, held_on=today() - timedelta(days=i),
                                           period_start=today() - timedelta(days=i),
                                           assessment="a", held_by=org.lead)
            ReviewFocus.objects.create(review=review, idea=idea)

    urls = ["/reviews/"]
    build(0, n_small)
    for u in urls:  # warm the per-request caches of the user object
        client.get(f"{V1}{u}")
    small = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    build(n_small, n_large - n_small)
    large = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    assert small == large
