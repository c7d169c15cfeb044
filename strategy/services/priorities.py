"""Writes of the strategy's spine: breakthrough objectives, annual goals, improvement priorities
(under the change-window rule) and which items serve which priority."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.anonymity import acts_anonymously
from ideas.models import Idea
from ideas.permissions import access_idea
from ideas.permissions import can_edit as can_edit_idea
from ideas.services import record_event
from org.models import Team, User

from ..checks import clean_text, known_fields, lock_row, set_fields
from ..models import AnnualGoal, Objective, Priority, PriorityLink
from ..permissions import can_link_idea, can_manage_strategy
from ..windows import check_window, save_change, save_edit
from .base import (
    active_team,
    check_review_by,
    clean_number,
    default_review_by,
    full_clean,
    managed_row,
    require_manager,
)

# ---------------------------------------------------------------- objectives and goals

OBJECTIVE_FIELDS = {"title", "description", "horizon_year", "position"}
GOAL_FIELDS = {"objective", "year", "title", "measure"}


@transaction.atomic
def objective_create(*, actor: User, title: str, horizon_year: int, description: str = "",
                     position: int | None = None) -> Objective:
    require_manager(actor)
    if position is None:
        position = Objective.objects.count()
    objective = Objective(title=title, description=description or "",
                          horizon_year=horizon_year, position=position, created_by=actor)
    _check_objective(objective)
    objective.save()
    return objective


def _check_objective(objective: Objective, *, horizon: bool = True) -> None:
    """A title, and (unless an edit leaves it as it was) a horizon not in the past."""
    objective.title = clean_text(objective.title, field="title", label="A title")
    year = timezone.localdate().year
    if horizon and objective.horizon_year is not None and objective.horizon_year < year:
        raise DomainError(f"The horizon is in the past: choose {year} or later.",
                          field="horizon_year")
    full_clean(objective, exclude=["created_by"])


@transaction.atomic
def objective_update(*, objective_id: int, actor: User, **fields) -> Objective:
    objective = managed_row(actor, Objective, objective_id, "objective")
    set_fields(objective, fields, OBJECTIVE_FIELDS)
    _check_objective(objective, horizon="horizon_year" in fields)
    objective.save()
    return objective


@transaction.atomic
def goal_create(*, actor: User, objective: Objective | int, year: int, title: str,
                measure: str = "") -> AnnualGoal:
    require_manager(actor)
    objective = Objective.objects.filter(pk=getattr(objective, "pk", objective)).first()
    if objective is None:
        raise DomainError("Choose the objective this goal serves.", field="objective")
    goal = AnnualGoal(objective=objective, year=year, title=title, measure=measure or "")
    _check_goal(goal)
    goal.save()
    return goal


def _check_goal(goal: AnnualGoal) -> None:
    """A title, and a year no later than the objective's horizon."""
    goal.title = clean_text(goal.title, field="title", label="A title")
    if goal.year and goal.objective.horizon_year and goal.year > goal.objective.horizon_year:
        raise DomainError(
            f"The objective's horizon is {goal.objective.horizon_year}: an annual goal cannot "
            f"be later than that.", field="year")
    full_clean(goal)


@transaction.atomic
def goal_update(*, goal_id: int, actor: User, **fields) -> AnnualGoal:
    goal = managed_row(actor, AnnualGoal, goal_id, "annual goal")
    set_fields(goal, fields, GOAL_FIELDS)
    _check_goal(goal)
    goal.save()
    return goal


# ---------------------------------------------------------------- priorities

PRIORITY_FIELDS = {"goal", "title", "why_now", "owner_team", "start", "end",
                   "success_criteria", "allocated_hours", "allocated_budget", "review_by"}


RESOURCE_LABELS = {"allocated_hours": "The people-hours", "allocated_budget": "The budget"}


