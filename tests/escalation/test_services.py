"""Raising, acknowledging, deciding and escalating further: the rules, the invariants, the
timeline, the waiting state of the item and the notifications."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from escalation import notices, services
from escalation.models import Escalation
from ideas.models import Idea, IdeaEvent
from ideas.selectors import ideas_visible_to
from org.models import Membership, Notification
from tests.escalation.conftest import STRUCTURED
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_(django_capture_on_commit_callbacks):
    """``with now_(): …`` runs the block's after-commit work (notifications) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def notes(user, key_part=""):
    return list(Notification.objects.filter(recipient=user, event_key__contains=key_part)
                .values_list("event_key", flat=True))


class TestRaise:
    def test_raise_routes_to_parent_with_sla_clock_and_waits(self, org, make_idea, raise_):
        idea = make_idea()
        before = timezone.now()
        esc = raise_(idea, reason="knowledge", ask="How do we calibrate the gun?")
        assert esc.state == "open" and esc.from_team == org.line1 and esc.to_team == org.sup
        assert esc.raised_by == org.member and esc.parent is None
        # SLA from the *target* tier (tier 2: 24 h to acknowledge, 96 h to resolve)
        assert abs((esc.due_ack_at - esc.raised_at).total_seconds() - 24 * 3600) < 1
        assert abs((esc.due_resolve_at - esc.raised_at).total_seconds() - 96 * 3600) < 1
        assert esc.raised_at >= before
        idea.refresh_from_db()
        assert idea.waiting_on_team == org.sup
        assert set(idea.shared_with_teams.all()) == {org.line1, org.sup}
        event = IdeaEvent.objects.get(idea=idea, verb="escalated")
        assert "Supervisors" in event.text and event.data["escalation"] == esc.pk

    def test_new_escalation_notifies_target_leads_once(self, org, make_idea, raise_, now_):
        idea = make_idea()
        with now_():
            esc = raise_(idea)
        assert notes(org.supervisor, f"escalation:{esc.pk}:") == [f"escalation:{esc.pk}:raised"]
        # nobody else at the target; not the raiser; not other teams
        assert notes(org.member, "escalation") == []
        assert notes(org.manager, "escalation") == []
        # the same event again (a retry) notifies nobody twice
        with now_():
            notices.notify_target(esc, idea, org.member, further=False)
        assert Notification.objects.filter(event_key=f"escalation:{esc.pk}:raised").count() == 1

    def test_second_open_escalation_is_a_conflict(self, org, make_idea, raise_):
        idea = make_idea()
        first = raise_(idea)
        with pytest.raises(Conflict, match="already has an open escalation") as exc:
            raise_(idea, actor=org.lead)
        assert exc.value.extra["escalation"] == first.pk
        assert Escalation.objects.count() == 1

    def test_database_allows_one_active_escalation_per_idea(self, org, make_idea, raise_):
        idea = make_idea()
        esc = raise_(idea)
        with pytest.raises(IntegrityError), transaction.atomic():
            Escalation.objects.create(
                idea=idea, from_team=org.line1, to_team=org.plant, reason="resources", ask="x",
                raised_by=org.member, due_ack_at=esc.due_ack_at,
                due_resolve_at=esc.due_resolve_at, state="acknowledged")

    def test_database_refuses_decided_without_text_and_negative_spend(self, org, make_idea,
                                                                      raise_):
        esc = raise_(make_idea())
        with pytest.raises(IntegrityError), transaction.atomic():
            Escalation.objects.filter(pk=esc.pk).update(state="resolved",
                                                        resolved_at=timezone.now())
        with pytest.raises(IntegrityError), transaction.atomic():
            Escalation.objects.filter(pk=esc.pk).update(approved_spend=Decimal("-1"))

    def test_top_tier_cannot_escalate(self, org, make_idea, raise_):
        idea = make_idea(team=org.exec, actor=org.executive)
        with pytest.raises(DomainError, match="top tier"):
            raise_(idea, actor=org.executive)
        assert not Escalation.objects.exists()

    def test_only_members_of_the_items_team_raise(self, org, make_idea, raise_):
        idea = make_idea()
        for outsider in (org.other, org.supervisor, org.manager, org.executive):
            with pytest.raises(Forbidden, match="Only members of Line 1"):
                raise_(idea, actor=outsider)
        assert raise_(idea, actor=org.admin).raised_by == org.admin  # admins may

    def test_ask_and_reason_are_required(self, org, make_idea, raise_):
        idea = make_idea()
        with pytest.raises(DomainError) as exc:
            raise_(idea, ask="   ")
        assert exc.value.field == "ask"
        with pytest.raises(DomainError) as exc:
            raise_(idea, reason="because")
        assert exc.value.field == "reason"
        with pytest.raises(DomainError) as exc:
            raise_(idea, ask="x" * 5001)
        assert exc.value.field == "ask"

    @pytest.mark.parametrize("bad", ["-1", "1e12", "abc", "12.345", "NaN", "Infinity"])
    def test_negative_or_absurd_spend_refused(self, org, make_idea, raise_, bad):
        idea = make_idea()
        with pytest.raises(DomainError) as exc:
            raise_(idea, requested_spend=bad)
        assert exc.value.field == "requested_spend"
        assert not Escalation.objects.exists()
        idea.refresh_from_db()
        assert idea.waiting_on_team is None

    def test_closed_items_are_not_escalated(self, org, make_idea, raise_):
        idea = make_idea()
        from ideas import services as idea_services

        idea_services.idea_transition(idea_id=idea.pk, to="declined", actor=org.lead,
                                      reason="Duplicate")
        with pytest.raises(DomainError, match="Only open items"):
            raise_(idea)

    def test_route_changed_since_preview_is_a_conflict(self, org, make_idea, raise_):
        idea = make_idea()
        with pytest.raises(Conflict, match="route changed") as exc:
            raise_(idea, expected_to_team_id=org.plant.pk)
        assert exc.value.extra["route"]["to_team"]["id"] == org.sup.pk
        assert not Escalation.objects.exists()


