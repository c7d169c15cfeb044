"""The HTML pages: escalate with preview, inbox (filters, htmx actions), detail, overview,
the idea-page panel and the "My work" panels; query counts of the lists."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from escalation import services
from escalation.models import Escalation
from org.models import Membership
from tests.escalation.conftest import STRUCTURED, build_escalations
from tests.factories import MembershipFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class TestEscalatePage:
    def test_form_shows_the_preview_for_the_items_spend(self, org, client_as, make_idea,
                                                        spend_rule):
        idea = make_idea(required_spend=Decimal("20000"))
        page = client_as(org.member).get(f"/escalations/new/?idea={idea.pk}")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="route-team">Plant<' in html and "Tier 3" in html
        assert "above this team's authority limit" in html
        assert re.search(r'<input[^>]*value="authority"[^>]*checked', html)
        assert f'name="expected_to_team" value="{org.plant.pk}"' in html

    def test_preview_fragment_follows_the_form(self, org, client_as, make_idea, spend_rule):
        idea = make_idea()
        client = client_as(org.member)
        url = f"/escalations/new/preview/?idea={idea.pk}&reason=authority&requested_spend="
        frag = client.get(url + "60000", **HTMX)
        html = frag.content.decode()
        assert "Executive" in html and "Tier 4" in html
        assert 'hx-swap-oob="true"' in html and f'value="{org.exec.pk}"' in html
        bad = client.get(url + "-3", **HTMX).content.decode()
        assert "cannot be negative" in bad
        # without htmx the fragment URL leads to the full form
        assert client.get(url + "1").status_code == 302

    def test_confirm_creates_and_redirects_to_the_escalation(self, org, client_as, make_idea):
        idea = make_idea()
        response = client_as(org.member).post(
            f"/escalations/new/?idea={idea.pk}",
            {"idea": idea.pk, "reason": "knowledge", "ask": "Help with the torque spec",
             "requested_spend": "", "expected_to_team": org.sup.pk})
        esc = Escalation.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/escalations/{esc.pk}/"
        assert esc.to_team == org.sup and esc.ask == "Help with the torque spec"

    def test_bad_input_shows_errors_and_saves_nothing(self, org, client_as, make_idea):
        idea = make_idea()
        response = client_as(org.member).post(
            f"/escalations/new/?idea={idea.pk}",
            {"idea": idea.pk, "reason": "", "ask": "", "requested_spend": "-10"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose why you escalate" in html and "the ask is required" in html
        assert "cannot be negative" in html
        assert not Escalation.objects.exists()

    def test_changed_route_is_shown_again_with_409(self, org, client_as, make_idea):
        idea = make_idea()
        response = client_as(org.member).post(
            f"/escalations/new/?idea={idea.pk}",
            {"idea": idea.pk, "reason": "knowledge", "ask": "x", "expected_to_team": org.plant.pk})
        assert response.status_code == 409
        assert "route changed" in response.content.decode()
        assert not Escalation.objects.exists()

    def test_preview_button_does_not_create(self, org, client_as, make_idea):
        idea = make_idea()
        response = client_as(org.member).post(
            f"/escalations/new/?idea={idea.pk}",
            {"idea": idea.pk, "reason": "knowledge", "ask": "x", "preview": "1"})
        assert response.status_code == 200 and not Escalation.objects.exists()

    def test_who_may_open_the_form(self, org, client_as, make_idea, raise_):
        idea = make_idea()
        private = make_idea(is_private=True)
        assert client_as(org.other).get(f"/escalations/new/?idea={idea.pk}").status_code == 403
        assert client_as(org.other).get(
            f"/escalations/new/?idea={private.pk}").status_code == 404
        assert client_as(org.member).get("/escalations/new/?idea=999999").status_code == 404
        assert client_as(org.member).get("/escalations/new/?idea=abc").status_code == 302
        esc = raise_(idea)
        already = client_as(org.member).get(f"/escalations/new/?idea={idea.pk}")
        assert already.status_code == 302 and already["Location"] == f"/escalations/{esc.pk}/"

    def test_top_tier_item_shows_why(self, org, client_as, make_idea):
        idea = make_idea(team=org.exec, actor=org.executive)
        html = client_as(org.executive).get(f"/escalations/new/?idea={idea.pk}").content.decode()
        assert "top tier" in html


class TestInbox:
    def test_lists_my_teams_escalations_by_due(self, org, client_as, make_idea, raise_):
        a = raise_(make_idea(title="First"))
        b = raise_(make_idea(title="Second"))
        Escalation.objects.filter(pk=b.pk).update(due_ack_at=timezone.now() - timedelta(hours=1))
        raise_(make_idea(title="Elsewhere", team=org.line2, actor=org.other), actor=org.other)
        html = client_as(org.supervisor).get("/escalations/").content.decode()
        assert html.index("Second") < html.index("First")  # overdue first
        assert "acknowledge overdue" in html
        assert 'data-testid="acknowledge"' in html and 'data-testid="open-resolve"' in html
        assert "Elsewhere" in html  # line2 escalates to sup too
        assert "First" not in client_as(org.manager).get("/escalations/").content.decode()
        assert a.pk

    def test_filters(self, org, client_as, make_idea, raise_):
        open_ = raise_(make_idea(title="Open one"), reason="knowledge")
        done = raise_(make_idea(title="Closed one"), reason="resources")
        services.escalation_resolve(escalation_id=done.pk, actor=org.supervisor, decision="ok")
        client = client_as(org.supervisor)
        default = client.get("/escalations/").content.decode()
        assert "Open one" in default and "Closed one" not in default
        every = client.get("/escalations/?state=").content.decode()
        assert "Open one" in every and "Closed one" in every
        resolved = client.get("/escalations/?state=resolved").content.decode()
        assert "Closed one" in resolved and "Open one" not in resolved
        assert "Open one" not in client.get("/escalations/?state=&reason=resources").content.decode()
        assert "Open one" not in client.get("/escalations/?tier=3").content.decode()
        assert "Open one" in client.get("/escalations/?tier=2").content.decode()
        assert "Open one" not in client.get("/escalations/?overdue=on").content.decode()
        Escalation.objects.filter(pk=open_.pk).update(due_ack_at=timezone.now() - timedelta(1))
        assert "Open one" in client.get("/escalations/?overdue=on").content.decode()
        # htmx asks for the list only
        frag = client.get("/escalations/?state=", HTTP_HX_TARGET="inbox-list", **HTMX)
        assert b"<html" not in frag.content and b'id="inbox-list"' in frag.content
        assert client.get("/escalations/?tier=zzz").status_code == 200

    def test_one_click_acknowledge_with_htmx(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea())
        response = client_as(org.supervisor).post(f"/escalations/{esc.pk}/acknowledge/", **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="esc-{esc.pk}"' in html and 'data-state="acknowledged"' in html
        assert 'data-testid="acknowledge"' not in html
        again = client_as(org.supervisor).post(f"/escalations/{esc.pk}/acknowledge/", **HTMX)
        assert again.status_code == 409 and "already acknowledged" in again.content.decode()

    def test_resolve_from_the_inbox_and_errors_in_place(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea())
        client = client_as(org.supervisor)
        bad = client.post(f"/escalations/{esc.pk}/resolve/", {"decision": ""}, **HTMX)
        assert bad.status_code == 400 and "decision text is required" in bad.content.decode()
        assert " open>" in bad.content.decode() or "open>" in bad.content.decode()
        over = client.post(f"/escalations/{esc.pk}/resolve/",
                           {"decision": "Yes", "approved_spend": "9000"}, **HTMX)
        assert over.status_code == 400 and "may approve up to 5,000" in over.content.decode()
        ok = client.post(f"/escalations/{esc.pk}/resolve/",
                         {"decision": "Yes", "approved_spend": "400"}, **HTMX)
        assert ok.status_code == 200 and 'data-state="resolved"' in ok.content.decode()

    def test_non_htmx_actions_redirect_with_a_message(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea())
        client = client_as(org.supervisor)
        r = client.post(f"/escalations/{esc.pk}/acknowledge/", {"next": "/escalations/"})
        assert r.status_code == 302 and r["Location"] == "/escalations/"
        r = client.post(f"/escalations/{esc.pk}/acknowledge/", {"next": "https://evil.test/"})
        assert r["Location"] == f"/escalations/{esc.pk}/"
        r = client.post(f"/escalations/{esc.pk}/return/", {"decision": ""})
        assert r.status_code == 400 and "needs guidance" in r.content.decode()
        r = client.post(f"/escalations/{esc.pk}/escalate/", {"ask": "To plant please"})
        child = Escalation.objects.get(parent=esc)
        assert r.status_code == 302 and r["Location"] == f"/escalations/{child.pk}/"

    def test_further_preview_fragment(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea())
        html = client_as(org.supervisor).get(f"/escalations/{esc.pk}/escalate/preview/",
                                             **HTMX).content.decode()
        assert "Plant" in html and "Tier 3" in html
        denied = client_as(org.member).get(f"/escalations/{esc.pk}/escalate/preview/", **HTMX)
        assert "Only the leads" in denied.content.decode()


class TestDetail:
    def test_detail_shows_chain_and_actions_by_role(self, org, client_as, make_idea, raise_):
        idea = make_idea()
        esc = raise_(idea, ask="Need a guard")
        child = services.escalation_escalate_further(escalation_id=esc.pk, actor=org.supervisor,
                                                     ask="Budget please")
        html = client_as(org.manager).get(f"/escalations/{child.pk}/").content.decode()
        assert html.count('data-testid="chain-step"') == 2
        assert "Line 1" in html and "Supervisors" in html and "Plant" in html
        assert "Escalating further goes to" in html and "Executive" in html
        assert 'data-testid="resolve"' in html
        member_view = client_as(org.member).get(f"/escalations/{child.pk}/").content.decode()
        assert 'data-testid="esc-actions"' not in member_view
        assert "Only members of Plant act" in member_view

    def test_private_item_escalation_is_invisible_outside_the_chain(self, org, client_as,
                                                                    make_idea, raise_):
        esc = raise_(make_idea(is_private=True))
        assert client_as(org.other).get(f"/escalations/{esc.pk}/").status_code == 404
        assert client_as(org.supervisor).get(f"/escalations/{esc.pk}/").status_code == 200
        assert client_as(org.other).post(f"/escalations/{esc.pk}/acknowledge/").status_code == 404

    def test_outsider_action_on_a_public_item_is_refused(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea())
        r = client_as(org.other).post(f"/escalations/{esc.pk}/resolve/", {"decision": "x"})
        assert r.status_code == 403 and "Only the leads of Supervisors" in r.content.decode()
        esc.refresh_from_db()
        assert esc.state == "open"


class TestOverview:
    def test_for_executives_and_admins_only(self, org, client_as):
        for who, code in ((org.executive, 200), (org.admin, 200), (org.manager, 403),
                          (org.member, 403), (org.supervisor, 403)):
            assert client_as(who).get("/escalations/overview/").status_code == code

    def test_stalled_and_overdue_first_with_counts_and_medians(self, org, client_as, make_idea,
                                                               raise_):
        calm = raise_(make_idea(title="Calm one"))
        late = raise_(make_idea(title="Late one", team=org.line2, actor=org.other),
                      actor=org.other)
        stuck = raise_(make_idea(title="Stuck one", team=org.plant, actor=org.manager),
                       actor=org.manager, **STRUCTURED)
        now = timezone.now()
        Escalation.objects.filter(pk=late.pk).update(due_ack_at=now - timedelta(hours=2))
        Escalation.objects.filter(pk=stuck.pk).update(stalled_at=now)
        decided = raise_(make_idea(title="Decided"))
        Escalation.objects.filter(pk=decided.pk).update(raised_at=now - timedelta(hours=10))
        services.escalation_acknowledge(escalation_id=decided.pk, actor=org.supervisor)
        services.escalation_resolve(escalation_id=decided.pk, actor=org.supervisor, decision="ok")
        html = client_as(org.executive).get("/escalations/overview/").content.decode()
        assert html.index("Stuck one") < html.index("Late one") < html.index("Calm one")
        assert "Decided" not in html.split('data-testid="overview-rows"')[1]
        assert "10.0 h" in html  # median to acknowledge and to resolve at tier 2
        assert calm.pk




class TestQueryCounts:
    @pytest.mark.parametrize("url", ["/escalations/?state=", "/escalations/overview/"])
    def test_constant_queries_at_10_and_100(self, org, client_as, url):
        MembershipFactory(user=org.executive, team=org.plant, role=Membership.Role.LEAD)
        build_escalations(org, 10, states=["open", "acknowledged", "resolved", "returned"])
        client = client_as(org.executive)
        client.get(url)  # warm caches (content types, sessions)
        ten = count_queries(client, url)
        assert client.get(url).content.decode().count("Item ") >= 5
        build_escalations(org, 90, states=["open", "acknowledged", "resolved", "returned"])
        hundred = count_queries(client, url)
        assert "Next" in client.get(url).content.decode()  # 100 rows: paged
        assert ten == hundred, (ten, hundred)

    def test_home_panels_constant(self, org, client_as):
        MembershipFactory(user=org.member, team=org.plant)
        build_escalations(org, 10)
        client = client_as(org.member)
        client.get("/")
        ten = count_queries(client, "/")
        build_escalations(org, 90)
        hundred = count_queries(client, "/")
        assert "Escalations awaiting my teams" in client.get("/").content.decode()
        assert ten == hundred


class TestPanels:
    def test_idea_page_panel_with_escalate_button_and_decision(self, org, client_as, make_idea,
                                                               raise_):
        idea = make_idea(required_spend=Decimal("900"))
        html = client_as(org.member).get(f"/ideas/{idea.pk}/").content.decode()
        assert 'data-testid="escalation-panel"' in html
        assert f'href="/escalations/new/?idea={idea.pk}"' in html
        assert 'data-testid="needs-approval"' in html
        # not for someone outside the team
        outsider = client_as(org.other).get(f"/ideas/{idea.pk}/").content.decode()
        assert 'data-testid="escalate-button"' not in outsider
        esc = raise_(idea, reason="authority", ask="Approve 900")
        waiting = client_as(org.member).get(f"/ideas/{idea.pk}/").content.decode()
        assert 'data-testid="escalation-waiting"' in waiting and "Supervisors" in waiting
        assert 'data-testid="escalate-button"' not in waiting
        services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                    decision="Approved, order it", approved_spend="900")
        decided = client_as(org.member).get(f"/ideas/{idea.pk}/").content.decode()
        assert 'data-testid="escalation-decision"' in decided
        assert "Approved, order it" in decided and "900.00" in decided

    def test_my_work_panels(self, org, client_as, make_idea, raise_):
        esc = raise_(make_idea(title="Needs sup"))
        home = client_as(org.supervisor).get("/").content.decode()
        assert 'data-testid="home-escalations-awaiting"' in home and "Needs sup" in home
        services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                                   decision="Try the spare")
        mine = client_as(org.member).get("/").content.decode()
        assert 'data-testid="home-escalations-decisions"' in mine and "Try the spare" in mine
        nothing = client_as(org.other).get("/").content.decode()
        assert "home-escalations" not in nothing

    def test_card_badges(self, org, make_idea, raise_):
        from ideas.registry import card_badges

        idea, calm, late = make_idea(), make_idea(), make_idea()
        raise_(idea)
        esc = raise_(late)
        Escalation.objects.filter(pk=esc.pk).update(due_ack_at=timezone.now() - timedelta(1))
        badges = card_badges([idea, calm, late])
        [mine] = [b for b in badges[idea.pk] if b["label"].startswith("Escalation")]
        assert mine["label"] == "Escalation open" and "Supervisors" in mine["title"]
        assert not any("Escalation" in b["label"] for b in badges.get(calm.pk, []))
        [overdue] = [b for b in badges[late.pk] if b["label"].startswith("Escalation")]
        assert overdue["label"] == "Escalation overdue" and overdue["css"] == "chip-bad"

    def test_team_with_open_escalations_cannot_be_deactivated(self, org, make_idea, raise_):
        from core.errors import DomainError
        from escalation.models import RoutingRule
        from org.services import team_deactivate

        RoutingRule.objects.create(order=1, kind="category", category="quality",
                                   to_team=org.maint)
        raise_(make_idea(category="quality"))
        with pytest.raises(DomainError, match="1 open escalation sent to it"):
            team_deactivate(team=org.maint)


def test_home_panel_lists_the_next_deadlines_first_read_narrow_then_full(org, client_as,
                                                                         django_assert_num_queries):
    """The panel's order is found on the ids alone, then those rows are read in full: the same
    rows, in the same order, as the whole list's first page."""
    from escalation import selectors

    build_escalations(org, 12)
    qs = selectors.awaiting_my_teams(org.manager)
    expected = [e.pk for e in qs[:5]]
    with django_assert_num_queries(2):  # the ids, then the rows with their joins
        rows = selectors.first_rows(selectors.awaiting_my_teams(org.manager), 5)
    assert [e.pk for e in rows] == expected
    assert len(expected) == 5
    dues = [e.sla_due_at for e in rows]
    assert dues == sorted(dues)  # the next deadline first
    assert rows[0].idea.team.name and rows[0].to_team.tier.level  # read with their joins
    assert selectors.first_rows(selectors.awaiting_my_teams(org.other), 5) == []
