"""Writes of systemic issues: open, edit, link and unlink problems, and start the system-level
item that carries the work. Keyword-only, one transaction, the issue's row locked where people
race, domain errors for refusals."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import can_view
from ideas.services import idea_create, record_event
from org.models import Team, User

from .models import SystemicIssue, SystemicLink
from .permissions import (
    can_create_systemic_issue,
    can_edit_systemic_issue,
    can_link_problem,
    can_own_systemic_issue,
)


def _clean_issue_text(title: str, statement: str) -> tuple[str, str]:
    title, statement = " ".join((title or "").split()), (statement or "").strip()
    if not title:
        raise DomainError("Give the systemic issue a short title.", field="title")
    if len(title) > 200:
        raise DomainError("Keep the title under 200 characters.", field="title")
    if not statement:
        raise DomainError("State the issue: what recurs, where, and what it costs.",
                          field="statement")
    if len(statement) > 10000:
        raise DomainError("Keep the statement under 10,000 characters.", field="statement")
    return title, statement


def _check_category(category: str) -> str:
    if category not in Idea.Category.values:
        raise DomainError("Choose a category: safety, quality, delivery, cost or people.",
                          field="category")
    return category


def _check_owner_team(actor: User, owner_team) -> Team:
    team = Team.objects.filter(pk=getattr(owner_team, "pk", owner_team), active=True).first()
    if team is None:
        raise DomainError("Choose an active owner team.", field="owner_team")
    if not can_own_systemic_issue(actor, team):
        raise Forbidden("You can only open a systemic issue for a team you lead.")
    return team


def _lock_issue(issue_id: int) -> SystemicIssue:
    issue = SystemicIssue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None:
        raise DomainError("No such systemic issue.", code="not_found")
    return issue


@transaction.atomic
def systemic_issue_create(*, actor: User, title: str, statement: str, category: str,
                          owner_team: Team | int, problems: Iterable[int] = ()) -> SystemicIssue:
    """Opens a systemic issue (team leads, executives, admins) and links the given problems."""
    if not can_create_systemic_issue(actor):
        raise Forbidden("Team leads, executives and admins open systemic issues.")
    title, statement = _clean_issue_text(title, statement)
    issue = SystemicIssue.objects.create(
        title=title, statement=statement, category=_check_category(category),
        owner_team=_check_owner_team(actor, owner_team), created_by=actor)
    if problems:
        systemic_link(issue_id=issue.pk, idea_ids=problems, actor=actor)
    return issue


@transaction.atomic
def systemic_issue_update(*, issue_id: int, actor: User, **fields) -> SystemicIssue:
    """Edits the title, statement, category, status or owner team."""
    issue = _lock_issue(issue_id)
    if not can_edit_systemic_issue(actor, issue):
        raise Forbidden("The owner team's leads, executives and admins edit a systemic issue.")
    unknown = set(fields) - {"title", "statement", "category", "status", "owner_team"}
    if unknown:
        raise DomainError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    title, statement = _clean_issue_text(fields.get("title", issue.title),
                                         fields.get("statement", issue.statement))
    issue.title, issue.statement = title, statement
    if "category" in fields:
        issue.category = _check_category(fields["category"])
    if "status" in fields:
        if fields["status"] not in SystemicIssue.Status.values:
            raise DomainError("Choose open, monitoring or resolved.", field="status")
        issue.status = fields["status"]
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != issue.owner_team_id:
        issue.owner_team = _check_owner_team(actor, fields["owner_team"])
    issue.save()
    return issue


@transaction.atomic
def systemic_link(*, issue_id: int, idea_ids: Iterable[int], actor: User) -> list[SystemicLink]:
    """Links problems to an issue in one action. Every item must be one the actor may see and
    link (a lead of the owner team, or of the item's team); all or nothing. Linking a private
    item is allowed — the issue shows it as "Private item" to those who may not see it."""
    issue = _lock_issue(issue_id)
    try:
        ids = sorted({int(i) for i in idea_ids})
    except (TypeError, ValueError):
        raise DomainError("Choose the problems to link.", field="ideas")
    if not ids:
        raise DomainError("Choose at least one problem to link.", field="ideas")
    if len(ids) > 100:
        raise DomainError("Link at most 100 problems at a time.", field="ideas")
    ideas = {i.pk: i for i in Idea.objects.filter(pk__in=ids).select_related("team")
             .prefetch_related("shared_with_teams")}
    for idea_id in ids:
        idea = ideas.get(idea_id)
        if idea is None or not can_view(actor, idea):
            raise DomainError(f"No such item: #{idea_id}.", field="ideas", code="not_found")
        if not can_link_problem(actor, issue, idea):
            raise Forbidden(f"You may not link #{idea_id}: the owner team's leads link problems "
                            "from any team, other leads link their own team's.")
    existing = set(SystemicLink.objects.filter(issue=issue, idea_id__in=ids)
                   .values_list("idea_id", flat=True))
    links = SystemicLink.objects.bulk_create(
        [SystemicLink(issue=issue, idea_id=i, linked_by=actor) for i in ids if i not in existing])
    for link in links:
        # The event is on the item itself: only people who see the item read its timeline.
        record_event(idea=ideas[link.idea_id], actor=actor, verb="systemic_linked",
                     text=f"linked to the systemic issue “{issue.title}”.",
                     data={"issue": issue.pk}, touch=False)
    if links:
        SystemicIssue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())
    return links


@transaction.atomic
def systemic_unlink(*, issue_id: int, idea_id: int, actor: User) -> None:
    issue = _lock_issue(issue_id)
    link = SystemicLink.objects.filter(issue=issue, idea_id=idea_id).select_related(
        "idea").first()
    if link is None or not can_view(actor, link.idea):
        raise DomainError("That item is not linked to this issue.", code="not_found")
    if not (can_edit_systemic_issue(actor, issue) or link.linked_by_id == actor.pk):
        raise Forbidden("The owner team's leads (or whoever linked it) unlink a problem.")
    record_event(idea=link.idea, actor=actor, verb="systemic_unlinked",
                 text=f"unlinked from the systemic issue “{issue.title}”.", touch=False)
    link.delete()


@transaction.atomic
def systemic_issue_track(*, issue_id: int, actor: User) -> Idea:
    """The system-level item that carries the work on an issue (and is escalated like any
    item). Created once, in the owner team; a second call returns the same item."""
    issue = _lock_issue(issue_id)
    if issue.tracking_idea_id:
        return issue.tracking_idea
    if not can_edit_systemic_issue(actor, issue):
        raise Forbidden("The owner team's leads, executives and admins start the work on a "
                        "systemic issue.")
    idea = idea_create(
        actor=actor, team=issue.owner_team, title=issue.title[:200],
        category=issue.category or Idea.Category.QUALITY, kind=Idea.Kind.PROBLEM,
        description=issue.statement, level=Idea.Level.SYSTEM)
    issue.tracking_idea = idea
    issue.save(update_fields=["tracking_idea", "updated_at"])
    record_event(idea=idea, actor=actor, verb="systemic_tracking",
                 text=f"tracks the systemic issue “{issue.title}”.", data={"issue": issue.pk})
    return idea
