"""Strategy services: the rules, the refusals, the catchball and the links."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import IdeaEvent
from org.models import Notification
from strategy import services
from strategy.models import Constraint, Deployment, KPIReading, Priority, PriorityLink
from tests.factories import IdeaFactory

from .conftest import make_deployment, make_priority

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- priorities


def test_executive_creates_priority(org, strat):
    p = services.priority_create(actor=org.executive, goal=strat.goal, title="  Halve downtime ",
                                 why_now="Two lines stopped 40 hours last month.",
                                 owner_team=org.plant, start=strat.today,
                                 end=strat.today + timedelta(days=90))
    assert p.title == "Halve downtime" and p.status == "active" and p.created_by == org.executive
    assert p.history.count() == 1


def test_priority_ending_before_it_starts_is_refused(org, strat):
    with pytest.raises(DomainError) as exc:
        services.priority_create(actor=org.executive, goal=strat.goal, title="X", why_now="Y",
                                 owner_team=org.plant, start=date(2026, 5, 1),
                                 end=date(2026, 4, 30))
    assert exc.value.field == "end" and "ends before it starts" in exc.value.message
    with pytest.raises(DomainError):
        services.priority_update(priority_id=strat.priority.pk, actor=org.executive,
                                 end=strat.priority.start - timedelta(days=1))
    strat.priority.refresh_from_db()
    assert strat.priority.end >= strat.priority.start


def test_priority_needs_why_now_and_active_owner(org, strat):
    with pytest.raises(DomainError) as exc:
        services.priority_create(actor=org.executive, goal=strat.goal, title="X", why_now="  ",
                                 owner_team=org.plant, start=strat.today, end=strat.today)
    assert exc.value.field == "why_now"
    org.maint.active = False
    org.maint.save()
    with pytest.raises(DomainError) as exc:
        services.priority_create(actor=org.executive, goal=strat.goal, title="X", why_now="Y",
                                 owner_team=org.maint, start=strat.today, end=strat.today)
    assert exc.value.field == "owner_team" and "inactive" in exc.value.message


@pytest.mark.parametrize("who", ["member", "lead", "supervisor", "manager"])
def test_non_executives_cannot_change_strategy(org, strat, who):
    user = getattr(org, who)
    calls = [
        lambda: services.objective_create(actor=user, title="T", horizon_year=2030),
        lambda: services.goal_create(actor=user, objective=strat.objective, year=2026, title="G"),
        lambda: services.priority_create(actor=user, goal=strat.goal, title="X", why_now="Y",
                                         owner_team=org.plant, start=strat.today,
                                         end=strat.today),
        lambda: services.priority_update(priority_id=strat.priority.pk, actor=user, title="Z"),
        lambda: services.priority_close(priority_id=strat.priority.pk, actor=user),
        lambda: services.kpi_create(actor=user, priority=strat.priority, name="K", baseline=1,
                                    target=2, direction="up", owner_team=org.sup),
        lambda: services.constraint_create(actor=user, statement="S", start=strat.today),
        lambda: services.deployment_create(actor=user, priority=strat.priority, team=org.plant),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    strat.priority.refresh_from_db()
    assert strat.priority.title == "Cut scrap" and strat.priority.status == "active"


def test_admin_may_change_strategy(org, strat):
    services.priority_update(priority_id=strat.priority.pk, actor=org.admin, title="Renamed")
    strat.priority.refresh_from_db()
    assert strat.priority.title == "Renamed"
    assert strat.priority.history.first().title == "Renamed"


def test_close_and_reopen(org, strat):
    p = services.priority_close(priority_id=strat.priority.pk, actor=org.executive, note="Done")
    assert p.status == "closed" and p.closed_on == strat.today and p.closing_note == "Done"
    with pytest.raises(Conflict):
        services.priority_close(priority_id=p.pk, actor=org.executive)
    p = services.priority_reopen(priority_id=p.pk, actor=org.executive)
    assert p.status == "active" and p.closed_on is None


# ---------------------------------------------------------------- links


def test_link_and_unlink_record_events(org, strat):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    services.priority_link_idea(priority_id=strat.priority.pk, idea_id=idea.pk,
                                actor=org.executive)
    services.priority_link_idea(priority_id=strat.priority.pk, idea_id=idea.pk,
                                actor=org.executive)  # twice: no change
    assert list(idea.priorities.all()) == [strat.priority]
    assert IdeaEvent.objects.filter(idea=idea, verb="priority_linked").count() == 1
    assert services.priority_unlink_idea(priority_id=strat.priority.pk, idea_id=idea.pk,
                                         actor=org.executive)
    assert not services.priority_unlink_idea(priority_id=strat.priority.pk, idea_id=idea.pk,
                                             actor=org.executive)
    assert IdeaEvent.objects.filter(idea=idea, verb="priority_unlinked").count() == 1


def test_linking_an_idea_to_a_closed_priority_is_refused(org, strat):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    services.priority_close(priority_id=strat.priority.pk, actor=org.executive)
    with pytest.raises(DomainError) as exc:
        services.priority_link_idea(priority_id=strat.priority.pk, idea_id=idea.pk,
                                    actor=org.executive)
    assert exc.value.code == "priority_closed" and "closed" in exc.value.message
    over = make_priority(strat.goal, org.plant, title="Last year",
                         start=strat.today - timedelta(days=400),
                         end=strat.today - timedelta(days=35))
    with pytest.raises(DomainError) as exc:
        services.priority_link_idea(priority_id=over.pk, idea_id=idea.pk, actor=org.executive)
    assert "over" in exc.value.message
    with pytest.raises(DomainError):
        services.idea_set_priorities(idea=idea, priorities=[strat.priority], actor=org.member)
    assert not PriorityLink.objects.exists()


def test_who_may_link(org, strat):
    mine = IdeaFactory(team=org.line1, reporter=org.member)  # new: its reporter edits it
    theirs = IdeaFactory(team=org.line2, reporter=org.other)
    services.priority_link_idea(priority_id=strat.priority.pk, idea_id=mine.pk, actor=org.member)
    with pytest.raises(Forbidden):
        services.priority_link_idea(priority_id=strat.priority.pk, idea_id=theirs.pk,
                                    actor=org.member)
    # the owner team's leads (plant: manager) link anything they can see
    services.priority_link_idea(priority_id=strat.priority.pk, idea_id=theirs.pk,
                                actor=org.manager)
    assert strat.priority.ideas.count() == 2


def test_a_private_idea_cannot_be_linked_by_someone_who_cannot_see_it(org, strat):
    secret = IdeaFactory(team=org.line2, reporter=org.other, is_private=True)
    with pytest.raises(Http404):
        services.priority_link_idea(priority_id=strat.priority.pk, idea_id=secret.pk,
                                    actor=org.manager)


def test_idea_set_priorities_keeps_links_to_closed_priorities(org, strat):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    other = make_priority(strat.goal, org.plant, title="Safety first")
    services.idea_set_priorities(idea=idea, priorities=[strat.priority, other], actor=org.member)
    assert set(idea.priorities.values_list("pk", flat=True)) == {strat.priority.pk, other.pk}
    services.priority_close(priority_id=other.pk, actor=org.executive)
    added, removed = services.idea_set_priorities(idea=idea, priorities=[], actor=org.member)
    assert (added, removed) == ([], [strat.priority.pk])
    assert list(idea.priorities.values_list("pk", flat=True)) == [other.pk]
    event = IdeaEvent.objects.filter(idea=idea, verb="priorities_changed").last()
    assert "Unlinked from “Cut scrap”" in event.text


def test_idea_set_priorities_needs_edit_rights_to_change(org, strat):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    with pytest.raises(Forbidden):
        services.idea_set_priorities(idea=idea, priorities=[strat.priority], actor=org.other)
    # no change asked: nothing to refuse
    assert services.idea_set_priorities(idea=idea, priorities=[], actor=org.other) == ([], [])


# ---------------------------------------------------------------- KPIs and readings


def test_kpi_baseline_equal_to_target_is_allowed(org, strat):
    kpi = services.kpi_create(actor=org.executive, priority=strat.priority, name="Lost-time "
                              "incidents", baseline=0, target=0, direction="down",
                              owner_team=org.sup)
    assert kpi.baseline == kpi.target == Decimal("0")


def test_kpi_direction_contradiction_is_saved(org, strat):
    kpi = services.kpi_create(actor=org.executive, priority=strat.priority, name="OEE",
                              baseline="80", target="70", direction="up", owner_team=org.sup)
    assert kpi.pk and kpi.target == Decimal("70")


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1e20", None])
def test_kpi_values_must_be_numbers(org, strat, value):
    with pytest.raises(DomainError) as exc:
        services.kpi_create(actor=org.executive, priority=strat.priority, name="K",
                            baseline=value, target="1", direction="up", owner_team=org.sup)
    assert exc.value.field == "baseline"


def test_owner_team_leads_record_readings(org, strat):
    reading, created = services.kpi_reading_record(kpi_id=strat.kpi.pk, actor=org.supervisor,
                                                   date=strat.today, value="3.8", note="Week 1")
    assert created and reading.value == Decimal("3.8") and reading.recorded_by == org.supervisor
    again, created = services.kpi_reading_record(kpi_id=strat.kpi.pk, actor=org.supervisor,
                                                 date=strat.today, value="3.7")
    assert not created and again.pk == reading.pk and again.value == Decimal("3.7")
    assert KPIReading.objects.count() == 1


@pytest.mark.parametrize("who", ["executive", "manager", "lead", "member"])
def test_others_cannot_record_readings(org, strat, who):
    with pytest.raises(Forbidden):
        services.kpi_reading_record(kpi_id=strat.kpi.pk, actor=getattr(org, who),
                                    date=strat.today, value="3")
    assert not KPIReading.objects.exists()


def test_reading_in_the_future_or_not_a_number_is_refused(org, strat):
    with pytest.raises(DomainError) as exc:
        services.kpi_reading_record(kpi_id=strat.kpi.pk, actor=org.supervisor,
                                    date=strat.today + timedelta(days=1), value="3")
    assert exc.value.field == "date" and exc.value.code == "future_date"
    for bad in ("three", "NaN", "-inf", ""):
        with pytest.raises(DomainError) as exc:
            services.kpi_reading_record(kpi_id=strat.kpi.pk, actor=org.supervisor,
                                        date=strat.today, value=bad)
        assert exc.value.field == "value"
    assert not KPIReading.objects.exists()


# ---------------------------------------------------------------- constraints


def test_constraint_scoped_to_inactive_team_is_refused(org):
    org.maint.active = False
    org.maint.save()
    with pytest.raises(DomainError) as exc:
        services.constraint_create(actor=org.executive, statement="No overtime",
                                   team=org.maint, start=date.today())
    assert exc.value.field == "team" and exc.value.code == "inactive_team"
    assert not Constraint.objects.exists()


def test_constraint_for_a_team_notifies_its_leads(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = services.constraint_create(actor=org.executive, team=org.sup,
                                       statement="Reduce overhead 12% without new headcount",
                                       start=date.today())
    assert c.set_by == org.executive and c.history.count() == 1
    assert Notification.objects.filter(recipient=org.supervisor, verb="constraint_set").exists()


def test_constraint_dates_and_lift(org):
    today = date.today()
    with pytest.raises(DomainError) as exc:
        services.constraint_create(actor=org.executive, statement="S", start=today,
                                   end=today - timedelta(days=1))
    assert exc.value.field == "end"
    c = services.constraint_create(actor=org.executive, statement="S", start=today)
    c = services.constraint_lift(constraint_id=c.pk, actor=org.executive)
    assert c.end == today
    future = services.constraint_create(actor=org.executive, statement="Later",
                                        start=today + timedelta(days=5))
    with pytest.raises(DomainError):
        services.constraint_lift(constraint_id=future.pk, actor=org.executive)


# ---------------------------------------------------------------- catchball


def test_catchball_round_trip(org, strat, django_capture_on_commit_callbacks):
    # An admin may deploy to any team (the spine binds executives: see test_cascade.py).
    with django_capture_on_commit_callbacks(execute=True):
        d1, d2 = services.deployments_create(actor=org.admin, priority=strat.priority,
                                             teams=[org.line1, org.sup], ask="Cut scrap 20%")
    assert d1.state == d2.state == "proposed"
    assert Notification.objects.filter(recipient=org.lead, verb="deployment_proposed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.deployment_accept(deployment_id=d1.pk, actor=org.lead, comment="We're in")
        services.deployment_counter(deployment_id=d2.pk, actor=org.supervisor,
                                    comment="10% this year; the press line is down in Q3")
    d1.refresh_from_db()
    d2.refresh_from_db()
    assert (d1.state, d1.answered_by) == ("accepted", org.lead)
    assert (d2.state, d2.answered_by) == ("countered", org.supervisor)
    assert Notification.objects.filter(recipient=org.admin,
                                       verb="deployment_countered").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.deployment_revise(deployment_id=d2.pk, actor=org.executive,
                                   comment="Agreed: 10%", ask="Cut scrap 10%")
    d2.refresh_from_db()
    assert (d2.state, d2.round, d2.ask, d2.answered_by) == ("proposed", 2, "Cut scrap 10%", None)
    assert Notification.objects.filter(recipient=org.supervisor,
                                       verb="deployment_revised").exists()
    kinds = list(d2.comments.values_list("kind", "round"))
    assert kinds == [("propose", 1), ("counter", 1), ("revise", 2)]


def test_counter_needs_a_comment_and_answers_once(org, strat):
    d = make_deployment(strat.priority, org.line1, by=org.executive)
    with pytest.raises(DomainError) as exc:
        services.deployment_counter(deployment_id=d.pk, actor=org.lead, comment="  ")
    assert exc.value.field == "comment"
    services.deployment_accept(deployment_id=d.pk, actor=org.lead)
    with pytest.raises(Conflict):
        services.deployment_counter(deployment_id=d.pk, actor=org.lead, comment="Changed mind")
    assert Deployment.objects.get(pk=d.pk).state == "accepted"


@pytest.mark.parametrize("who", ["supervisor", "member", "other", "executive", "admin"])
def test_only_the_teams_leads_answer(org, strat, who):
    d = make_deployment(strat.priority, org.line1, by=org.executive)
    with pytest.raises(Forbidden):
        services.deployment_accept(deployment_id=d.pk, actor=getattr(org, who))
    with pytest.raises(Forbidden):
        services.deployment_counter(deployment_id=d.pk, actor=getattr(org, who), comment="No")
    assert Deployment.objects.get(pk=d.pk).state == "proposed"


def test_deployment_rules(org, strat):
    services.deployment_create(actor=org.executive, priority=strat.priority, team=org.plant)
    with pytest.raises(Conflict):
        services.deployment_create(actor=org.executive, priority=strat.priority, team=org.plant)
    from tests.factories import TeamFactory
    gone = TeamFactory(name="Gone", slug="gone", tier=org.tiers[3], parent=org.exec,
                       active=False)
    with pytest.raises(DomainError):
        services.deployment_create(actor=org.executive, priority=strat.priority, team=gone)
    with pytest.raises(DomainError):  # all or nothing
        services.deployments_create(actor=org.executive, priority=strat.priority,
                                    teams=[org.support, gone])
    assert not Deployment.objects.filter(team=org.support).exists()
    closed = make_priority(strat.goal, org.plant, title="Closed", status=Priority.Status.CLOSED)
    with pytest.raises(DomainError):
        services.deployment_create(actor=org.executive, priority=closed, team=org.support)


def test_revise_needs_a_comment_and_withdraw(org, strat):
    d = make_deployment(strat.priority, org.line1, state="countered", by=org.executive)
    with pytest.raises(DomainError):
        services.deployment_revise(deployment_id=d.pk, actor=org.executive, comment="")
    with pytest.raises(Forbidden):
        services.deployment_revise(deployment_id=d.pk, actor=org.lead, comment="x")
    services.deployment_withdraw(deployment_id=d.pk, actor=org.executive)
    assert not Deployment.objects.exists()


def test_comments_by_leads_and_executives_only(org, strat):
    d = make_deployment(strat.priority, org.line1, by=org.executive)
    services.deployment_comment(deployment_id=d.pk, actor=org.lead, text="Question: by when?")
    services.deployment_comment(deployment_id=d.pk, actor=org.executive, text="End of Q2")
    with pytest.raises(Forbidden):
        services.deployment_comment(deployment_id=d.pk, actor=org.member, text="Me too")
    assert d.comments.count() == 3


def test_objective_and_goal_years(org, strat):
    with pytest.raises(DomainError) as exc:
        services.objective_create(actor=org.executive, title="Too late", horizon_year=2001)
    assert exc.value.field == "horizon_year"
    with pytest.raises(DomainError) as exc:
        services.goal_create(actor=org.executive, objective=strat.objective,
                             year=strat.objective.horizon_year + 1, title="After the horizon")
    assert exc.value.field == "year"
    goal = services.goal_create(actor=org.executive, objective=strat.objective,
                                year=strat.today.year, title="  Fewer complaints ")
    assert goal.title == "Fewer complaints"