def _resource(value, *, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    number = clean_number(value, field=field, label=label)
    if number < 0:
        raise DomainError(f"{label} cannot be negative.", field=field)
    return number.quantize(Decimal("0.1") if field == "allocated_hours" else Decimal("0.01"))


def _check_priority(priority: Priority) -> None:
    priority.title = clean_text(priority.title, field="title", label="A title")
    priority.why_now = clean_text(priority.why_now, field="why_now", label="The “why now”")
    if priority.start and priority.end and priority.end < priority.start:
        raise DomainError("The priority ends before it starts: choose an end date on or after "
                          "the start date.", field="end", code="ends_before_start")
    priority.success_criteria = (priority.success_criteria or "").strip()
    priority.allocated_hours = _resource(priority.allocated_hours, field="allocated_hours",
                                         label="The people-hours")
    priority.allocated_budget = _resource(priority.allocated_budget, field="allocated_budget",
                                          label="The budget")
    full_clean(priority, exclude=["created_by", "owner_team", "goal"])


@transaction.atomic
def priority_create(*, actor: User, goal: AnnualGoal | int, title: str, why_now: str,
                    owner_team: Team | int, start: date, end: date, success_criteria: str = "",
                    allocated_hours=None, allocated_budget=None, cause: str = "",
                    review_by: date | None = None) -> Priority:
    """Adds an improvement priority under an annual goal, owned by a team. Outside a planning
    window it needs a cause (see strategy.windows.check_window). Without a review-by date it
    comes up for review a quarter ahead (``default_review_by``)."""
    require_manager(actor)
    check_review_by(review_by)
    outside, cause = check_window(cause)
    goal_obj = AnnualGoal.objects.filter(pk=getattr(goal, "pk", goal)).first()
    if goal_obj is None:
        raise DomainError("Choose the annual goal this priority serves.", field="goal")
    team = active_team(owner_team, field="owner_team", what="owner team")
    priority = Priority(goal=goal_obj, title=title, why_now=why_now, owner_team=team,
                        start=start, end=end, created_by=actor,
                        success_criteria=success_criteria or "",
                        allocated_hours=allocated_hours, allocated_budget=allocated_budget,
                        review_by=review_by or default_review_by(start=start, end=end))
    _check_priority(priority)
    save_change(priority, actor=actor, action="created", outside=outside, cause=cause)
    return priority


@transaction.atomic
def priority_update(*, priority_id: int, actor: User, cause: str = "", **fields) -> Priority:
    """Edits a priority. Locks the row so two executives editing at once are serialised.
    Outside a planning window a real change needs a cause; it is kept in the history, tells
    the owner and deployed teams, and counts as churn. Saving unchanged values changes nothing."""
    priority = managed_row(actor, Priority, priority_id, "priority")
    known_fields(fields, PRIORITY_FIELDS)
    if "review_by" in fields and fields["review_by"] != priority.review_by:
        check_review_by(fields["review_by"], required=True)
    for key in ("allocated_hours", "allocated_budget"):
        if key in fields:
            fields[key] = _resource(fields[key], field=key, label=RESOURCE_LABELS[key])
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != priority.owner_team_id:
        fields["owner_team"] = active_team(fields["owner_team"], field="owner_team",
                                           what="owner team")
    if "goal" in fields:
        goal = AnnualGoal.objects.filter(pk=getattr(fields["goal"], "pk", fields["goal"])).first()
        if goal is None:
            raise DomainError("Choose the annual goal this priority serves.", field="goal")
        fields["goal"] = goal
    save_edit(priority, fields, foreign_keys=("goal", "owner_team"), check=_check_priority,
              actor=actor, cause=cause)
    return priority


@transaction.atomic
def priority_close(*, priority_id: int, actor: User, note: str = "",
                   cause: str = "") -> Priority:
    """Closes a priority: it stops taking new links and counts as active up to today. Outside
    a planning window the closing note serves as the cause when no cause is given."""
    priority = managed_row(actor, Priority, priority_id, "priority")
    if priority.status == Priority.Status.CLOSED:
        raise Conflict("This priority is already closed.")
    outside, cause = check_window(cause or note)
    priority.status = Priority.Status.CLOSED
    priority.closed_on = timezone.localdate()
    priority.closing_note = (note or "").strip()[:2000]
    save_change(priority, actor=actor, action="closed", fields=["status"], outside=outside,
                cause=cause)
    return priority


@transaction.atomic
def priority_reopen(*, priority_id: int, actor: User, cause: str = "") -> Priority:
    priority = managed_row(actor, Priority, priority_id, "priority")
    if priority.status == Priority.Status.ACTIVE:
        raise Conflict("This priority is already active.")
    outside, cause = check_window(cause)
    priority.status = Priority.Status.ACTIVE
    priority.closed_on = None
    save_change(priority, actor=actor, action="reopened", fields=["status"], outside=outside,
                cause=cause)
    return priority


# ---------------------------------------------------------------- ideas ↔ priorities


def _check_open_for_linking(priority: Priority) -> None:
    if not priority.is_open_for_linking(timezone.localdate()):
        why = "closed" if priority.status == Priority.Status.CLOSED else "over"
        raise DomainError(
            f"“{priority.title}” is {why}: ideas can only be linked to active priorities.",
            field="priorities", code="priority_closed")


@transaction.atomic
def priority_link_idea(*, priority_id: int, idea_id: int, actor: User) -> PriorityLink:
    """Says that an idea serves a priority. Linking twice changes nothing.

    Locks the priority so a link cannot slip in while it is being closed."""
    priority = lock_row(Priority, priority_id, "priority")
    idea = access_idea(actor, idea_id)
    if not can_link_idea(actor, priority, idea):
        raise Forbidden("Only executives, the priority's owner-team leads and people who may "
                        "edit the item can link it to a priority.")
    _check_open_for_linking(priority)
    link, created = PriorityLink.objects.get_or_create(
        priority=priority, idea=idea, defaults={"linked_by": actor})
    if created:
        record_event(idea=idea, actor=actor, verb="priority_linked",
                     text=f"Linked to the priority “{priority.title}”.",
                     data={"priority": priority.pk}, touch=False)
    return link


@transaction.atomic
def priority_unlink_idea(*, priority_id: int, idea_id: int, actor: User) -> bool:
    """Removes a link (also from closed priorities). Answers whether a link was removed."""
    priority = lock_row(Priority, priority_id, "priority")
    idea = access_idea(actor, idea_id)
    if not can_link_idea(actor, priority, idea):
        raise Forbidden("Only executives, the priority's owner-team leads and people who may "
                        "edit the item can unlink it.")
    deleted, _ = PriorityLink.objects.filter(priority=priority, idea=idea).delete()
    if deleted:
        record_event(idea=idea, actor=actor, verb="priority_unlinked",
                     text=f"Unlinked from the priority “{priority.title}”.",
                     data={"priority": priority.pk}, touch=False)
    return bool(deleted)


@transaction.atomic
def idea_set_priorities(*, idea: Idea, priorities: Iterable[Priority | int],
                        actor: User) -> tuple[list[int], list[int]]:
    """What the idea form saves: the idea serves exactly these open priorities.

    Links to priorities that can no longer be picked (closed or over) are kept — the form
    only offers open ones, so leaving them out is not a request to remove them.
    Answers (added ids, removed ids)."""
    wanted = {getattr(p, "pk", p) for p in priorities}
    today = timezone.localdate()
    chosen = list(Priority.objects.select_for_update().filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        raise DomainError("One of the chosen priorities no longer exists.", field="priorities")
    for priority in chosen:
        if not priority.is_open_for_linking(today):
            _check_open_for_linking(priority)
    current = set(PriorityLink.objects.filter(idea=idea).values_list("priority_id", flat=True))
    open_ids = set(
        Priority.objects.filter(pk__in=current, status=Priority.Status.ACTIVE, end__gte=today)
        .values_list("pk", flat=True))
    to_add = sorted(wanted - current)
    to_remove = sorted(open_ids - wanted)
    if (to_add or to_remove) and not (can_edit_idea(actor, idea) or can_manage_strategy(actor)):
        raise Forbidden("You may not change which priorities this item serves.")
    # the anonymous reporter linking their own item leaves no name on the link
    linker = None if acts_anonymously(actor, idea) else actor
    if to_add:
        PriorityLink.objects.bulk_create(
            [PriorityLink(priority_id=pid, idea=idea, linked_by=linker) for pid in to_add],
            ignore_conflicts=True)
    if to_remove:
        PriorityLink.objects.filter(idea=idea, priority_id__in=to_remove).delete()
    if to_add or to_remove:
        titles = dict(Priority.objects.filter(pk__in=to_add + to_remove)
                      .values_list("pk", "title"))
        parts = []
        if to_add:
            parts.append("Linked to " + ", ".join(f"“{titles[p]}”" for p in to_add))
        if to_remove:
            parts.append("unlinked from " + ", ".join(f"“{titles[p]}”" for p in to_remove))
        text = "; ".join(parts) + "."
        record_event(idea=idea, actor=actor, verb="priorities_changed", text=text[0].upper()
                     + text[1:], data={"added": to_add, "removed": to_remove}, touch=False)
    return to_add, to_remove
