"""Writes of the catchball: priorities proposed to teams, accepted or countered by their leads,
revised by executives, with the thread of comments of every round."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads

from ..checks import clean_text, existing_row
from ..models import Deployment, DeploymentComment, Priority
from ..permissions import can_answer_deployment, can_comment_deployment
from .base import active_team, managed_row, priority_url

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


@transaction.atomic
def deployment_create(*, actor: User, priority: Priority | int, team: Team | int,
                      ask: str = "") -> Deployment:
    """Proposes a priority to a team (the first throw of the catchball)."""
    priority_obj = managed_row(actor, Priority, priority, "priority")
    if priority_obj.status != Priority.Status.ACTIVE:
        raise DomainError("A closed priority cannot be deployed; reopen it first.",
                          field="priority", code="priority_closed")
    team_obj = active_team(team, field="team", what="team")
    if Deployment.objects.filter(priority=priority_obj, team=team_obj).exists():
        raise Conflict(f"“{priority_obj.title}” is already deployed to {team_obj.name}.",
                       extra={"field": "team"})
    ask = (ask or "").strip()
    deployment = Deployment.objects.create(
        priority=priority_obj, team=team_obj, ask=ask, proposed_by=actor,
        proposed_at=timezone.now())
    DeploymentComment.objects.create(deployment=deployment, author=actor,
                                     kind=DeploymentComment.Kind.PROPOSE, text=ask, round=1)
    _tell_team(deployment, actor, "deployment_proposed",
               _deploymentclean_text(deployment, "Proposed") + ": accept or counter it.")
    return deployment


@transaction.atomic
def deployments_create(*, actor: User, priority: Priority | int, teams: Iterable[Team | int],
                       ask: str = "") -> list[Deployment]:
    """Deploys one priority to several teams at once: all of them or none."""
    teams = list(teams)
    if not teams:
        raise DomainError("Choose at least one team.", field="teams")
    return [deployment_create(actor=actor, priority=priority, team=t, ask=ask) for t in teams]


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
    """An executive answers the team's answer: proposes the deployment again (next round),
    optionally with a changed ask."""
    deployment = managed_row(actor, Deployment, deployment_id, "deployment")
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
    """Takes a deployment back (e.g. sent to the wrong team); its thread goes with it."""
    deployment = managed_row(actor, Deployment, deployment_id, "deployment")
    deployment.delete()
