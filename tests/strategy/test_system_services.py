"""System work on the strategy side: experiments and the done-without-evidence guard, the spine
rule, planning windows and the change-window rule, reviews, standards — with the bad inputs
the issue lists."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea, SystemicIssue, SystemicLink, TimeEntry
from ideas.services import idea_assign, idea_create, idea_transition
from org.models import Notification
from strategy import services
from strategy import system_services as svc
from strategy.models import (
    Experiment,
    PlanningWindow,
    Priority,
    Review,
    ReviewCadence,
    StandardProposal,
    StrategyChange,
)
from tests.factories import IdeaFactory, MembershipFactory, UserFactory

from .conftest import link, make_deployment

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _exp(idea, actor, **kw):
    data = dict(hypothesis="We believe a shadow board will cut search time",
                signal="minutes searching", start=today() - timedelta(days=5))
    data.update(kw)
    return svc.experiment_create(idea_id=idea.pk, actor=actor, **data)


# ---------------------------------------------------------------- experiments


def test_experiment_bad_inputs(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    with pytest.raises(DomainError) as exc:
        _exp(idea, org.lead, end=today() - timedelta(days=6))
    assert exc.value.field == "end" and "ends before it starts" in exc.value.message
    with pytest.raises(DomainError) as exc:
        _exp(idea, org.lead, hypothesis="  ")
    assert exc.value.field == "hypothesis"
    exp = _exp(idea, org.lead)
    with pytest.raises(DomainError) as exc:
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="adopt")
    assert exc.value.code == "evidence_required"
    with pytest.raises(DomainError) as exc:
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="abandon",
                              evidence="No change in 4 weeks")
    assert exc.value.field == "learning"
    with pytest.raises(DomainError):
        svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="maybe",
                              evidence="x")
    exp.refresh_from_db()
    assert exp.decision == "" and exp.evidence == ""  # nothing half-saved


def test_experiment_permissions(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    with pytest.raises(Forbidden):
        _exp(idea, org.other)  # line2 member: sees it, may not edit it
    private = IdeaFactory(team=org.line1, reporter=org.member, is_private=True)
    from django.http import Http404
    with pytest.raises(Http404):
        _exp(private, org.other)
    exp = _exp(idea, org.lead)
    with pytest.raises(Forbidden):
        svc.experiment_decide(experiment_id=exp.pk, actor=org.executive, decision="adopt",
                              evidence="x")


def test_done_needs_evidence_then_decision_counts(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    exp = _exp(idea, org.lead)
    with pytest.raises(DomainError) as exc:
        idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning="We learned x")
    assert exc.value.code == "experiment_without_evidence"
    assert "evidence" in exc.value.message
    assert Idea.objects.get(pk=idea.pk).status == "in_progress"
    svc.experiment_update(experiment_id=exp.pk, actor=org.lead, evidence="14 → 3 min")
    idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning="We learned x")
    assert Idea.objects.get(pk=idea.pk).status == "done"
    # an abandoned experiment with learning is learning, not failure
    exp = svc.experiment_decide(experiment_id=exp.pk, actor=org.lead, decision="abandon",
                                learning="The cause is upstream")
    assert exp.decision == "abandon" and exp.decided_at
    from strategy.system_selectors import decided_experiments
    assert [e.pk for e in decided_experiments(org.member)] == [exp.pk]


def test_evidence_q_and_kpi_movement_exact(org, strat, reading):
    from strategy.system_selectors import evidence_q, idea_evidence

    now = timezone.now()
    done_day = today() - timedelta(days=10)
    stamp = timezone.make_aware(timezone.datetime.combine(done_day, timezone.datetime.min.time()
                                                          .replace(hour=12)))
    moved = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=stamp)
    one_side = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=stamp)
    decided = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=now)
    nothing = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=now)
    IdeaFactory(team=org.line1, reporter=org.member, status="in_progress")
    link(strat.priority, moved)
    reading("4.0", done_day - timedelta(days=20))
    reading("3.1", done_day + timedelta(days=5))
    other_kpi = strat.kpi.__class__.objects.create(
        priority=Priority.objects.create(goal=strat.goal, title="Other", why_now="w",
                                         owner_team=org.plant, start=strat.priority.start,
                                         end=strat.priority.end),
        name="Only before", baseline=1, target=2, direction="up", owner_team=org.sup)
    reading("1.0", done_day - timedelta(days=3), kpi=other_kpi)
    link(other_kpi.priority, one_side)
    Experiment.objects.create(idea=decided, hypothesis="h", signal="s", start=today(),
                              evidence="e", decision="adopt")
    Experiment.objects.create(idea=nothing, hypothesis="h", signal="s", start=today())
    ids = set(Idea.objects.filter(evidence_q()).values_list("pk", flat=True))
    assert ids == {moved.pk, decided.pk}
    panel = idea_evidence(moved)
    (movement,) = panel["movements"]
    assert movement.before.value == Decimal("4.0") and movement.after.value == Decimal("3.1")
    assert movement.delta == Decimal("-0.9") and movement.improved is True  # lower is better
    assert panel["has_evidence"]
    assert not idea_evidence(one_side)["has_evidence"]
    assert nothing.pk not in ids


# ---------------------------------------------------------------- the spine


def test_spine_refuses_an_executive_two_tiers_down(org):
    with pytest.raises(Forbidden) as exc:
        idea_create(actor=org.executive, team=org.line1, title="Fix the jig", category="quality")
    assert exc.value.code == "spine" and "Plant" in exc.value.message
    assert "through their managers" in exc.value.message
    with pytest.raises(Forbidden):
        idea_create(actor=org.executive, team=org.sup, title="Fix", category="quality")
    assert not Idea.objects.exists()
    # one tier below is the executive's own reach; the managers turn it into work below
    assert idea_create(actor=org.executive, team=org.plant, title="Plan", category="cost")
    assert idea_create(actor=org.manager, team=org.line1, title="Fix", category="quality")
    assert idea_create(actor=org.admin, team=org.line1, title="Fix", category="quality")
    # an executive who also sits in the supervisors' team acts there in that role
    MembershipFactory(user=org.executive, team=org.sup)
    org.executive.__dict__.pop("_tierline_team_ids", None)
    fresh = type(org.executive).objects.get(pk=org.executive.pk)
    assert idea_create(actor=fresh, team=org.line1, title="Fix 2", category="quality")


def test_spine_refuses_assigning_two_tiers_down(org):
    boss = UserFactory(is_staff=True)  # an admin who is also an executive
    MembershipFactory(user=boss, team=org.exec)
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    with pytest.raises(Forbidden) as exc:
        idea_assign(idea_id=idea.pk, owner=org.member, actor=boss)
    assert exc.value.code == "spine"
    assert Idea.objects.get(pk=idea.pk).owner_id is None
    idea_assign(idea_id=idea.pk, owner=org.member, actor=org.lead)


# ---------------------------------------------------------------- change windows


def _window(start, end, name="Q planning"):
    return PlanningWindow.objects.create(name=name, start=start, end=end)


def test_changes_are_free_until_the_first_window(org, strat):
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive, title="New")
    change = StrategyChange.objects.get()
    assert change.outside_window is False and change.fields == ["title"]


def test_change_inside_a_window_is_free(org, strat):
    _window(today() - timedelta(days=2), today() + timedelta(days=5))
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             why_now="Because")
    assert StrategyChange.objects.get().outside_window is False


def test_change_outside_a_window_needs_a_cause_and_counts_as_churn(
        org, strat, django_capture_on_commit_callbacks):
    from strategy.system_selectors import churn_by_cycle, stability

    _window(today() - timedelta(days=60), today() - timedelta(days=47))
    _window(today() + timedelta(days=30), today() + timedelta(days=40), name="Next")
    make_deployment(strat.priority, org.sup, by=org.executive)
    with pytest.raises(DomainError) as exc:
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 title="Changed mid-cycle")
    assert exc.value.field == "cause" and exc.value.code == "cause_required"
    assert "next window opens" in exc.value.message
    assert Priority.objects.get(pk=strat.priority.pk).title == "Cut scrap"
    assert not StrategyChange.objects.exists()
    # saving the same values is no change at all
    services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                             title="Cut scrap")
    assert not StrategyChange.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 title="Changed mid-cycle", cause="Customer audit moved")
    change = StrategyChange.objects.get()
    assert change.outside_window and change.cause == "Customer audit moved"
    assert change.fields == ["title"]
    told = set(Notification.objects.filter(verb="strategy_changed_outside_window")
               .values_list("recipient_id", flat=True))
    assert told == {org.manager.pk, org.supervisor.pk}  # owner (plant) + deployed (sup) leads
    history = Priority.objects.get(pk=strat.priority.pk).history.first()
    assert history.history_change_reason == "Customer audit moved"
    figures = stability(start=today() - timedelta(days=1), end=today())
    assert figures["changes"] == 1 and figures["churn"] == 1 and figures["priority_churn"] == 1
    assert churn_by_cycle(cycles=2)[-1]["churn"] == 1
    # constraints follow the same rule
    with pytest.raises(DomainError):
        services.constraint_create(actor=org.executive, statement="No overtime",
                                   start=today())
    constraint = services.constraint_create(actor=org.executive, statement="No overtime",
                                            start=today(), cause="Budget cut")
    with pytest.raises(DomainError):
        services.constraint_lift(constraint_id=constraint.pk, actor=org.executive)
    services.constraint_lift(constraint_id=constraint.pk, actor=org.executive, cause="Lifted")
    assert stability(start=today(), end=today())["constraint_churn"] == 2


def test_planning_window_bad_inputs(org):
    with pytest.raises(Forbidden):
        svc.window_create(actor=org.executive, name="Q1", start=today(), end=today())
    with pytest.raises(DomainError):
        svc.window_create(actor=org.admin, name="Q1", start=today(),
                          end=today() - timedelta(days=1))
    svc.window_create(actor=org.admin, name="Q1", start=today(), end=today() + timedelta(days=13))
    with pytest.raises(DomainError) as exc:
        svc.window_create(actor=org.admin, name="Q1b", start=today() + timedelta(days=3),
                          end=today() + timedelta(days=20))
    assert exc.value.code == "overlap"


# ---------------------------------------------------------------- reviews


def _review(actor, team=None, tier=None, **kw):
    data = dict(held_on=today(), assessment="The changeover fix held.",
                focus_notes=["Night-shift handover"])
    data.update(kw)
    return svc.review_create(actor=actor, team=team, tier=tier, **data)


def test_review_bad_inputs(org):
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, held_on=today() + timedelta(days=1))
    assert exc.value.code == "future_date"
    with pytest.raises(Forbidden):
        _review(org.member, team=org.line1)
    with pytest.raises(Forbidden):
        _review(org.supervisor, team=org.line1)  # leads the team above, not this one
    with pytest.raises(Forbidden):
        _review(org.executive, team=org.line1)
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, focus_notes=[])
    assert exc.value.field == "focus"
    private = IdeaFactory(team=org.line2, reporter=org.other, is_private=True)
    with pytest.raises(DomainError) as exc:
        _review(org.lead, team=org.line1, focus_ideas=[private.pk])
    assert exc.value.field == "focus_ideas"
    with pytest.raises(DomainError):
        _review(org.lead, team=org.line1, assessment=" ")
    assert not Review.objects.exists()
    _review(org.lead, team=org.line1)
    with pytest.raises(Conflict):
        _review(org.lead, team=org.line1)


def test_tier_review_is_held_by_leads_of_that_tier(org):
    review = _review(org.lead, tier=org.tiers[1])
    assert review.tier_id == org.tiers[1].pk and review.team_id is None
    with pytest.raises(Forbidden):
        _review(org.member, tier=org.tiers[1], held_on=today() - timedelta(days=1))
    with pytest.raises(Forbidden):
        _review(org.supervisor, tier=org.tiers[1], held_on=today() - timedelta(days=1))


def test_review_period_runs_from_the_last_review(org):
    ReviewCadence.objects.create(team=org.line1, every="weekly", since=today())
    first = _review(org.lead, team=org.line1, held_on=today() - timedelta(days=7))
    assert first.period_start == today() - timedelta(days=13)  # one cadence back
    second = _review(org.lead, team=org.line1)
    assert second.period_start == today() - timedelta(days=6)


def test_review_content_assembles_since_the_last_review(org, strat, reading):
    from strategy.system_selectors import review_content, team_scope

    last = today() - timedelta(days=7)
    Review.objects.create(team=org.line1, held_on=last, period_start=last - timedelta(days=6),
                          assessment="a", held_by=org.lead)
    old_stamp = timezone.now() - timedelta(days=9)
    new_stamp = timezone.now() - timedelta(days=2)
    old = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=old_stamp,
                      learning="Old lesson")
    new = IdeaFactory(team=org.line1, reporter=org.member, status="done", done_at=new_stamp,
                      learning="New lesson")
    IdeaFactory(team=org.line2, reporter=org.other, status="done", done_at=new_stamp,
                learning="Another team's lesson")
    hidden = IdeaFactory(team=org.line1, reporter=org.lead, status="done", done_at=new_stamp,
                         learning="Private lesson", is_private=True)
    exp = Experiment.objects.create(idea=new, hypothesis="h", signal="s", start=last,
                                    evidence="e", decision="abandon", learning="Upstream",
                                    decided_at=new_stamp)
    link(strat.priority, new)
    issue = SystemicIssue.objects.create(title="Bracket defects", statement="s",
                                         owner_team=org.sup, created_by=org.supervisor)
    SystemicLink.objects.create(issue=issue, idea=new, linked_by=org.supervisor)
    reading("4.0", last - timedelta(days=30))
    reading("3.5", today() - timedelta(days=1))
    start = svc.review_period_start(team_id=org.line1.pk, held_on=today())
    assert start == last + timedelta(days=1)
    content = review_content(team_scope(org.line1), start=start, end=today(), user=org.lead)
    assert {i.pk for i in content["learning"]} == {new.pk, hidden.pk}
    assert old.pk not in {i.pk for i in content["done"]}
    assert [e.pk for e in content["learning_experiments"]] == [exp.pk]
    assert [e.pk for e in content["decided"]] == [exp.pk]
    assert [s.pk for s in content["recurring"]] == [issue.pk]
    assert content["recurring"][0].here == 1 and content["recurring"][0].recent == 1
    assert [k.pk for k in content["kpis"]] == [strat.kpi.pk]
    assert content["kpis"][0].at_start.value == Decimal("4.0")
    assert content["done_with_evidence"] == 1  # the decided experiment (and the KPI moved)
    # someone outside line1 does not see its private item in the review
    outsider = review_content(team_scope(org.line1), start=start, end=today(), user=org.other)
    assert hidden.pk not in {i.pk for i in outsider["done"]}


def test_missed_reviews_arithmetic(org):
    from strategy.system_selectors import missed_reviews, missed_tier_reviews

    monday = today() - timedelta(days=today().weekday()) - timedelta(days=28)
    ReviewCadence.objects.create(team=org.line1, every="weekly", since=monday)
    ReviewCadence.objects.create(team=org.line2, every="fortnightly", since=monday)
    ReviewCadence.objects.create(tier=org.tiers[1], every="monthly", since=monday)
    for week in (0, 2):  # weeks 1 and 3 of 4 are missed
        Review.objects.create(team=org.line1, held_on=monday + timedelta(days=7 * week + 3),
                              period_start=monday, assessment="a", held_by=org.lead)
    Review.objects.create(team=org.line2, held_on=monday + timedelta(days=20),
                          period_start=monday, assessment="a", held_by=org.lead)
    per = missed_reviews(start=monday, end=today())
    assert per[org.line1.pk]["expected"] == 4
    assert per[org.line1.pk]["held"] == 2 and per[org.line1.pk]["missed"] == 2
    assert per[org.line1.pk]["missed_slots"][0] == (monday + timedelta(days=7),
                                                    monday + timedelta(days=13))
    assert per[org.line2.pk]["expected"] == 2 and per[org.line2.pk]["missed"] == 1
    assert per[org.line1.pk]["next_due"] == monday + timedelta(days=17 + 7)
    assert 1 in missed_tier_reviews(start=monday, end=today())


def test_cadence_is_set_by_leads(org):
    with pytest.raises(Forbidden):
        svc.cadence_set(actor=org.member, team=org.line1, every="weekly")
    with pytest.raises(DomainError):
        svc.cadence_set(actor=org.lead, team=org.line1, every="daily")
    cadence = svc.cadence_set(actor=org.lead, team=org.line1, every="weekly")
    assert svc.cadence_set(actor=org.lead, team=org.line1, every="monthly").pk == cadence.pk


# ---------------------------------------------------------------- resources and scorecard


def test_priority_resources_exact(org, strat):
    from strategy.system_selectors import priority_resources

    Priority.objects.filter(pk=strat.priority.pk).update(allocated_hours=Decimal("40"),
                                                         allocated_budget=Decimal("1000"))
    p = Priority.objects.get(pk=strat.priority.pk)
    a = IdeaFactory(team=org.line1, reporter=org.member, status="in_progress",
                    required_spend=Decimal("300"))
    b = IdeaFactory(team=org.line1, reporter=org.member, status="new",
                    required_spend=Decimal("900"))  # not approved: not spent
    c = IdeaFactory(team=org.line2, reporter=org.other, status="done",
                    required_spend=Decimal("200"))
    for idea in (a, b, c):
        link(p, idea)
    unlinked = IdeaFactory(team=org.line1, reporter=org.member)
    for idea, hours, day in ((a, "2.5", today()), (c, "4", today()), (unlinked, "8", today()),
                             (a, "3", p.start - timedelta(days=1))):
        TimeEntry.objects.create(user=org.member, idea=idea, team=org.line1, date=day,
                                 hours=Decimal(hours))
    r = priority_resources([p])[p.pk]
    assert r["used_hours"] == Decimal("6.5")
    assert r["used_budget"] == Decimal("500")
    assert r["hours_share"] == round(6.5 / 40, 4) and r["budget_share"] == 0.5


def test_priority_resource_bad_inputs(org, strat):
    with pytest.raises(DomainError) as exc:
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 allocated_hours=-5)
    assert exc.value.field == "allocated_hours"
    with pytest.raises(DomainError):
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 allocated_budget="lots")


def test_clarity_and_constraint_coverage_exact(org, strat, constraint):
    from strategy.system_selectors import clarity, constraint_coverage

    Priority.objects.filter(pk=strat.priority.pk).update(success_criteria="Scrap ≤ 2.5%")
    Priority.objects.create(goal=strat.goal, title="Vague", why_now="Because",
                            owner_team=org.plant, start=strat.priority.start,
                            end=strat.priority.end)  # no criteria, no KPI
    Priority.objects.create(goal=strat.goal, title="Closed", why_now="w", owner_team=org.plant,
                            start=strat.priority.start, end=strat.priority.end,
                            status="closed", success_criteria="x")
    figures = clarity()
    assert figures["total"] == 2 and figures["clear"] == 1 and figures["share"] == 0.5
    assert figures["with_kpis"] == 1 and figures["with_criteria"] == 1
    assert constraint_coverage()["covered"] == 0
    constraint(team=org.sup)  # sup, line1, line2
    constraint(team=org.line1)
    constraint(team=org.maint, start=today() - timedelta(days=30),
               end=today() - timedelta(days=1))  # over
    cov = constraint_coverage()
    assert (cov["teams"], cov["covered"], cov["share"]) == (7, 3, round(3 / 7, 4))
    constraint()  # organisation-wide
    assert constraint_coverage()["covered"] == 7


# ---------------------------------------------------------------- standards


def test_standards_are_edited_by_the_coe_only(org, coe, django_capture_on_commit_callbacks):
    standard = svc.standard_create(actor=coe, title="Safety walk", body="1. Walk",
                                   review_date=today() + timedelta(days=90))
    assert standard.current_version == 1 and standard.owner_id == coe.pk
    for outsider in (org.executive, org.admin, org.manager, org.member):
        outsider = type(outsider).objects.get(pk=outsider.pk)
        with pytest.raises(Forbidden):
            svc.standard_revise(standard_id=standard.pk, actor=outsider, body="x",
                                change_note="y")
        with pytest.raises(Forbidden):
            svc.standard_update(standard_id=standard.pk, actor=outsider, title="x")
        with pytest.raises(Forbidden):
            svc.standard_create(actor=outsider, title="x", body="x", review_date=today())
    # executives read and comment
    assert svc.standard_comment(standard_id=standard.pk, actor=org.executive,
                                text="Must cover contractors").pk
    version = svc.standard_revise(standard_id=standard.pk, actor=coe, body="1. Walk\n2. Check",
                                  change_note="Added the check")
    assert version.number == 2
    with pytest.raises(DomainError):
        svc.standard_revise(standard_id=standard.pk, actor=coe, body="x", change_note="")


def test_proposals_from_done_items(org, coe, django_capture_on_commit_callbacks):
    standard = svc.standard_create(actor=coe, title="Changeover", body="1. Stop",
                                   review_date=today())
    open_item = IdeaFactory(team=org.line1, reporter=org.member, owner=org.member)
    with pytest.raises(DomainError) as exc:
        svc.proposal_create(standard_id=standard.pk, idea_id=open_item.pk, actor=org.member,
                            text="Change it")
    assert exc.value.code == "not_done"
    done = IdeaFactory(team=org.line1, reporter=org.member, status="done", owner=org.member)
    with pytest.raises(Forbidden):
        svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.other,
                            text="Change it")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = svc.proposal_create(standard_id=standard.pk, idea_id=done.pk,
                                       actor=org.member, text="Check the pins first")
    assert Notification.objects.filter(recipient=coe, verb="standard_proposal").exists()
    with pytest.raises(Conflict):
        svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.member,
                            text="Again")
    with pytest.raises(Forbidden):
        svc.proposal_accept(proposal_id=proposal.pk, actor=org.executive, body="x")
    with pytest.raises(DomainError):
        svc.proposal_decline(proposal_id=proposal.pk, actor=coe, reason="")
    accepted = svc.proposal_accept(proposal_id=proposal.pk, actor=coe,
                                   body="1. Check pins\n2. Stop")
    assert accepted.state == "accepted" and accepted.version.number == 2
    assert accepted.version.idea_id == done.pk
    with pytest.raises(Conflict):
        svc.proposal_decline(proposal_id=proposal.pk, actor=coe, reason="late")
    second = svc.proposal_create(standard_id=standard.pk, idea_id=done.pk, actor=org.member,
                                 text="Another")
    declined = svc.proposal_decline(proposal_id=second.pk, actor=coe, reason="Covered by v2")
    assert declined.state == "declined" and declined.reason == "Covered by v2"
    assert StandardProposal.objects.filter(state="pending").count() == 0