class TestActing:
    def test_acknowledge_then_resolve_sends_decision_down(self, org, make_idea, raise_):
        idea = make_idea(owner=org.lead, actor=org.lead)
        esc = raise_(idea, actor=org.member)
        esc = services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)
        assert esc.state == "acknowledged" and esc.acknowledged_by == org.supervisor
        esc = services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                          decision="Buy the new gun", approved_spend="400")
        assert esc.state == "resolved" and esc.approved_spend == Decimal("400.00")
        assert esc.resolved_by == org.supervisor and esc.resolved_at
        idea.refresh_from_db()
        assert idea.waiting_on_team is None
        assert "Buy the new gun" in idea.decision_note and idea.decision_at
        verbs = list(IdeaEvent.objects.filter(idea=idea).values_list("verb", flat=True))
        assert verbs[-3:] == ["escalated", "acknowledged", "resolved"]

    def test_decision_notifications_reach_origin_leads_reporter_and_owner(
            self, org, make_idea, raise_, now_):
        idea = make_idea(actor=org.member, owner=org.lead)
        with now_():
            esc = raise_(idea, actor=org.member)
            services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)
            services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                        decision="Go")
        for user in (org.member, org.lead):  # reporter; owner and origin lead
            assert sorted(notes(user, f"escalation:{esc.pk}:")) == [
                f"escalation:{esc.pk}:acknowledged", f"escalation:{esc.pk}:resolved"]
        assert notes(org.supervisor, f"escalation:{esc.pk}:") == [f"escalation:{esc.pk}:raised"]
        assert notes(org.other, "escalation") == [] and notes(org.manager, "escalation") == []

    def test_resolve_straight_from_open_counts_as_acknowledged(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        esc = services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                          decision="Done")
        assert esc.acknowledged_at == esc.resolved_at and esc.acknowledged_by == org.supervisor

    def test_return_with_guidance(self, org, make_idea, raise_, now_):
        idea = make_idea()
        with now_():
            esc = raise_(idea)
            esc = services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                                             decision="Use the spare from stores")
        assert esc.state == "returned"
        idea.refresh_from_db()
        assert idea.waiting_on_team is None and "spare from stores" in idea.decision_note
        assert notes(org.member, f"escalation:{esc.pk}:returned")
        # the item can be escalated again afterwards
        again = raise_(idea)
        assert again.state == "open"

    @pytest.mark.parametrize("decision", ["", "   "])
    def test_resolve_and_return_need_a_decision(self, org, make_idea, raise_, decision):
        esc = raise_(make_idea())
        with pytest.raises(DomainError) as exc:
            services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                        decision=decision)
        assert exc.value.field == "decision"
        with pytest.raises(DomainError) as exc:
            services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                                       decision=decision)
        assert exc.value.field == "decision"
        esc.refresh_from_db()
        assert esc.state == "open"

    def test_approved_spend_must_be_sane_and_within_the_tiers_authority(self, org, make_idea,
                                                                        raise_):
        esc = raise_(make_idea())
        for bad in ("-5", "2e9"):
            with pytest.raises(DomainError) as exc:
                services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                            decision="ok", approved_spend=bad)
            assert exc.value.field == "approved_spend"
        with pytest.raises(DomainError, match="may approve up to 5,000"):
            services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                        decision="ok", approved_spend="6000")
        esc.refresh_from_db()
        assert esc.state == "open" and esc.approved_spend is None

    def test_closed_escalation_refuses_every_action_with_conflict(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        services.escalation_return(escalation_id=esc.pk, actor=org.supervisor, decision="No")
        for call in (
            lambda: services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor),
            lambda: services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                                decision="x"),
            lambda: services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                                               decision="x"),
            lambda: services.escalation_escalate_further(escalation_id=esc.pk,
                                                         actor=org.supervisor, ask="x"),
        ):
            with pytest.raises(Conflict, match="already closed"):
                call()

    def test_acknowledging_twice_names_who_won(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)
        with pytest.raises(Conflict, match="Supervisor already acknowledged"):
            services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)

    def test_acting_clears_the_stalled_flag(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        Escalation.objects.filter(pk=esc.pk).update(stalled_at=timezone.now())
        esc = services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)
        assert esc.stalled_at is None


