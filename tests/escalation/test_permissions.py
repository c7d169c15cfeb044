"""Roles × actions: who may raise, acknowledge, resolve, return, escalate further and see an
escalation — through the API (the pages call the same services and predicates)."""

import pytest

from escalation import services
from escalation.models import Escalation
from org.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["member", "lead", "other", "target_member", "target_lead", "manager", "executive",
         "admin"]

# role → expected HTTP status for each action on a public item escalated from Line 1 to
# Supervisors (target_member / target_lead are members / the lead of Supervisors).
MATRIX = {
    #                raise acknowledge resolve return escalate
    "member":        (201, 403, 403, 403, 403),
    "lead":          (201, 403, 403, 403, 403),
    "other":         (403, 403, 403, 403, 403),
    "target_member": (403, 200, 403, 403, 403),
    "target_lead":   (403, 200, 200, 200, 201),
    "manager":       (403, 403, 403, 403, 403),
    "executive":     (403, 403, 403, 403, 403),
    "admin":         (201, 403, 403, 403, 403),
}
ACTIONS = ["raise", "acknowledge", "resolve", "return", "escalate"]
BODIES = {"raise": {"reason": "resources", "ask": "Help"}, "acknowledge": {},
          "resolve": {"decision": "Go ahead"}, "return": {"decision": "Do it yourselves"},
          "escalate": {"ask": "Over to plant"}}


@pytest.fixture
def people(org):
    target_member = UserFactory(username="target_member")
    MembershipFactory(user=target_member, team=org.sup, role=Membership.Role.MEMBER)
    return {"member": org.member, "lead": org.lead, "other": org.other,
            "target_member": target_member, "target_lead": org.supervisor,
            "manager": org.manager, "executive": org.executive, "admin": org.admin}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_matrix(org, api, people, make_idea, role, action):
    idea = make_idea()
    expected = MATRIX[role][ACTIONS.index(action)]
    user = people[role]
    if action == "raise":
        url = f"/api/v1/ideas/{idea.pk}/escalate/"
    else:
        esc = services.escalation_raise(idea_id=idea.pk, actor=org.member, reason="resources",
                                        ask="Help")
        url = f"/api/v1/escalations/{esc.pk}/{action}/"
    before = list(Escalation.objects.order_by("pk").values_list("pk", "state"))
    r = api.as_user(user).post(url, BODIES[action], format="json")
    assert r.status_code == expected, (role, action, r.json())
    after = list(Escalation.objects.order_by("pk").values_list("pk", "state"))
    if expected >= 400:
        assert after == before  # a refusal changes nothing
        assert r.json()["code"] == "permission_denied"


PRIVATE_VIEW = {"member": 200, "lead": 200, "other": 404, "target_member": 200,
                "target_lead": 200, "manager": 404, "executive": 404, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_seeing_an_escalation_of_a_private_item(org, api, client_as, people, make_idea, role):
    esc = services.escalation_raise(idea_id=make_idea(is_private=True).pk, actor=org.member,
                                    reason="resources", ask="Help")
    user = people[role]
    assert api.as_user(user).get(f"/api/v1/escalations/{esc.pk}/").status_code == \
        PRIVATE_VIEW[role]
    listed = {r["id"] for r in api.as_user(user).get("/api/v1/escalations/").json()["results"]}
    assert (esc.pk in listed) is (PRIVATE_VIEW[role] == 200)
    assert client_as(user).get(f"/escalations/{esc.pk}/").status_code == PRIVATE_VIEW[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_public_escalations(org, api, people, make_idea, role):
    esc = services.escalation_raise(idea_id=make_idea().pk, actor=org.member,
                                    reason="resources", ask="Help")
    assert api.as_user(people[role]).get(f"/api/v1/escalations/{esc.pk}/").status_code == 200


def test_anonymous_gets_nothing(org, api, client, make_idea):
    esc = services.escalation_raise(idea_id=make_idea().pk, actor=org.member,
                                    reason="resources", ask="Help")
    assert api.get("/api/v1/escalations/").status_code in (401, 403)
    assert api.post(f"/api/v1/escalations/{esc.pk}/acknowledge/").status_code in (401, 403)
    for url in ("/escalations/", "/escalations/overview/", f"/escalations/{esc.pk}/"):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


# Cross-team conflict (private item, Line 1 vs Line 2, held by Supervisors): who may give a
# team's view — the two teams' members only; the holder reads; outsiders do not even see it.
CONFLICT_VIEW = {"member": 200, "lead": 200, "other": 200, "target_member": 403,
                 "target_lead": 403, "manager": 404, "executive": 404, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_conflict_view_matrix(org, api, client_as, people, make_idea, role):
    from escalation.models import ConflictView

    esc = services.escalation_raise(idea_id=make_idea(is_private=True).pk, actor=org.member,
                                    reason="cross_team", ask="Shared guns",
                                    other_team_id=org.line2.pk)
    user = people[role]
    r = api.as_user(user).post(f"/api/v1/escalations/{esc.pk}/views/", {"text": "Our side"},
                               format="json")
    assert r.status_code == CONFLICT_VIEW[role], (role, r.json())
    assert ConflictView.objects.exists() is (CONFLICT_VIEW[role] == 200)
    ConflictView.objects.all().delete()
    page = client_as(user).post(f"/escalations/{esc.pk}/views/", {"text": "Our side"})
    assert page.status_code == (302 if CONFLICT_VIEW[role] == 200 else CONFLICT_VIEW[role])
