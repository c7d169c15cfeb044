"""The API: /api/v1/ideas/{id}/escalate/ (with preview), /api/v1/escalations/ (filters) and its
actions; the one error format; the authority limit on the page, the board and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from escalation import services
from escalation.models import Escalation
from ideas.models import Idea
from org.models import Membership
from tests.escalation.conftest import build_escalations
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def escalate(api, user, idea, **body):
    return api.as_user(user).post(f"/api/v1/ideas/{idea.pk}/escalate/", body, format="json")


class TestRaiseEndpoint:
    def test_preview_returns_the_route_without_creating(self, org, api, make_idea, spend_rule):
        idea = make_idea(required_spend=Decimal("20000"))
        r = escalate(api, org.member, idea, preview=True, reason="authority")
        assert r.status_code == 200 and r.json()["preview"] is True
        route = r.json()["route"]
        assert route["to_team"]["id"] == org.plant.pk and route["tier"]["level"] == 3
        assert route["tier"]["sla_ack_hours"] == 48 and route["due_ack_at"] < route["due_resolve_at"]
        assert not Escalation.objects.exists()

    def test_create(self, org, api, make_idea):
        idea = make_idea()
        r = escalate(api, org.member, idea, reason="knowledge", ask="Which spec applies?",
                     requested_spend="250.50")
        assert r.status_code == 201, r.json()
        body = r.json()
        assert body["state"] == "open" and body["to_team"]["id"] == org.sup.pk
        assert body["requested_spend"] == "250.50" and body["sla"]["code"] == "ok"
        assert body["chain"][0]["to_team"] == "Supervisors"
        assert Idea.objects.get(pk=idea.pk).waiting_on_team_id == org.sup.pk

    @pytest.mark.parametrize("body,field", [
        ({"reason": "knowledge"}, "ask"),
        ({"reason": "knowledge", "ask": "   "}, "ask"),
        ({"ask": "x"}, "reason"),
        ({"reason": "whim", "ask": "x"}, "reason"),
        ({"reason": "authority", "ask": "x", "requested_spend": "-1"}, "requested_spend"),
        ({"reason": "authority", "ask": "x", "requested_spend": "5000000000"}, "requested_spend"),
        ({"reason": "authority", "ask": "x", "requested_spend": "lots"}, "requested_spend"),
        ({"reason": "authority", "ask": "x" * 5001}, "ask"),
    ])
    def test_bad_input_is_a_400_with_field_errors(self, org, api, make_idea, body, field):
        r = escalate(api, org.member, make_idea(), **body)
        assert r.status_code == 400, r.json()
        assert field in r.json()["errors"] and r.json()["detail"]
        assert not Escalation.objects.exists()

    def test_conflicts_forbidden_and_invisible(self, org, api, make_idea):
        idea = make_idea()
        assert escalate(api, org.member, idea, reason="knowledge", ask="a").status_code == 201
        second = escalate(api, org.lead, idea, reason="knowledge", ask="b")
        assert second.status_code == 409 and "already has an open escalation" in \
            second.json()["detail"]
        assert second.json()["code"] == "conflict"
        other_item = make_idea()
        r = escalate(api, org.other, other_item, reason="knowledge", ask="a")
        assert r.status_code == 403 and "Only members of Line 1" in r.json()["detail"]
        private = make_idea(is_private=True)
        assert escalate(api, org.other, private, reason="knowledge", ask="a").status_code == 404
        assert escalate(api, org.member, Idea(pk=987654), reason="knowledge",
                        ask="a").status_code == 404

    def test_top_tier_is_refused(self, org, api, make_idea):
        idea = make_idea(team=org.exec, actor=org.executive)
        r = escalate(api, org.executive, idea, reason="authority", ask="x")
        assert r.status_code == 400 and "top tier" in r.json()["detail"]
        r = escalate(api, org.executive, idea, reason="authority", preview=True)
        assert r.status_code == 400


class TestActions:
    def post(self, api, user, esc, action, **body):
        return api.as_user(user).post(f"/api/v1/escalations/{esc.pk}/{action}/", body,
                                      format="json")

    def test_full_journey(self, org, api, make_idea, raise_):
        esc = raise_(make_idea())
        r = self.post(api, org.supervisor, esc, "acknowledge")
        assert r.status_code == 200 and r.json()["state"] == "acknowledged"
        assert r.json()["acknowledged_by"]["username"] == "supervisor"
        r = self.post(api, org.supervisor, esc, "acknowledge")
        assert r.status_code == 409 and "already acknowledged" in r.json()["detail"]
        r = self.post(api, org.supervisor, esc, "escalate", preview=True)
        assert r.status_code == 200 and r.json()["route"]["to_team"]["id"] == org.plant.pk
        assert Escalation.objects.count() == 1
        r = self.post(api, org.supervisor, esc, "escalate", ask="Plant budget")
        assert r.status_code == 201
        child = r.json()
        assert child["parent"] == esc.pk and child["to_team"]["id"] == org.plant.pk
        assert [s["state"] for s in child["chain"]] == ["escalated", "open"]
        r = self.post(api, org.manager, Escalation(pk=child["id"]), "resolve",
                      decision="Yes", approved_spend="1200")
        assert r.status_code == 200 and r.json()["state"] == "resolved"
        assert r.json()["approved_spend"] == "1200.00"

    def test_decision_required_and_spend_checked(self, org, api, make_idea, raise_):
        esc = raise_(make_idea())
        r = self.post(api, org.supervisor, esc, "resolve")
        assert r.status_code == 400 and "decision" in r.json()["errors"]
        r = self.post(api, org.supervisor, esc, "return", decision="  ")
        assert r.status_code == 400 and "decision" in r.json()["errors"]
        r = self.post(api, org.supervisor, esc, "resolve", decision="ok", approved_spend="-2")
        assert r.status_code == 400 and "approved_spend" in r.json()["errors"]
        r = self.post(api, org.supervisor, esc, "resolve", decision="ok", approved_spend="7000")
        assert r.status_code == 400 and "may approve up to" in r.json()["detail"]
        r = self.post(api, org.supervisor, esc, "return", decision="Ask the stores")
        assert r.status_code == 200 and r.json()["state"] == "returned"
        r = self.post(api, org.supervisor, esc, "resolve", decision="late")
        assert r.status_code == 409


class TestList:
    def test_filters(self, org, api, make_idea, raise_):
        a = raise_(make_idea(title="A"))
        b = raise_(make_idea(title="B", team=org.line2, actor=org.other), actor=org.other)
        c = raise_(make_idea(title="C", team=org.sup, actor=org.supervisor), actor=org.supervisor)
        services.escalation_resolve(escalation_id=b.pk, actor=org.supervisor, decision="ok")
        Escalation.objects.filter(pk=a.pk).update(due_ack_at=timezone.now() - timedelta(hours=1))
        client = api.as_user(org.admin)

        def ids(query=""):
            r = client.get(f"/api/v1/escalations/{query}")
            assert r.status_code == 200, r.json()
            return {row["id"] for row in r.json()["results"]}

        assert ids() == {a.pk, b.pk, c.pk}
        assert ids("?state=active") == {a.pk, c.pk}
        assert ids("?state=resolved") == {b.pk}
        assert ids("?state=closed") == {b.pk}
        assert ids(f"?team={org.plant.pk}") == {c.pk}
        assert ids(f"?team={org.sup.pk}") == {a.pk, b.pk, c.pk}
        assert ids(f"?to_team={org.sup.pk}") == {a.pk, b.pk}
        assert ids("?overdue=true") == {a.pk}
        assert ids("?overdue=false") == {b.pk, c.pk}
        assert ids("?reason=resources") == {a.pk, b.pk, c.pk}
        api.as_user(org.manager)
        assert ids("?mine=true") == {c.pk}
        assert client.get("/api/v1/escalations/?state=bogus").status_code == 400

    def test_private_items_never_leak(self, org, api, make_idea, raise_):
        secret = raise_(make_idea(is_private=True, title="Secret"))
        public = raise_(make_idea(title="Public"))
        for who, sees_secret in ((org.other, False), (org.manager, False),
                                 (org.supervisor, True), (org.member, True)):
            rows = api.as_user(who).get("/api/v1/escalations/").json()["results"]
            assert (secret.pk in {r["id"] for r in rows}) is sees_secret
            assert public.pk in {r["id"] for r in rows}
        assert api.as_user(org.other).get(f"/api/v1/escalations/{secret.pk}/").status_code == 404
        r = api.as_user(org.other).post(f"/api/v1/escalations/{secret.pk}/acknowledge/")
        assert r.status_code == 404

    def test_list_queries_constant(self, org, api):
        MembershipFactory(user=org.executive, team=org.plant, role=Membership.Role.LEAD)
        client = api.as_user(org.executive)
        build_escalations(org, 10)
        client.get("/api/v1/escalations/?mine=true")
        with CaptureQueriesContext(connection) as ten:
            assert client.get("/api/v1/escalations/?mine=true").json()["count"] == 10
        build_escalations(org, 90)
        with CaptureQueriesContext(connection) as hundred:
            r = client.get("/api/v1/escalations/?mine=true&page_size=100")
        assert r.json()["count"] == 100 and len(r.json()["results"]) == 100
        assert len(ten.captured_queries) == len(hundred.captured_queries)


class TestAuthorityLimitEverywhere:
    """The transition guard holds on the item page, the board and the API alike."""

    @pytest.fixture
    def big(self, org, make_idea):
        return make_idea(required_spend=Decimal("20000"), title="New guard for press 4")

    def test_api_transition_refused_then_allowed(self, org, api, big, raise_, spend_rule):
        r = api.as_user(org.lead).post(f"/api/v1/ideas/{big.pk}/transition/",
                                       {"to": "in_progress"}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "authority_limit"
        assert "authority limit" in r.json()["detail"]
        assert r.json()["escalate_url"] == f"/escalations/new/?idea={big.pk}"
        esc = raise_(big, reason="authority", ask="Approve 20k")
        services.escalation_resolve(escalation_id=esc.pk, actor=org.manager, decision="Yes",
                                    approved_spend="20000")
        r = api.as_user(org.lead).post(f"/api/v1/ideas/{big.pk}/transition/",
                                       {"to": "in_progress"}, format="json")
        assert r.status_code == 200 and Idea.objects.get(pk=big.pk).status == "in_progress"

    def test_item_page_refuses_and_offers_to_escalate(self, org, client_as, big):
        r = client_as(org.lead).post(f"/ideas/{big.pk}/transition/",
                                     {"to": "in_progress", "version": big.version})
        assert r.status_code == 400
        html = r.content.decode()
        assert "authority limit" in html and "Escalate it for approval" in html
        assert f"/escalations/new/?idea={big.pk}" in html  # the panel's Escalate button
        assert Idea.objects.get(pk=big.pk).status == "new"

    def test_board_move_refused(self, org, client_as, big):
        r = client_as(org.lead).post(f"/boards/{org.line1.slug}/move/",
                                     {"idea": big.pk, "to": "in_progress",
                                      "version": big.version})
        assert r.status_code == 302
        board = client_as(org.lead).get(r["Location"]).content.decode()
        assert "authority limit" in board
        fragment = client_as(org.lead).post(
            f"/boards/{org.line1.slug}/move/",
            {"idea": big.pk, "to": "in_progress", "version": big.version},
            HTTP_HX_REQUEST="true")
        assert fragment.status_code == 400 and "authority limit" in fragment.content.decode()
        assert Idea.objects.get(pk=big.pk).status == "new"

    def test_approving_less_then_starting_is_refused_by_api(self, org, api, big, raise_):
        esc = raise_(big, reason="authority", ask="Approve")
        services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                    decision="Half now", approved_spend="5000")
        r = api.as_user(org.lead).post(f"/api/v1/ideas/{big.pk}/transition/",
                                       {"to": "in_progress"}, format="json")
        assert r.status_code == 400 and "approved so far is 5,000.00" in r.json()["detail"]
