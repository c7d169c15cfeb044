"""/api/v1/standards/ and /api/v1/standard-proposals/: the permission matrix (only the CoE
edits), proposals from private items do not leak, constant queries."""


import pytest
from django.utils import timezone

from standards.models import Standard, StandardProposal
from tests.factories import IdeaFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


V1 = "/api/v1"


def today():
    return timezone.localdate()


def test_permission_matrix(org, coe, standard, api):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="done", owner=org.member)
    proposal = StandardProposal.objects.create(standard=standard, idea=idea,
                                               proposed_by=org.member, text="t")
    rows = [
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


@pytest.mark.parametrize("n_small,n_large", [(10, 100)])
def test_list_endpoints_run_constant_queries(org, coe, api, n_small, n_large):
    client = api.as_user(org.lead)
    team = coe.memberships.get().team

    def build(start, n):
        for i in range(start, start + n):
            idea = IdeaFactory(team=org.line1, reporter=org.member, status="done")
            s = Standard.objects.create(title=f"S{i}", owner_team=team, review_date=today())
            StandardProposal.objects.create(standard=s, idea=idea, proposed_by=org.member,
                                            text="t")

    urls = ["/standards/", "/standard-proposals/"]
    build(0, n_small)
    for u in urls:  # warm the per-request caches of the user object
        client.get(f"{V1}{u}")
    small = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    build(n_small, n_large - n_small)
    large = [count_queries(client, f"{V1}{u}?page_size=200") for u in urls]
    assert small == large