class TestChain:
    def test_escalate_further_closes_the_step_and_opens_a_child(self, org, make_idea, raise_,
                                                                now_):
        idea = make_idea(is_private=True)
        with now_():
            first = raise_(idea)
            services.escalation_acknowledge(escalation_id=first.pk, actor=org.supervisor)
            child = services.escalation_escalate_further(
                escalation_id=first.pk, actor=org.supervisor, ask="Needs a manager's budget")
        first.refresh_from_db()
        assert first.state == "escalated" and first.resolved_by == org.supervisor
        assert child.parent == first and child.from_team == org.sup and child.to_team == org.plant
        assert child.state == "open" and child.reason == first.reason
        # tier 3's SLA now
        assert abs((child.due_ack_at - child.raised_at).total_seconds() - 48 * 3600) < 1
        idea.refresh_from_db()
        assert idea.waiting_on_team == org.plant
        assert set(idea.shared_with_teams.all()) == {org.line1, org.sup, org.plant}
        # every team on the chain sees the private item; others do not
        assert ideas_visible_to(org.manager).filter(pk=idea.pk).exists()
        assert ideas_visible_to(org.supervisor).filter(pk=idea.pk).exists()
        assert not ideas_visible_to(org.other).filter(pk=idea.pk).exists()
        assert not ideas_visible_to(org.executive).filter(pk=idea.pk).exists()
        assert notes(org.manager, f"escalation:{child.pk}:") == [f"escalation:{child.pk}:raised"]
        assert IdeaEvent.objects.filter(idea=idea, verb="escalated_further").count() == 1

    def test_decision_at_the_top_of_the_chain_reaches_every_level(self, org, make_idea, raise_,
                                                                  now_):
        idea = make_idea()
        with now_():
            first = raise_(idea)
            child = services.escalation_escalate_further(
                escalation_id=first.pk, actor=org.supervisor, ask="Over to plant")
            grandchild = services.escalation_escalate_further(
                escalation_id=child.pk, actor=org.manager, ask="Board decision", **STRUCTURED)
            services.escalation_resolve(escalation_id=grandchild.pk, actor=org.executive,
                                        decision="Approved", approved_spend="300000")
        assert grandchild.to_team == org.exec
        idea.refresh_from_db()
        assert idea.waiting_on_team is None and "Approved" in idea.decision_note
        key = f"escalation:{grandchild.pk}:resolved"
        for user in (org.member, org.lead, org.supervisor, org.manager):
            assert notes(user, key) == [key]
        assert notes(org.executive, key) == []  # the actor
        states = list(Escalation.objects.filter(idea=idea).order_by("raised_at", "id")
                      .values_list("state", flat=True))
        assert states == ["escalated", "escalated", "resolved"]

    def test_only_the_holding_teams_leads_escalate_further(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        for who in (org.member, org.lead, org.manager):
            with pytest.raises(Forbidden, match="Only the leads of Supervisors"):
                services.escalation_escalate_further(escalation_id=esc.pk, actor=who, ask="x")

    def test_top_tier_holder_cannot_escalate_further(self, org, make_idea, raise_):
        esc = raise_(make_idea(team=org.plant, actor=org.manager), actor=org.manager,
                     **STRUCTURED)
        assert esc.to_team == org.exec
        with pytest.raises(DomainError, match="top tier"):
            services.escalation_escalate_further(escalation_id=esc.pk, actor=org.executive,
                                                 ask="x")
        esc.refresh_from_db()
        assert esc.state == "open"


class TestTargetTeamRoles:
    def test_members_acknowledge_leads_decide(self, org, make_idea, raise_):
        sup_member = UserFactory(username="supmember")
        MembershipFactory(user=sup_member, team=org.sup, role=Membership.Role.MEMBER)
        esc = raise_(make_idea())
        with pytest.raises(Forbidden, match="Only the leads of Supervisors decide"):
            services.escalation_resolve(escalation_id=esc.pk, actor=sup_member, decision="x")
        with pytest.raises(Forbidden):
            services.escalation_return(escalation_id=esc.pk, actor=sup_member, decision="x")
        assert services.escalation_acknowledge(escalation_id=esc.pk,
                                               actor=sup_member).state == "acknowledged"

    def test_non_members_of_target_may_not_act(self, org, make_idea, raise_):
        esc = raise_(make_idea())
        for outsider in (org.member, org.lead, org.other, org.manager, org.executive, org.admin):
            with pytest.raises(Forbidden, match="Only members of Supervisors|Only the leads"):
                services.escalation_acknowledge(escalation_id=esc.pk, actor=outsider)
        esc.refresh_from_db()
        assert esc.state == "open"


class TestAuthorityLimit:
    def test_spend_above_limit_cannot_start_until_approved(self, org, make_idea, raise_,
                                                           spend_rule):
        from ideas import services as idea_services

        idea = make_idea(required_spend=Decimal("20000"))
        with pytest.raises(DomainError, match="authority limit") as exc:
            idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert exc.value.code == "authority_limit"
        assert exc.value.extra["escalate_url"] == f"/escalations/new/?idea={idea.pk}"
        esc = raise_(idea, reason="authority", ask="Approve 20k")
        assert esc.to_team == org.plant  # the spend rule: tier 3 covers 20,000
        with pytest.raises(DomainError, match="wait for their decision") as exc:
            idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert "escalation_url" in exc.value.extra
        services.escalation_resolve(escalation_id=esc.pk, actor=org.manager, decision="Yes",
                                    approved_spend="20000")
        moved = idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert moved.status == "in_progress"

    def test_approving_less_than_required_still_refuses_the_start(self, org, make_idea, raise_):
        from ideas import services as idea_services

        idea = make_idea(required_spend=Decimal("3000"))
        esc = raise_(idea, reason="authority", ask="Approve 3k")
        services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                    decision="Only 1000 for now", approved_spend="1000")
        with pytest.raises(DomainError, match="approved so far is 1,000.00"):
            idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert Idea.objects.get(pk=idea.pk).status == "new"

    def test_returned_escalation_does_not_approve(self, org, make_idea, raise_):
        from ideas import services as idea_services

        idea = make_idea(required_spend=Decimal("900"))
        esc = raise_(idea, reason="authority", ask="Approve")
        services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                                   decision="Find a cheaper way")
        with pytest.raises(DomainError, match="authority limit"):
            idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)

    def test_within_limit_or_no_spend_starts_freely(self, org, make_idea):
        from ideas import services as idea_services

        for spend in (None, Decimal("500")):
            idea = make_idea(required_spend=spend)
            assert idea_services.idea_transition(idea_id=idea.pk, to="in_progress",
                                                 actor=org.lead).status == "in_progress"


