"""/api/v1/planning-windows/ and the change-window rule through the API: the permission matrix,
a change outside a window needs its cause, constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from strategy.models import PlanningWindow, StrategyChange
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


V1 = "/api/v1"


def today():
    return timezone.localdate()


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


def test_permission_matrix(org, coe, api):
    window = {"name": "Q", "start": (today() + timedelta(days=30)).isoformat(),
              "end": (today() + timedelta(days=40)).isoformat()}
    rows = [
        ("get", "/planning-windows/", None, {"member": 200, "executive": 200, "admin": 200}),
        ("post", "/planning-windows/", window, {"member": 403, "executive": 403, "olga": 403,
                                                "admin": 201}),
    ]
    users = {"member": org.member, "executive": org.executive, "olga": coe, "admin": org.admin}
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
            PlanningWindow.objects.create(name=f"W{i}", start=today() + timedelta(days=3 * i),
                                          end=today() + timedelta(days=3 * i + 1))

    urls = ["/planning-windows/"]
    build(0, n_small)
    for u in urls:  # warm the per-request caches of the user object
        client.get(f"{V1}{u}")
    small = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    build(n_small, n_large - n_small)
    large = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    assert small == large
