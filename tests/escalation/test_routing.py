"""Routing: the admin's rules in order (category, spend, cross-team), else the parent team;
rule validation in the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import DomainError
from escalation import services
from escalation.models import RoutingRule
from escalation.routing import plan_route
from tests.factories import IdeaFactory, TeamFactory

pytestmark = pytest.mark.django_db


def route(org, *, team=None, category="quality", reason="resources", spend=None, **kw):
    team = team or org.line1
    idea = IdeaFactory(team=team, reporter=org.member, category=category)
    return plan_route(origin=team, idea=idea, reason=reason, spend=spend, **kw)


def test_no_rules_go_to_the_parent(org):
    r = route(org)
    assert r.to_team == org.sup and r.rule_id is None
    assert "reports to" in r.note
    assert route(org, team=org.sup).to_team == org.plant
    assert route(org, team=org.maint).to_team == org.support


def test_due_times_from_the_target_tiers_sla(org):
    now = timezone.now()
    r = route(org, team=org.sup, now=now)
    assert r.tier == org.tiers[3]
    assert r.due_ack_at == now + timedelta(hours=48)
    assert r.due_resolve_at == now + timedelta(hours=168)


def test_category_rule(org):
    rule = RoutingRule.objects.create(order=10, kind="category", category="safety",
                                      to_team=org.maint)
    r = route(org, category="safety")
    assert r.to_team == org.maint and r.rule_id == rule.pk and "Safety" in r.note
    assert route(org, category="quality").to_team == org.sup  # other categories: parent


def test_cross_team_rule_only_for_cross_team_reason(org):
    RoutingRule.objects.create(order=10, kind="cross_team", to_team=org.maint)
    assert route(org, reason="cross_team").to_team == org.maint
    assert route(org, reason="knowledge").to_team == org.sup


@pytest.mark.parametrize("spend,expected", [
    (Decimal("400"), "sup"),        # within tier 1's limit: the rule does not apply → parent
    (Decimal("501"), "sup"),        # tier 2 (5,000) covers it
    (Decimal("5000"), "sup"),
    (Decimal("5000.01"), "plant"),  # tier 3 (50,000)
    (Decimal("49999"), "plant"),
    (Decimal("120000"), "exec"),    # tier 4 (500,000)
])
def test_spend_rule_climbs_to_the_lowest_tier_that_covers_it(org, spend_rule, spend, expected):
    r = route(org, spend=spend)
    assert r.to_team == getattr(org, expected)
    assert not r.warnings


def test_spend_above_every_limit_goes_to_the_top_with_a_warning(org, spend_rule):
    r = route(org, spend=Decimal("900000"))
    assert r.to_team == org.exec and "above every tier" in r.warnings[0]


def test_spend_rule_from_a_higher_team(org, spend_rule):
    assert route(org, team=org.sup, spend=Decimal("60000")).to_team == org.exec


def test_rules_are_checked_in_order(org, spend_rule):
    RoutingRule.objects.create(order=30, kind="category", category="safety", to_team=org.maint)
    assert route(org, category="safety", spend=Decimal("20000")).to_team == org.plant
    spend_rule.order = 40
    spend_rule.save()
    r = route(org, category="safety", spend=Decimal("20000"))
    assert r.to_team == org.maint
    assert "will have to escalate further" in r.warnings[0]


def test_inactive_rules_are_ignored(org):
    RoutingRule.objects.create(order=10, kind="category", category="safety", to_team=org.maint,
                               active=False)
    assert route(org, category="safety").to_team == org.sup


def test_rule_scoped_to_a_subtree(org):
    RoutingRule.objects.create(order=10, kind="category", category="safety", to_team=org.maint,
                               from_team=org.line2)
    assert route(org, category="safety").to_team == org.sup  # line1 is not under line2
    assert route(org, team=org.line2, category="safety").to_team == org.maint
    RoutingRule.objects.create(order=5, kind="category", category="people", to_team=org.support,
                               from_team=org.sup)
    assert route(org, category="people").to_team == org.support  # line1 is below sup


def test_rule_target_not_above_the_origin_is_skipped(org):
    """A rule never sends an escalation sideways or down: maint (tier 2) from sup (tier 2)."""
    RoutingRule.objects.create(order=10, kind="category", category="safety", to_team=org.maint)
    assert route(org, team=org.sup, category="safety").to_team == org.plant
    # the holder of a category-routed escalation escalates onwards, not to itself
    assert route(org, team=org.maint, category="safety").to_team == org.support


def test_inactive_target_at_run_time_is_skipped(org):
    spare = TeamFactory(name="Spare", slug="spare", tier=org.tiers[2], parent=org.support)
    RoutingRule.objects.create(order=10, kind="cross_team", to_team=spare)
    spare.active = False
    spare.save()
    assert route(org, reason="cross_team").to_team == org.sup


def test_top_tier_has_nowhere_to_go(org):
    with pytest.raises(DomainError, match="top tier"):
        route(org, team=org.exec)


def test_preview_and_raise_agree(org, spend_rule, make_idea):
    idea = make_idea(required_spend=Decimal("20000"))
    preview = services.escalation_preview(idea_id=idea.pk, actor=org.member, reason="authority")
    assert preview.to_team == org.plant  # the item's required spend when none is requested
    esc = services.escalation_raise(idea_id=idea.pk, actor=org.member, reason="authority",
                                    ask="Approve", expected_to_team_id=preview.to_team.pk)
    assert esc.to_team == org.plant and esc.route_note == preview.note
    # a requested spend overrides the item's own figure
    other = make_idea(required_spend=Decimal("20000"))
    assert services.escalation_preview(idea_id=other.pk, actor=org.member, reason="authority",
                                       requested_spend="900").to_team == org.sup


class TestRuleValidation:
    def errors(self, **fields):
        return RoutingRule(**fields).validation_errors()

    def test_valid_rules(self, org):
        assert self.errors(kind="category", category="safety", to_team=org.maint) == {}
        assert self.errors(kind="spend") == {}
        assert self.errors(kind="cross_team", to_team=org.maint, from_team=org.line1) == {}

    def test_target_must_be_active(self, org):
        org.line2.active = False
        org.line2.save()
        spare = TeamFactory(tier=org.tiers[2], parent=org.support, active=False)
        assert "inactive" in self.errors(kind="cross_team", to_team=spare)["to_team"][0]

    def test_never_to_itself(self, org):
        errors = self.errors(kind="cross_team", to_team=org.sup, from_team=org.sup)
        assert "itself" in errors["to_team"][0]

    def test_never_down_the_tree(self, org):
        errors = self.errors(kind="category", category="cost", to_team=org.line1,
                             from_team=org.plant)
        assert "down the tree" in errors["to_team"][0]

    def test_never_sideways(self, org):
        errors = self.errors(kind="cross_team", to_team=org.maint, from_team=org.sup)
        assert "not above" in errors["to_team"][0]

    def test_unscoped_rule_to_the_lowest_tier(self, org):
        assert "lowest tier" in self.errors(kind="cross_team", to_team=org.line2)["to_team"][0]

    def test_kind_fields(self, org):
        assert "category" in self.errors(kind="category", to_team=org.maint)
        assert "to_team" in self.errors(kind="category", category="cost")
        assert "to_team" in self.errors(kind="spend", to_team=org.plant)
        assert "category" in self.errors(kind="spend", category="cost")

    def test_model_clean_raises(self, org):
        with pytest.raises(ValidationError):
            RoutingRule(kind="cross_team", to_team=org.line1, from_team=org.plant).full_clean()


class TestAdmin:
    URL = "/admin/escalation/routingrule/add/"

    def post(self, client_as, org, **data):
        body = {"order": 10, "kind": "category", "category": "", "from_team": "",
                "to_team": "", "active": "on", "note": ""}
        body.update({k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
        return client_as(org.admin).post(self.URL, body)

    def test_admin_refuses_a_rule_down_the_tree(self, org, client_as):
        response = self.post(client_as, org, kind="category", category="safety",
                             from_team=org.plant, to_team=org.line1)
        assert response.status_code == 200
        assert "cannot route down the tree" in response.content.decode()
        assert not RoutingRule.objects.exists()

    def test_admin_refuses_an_inactive_target(self, org, client_as):
        spare = TeamFactory(name="Old safety", tier=org.tiers[2], parent=org.support,
                            active=False)
        response = self.post(client_as, org, kind="cross_team", to_team=spare)
        assert "is inactive" in response.content.decode()
        assert not RoutingRule.objects.exists()

    def test_admin_saves_a_valid_rule(self, org, client_as):
        response = self.post(client_as, org, kind="category", category="safety",
                             to_team=org.maint)
        assert response.status_code == 302
        assert RoutingRule.objects.get().to_team == org.maint
        listing = client_as(org.admin).get("/admin/escalation/routingrule/")
        assert "Safety → Maintenance" in listing.content.decode()
