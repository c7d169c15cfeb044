"""The executive layer's rules in the escalation app: structured escalations at the top tier,
cross-team conflicts (lowest common ancestor, both teams' views, both told of the decision) and
the top-tier decision figures for the executive scorecard."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import Conflict, DomainError, Forbidden
from escalation import selectors, services
from escalation.models import ConflictView, Escalation, RoutingRule
from escalation.routing import plan_route
from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from org.models import Membership, Notification
from tests.escalation.conftest import STRUCTURED
from tests.factories import IdeaFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def line2_lead(org):
    user = UserFactory(username="line2lead")
    MembershipFactory(user=user, team=org.line2, role=Membership.Role.LEAD)
    return user


def keys(user, part):
    return list(Notification.objects.filter(recipient=user, event_key__contains=part)
                .values_list("event_key", flat=True))


# ---------------------------------------------------------------- structured at the top tier


class TestStructured:
    def test_raising_to_the_top_tier_needs_options_and_recommendation(self, org, make_idea,
                                                                      raise_):
        idea = make_idea(team=org.plant, actor=org.manager)
        with pytest.raises(DomainError) as exc:
            raise_(idea, actor=org.manager, options="  ")
        assert exc.value.code == "structured"
        errors = exc.value.extra["errors"]
        assert set(errors) == {"options", "recommendation"}
        assert "Executive is the top tier" in errors["options"][0]
        # nothing half-done: no escalation, the item does not wait on anyone
        assert not Escalation.objects.exists()
        assert Idea.objects.get(pk=idea.pk).waiting_on_team is None
        with pytest.raises(DomainError) as exc:
            raise_(idea, actor=org.manager, options="A or B")
        assert set(exc.value.extra["errors"]) == {"recommendation"}

    def test_structured_escalation_is_kept(self, org, make_idea, raise_):
        esc = raise_(make_idea(team=org.plant, actor=org.manager), actor=org.manager,
                     options="  A: lease. B: buy.  ", recommendation="A")
        assert esc.to_team == org.exec
        assert (esc.options, esc.recommendation) == ("A: lease. B: buy.", "A")
        assert esc.is_structured

    def test_below_the_top_tier_the_structure_is_optional(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        assert esc.to_team == org.sup and esc.options == "" and esc.recommendation == ""
        with_options = raise_(make_idea(title="Second"), options="A or B")
        assert with_options.options == "A or B"

    def test_too_long_structure_is_refused_at_any_tier(self, org, make_idea, raise_):
        with pytest.raises(DomainError) as exc:
            raise_(make_idea(), options="x" * 5001)
        assert exc.value.field == "options" and "5000" in exc.value.message

    def test_escalating_further_to_the_top_needs_the_structure(self, org, make_idea, raise_):
        first = raise_(make_idea())
        child = services.escalation_escalate_further(escalation_id=first.pk,
                                                     actor=org.supervisor, ask="To plant")
        assert child.to_team == org.plant and child.options == ""  # not the top: optional
        with pytest.raises(DomainError) as exc:
            services.escalation_escalate_further(escalation_id=child.pk, actor=org.manager,
                                                 ask="Board decision")
        assert set(exc.value.extra["errors"]) == {"options", "recommendation"}
        assert Escalation.objects.get(pk=child.pk).state == "open"  # nothing closed
        top = services.escalation_escalate_further(escalation_id=child.pk, actor=org.manager,
                                                   ask="Board decision", **STRUCTURED)
        assert top.to_team == org.exec and top.recommendation == STRUCTURED["recommendation"]

    def test_preview_says_when_the_route_is_the_top_tier(self, org, make_idea):
        plant_idea = make_idea(team=org.plant, actor=org.manager)
        route = services.escalation_preview(idea_id=plant_idea.pk, actor=org.manager,
                                            reason="authority")
        assert route.top_tier and route.as_dict()["structured_required"] is True
        low = services.escalation_preview(idea_id=make_idea().pk, actor=org.member,
                                          reason="authority")
        assert not low.top_tier and low.as_dict()["top_tier"] is False


class TestStructuredApi:
    def test_400_with_both_field_errors_and_nothing_created(self, org, api, make_idea):
        idea = make_idea(team=org.plant, actor=org.manager)
        r = api.as_user(org.manager).post(f"/api/v1/ideas/{idea.pk}/escalate/",
                                          {"reason": "authority", "ask": "Capital request"},
                                          format="json")
        assert r.status_code == 400
        body = r.json()
        assert body["code"] == "structured"
        assert set(body["errors"]) == {"options", "recommendation"}
        assert not Escalation.objects.exists()

    def test_201_with_the_structure_and_preview_flag(self, org, api, make_idea):
        idea = make_idea(team=org.plant, actor=org.manager)
        client = api.as_user(org.manager)
        preview = client.post(f"/api/v1/ideas/{idea.pk}/escalate/",
                              {"reason": "authority", "preview": True}, format="json")
        assert preview.json()["route"]["structured_required"] is True
        r = client.post(f"/api/v1/ideas/{idea.pk}/escalate/",
                        {"reason": "authority", "ask": "Capital request", **STRUCTURED},
                        format="json")
        assert r.status_code == 201, r.json()
        assert r.json()["options"] == STRUCTURED["options"]
        assert r.json()["recommendation"] == STRUCTURED["recommendation"]

    def test_escalate_further_endpoint_needs_the_structure(self, org, api, make_idea, raise_):
        esc = services.escalation_escalate_further(
            escalation_id=raise_(make_idea()).pk, actor=org.supervisor, ask="Plant")
        client = api.as_user(org.manager)
        r = client.post(f"/api/v1/escalations/{esc.pk}/escalate/", {"ask": "Board"},
                        format="json")
        assert r.status_code == 400 and set(r.json()["errors"]) == {"options",
                                                                      "recommendation"}
        r = client.post(f"/api/v1/escalations/{esc.pk}/escalate/",
                        {"ask": "Board", **STRUCTURED}, format="json")
        assert r.status_code == 201 and r.json()["to_team"]["slug"] == "exec"


class TestStructuredPage:
    def test_form_shows_the_structure_when_routed_to_the_top(self, org, client_as,
                                                             make_idea):
        idea = make_idea(team=org.plant, actor=org.manager)
        page = client_as(org.manager).get(f"/escalations/new/?idea={idea.pk}").content.decode()
        assert 'data-top-tier="1"' in page and 'data-testid="structured-fields"' in page
        assert 'data-testid="route-structured"' in page
        low = client_as(org.member).get(f"/escalations/new/?idea={make_idea().pk}")
        assert 'data-top-tier="0"' in low.content.decode()

    def test_post_without_the_structure_shows_both_errors(self, org, client_as, make_idea):
        idea = make_idea(team=org.plant, actor=org.manager)
        client = client_as(org.manager)
        url = f"/escalations/new/?idea={idea.pk}"
        r = client.post(url, {"idea": idea.pk, "reason": "authority", "ask": "Capital"})
        assert r.status_code == 400
        form = r.context["form"]
        assert set(form.errors) == {"options", "recommendation"}
        assert "is-shown" in r.content.decode()  # the fields show with their errors
        r = client.post(url, {"idea": idea.pk, "reason": "authority", "ask": "Capital",
                              **STRUCTURED})
        assert r.status_code == 302
        esc = Escalation.objects.get(idea=idea)
        detail = client.get(f"/escalations/{esc.pk}/").content.decode()
        assert STRUCTURED["options"] in detail and 'data-testid="esc-recommendation"' in detail


# ---------------------------------------------------------------- cross-team routing


def route(org, team, other, *, spend=None, category="quality", now=None):
    idea = IdeaFactory(team=team, reporter=org.member, category=category)
    return plan_route(origin=team, idea=idea, reason="cross_team", spend=spend,
                      other_team=other, now=now)


class TestCrossTeamRouting:
    def test_lowest_common_ancestor(self, org):
        assert route(org, org.line1, org.line2).to_team == org.sup
        assert route(org, org.line1, org.maint).to_team == org.exec
        assert route(org, org.sup, org.maint).to_team == org.exec
        r = route(org, org.line1, org.line2)
        assert "lowest team above both Line 1 and Line 2" in r.note and r.rule_id is None

    def test_conflict_comes_before_category_and_cross_team_rules(self, org):
        RoutingRule.objects.create(order=1, kind="category", category="safety",
                                   to_team=org.maint)
        RoutingRule.objects.create(order=2, kind="cross_team", to_team=org.maint)
        assert route(org, org.line1, org.line2, category="safety").to_team == org.sup
        # without a named other team the cross-team rule still applies (kept for old steps)
        idea = IdeaFactory(team=org.line1, reporter=org.member, category="quality")
        assert plan_route(origin=org.line1, idea=idea, reason="cross_team",
                          spend=None).to_team == org.maint

    def test_spend_rule_lifts_the_conflict_above_the_common_ancestor(self, org):
        rule = RoutingRule.objects.create(order=1, kind="spend")
        r = route(org, org.line1, org.line2, spend=Decimal("20000"))
        assert r.to_team == org.plant and r.rule_id == rule.pk
        assert "above its limit of 5,000" in r.note
        assert route(org, org.line1, org.line2, spend=Decimal("4000")).to_team == org.sup
        # no spend rule: the common ancestor with a warning that it will have to go further
        rule.delete()
        r = route(org, org.line1, org.line2, spend=Decimal("20000"))
        assert r.to_team == org.sup and "escalate further" in r.warnings[0]

    def test_inactive_common_ancestor_is_skipped(self, org):
        org.sup.active = False
        org.sup.save()
        assert route(org, org.line1, org.line2).to_team == org.plant

    @pytest.mark.parametrize("other,message", [
        (None, "Name the other team"),
        ("line1", "other than your own"),
        ("sup", "is above Line 1"),
        ("plant", "is above Line 1"),
    ])
    def test_refused_other_teams(self, org, make_idea, raise_, other, message):
        idea = make_idea()
        with pytest.raises(DomainError, match=message) as exc:
            raise_(idea, reason="cross_team",
                   other_team_id=getattr(org, other).pk if other else None)
        assert exc.value.field == "other_team"
        assert not Escalation.objects.exists()

    def test_refused_team_below_and_inactive_and_unknown(self, org, make_idea, raise_):
        sup_idea = make_idea(team=org.sup, actor=org.supervisor)
        with pytest.raises(DomainError, match="sits below Supervisors"):
            raise_(sup_idea, actor=org.supervisor, reason="cross_team",
                   other_team_id=org.line1.pk)
        gone = TeamFactory(name="Gone", slug="gone", tier=org.tiers[1], parent=org.sup,
                           active=False)
        with pytest.raises(DomainError, match="inactive"):
            raise_(make_idea(), reason="cross_team", other_team_id=gone.pk)
        with pytest.raises(DomainError, match="No such team"):
            raise_(make_idea(title="x"), reason="cross_team", other_team_id=999999)

    def test_other_team_is_ignored_for_other_reasons(self, org, make_idea, raise_):
        esc = raise_(make_idea(), reason="knowledge", other_team_id=org.line2.pk)
        assert esc.other_team is None and esc.to_team == org.sup


# ---------------------------------------------------------------- cross-team conflicts


@pytest.fixture
def conflict(org, make_idea, raise_, now_):
    """Line 1 raises a conflict with Line 2 about a private item; it goes to Supervisors."""
    idea = make_idea(title="Torque guns leave with Line 2", is_private=True)
    with now_():
        esc = raise_(idea, reason="cross_team", other_team_id=org.line2.pk,
                     ask="We need a rule for the shared guns.")
    return esc


class TestConflict:
    def test_raise_names_the_other_team_shares_and_tells_its_leads(self, org, conflict,
                                                                   line2_lead):
        assert conflict.to_team == org.sup and conflict.other_team == org.line2
        idea = conflict.idea
        assert set(idea.shared_with_teams.all()) == {org.line1, org.sup, org.line2}
        # the other team sees the private item and the escalation
        assert ideas_visible_to(org.other).filter(pk=idea.pk).exists()
        assert selectors.escalations_visible_to(org.other).filter(pk=conflict.pk).exists()
        assert not ideas_visible_to(org.manager).filter(pk=idea.pk).exists()

    def test_other_team_leads_are_told(self, org, make_idea, raise_, now_, line2_lead):
        with now_():
            esc = raise_(make_idea(), reason="cross_team", other_team_id=org.line2.pk)
        assert keys(line2_lead, f"escalation:{esc.pk}:") == [f"escalation:{esc.pk}:named"]
        assert keys(org.supervisor, f"escalation:{esc.pk}:") == [f"escalation:{esc.pk}:raised"]

    def test_each_team_gives_its_view_and_can_update_it(self, org, conflict, now_):
        with now_():
            mine = services.escalation_view_set(escalation_id=conflict.pk, actor=org.member,
                                                text="We start two guns short.")
            theirs = services.escalation_view_set(escalation_id=conflict.pk, actor=org.other,
                                                  text="Ours are away for calibration.")
        assert (mine.team, theirs.team) == (org.line1, org.line2)
        again = services.escalation_view_set(escalation_id=conflict.pk, actor=org.lead,
                                             text="Three days a week, two guns short.")
        assert again.pk == mine.pk and again.author == org.lead
        assert ConflictView.objects.count() == 2
        views = selectors.conflict_views(conflict, conflict.other_team)
        assert [(v["team"], v["view"].text) for v in views] == [
            (org.line1, "Three days a week, two guns short."),
            (org.line2, "Ours are away for calibration.")]
        assert keys(org.supervisor, f"escalation:{conflict.pk}:view:") != []
        assert conflict.idea.events.filter(verb="conflict_view").count() == 3

    def test_who_may_give_a_view(self, org, conflict, make_idea, raise_):
        for who in (org.supervisor, org.manager, org.executive):
            with pytest.raises(Forbidden, match="Only members of Line 1 or Line 2"):
                services.escalation_view_set(escalation_id=conflict.pk, actor=who, text="x")
        with pytest.raises(DomainError, match="Write Line 1's view"):
            services.escalation_view_set(escalation_id=conflict.pk, actor=org.member,
                                         text="   ")
        with pytest.raises(DomainError, match="your own team"):
            services.escalation_view_set(escalation_id=conflict.pk, actor=org.member,
                                         text="x", team_id=org.line2.pk)
        plain = raise_(make_idea(title="Plain"))
        with pytest.raises(DomainError, match="Only cross-team"):
            services.escalation_view_set(escalation_id=plain.pk, actor=org.member, text="x")
        assert not ConflictView.objects.exists()

    def test_member_of_both_teams_chooses_the_side(self, org, conflict):
        both = UserFactory(username="both")
        MembershipFactory(user=both, team=org.line1)
        MembershipFactory(user=both, team=org.line2)
        with pytest.raises(DomainError, match="choose which team") as exc:
            services.escalation_view_set(escalation_id=conflict.pk, actor=both, text="x")
        assert exc.value.field == "team"
        view = services.escalation_view_set(escalation_id=conflict.pk, actor=both, text="x",
                                            team_id=org.line2.pk)
        assert view.team == org.line2

    def test_views_close_with_the_decision(self, org, conflict):
        services.escalation_resolve(escalation_id=conflict.pk, actor=org.supervisor,
                                    decision="A shared pool at the crib.")
        with pytest.raises(Conflict, match="already decided"):
            services.escalation_view_set(escalation_id=conflict.pk, actor=org.member,
                                         text="late")

    @pytest.mark.parametrize("decide", ["resolve", "return"])
    def test_decision_notifies_both_teams_leads(self, org, conflict, now_, line2_lead,
                                                decide):
        with now_():
            if decide == "resolve":
                services.escalation_resolve(escalation_id=conflict.pk, actor=org.supervisor,
                                            decision="A shared pool at the crib.")
            else:
                services.escalation_return(escalation_id=conflict.pk, actor=org.supervisor,
                                           decision="Agree a swap list between you.")
        verb = "resolved" if decide == "resolve" else "returned"
        key = f"escalation:{conflict.pk}:{verb}"
        assert keys(org.lead, key) == [key]  # the origin team's lead
        assert keys(line2_lead, key) == [key]  # the other team's lead
        assert keys(org.manager, key) == []

    def test_escalated_further_keeps_the_conflict_and_its_views(self, org, conflict,
                                                                line2_lead, now_):
        services.escalation_view_set(escalation_id=conflict.pk, actor=org.other,
                                     text="Our view")
        child = services.escalation_escalate_further(escalation_id=conflict.pk,
                                                     actor=org.supervisor, ask="Plant rule")
        # the holder is the common ancestor: it goes on up the ordinary way (the parent)
        assert child.to_team == org.plant and child.other_team == org.line2
        assert org.line2 in child.idea.shared_with_teams.all()
        views = selectors.conflict_views(conflict, child.other_team)
        assert views[1]["view"].text == "Our view"
        services.escalation_view_set(escalation_id=child.pk, actor=org.member, text="Ours")
        assert ConflictView.objects.filter(escalation=conflict).count() == 2
        with now_():
            services.escalation_resolve(escalation_id=child.pk, actor=org.manager,
                                        decision="Plant-wide pool.")
        key = f"escalation:{child.pk}:resolved"
        assert keys(line2_lead, key) == [key] and keys(org.lead, key) == [key]


class TestConflictApiAndPages:
    def test_api_views_endpoint_and_detail(self, org, api, conflict):
        client = api.as_user(org.other)
        r = client.post(f"/api/v1/escalations/{conflict.pk}/views/", {"text": "Our side"},
                        format="json")
        assert r.status_code == 200, r.json()
        body = r.json()
        assert body["other_team"]["slug"] == "line2"
        assert [(v["team"]["slug"], v["text"]) for v in body["views"]] == [
            ("line1", None), ("line2", "Our side")]
        assert client.post(f"/api/v1/escalations/{conflict.pk}/views/", {"text": ""},
                           format="json").json()["errors"] == {
            "text": ["Write Line 2's view of the conflict."]}
        r = api.as_user(org.supervisor).post(f"/api/v1/escalations/{conflict.pk}/views/",
                                             {"text": "x"}, format="json")
        assert r.status_code == 403
        r = api.as_user(org.manager).post(f"/api/v1/escalations/{conflict.pk}/views/",
                                          {"text": "x"}, format="json")
        assert r.status_code == 404  # private item, not on the chain
        listed = api.as_user(org.other).get("/api/v1/escalations/",
                                            {"other_team": org.line2.pk}).json()
        assert [e["id"] for e in listed["results"]] == [conflict.pk]

    def test_api_raise_cross_team_needs_the_other_team(self, org, api, make_idea):
        idea = make_idea()
        client = api.as_user(org.member)
        r = client.post(f"/api/v1/ideas/{idea.pk}/escalate/",
                        {"reason": "cross_team", "ask": "x"}, format="json")
        assert r.status_code == 400 and "other_team" in r.json()["errors"]
        r = client.post(f"/api/v1/ideas/{idea.pk}/escalate/",
                        {"reason": "cross_team", "preview": True, "other_team": org.line2.pk},
                        format="json")
        assert r.json()["route"]["to_team"]["slug"] == "sup"

    def test_detail_page_shows_both_views_and_the_right_forms(self, org, client_as, conflict):
        services.escalation_view_set(escalation_id=conflict.pk, actor=org.other,
                                     text="Ours are away for calibration.")
        url = f"/escalations/{conflict.pk}/"
        holder = client_as(org.supervisor).get(url).content.decode()
        assert 'data-testid="conflict-views"' in holder
        assert "Ours are away for calibration." in holder and "No view from Line 1" in holder
        assert "view-form-" not in holder  # the holder reads, the parties write
        member = client_as(org.member).get(url).content.decode()
        assert 'data-testid="view-form-line1"' in member
        assert 'data-testid="view-form-line2"' not in member
        r = client_as(org.member).post(f"{url}views/", {"team": org.line1.pk, "text": ""})
        assert r.status_code == 400 and "Write your team&#x27;s view" in r.content.decode()
        r = client_as(org.member).post(f"{url}views/",
                                       {"team": org.line1.pk, "text": "Two guns short"})
        assert r.status_code == 302
        r = client_as(org.supervisor).post(f"{url}views/", {"text": "x"})
        assert r.status_code == 403 and "Only members of Line 1 or Line 2" in \
            r.content.decode()

    def test_inbox_lists_conflicts_naming_my_teams(self, org, client_as, conflict):
        page = client_as(org.other).get("/escalations/").content.decode()
        assert 'data-testid="naming-my-teams"' in page and "Torque guns leave" in page
        assert 'data-testid="naming-my-teams"' not in client_as(org.member).get(
            "/escalations/").content.decode()

    def test_new_page_posts_the_other_team(self, org, client_as, make_idea):
        idea = make_idea()
        r = client_as(org.member).post(f"/escalations/new/?idea={idea.pk}", {
            "idea": idea.pk, "reason": "cross_team", "ask": "Shared guns",
            "other_team": org.line2.pk})
        assert r.status_code == 302
        assert Escalation.objects.get(idea=idea).to_team == org.sup
        r = client_as(org.member).post(f"/escalations/new/?idea={make_idea(title='b').pk}", {
            "reason": "cross_team", "ask": "Shared guns"})
        assert r.status_code == 400 and "other_team" in r.context["form"].errors


# ---------------------------------------------------------------- executive scorecard figures


def at(day, hour=0):
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def make_step(org, *, to_team, raised, state="open", decided_after=None):
    idea = IdeaFactory(team=org.plant, reporter=org.manager)
    closed = state != "open"
    return Escalation.objects.create(
        idea=idea, from_team=org.plant if to_team != org.plant else org.sup, to_team=to_team,
        reason="authority", ask="x", raised_by=org.manager, raised_at=raised,
        due_ack_at=raised, due_resolve_at=raised, state=state,
        resolved_at=raised + timedelta(hours=decided_after) if closed else None,
        resolved_by=org.executive if closed else None,
        decision="Decided" if state in ("resolved", "returned") else "")


class TestTopTierDecisions:
    def test_exact_figures_in_one_query(self, org):
        make_step(org, to_team=org.exec, raised=at(2), state="resolved", decided_after=10)
        make_step(org, to_team=org.exec, raised=at(3), state="returned", decided_after=20)
        make_step(org, to_team=org.exec, raised=at(4), state="resolved", decided_after=40)
        make_step(org, to_team=org.exec, raised=at(5), state="resolved", decided_after=50)
        make_step(org, to_team=org.exec, raised=at(6))  # still open
        # outside the period, or not at the top tier: not counted
        make_step(org, to_team=org.exec, raised=at(1) - timedelta(seconds=1),
                  state="resolved", decided_after=1)
        make_step(org, to_team=org.exec, raised=at(10), state="returned", decided_after=1)
        make_step(org, to_team=org.plant, raised=at(3), state="resolved", decided_after=2)
        with CaptureQueriesContext(connection) as ctx:
            figures = selectors.top_tier_decisions(start=at(1), end=at(10))
        assert len(ctx.captured_queries) == 1
        assert figures == {
            "received": 5, "decided": 4, "resolved": 3, "returned": 1, "open": 1,
            "median_hours_to_decide": 30.0,  # 10, 20, 40, 50 → (20 + 40) / 2
            "share_resolved": 0.75, "share_returned": 0.25,
        }

    def test_odd_count_median_and_empty_period(self, org):
        make_step(org, to_team=org.exec, raised=at(2), state="resolved", decided_after=6)
        make_step(org, to_team=org.exec, raised=at(2, 1), state="returned", decided_after=7.5)
        make_step(org, to_team=org.exec, raised=at(2, 2), state="returned", decided_after=30)
        figures = selectors.top_tier_decisions(start=at(1), end=at(3))
        assert figures["median_hours_to_decide"] == 7.5
        assert (figures["share_resolved"], figures["share_returned"]) == (0.3333, 0.6667)
        assert selectors.top_tier_decisions(start=at(20), end=at(21)) == {
            "received": 0, "decided": 0, "resolved": 0, "returned": 0, "open": 0,
            "median_hours_to_decide": None, "share_resolved": None, "share_returned": None}