def test_nobody_answers_their_own_request(org, make_idea):
    """The linking pin: the supervisor also sits in Plant, yet cannot answer her own ask."""
    MembershipFactory(user=org.supervisor, team=org.plant, role=Membership.Role.LEAD)
    idea = make_idea(team=org.sup, actor=org.supervisor)
    esc = services.escalation_raise(idea_id=idea.pk, actor=org.supervisor, reason="resources",
                                    ask="Budget")
    assert esc.to_team == org.plant
    for call in (
        lambda: services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor),
        lambda: services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                            decision="Granted to myself"),
    ):
        with pytest.raises(Forbidden, match="You raised this escalation yourself"):
            call()
    assert services.escalation_acknowledge(escalation_id=esc.pk,
                                           actor=org.manager).state == "acknowledged"


def test_an_escalated_item_cannot_be_closed_until_answered(org, make_idea, raise_):
    from ideas import services as idea_services

    idea = make_idea()
    esc = raise_(idea)
    with pytest.raises(Conflict, match="escalated to Supervisors"):
        idea_services.idea_transition(idea_id=idea.pk, to="declined", actor=org.lead,
                                      reason="Not needed")
    # working on it meanwhile is fine
    idea_services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
    services.escalation_return(escalation_id=esc.pk, actor=org.supervisor, decision="Go on")
    closed = idea_services.idea_transition(idea_id=idea.pk, to="parked", actor=org.lead,
                                           reason="Waiting for parts")
    assert closed.status == "parked"
