from datetime import time
from decimal import Decimal

import pytest

from core.errors import DomainError
from org import services
from org.models import Membership, Team, Tier
from org.permissions import is_admin, is_executive, is_lead, is_member
from org.registry import _open_work_checks, register_open_work_check
from org.selectors import (
    team_ancestors,
    team_descendants,
    user_led_teams,
    user_teams,
)
from tests.factories import TeamFactory


def _tier(level, **kw):
    return services.tier_create(level=level, name=f"T{level}", huddle_time=time(8), **kw)


@pytest.mark.django_db
class TestTiers:
    def test_levels_are_added_contiguously(self):
        assert _tier(1).level == 1
        assert _tier(2).level == 2
        with pytest.raises(DomainError, match="next tier is level 3, not 5"):
            _tier(5)
        assert list(Tier.objects.values_list("level", flat=True)) == [1, 2]

    def test_level_cannot_change(self):
        tier = _tier(1)
        with pytest.raises(DomainError, match="cannot be changed"):
            services.tier_update(tier=tier, level=2)

    def test_only_top_tier_can_be_removed(self):
        t1, t2 = _tier(1), _tier(2)
        with pytest.raises(DomainError, match="Only the top tier"):
            services.tier_delete(tier=t1)
        services.tier_delete(tier=t2)
        assert list(Tier.objects.values_list("level", flat=True)) == [1]

    def test_tier_with_teams_cannot_be_removed(self, org):
        with pytest.raises(DomainError, match="still has teams"):
            services.tier_delete(tier=org.tiers[4])

    def test_negative_authority_limit_refused(self):
        with pytest.raises(DomainError):
            _tier(1, authority_limit=Decimal("-1"))


@pytest.mark.django_db
class TestTeamPlacement:
    def test_exactly_one_root_at_the_top_tier(self, org):
        with pytest.raises(DomainError, match="already a root team"):
            services.team_create(name="Second board", tier=org.tiers[4], parent=None)
        with pytest.raises(DomainError, match="must sit at the top tier"):
            services.team_create(name="Orphan", tier=org.tiers[2], parent=None)

    def test_parent_must_sit_higher(self, org):
        with pytest.raises(DomainError, match="must sit at a higher tier"):
            services.team_create(name="Peer", tier=org.tiers[2], parent=org.sup)
        with pytest.raises(DomainError, match="must sit at a higher tier"):
            services.team_create(name="Upside down", tier=org.tiers[3], parent=org.line1)

    def test_parent_may_be_two_tiers_up(self, org):
        team = services.team_create(name="Safety", tier=org.tiers[1], parent=org.plant)
        assert team.parent == org.plant and team.slug == "safety"

    def test_no_cycles(self, org):
        with pytest.raises(DomainError):
            services.team_update(team=org.plant, parent=org.line1)
        with pytest.raises(DomainError, match="own parent"):
            services.team_update(team=org.sup, parent=org.sup)

    def test_moving_a_team_below_its_children_is_refused(self, org):
        with pytest.raises(DomainError, match="reports to this team"):
            services.team_update(team=org.sup, tier=org.tiers[1], parent=org.plant)

    def test_inactive_parent_refused(self, org):
        spare = services.team_create(name="Spare", tier=org.tiers[2], parent=org.plant)
        services.team_deactivate(team=spare)
        with pytest.raises(DomainError, match="inactive"):
            services.team_create(name="Below spare", tier=org.tiers[1], parent=spare)

    def test_blank_name_refused(self, org):
        with pytest.raises(DomainError, match="needs a name"):
            services.team_create(name="   ", tier=org.tiers[1], parent=org.sup)

    def test_slugs_are_unique(self, org):
        a = services.team_create(name="Line 3", tier=org.tiers[1], parent=org.sup)
        b = services.team_create(name="Line 3", tier=org.tiers[1], parent=org.sup)
        assert a.slug != b.slug


@pytest.mark.django_db
class TestDeactivation:
    def test_team_with_active_children_refused(self, org):
        with pytest.raises(DomainError, match="active teams report to it"):
            services.team_deactivate(team=org.sup)
        org.sup.refresh_from_db()
        assert org.sup.active

    def test_root_refused(self, org):
        Team.objects.exclude(pk=org.exec.pk).update(active=False)
        with pytest.raises(DomainError, match="root team"):
            services.team_deactivate(team=org.exec)

    def test_open_work_refused_with_the_reason(self, org):
        def check(team):
            return "3 open items" if team.pk == org.line1.pk else None

        register_open_work_check(check)
        try:
            with pytest.raises(DomainError, match="Line 1 cannot be deactivated: 3 open items"):
                services.team_deactivate(team=org.line1)
            assert services.team_deactivate(team=org.line2).active is False
        finally:
            _open_work_checks.unregister(check)

    def test_reactivation_needs_an_active_parent(self, org):
        services.team_deactivate(team=org.line1)
        services.team_deactivate(team=org.line2)
        services.team_deactivate(team=org.sup)
        with pytest.raises(DomainError, match="parent team"):
            services.team_activate(team=org.line1)
        services.team_activate(team=org.sup)
        assert services.team_activate(team=org.line1).active


@pytest.mark.django_db
class TestHierarchyHelpers:
    def test_ancestors_nearest_first_in_one_query(self, org, django_assert_num_queries):
        with django_assert_num_queries(1):
            names = [t.name for t in team_ancestors(org.line1)]
        assert names == ["Supervisors", "Plant", "Executive"]

    def test_descendants_in_one_query_whatever_the_depth(self, org, django_assert_num_queries):
        extra = TeamFactory(name="Cell", slug="cell", tier=org.tiers[1], parent=org.maint)
        with django_assert_num_queries(1):
            below_exec = {t.slug for t in team_descendants(org.exec)}
        assert below_exec == {"plant", "support", "sup", "maint", "line1", "line2", extra.slug}
        assert {t.slug for t in team_descendants(org.sup, include_self=True)} == {
            "sup", "line1", "line2"}
        assert list(team_descendants(org.line1)) == []

    def test_user_teams_and_roles(self, org):
        Membership.objects.create(user=org.lead, team=org.sup, role="member")
        assert {t.slug for t in user_teams(org.lead)} == {"line1", "sup"}
        assert {t.slug for t in user_led_teams(org.lead)} == {"line1"}
        assert is_lead(org.lead, org.line1) and not is_lead(org.lead, org.sup)
        assert is_member(org.member, org.line1) and not is_member(org.member, org.line2)

    def test_executive_and_admin(self, org):
        assert is_executive(org.executive)
        assert not is_executive(org.manager)
        assert is_admin(org.admin) and not is_admin(org.executive)

    def test_inactive_teams_do_not_count(self, org):
        services.team_deactivate(team=org.line2)
        other = type(org.other).objects.get(pk=org.other.pk)
        assert list(user_teams(other)) == []


@pytest.mark.django_db
class TestPeople:
    def test_membership_roles_validated(self, org):
        with pytest.raises(DomainError, match="Unknown role"):
            services.membership_set(team=org.line1, user=org.other, role="boss")
        m = services.membership_set(team=org.line1, user=org.other, role="lead")
        assert m.role == "lead"

    def test_user_create_refuses_duplicates_case_insensitively(self, org):
        with pytest.raises(DomainError, match="taken"):
            services.user_create(username="MEMBER")
        with pytest.raises(DomainError, match="already used"):
            services.user_create(username="new", email="MEMBER@example.test")
