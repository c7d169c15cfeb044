"""A small but complete organisation for the bad-input tests: the shared ``org`` fixture plus a
few items, escalations, a huddle, the strategy tree, constraints, a standard and a systemic
issue, all made through the services, so that ids and slugs in paths can hit real objects."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from capacity import services as capacity_services
from escalation import services as escalation_services
from experiments import services as experiment_services
from holdcheck.models import HoldCheck
from huddles import services as huddle_services
from ideas import services as idea_services
from org.models import Membership, Notification
from reviews import services as review_services
from standards import services as standard_services
from strategy import services as strategy_services
from strategy import windows
from systemic import services as systemic_services
from tests.factories import TeamFactory, UserFactory


@dataclass
class World:
    org: object
    ids: dict[str, int] = field(default_factory=dict)


def build_world(org) -> World:
    today = timezone.localdate()
    world = World(org)
    ids = world.ids

    problem = idea_services.idea_create(actor=org.member, team=org.line1,
                                        title="Guard missing on press 4", category="safety",
                                        description="The left guard fell off.")
    idea = idea_services.idea_create(actor=org.lead, team=org.line1, kind="idea",
                                     title="Shadow board for the torque guns",
                                     category="quality", owner=org.lead)
    other = idea_services.idea_create(actor=org.other, team=org.line2,
                                      title="Forklift blocks the aisle", category="delivery")
    idea_services.comment_create(idea_id=problem.pk, actor=org.lead, text="On it @member")
    entry = capacity_services.time_entry_create(idea_id=idea.pk, actor=org.lead, hours="1.5")
    ids["time_entry"] = entry.pk
    done = idea_services.idea_create(actor=org.member, team=org.line1, owner=org.member,
                                     title="Label the bins", category="cost")
    idea_services.idea_transition(idea_id=done.pk, to="in_progress", actor=org.lead)
    idea_services.idea_transition(idea_id=done.pk, to="done", actor=org.lead,
                                  learning="Labels save a minute a bin.")
    ids.update(idea=problem.pk, idea2=idea.pk, idea3=other.pk, done_idea=done.pk)
    done.refresh_from_db()
    ids["hold_check"] = HoldCheck.objects.create(
        idea=done, done_at=done.done_at, due_on=today, asked_at=timezone.now()).pk

    escalation = escalation_services.escalation_raise(
        idea_id=problem.pk, actor=org.member, reason="resources", ask="Need a fitter")
    escalation_services.escalation_raise(
        idea_id=other.pk, actor=org.other, reason="authority", ask="Can we buy a mirror?")
    ids["escalation"] = escalation.pk

    huddle = huddle_services.huddle_start(team=org.line1, actor=org.lead)
    link, _key = huddle_services.display_link_create(team=org.line1, actor=org.lead,
                                                     label="Wall screen")
    ids.update(huddle=huddle.pk, display_link=link.pk)

    issue = systemic_services.systemic_issue_create(
        actor=org.supervisor, title="Brackets run short", statement="Lines stop for brackets.",
        category="delivery", owner_team=org.sup)
    ids["systemic_issue"] = issue.pk

    objective = strategy_services.objective_create(actor=org.admin, title="Most reliable supplier",
                                                   horizon_year=today.year + 3)
    goal = strategy_services.goal_create(actor=org.admin, objective=objective, year=today.year,
                                         title="On-time delivery 98%")
    cause = "Set up for the bad-input tests."
    priority = strategy_services.priority_create(
        actor=org.admin, goal=goal, title="Cut scrap", why_now="Scrap doubled.",
        owner_team=org.plant, start=date(today.year, 1, 1), end=date(today.year, 12, 31),
        success_criteria="Scrap at 2.5% for a quarter", cause=cause)
    kpi = strategy_services.kpi_create(actor=org.admin, priority=priority, name="Scrap rate",
                                       baseline="4.0", target="2.5", direction="down",
                                       owner_team=org.sup, unit="%")
    reading, _created = strategy_services.kpi_reading_record(
        kpi_id=kpi.pk, actor=org.supervisor, date=today, value="3.5")
    ids["reading"] = reading.pk
    deployment = strategy_services.deployment_create(actor=org.admin, priority=priority,
                                                     team=org.sup, ask="Halve it")
    strategy_services.priority_link_idea(priority_id=priority.pk, idea_id=idea.pk,
                                         actor=org.admin)
    constraint = strategy_services.constraint_create(
        actor=org.admin, statement="No new headcount", start=today - timedelta(days=10),
        cause=cause)
    strategy_services.constraint_create(actor=org.admin, statement="No overtime on Line 2",
                                        team=org.line2, start=today, cause=cause)
    experiment = experiment_services.experiment_create(
        idea_id=idea.pk, actor=org.lead, hypothesis="A shadow board halves search time",
        signal="Minutes lost searching", start=today)
    ids.update(objective=objective.pk, annual_goal=goal.pk, priority=priority.pk, kpi=kpi.pk,
               deployment=deployment.pk, constraint=constraint.pk, experiment=experiment.pk)

    coe_team = TeamFactory(name="CoE", slug="coe", tier=org.tiers[3], parent=org.exec)
    standard_services.coe_designate(actor=org.admin, team=coe_team)
    olga = UserFactory(username="olga")
    Membership.objects.create(user=olga, team=coe_team, role=Membership.Role.LEAD)
    standard = standard_services.standard_create(
        actor=olga, title="Safety walk", body="1. Walk the aisles", review_date=today)
    proposal = standard_services.proposal_create(
        standard_id=standard.pk, idea_id=done.pk, actor=org.member, text="Add a step: look up.")
    review = review_services.review_create(
        actor=org.lead, held_on=today, assessment="The board works.", team=org.line1,
        focus_notes=["Keep the board tidy"])
    window = windows.window_create(
        actor=org.admin, name="Planning", start=date(today.year + 1, 1, 1),
        end=date(today.year + 1, 1, 31))
    ids.update(standard=standard.pk, proposal=proposal.pk, review=review.pk,
               planning_window=window.pk)

    # Notifications are made after a commit, which never comes in a test: one each, directly.
    for user in (org.member, org.lead, org.manager, org.executive, org.admin):
        note = Notification.objects.create(
            recipient=user, verb="mentioned", text="You were mentioned", event_key="world",
            url=f"/ideas/{problem.pk}/", email_state=Notification.EmailState.NOT_WANTED)
        ids[f"notification:{user.username}"] = note.pk
    return world
