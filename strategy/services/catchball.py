"""Writes of the catchball: priorities proposed to teams, accepted or countered by their leads,
revised by whoever proposed them, with the thread of comments of every round — and cascaded,
one hop in the team tree at a time, by the leads of a team that accepted one (strategy.spine).
Only a clear priority is deployed (strategy.clarity)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads

from ..checks import clean_text, existing_row
from ..clarity import require_clarity
from ..models import Deployment, DeploymentComment, Priority
from ..permissions import (
    can_answer_deployment,
    can_cascade_deployment,
    can_comment_deployment,
    can_revise_deployment,
)
from ..spine import check_cascade_target, check_deploy_target
from .base import NOT_EXECUTIVE, active_team, managed_row, priority_url

# ---------------------------------------------------------------- catchball


def _deploymentclean_text(deployment: Deployment, verb: str) -> str:
    return f"{verb} “{deployment.priority.title}” for {deployment.team.name}"


def _tell_team(deployment: Deployment, actor: User, verb: str, text: str) -> None:
    notify(recipients=team_leads(deployment.team_id), verb=verb, actor=actor, text=text,
           event_key=f"strategy:deployment:{deployment.pk}:{deployment.round}:{verb}",
           url=priority_url(deployment.priority_id), target=deployment)


def _tell_proposer(deployment: Deployment, actor: User, verb: str, text: str) -> None:
    recipients = [deployment.proposed_by_id] if deployment.proposed_by_id else []
    notify(recipients=recipients, verb=verb, actor=actor, text=text,
           event_key=f"strategy:deployment:{deployment.pk}:{deployment.round}:{verb}",
           url=priority_url(deployment.priority_id), target=deployment)


def _check_deployable(priority: Priority) -> None:
    if priority.status != Priority.Status.ACTIVE:
        raise DomainError("A closed priority cannot be deployed; reopen it first.",
                          field="priority", code="priority_closed")
    require_clarity(priority)


def _propose(*, priority: Priority, team: Team, actor: User, ask: str,
             parent: Deployment | None = None) -> Deployment:
    if Deployment.objects.filter(priority=priority, team=team).exists():
        raise Conflict(f"“{priority.title}” is already deployed to {team.name}.",
                       extra={"field": "teams" if parent else "team"})
    deployment = Deployment.objects.create(
        priority=priority, team=team, parent=parent, ask=ask, proposed_by=actor,
        proposed_at=timezone.now())
    DeploymentComment.objects.create(deployment=deployment, author=actor,
                                     kind=DeploymentComment.Kind.PROPOSE, text=ask, round=1)
    _tell_team(deployment, actor, "deployment_proposed",
               _deploymentclean_text(deployment, "Proposed") + ": accept or counter it.")
    return deployment


@transaction.atomic
def deployment_create(*, actor: User, priority: Priority | int, team: Team | int,
                      ask: str = "", field: str = "team") -> Deployment:
    """Proposes a priority to a team from the top (the first throw of the catchball): a clear
    priority (strategy.clarity), to a team directly below the executive's team — admins may
    deploy to any team (strategy.spine). ``field`` names the input a refusal points at."""
    priority_obj = managed_row(actor, Priority, priority, "priority")
    _check_deployable(priority_obj)
    team_obj = active_team(team, field=field, what="team")
    check_deploy_target(actor, team_obj, field=field)
    return _propose(priority=priority_obj, team=team_obj, actor=actor,
                    ask=(ask or "").strip())


@transaction.atomic
def deployments_create(*, actor: User, priority: Priority | int, teams: Iterable[Team | int],
                       ask: str = "") -> list[Deployment]:
    """Deploys one priority to several teams at once: all of them or none."""
    teams = list(teams)
    if not teams:
        raise DomainError("Choose at least one team.", field="teams")
    return [deployment_create(actor=actor, priority=priority, team=t, ask=ask, field="teams")
            for t in teams]


@transaction.atomic
def deployment_cascade(*, deployment_id: int, actor: User, teams: Iterable[Team | int],
                       ask: str) -> list[Deployment]:
    """The leads of a team that accepted a deployment pass it on to their own child teams with
    their own ask: one new hop of catchball per team, all of them or none. Locks the accepted
    deployment so it cannot be revised (or answered again) while it cascades."""
    parent = (Deployment.objects.select_for_update(of=("self",))
              .select_related("team", "priority").filter(pk=deployment_id).first())
    if parent is None:
        raise DomainError("No such deployment.", code="not_found")
    if not can_cascade_deployment(actor, parent):
        raise Forbidden(f"Only the leads of {parent.team.name} can cascade a deployment to "
                        f"that team.")
    if parent.state != Deployment.State.ACCEPTED:
        raise Conflict(f"Accept “{parent.priority.title}” for {parent.team.name} before "
                       f"cascading it: it is {parent.get_state_display().lower()}.",
                       extra={"state": parent.state})
    priority = Priority.objects.select_for_update().get(pk=parent.priority_id)
    _check_deployable(priority)
    ask = clean_text(ask, field="ask", label="The ask", limit=2000)
    teams = list(teams)
    if not teams:
        raise DomainError("Choose at least one team.", field="teams")
    made = []
    for team in teams:
        team_obj = active_team(team, field="teams", what="team")
        check_cascade_target(parent.team, team_obj, field="teams")
        made.append(_propose(priority=priority, team=team_obj, actor=actor, ask=ask,
                             parent=parent))
    return made


def _answer(deployment_id: int, actor: User) -> Deployment:
    deployment = Deployment.objects.select_for_update().filter(pk=deployment_id).first()
    if deployment is None:
        raise DomainError("No such deployment.", code="not_found")
    if not can_answer_deployment(actor, deployment):
        raise Forbidden(f"Only the leads of {deployment.team.name} can answer a deployment "
                        f"to that team.")
    if deployment.state != Deployment.State.PROPOSED:
        raise Conflict(f"This deployment was already {deployment.get_state_display().lower()}; "
                       f"it can be answered again once it is revised.",
                       extra={"state": deployment.state})
    return deployment


@transaction.atomic
def deployment_accept(*, deployment_id: int, actor: User, comment: str = "") -> Deployment:
    """A team lead accepts a proposed deployment. Locks it: two leads answering at once get
    one answer and one 409."""
    deployment = _answer(deployment_id, actor)
    return _record_answer(deployment, actor, Deployment.State.ACCEPTED,
                          DeploymentComment.Kind.ACCEPT, (comment or "").strip())


@transaction.atomic
def deployment_counter(*, deployment_id: int, actor: User, comment: str) -> Deployment:
    """A team lead counters a proposed deployment: says what they can do instead, and why."""
    comment = (comment or "").strip()
    deployment = _answer(deployment_id, actor)
    if not comment:
        raise DomainError("Say what you propose instead, and why: a counter needs a comment.",
                          field="comment")
    return _record_answer(deployment, actor, Deployment.State.COUNTERED,
                          DeploymentComment.Kind.COUNTER, comment)


def _record_answer(deployment: Deployment, actor: User, state: str, kind: str,
                   comment: str) -> Deployment:
    if len(comment) > 2000:
        raise DomainError("Keep the comment under 2,000 characters.", field="comment")
    deployment.state = state
    deployment.answered_by = actor
    deployment.answered_at = timezone.now()
    deployment.save(update_fields=["state", "answered_by", "answered_at", "updated_at"])
    DeploymentComment.objects.create(deployment=deployment, author=actor, kind=kind,
                                     text=comment, round=deployment.round)
    verb = "Accepted" if state == Deployment.State.ACCEPTED else "Countered"
    _tell_proposer(deployment, actor, f"deployment_{state}",
                   f"{actor.name}: {_deploymentclean_text(deployment, verb).lower()}"
                   + (f" — {comment}" if comment else ""))
    return deployment


@transaction.atomic
def deployment_revise(*, deployment_id: int, actor: User, comment: str,
                      ask: str | None = None) -> Deployment:
    """Whoever proposed the hop answers the team's answer — executives for a deployment from
    the top, the cascading team's leads for a cascade: proposes it again (next round),
    optionally with a changed ask."""
    deployment = _proposers_row(deployment_id, actor)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("Say what changed: a revision needs a comment.", field="comment")
    if len(comment) > 2000:
        raise DomainError("Keep the comment under 2,000 characters.", field="comment")
    if ask is not None:
        deployment.ask = ask.strip()
    deployment.state = Deployment.State.PROPOSED
    deployment.round += 1
    deployment.proposed_by = actor
    deployment.proposed_at = timezone.now()
    deployment.answered_by = None
    deployment.answered_at = None
    deployment.save()
    DeploymentComment.objects.create(deployment=deployment, author=actor,
                                     kind=DeploymentComment.Kind.REVISE, text=comment,
                                     round=deployment.round)
    _tell_team(deployment, actor, "deployment_revised",
               _deploymentclean_text(deployment, "Revised") + f": {comment}")
    return deployment


@transaction.atomic
def deployment_comment(*, deployment_id: int, actor: User, text: str) -> DeploymentComment:
    deployment = existing_row(Deployment.objects, deployment_id, "deployment")
    if not can_comment_deployment(actor, deployment):
        raise Forbidden("Only executives and the team's leads take part in this catchball.")
    text = clean_text(text, field="text", label="A comment")
    if len(text) > 2000:
        raise DomainError("Keep the comment under 2,000 characters.", field="text")
    return DeploymentComment.objects.create(deployment=deployment, author=actor, text=text,
                                            kind=DeploymentComment.Kind.COMMENT,
                                            round=deployment.round)


@transaction.atomic
def deployment_withdraw(*, deployment_id: int, actor: User) -> None:
    """Takes a deployment back (e.g. sent to the wrong team); its thread goes with it. One that
    was cascaded further is refused: the teams below have their own catchball."""
    deployment = _proposers_row(deployment_id, actor)
    below = list(deployment.children.select_related("team").order_by("team__name"))
    if below:
        raise Conflict(f"{deployment.team.name} has cascaded it to "
                       f"{', '.join(d.team.name for d in below)}: withdraw those first.",
                       extra={"children": [d.pk for d in below]})
    deployment.delete()


def _proposers_row(deployment_id: int, actor: User) -> Deployment:
    """The deployment, locked, for whoever proposed its hop (``can_revise_deployment``)."""
    deployment = (Deployment.objects.select_for_update(of=("self",))
                  .select_related("parent", "team", "priority").filter(pk=deployment_id)
                  .first())
    if deployment is None:
        raise DomainError("No such deployment.", code="not_found")
    if not can_revise_deployment(actor, deployment):
        if deployment.parent_id:
            raise Forbidden(f"Only the leads of {deployment.parent.team.name}, who cascaded "
                            f"it, revise or withdraw this deployment.")
        raise Forbidden(NOT_EXECUTIVE)
    return deployment
