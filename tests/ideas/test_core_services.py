"""The idea services every app builds on: create, transition, assign, visibility."""

from decimal import Decimal

import pytest

from core.errors import Conflict, DomainError, Forbidden
from ideas import services
from ideas.models import Idea, IdeaEvent
from ideas.permissions import can_view
from ideas.selectors import ideas_visible_to
from org.models import Notification
from org.services import team_deactivate


def _new(org, **kw):
    kw.setdefault("title", "Torque gun keeps slipping")
    kw.setdefault("category", "quality")
    return services.idea_create(actor=kw.pop("actor", org.member), team=kw.pop("team", org.line1),
                                **kw)


@pytest.mark.django_db(transaction=True)
class TestLifecycle:
    def test_create_records_event_and_reporter_watches(self, org):
        idea = _new(org)
        assert idea.status == "new" and idea.reporter == org.member
        assert list(idea.watchers.all()) == [org.member]
        assert IdeaEvent.objects.filter(idea=idea, verb="created").count() == 1

    def test_blank_and_huge_titles_refused(self, org):
        with pytest.raises(DomainError, match="short title"):
            _new(org, title="   ")
        with pytest.raises(DomainError) as exc:
            _new(org, title="x" * 10_000)
        assert exc.value.field == "title"
        assert Idea.objects.count() == 0

    def test_inactive_team_refused(self, org):
        org.line2.active = False
        org.line2.save()
        with pytest.raises(DomainError, match="active team"):
            _new(org, team=org.line2)

    def test_owner_must_be_in_the_team(self, org):
        with pytest.raises(DomainError, match="not a member"):
            _new(org, owner=org.other)

    def test_absurd_numbers_refused(self, org):
        with pytest.raises(DomainError):
            _new(org, estimated_money_per_year=Decimal("-5"))
        with pytest.raises(DomainError):
            _new(org, required_spend=Decimal("1e12"))

    def test_lead_moves_member_may_not(self, org):
        idea = _new(org)
        with pytest.raises(Forbidden):
            services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.other)
        with pytest.raises(Forbidden):
            services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.member)
        moved = services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert moved.status == "in_progress" and moved.started_at and moved.version == 2

    def test_done_needs_learning_and_keeps_impact(self, org):
        idea = _new(org)
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        with pytest.raises(DomainError, match="learning note"):
            services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead)
        done = services.idea_transition(
            idea_id=idea.pk, to="done", actor=org.lead, learning="Calibrate weekly",
            actual_money_per_year=Decimal("1200"))
        assert done.done_at and done.learning == "Calibrate weekly"
        assert done.actual_money_per_year == Decimal("1200")

    def test_not_allowed_is_a_conflict_naming_the_allowed(self, org):
        idea = _new(org)
        with pytest.raises(Conflict) as exc:
            services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning="x")
        assert exc.value.extra["allowed"] == ["in_progress", "declined", "parked"]

    def test_stale_version_is_a_conflict(self, org):
        idea = _new(org)
        services.idea_transition(idea_id=idea.pk, to="parked", actor=org.lead,
                                 expected_version=1)
        with pytest.raises(Conflict, match="changed by someone else"):
            services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead,
                                     reason="back", expected_version=1)

    def test_transition_notifies_reporter_once(self, org):
        idea = _new(org)
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert Notification.objects.filter(recipient=org.member, verb="status").count() == 1

    def test_assign_only_by_leads_and_notifies(self, org):
        idea = _new(org)
        with pytest.raises(Forbidden):
            services.idea_assign(idea_id=idea.pk, owner=org.member, actor=org.member)
        services.idea_assign(idea_id=idea.pk, owner=org.member, actor=org.lead)
        assert Notification.objects.filter(recipient=org.member, verb="assigned").count() == 1
        # The owner may now move it.
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.member)

    def test_open_items_block_team_deactivation(self, org):
        _new(org, team=org.line2, actor=org.other)
        with pytest.raises(DomainError, match="1 open item"):
            team_deactivate(team=org.line2)


@pytest.mark.django_db
class TestVisibility:
    @pytest.fixture
    def private(self, org):
        return services.idea_create(actor=org.member, team=org.line1, title="Harassment on shift",
                                    category="people", is_private=True)

    @pytest.mark.parametrize("role,sees", [
        ("member", True), ("lead", True), ("other", False), ("supervisor", False),
        ("executive", False), ("admin", True),
    ])
    def test_private_matrix(self, org, private, role, sees):
        user = getattr(org, role)
        assert can_view(user, private) is sees
        assert ideas_visible_to(user).filter(pk=private.pk).exists() is sees

    def test_escalation_chain_may_see(self, org, private):
        services.idea_set_waiting(idea_id=private.pk, team=org.sup, actor=org.lead,
                                  share_with=[org.sup])
        assert ideas_visible_to(org.supervisor).filter(pk=private.pk).exists()
        assert not ideas_visible_to(org.other).filter(pk=private.pk).exists()

    def test_public_items_visible_to_everyone(self, org):
        idea = _new(org)
        for role in ("other", "executive", "supervisor"):
            assert ideas_visible_to(getattr(org, role)).filter(pk=idea.pk).count() == 1
