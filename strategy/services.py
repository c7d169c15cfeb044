"""Every write to strategy: one service per action, keyword-only, in one transaction.

Views, the API, the admin, the idea-form hook and the demo data all call these; they check who
acts (Forbidden → 403), the rules (DomainError → 400, Conflict → 409) and never half-save.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.permissions import access_idea
from ideas.permissions import can_edit as can_edit_idea
from ideas.services import record_event
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads

from .models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
)
from .permissions import (
    can_answer_deployment,
    can_comment_deployment,
    can_link_idea,
    can_manage_strategy,
    can_record_reading,
)
from .system_services import check_window, record_change

# Readings and KPI values fit DecimalField(max_digits=16, decimal_places=4).
KPI_VALUE_LIMIT = Decimal("1000000000000")

NOT_EXECUTIVE = ("Only executives (members of a top-tier team) and administrators can change "
                 "the strategy.")


def _today() -> date:
    return timezone.localdate()


def _require_manager(actor: User) -> None:
    if not can_manage_strategy(actor):
        raise Forbidden(NOT_EXECUTIVE)


def _full_clean(obj, *, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False,
                       validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc


def _active_team(team: Team | int | None, *, field: str, what: str) -> Team:
    team_id = getattr(team, "pk", team)
    found = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if found is None:
        raise DomainError(f"Choose the {what}.", field=field)
    if not found.active:
        raise DomainError(f"{found.name} is inactive: choose an active team as the {what}.",
                          field=field, code="inactive_team")
    return found


def _text(value: str | None, *, field: str, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{label} is required.", field=field)
    return value


def _number(value, *, field: str, label: str) -> Decimal:
    """A finite decimal within what a KPI stores; a clear message for anything else."""
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{label} must be a number.", field=field, code="not_a_number")
    if not number.is_finite():
        raise DomainError(f"{label} must be a number.", field=field, code="not_a_number")
    if abs(number) >= KPI_VALUE_LIMIT:
        raise DomainError(f"{label} is too large.", field=field)
    return number.quantize(Decimal("0.0001"))


def _lock(model, pk, what: str):
    try:
        return model.objects.select_for_update().get(pk=getattr(pk, "pk", pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError(f"No such {what}.", code="not_found")


def priority_url(priority: Priority | int) -> str:
    return reverse("strategy:priority", args=[getattr(priority, "pk", priority)])


# ---------------------------------------------------------------- objectives and goals

OBJECTIVE_FIELDS = {"title", "description", "horizon_year", "position"}
GOAL_FIELDS = {"objective", "year", "title", "measure"}


@transaction.atomic
def objective_create(*, actor: User, title: str, horizon_year: int, description: str = "",
                     position: int | None = None) -> Objective:
    _require_manager(actor)
    if position is None:
        position = Objective.objects.count()
    objective = Objective(
        title=_text(title, field="title", label="A title"), description=description or "",
        horizon_year=horizon_year, position=position, created_by=actor)
    _check_horizon(objective)
    _full_clean(objective, exclude=["created_by"])
    objective.save()
    return objective


def _check_horizon(objective: Objective) -> None:
    year = _today().year
    if objective.horizon_year is not None and objective.horizon_year < year:
        raise DomainError(f"The horizon is in the past: choose {year} or later.",
                          field="horizon_year")


@transaction.atomic
def objective_update(*, objective_id: int, actor: User, **fields) -> Objective:
    _require_manager(actor)
    objective = _lock(Objective, objective_id, "objective")
    _unknown(fields, OBJECTIVE_FIELDS)
    for key, value in fields.items():
        setattr(objective, key, value)
    objective.title = _text(objective.title, field="title", label="A title")
    if "horizon_year" in fields:
        _check_horizon(objective)
    _full_clean(objective, exclude=["created_by"])
    objective.save()
    return objective


@transaction.atomic
def goal_create(*, actor: User, objective: Objective | int, year: int, title: str,
                measure: str = "") -> AnnualGoal:
    _require_manager(actor)
    objective = Objective.objects.filter(pk=getattr(objective, "pk", objective)).first()
    if objective is None:
        raise DomainError("Choose the objective this goal serves.", field="objective")
    goal = AnnualGoal(objective=objective, year=year,
                      title=_text(title, field="title", label="A title"), measure=measure or "")
    _check_goal_year(goal)
    _full_clean(goal)
    goal.save()
    return goal


def _check_goal_year(goal: AnnualGoal) -> None:
    if goal.year and goal.objective.horizon_year and goal.year > goal.objective.horizon_year:
        raise DomainError(
            f"The objective's horizon is {goal.objective.horizon_year}: an annual goal cannot "
            f"be later than that.", field="year")


@transaction.atomic
def goal_update(*, goal_id: int, actor: User, **fields) -> AnnualGoal:
    _require_manager(actor)
    goal = _lock(AnnualGoal, goal_id, "annual goal")
    _unknown(fields, GOAL_FIELDS)
    for key, value in fields.items():
        setattr(goal, key, value)
    goal.title = _text(goal.title, field="title", label="A title")
    _check_goal_year(goal)
    _full_clean(goal)
    goal.save()
    return goal


def _unknown(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")


def _assign(obj, fields: dict, *, foreign_keys: Iterable[str]) -> list[str]:
    """Sets ``fields`` on ``obj`` and returns the names whose value really changes (foreign
    keys compared by id, text once stripped): a change-window change records only those."""
    changed = []
    for key, value in fields.items():
        attr = f"{key}_id" if key in foreign_keys else key
        new = getattr(value, "pk", value)
        if isinstance(new, str):
            new = new.strip()
        if getattr(obj, attr) != new:
            changed.append(key)
        setattr(obj, key, value)
    return changed


# ---------------------------------------------------------------- priorities

PRIORITY_FIELDS = {"goal", "title", "why_now", "owner_team", "start", "end",
                   "success_criteria", "allocated_hours", "allocated_budget"}


RESOURCE_LABELS = {"allocated_hours": "The people-hours", "allocated_budget": "The budget"}


def _resource(value, *, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    number = _number(value, field=field, label=label)
    if number < 0:
        raise DomainError(f"{label} cannot be negative.", field=field)
    return number.quantize(Decimal("0.1") if field == "allocated_hours" else Decimal("0.01"))


def _check_priority(priority: Priority) -> None:
    priority.title = _text(priority.title, field="title", label="A title")
    priority.why_now = _text(priority.why_now, field="why_now", label="The “why now”")
    if priority.start and priority.end and priority.end < priority.start:
        raise DomainError("The priority ends before it starts: choose an end date on or after "
                          "the start date.", field="end", code="ends_before_start")
    priority.success_criteria = (priority.success_criteria or "").strip()
    priority.allocated_hours = _resource(priority.allocated_hours, field="allocated_hours",
                                         label="The people-hours")
    priority.allocated_budget = _resource(priority.allocated_budget, field="allocated_budget",
                                          label="The budget")
    _full_clean(priority, exclude=["created_by", "owner_team", "goal"])


@transaction.atomic
def priority_create(*, actor: User, goal: AnnualGoal | int, title: str, why_now: str,
                    owner_team: Team | int, start: date, end: date, success_criteria: str = "",
                    allocated_hours=None, allocated_budget=None, cause: str = "") -> Priority:
    """Adds an improvement priority under an annual goal, owned by a team. Outside a planning
    window it needs a cause (see strategy.system_services.check_window)."""
    _require_manager(actor)
    outside, cause = check_window(cause)
    goal_obj = AnnualGoal.objects.filter(pk=getattr(goal, "pk", goal)).first()
    if goal_obj is None:
        raise DomainError("Choose the annual goal this priority serves.", field="goal")
    team = _active_team(owner_team, field="owner_team", what="owner team")
    priority = Priority(goal=goal_obj, title=title, why_now=why_now, owner_team=team,
                        start=start, end=end, created_by=actor,
                        success_criteria=success_criteria or "",
                        allocated_hours=allocated_hours, allocated_budget=allocated_budget)
    _check_priority(priority)
    priority._change_reason = cause[:100] or None  # full cause: StrategyChange
    priority.save()
    record_change(actor=actor, action="created", priority=priority, outside=outside, cause=cause)
    return priority


@transaction.atomic
def priority_update(*, priority_id: int, actor: User, cause: str = "", **fields) -> Priority:
    """Edits a priority. Locks the row so two executives editing at once are serialised.
    Outside a planning window a real change needs a cause; it is kept in the history, tells
    the owner and deployed teams, and counts as churn. Saving unchanged values changes nothing."""
    _require_manager(actor)
    priority = _lock(Priority, priority_id, "priority")
    _unknown(fields, PRIORITY_FIELDS)
    for key in ("allocated_hours", "allocated_budget"):
        if key in fields:
            fields[key] = _resource(fields[key], field=key, label=RESOURCE_LABELS[key])
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != priority.owner_team_id:
        fields["owner_team"] = _active_team(fields["owner_team"], field="owner_team",
                                            what="owner team")
    if "goal" in fields:
        goal = AnnualGoal.objects.filter(pk=getattr(fields["goal"], "pk", fields["goal"])).first()
        if goal is None:
            raise DomainError("Choose the annual goal this priority serves.", field="goal")
        fields["goal"] = goal
    changed = _assign(priority, fields, foreign_keys=("goal", "owner_team"))
    if not changed:
        return priority
    outside, cause = check_window(cause)
    _check_priority(priority)
    priority._change_reason = cause[:100] or None  # full cause: StrategyChange
    priority.save()
    record_change(actor=actor, action="changed", priority=priority, fields=changed,
                  outside=outside, cause=cause)
    return priority


@transaction.atomic
def priority_close(*, priority_id: int, actor: User, note: str = "",
                   cause: str = "") -> Priority:
    """Closes a priority: it stops taking new links and counts as active up to today. Outside
    a planning window the closing note serves as the cause when no cause is given."""
    _require_manager(actor)
    priority = _lock(Priority, priority_id, "priority")
    if priority.status == Priority.Status.CLOSED:
        raise Conflict("This priority is already closed.")
    outside, cause = check_window(cause or note)
    priority.status = Priority.Status.CLOSED
    priority.closed_on = _today()
    priority.closing_note = (note or "").strip()[:2000]
    priority._change_reason = cause[:100] or None  # full cause: StrategyChange
    priority.save()
    record_change(actor=actor, action="closed", priority=priority, fields=["status"],
                  outside=outside, cause=cause)
    return priority


@transaction.atomic
def priority_reopen(*, priority_id: int, actor: User, cause: str = "") -> Priority:
    _require_manager(actor)
    priority = _lock(Priority, priority_id, "priority")
    if priority.status == Priority.Status.ACTIVE:
        raise Conflict("This priority is already active.")
    outside, cause = check_window(cause)
    priority.status = Priority.Status.ACTIVE
    priority.closed_on = None
    priority._change_reason = cause[:100] or None  # full cause: StrategyChange
    priority.save()
    record_change(actor=actor, action="reopened", priority=priority, fields=["status"],
                  outside=outside, cause=cause)
    return priority


# ---------------------------------------------------------------- ideas ↔ priorities


def _check_open_for_linking(priority: Priority) -> None:
    if not priority.is_open_for_linking(_today()):
        why = "closed" if priority.status == Priority.Status.CLOSED else "over"
        raise DomainError(
            f"“{priority.title}” is {why}: ideas can only be linked to active priorities.",
            field="priorities", code="priority_closed")


@transaction.atomic
def priority_link_idea(*, priority_id: int, idea_id: int, actor: User) -> PriorityLink:
    """Says that an idea serves a priority. Linking twice changes nothing.

    Locks the priority so a link cannot slip in while it is being closed."""
    priority = _lock(Priority, priority_id, "priority")
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
    priority = _lock(Priority, priority_id, "priority")
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
    today = _today()
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
    if to_add:
        PriorityLink.objects.bulk_create(
            [PriorityLink(priority_id=pid, idea=idea, linked_by=actor) for pid in to_add],
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


# ---------------------------------------------------------------- KPIs and readings

KPI_FIELDS = {"name", "unit", "baseline", "target", "direction", "owner_team",
              "review_frequency"}


def _check_kpi(kpi: KPI) -> None:
    kpi.name = _text(kpi.name, field="name", label="A name")
    kpi.unit = (kpi.unit or "").strip()
    kpi.baseline = _number(kpi.baseline, field="baseline", label="The baseline")
    kpi.target = _number(kpi.target, field="target", label="The target")
    _full_clean(kpi, exclude=["priority", "owner_team"])


@transaction.atomic
def kpi_create(*, actor: User, priority: Priority | int, name: str, baseline, target,
               direction: str, owner_team: Team | int, unit: str = "",
               review_frequency: str = KPI.Frequency.MONTHLY) -> KPI:
    """Adds a KPI to a priority. Baseline equal to target is a *hold* KPI (allowed); a
    direction that contradicts baseline → target is allowed but warned about
    (strategy.kpi.kpi_warnings)."""
    _require_manager(actor)
    priority_obj = Priority.objects.filter(pk=getattr(priority, "pk", priority)).first()
    if priority_obj is None:
        raise DomainError("Choose the priority this KPI measures.", field="priority")
    team = _active_team(owner_team, field="owner_team", what="owner team")
    kpi = KPI(priority=priority_obj, name=name, unit=unit, baseline=baseline, target=target,
              direction=direction, owner_team=team, review_frequency=review_frequency)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, kpi_id: int, actor: User, **fields) -> KPI:
    _require_manager(actor)
    kpi = _lock(KPI, kpi_id, "KPI")
    _unknown(fields, KPI_FIELDS)
    if "owner_team" in fields and getattr(fields["owner_team"], "pk", fields["owner_team"]) \
            != kpi.owner_team_id:
        fields["owner_team"] = _active_team(fields["owner_team"], field="owner_team",
                                            what="owner team")
    for key, value in fields.items():
        setattr(kpi, key, value)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_reading_record(*, kpi_id: int, actor: User, date: date, value,
                       note: str = "") -> tuple[KPIReading, bool]:
    """Records the KPI's value on a day; a second reading on the same day corrects the first.
    Answers (reading, created). Locks the KPI so two leads recording at once are serialised."""
    kpi = _lock(KPI, kpi_id, "KPI")
    if not can_record_reading(actor, kpi):
        raise Forbidden(f"Only the leads of {kpi.owner_team.name}, the team that owns this "
                        f"KPI, can record its readings.")
    if date is None:
        raise DomainError("Give the date of the reading.", field="date")
    if date > _today():
        raise DomainError("A reading cannot be dated in the future.", field="date",
                          code="future_date")
    number = _number(value, field="value", label="The value")
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError("Keep the note under 500 characters.", field="note")
    reading, created = KPIReading.objects.update_or_create(
        kpi=kpi, date=date, defaults={"value": number, "note": note, "recorded_by": actor})
    return reading, created


@transaction.atomic
def kpi_reading_delete(*, reading_id: int, actor: User) -> None:
    reading = KPIReading.objects.select_related("kpi").filter(pk=reading_id).first()
    if reading is None:
        raise DomainError("No such reading.", code="not_found")
    if not can_record_reading(actor, reading.kpi):
        raise Forbidden("Only the KPI's owner-team leads can remove its readings.")
    reading.delete()


# ---------------------------------------------------------------- constraints

CONSTRAINT_FIELDS = {"statement", "detail", "team", "start", "end"}


def _check_constraint(constraint: Constraint) -> None:
    constraint.statement = _text(constraint.statement, field="statement", label="The statement")
    if constraint.start is None:
        raise DomainError("Give the day the constraint starts.", field="start")
    if constraint.end and constraint.end < constraint.start:
        raise DomainError("The constraint ends before it starts.", field="end",
                          code="ends_before_start")
    _full_clean(constraint, exclude=["team", "set_by"])


@transaction.atomic
def constraint_create(*, actor: User, statement: str, start: date, team: Team | int | None = None,
                      end: date | None = None, detail: str = "", cause: str = "") -> Constraint:
    """Sets a boundary for the whole organisation (no team) or a team and its subtree.
    Outside a planning window it needs a cause."""
    _require_manager(actor)
    outside, cause = check_window(cause)
    scope = _active_team(team, field="team", what="team") if team is not None else None
    constraint = Constraint(statement=statement, detail=detail or "", team=scope, start=start,
                            end=end, set_by=actor)
    _check_constraint(constraint)
    constraint._change_reason = cause[:100] or None  # full cause: StrategyChange
    constraint.save()
    record_change(actor=actor, action="created", constraint=constraint, outside=outside,
                  cause=cause)
    if scope is not None:
        notify(recipients=team_leads(scope), verb="constraint_set", actor=actor,
               text=f"New constraint for {scope.name}: {constraint.statement}",
               event_key=f"strategy:constraint:{constraint.pk}:set",
               url=reverse("strategy:constraints"), target=constraint)
    return constraint


@transaction.atomic
def constraint_update(*, constraint_id: int, actor: User, cause: str = "",
                      **fields) -> Constraint:
    _require_manager(actor)
    constraint = _lock(Constraint, constraint_id, "constraint")
    _unknown(fields, CONSTRAINT_FIELDS)
    if "team" in fields:
        team = fields["team"]
        if team is not None and getattr(team, "pk", team) != constraint.team_id:
            fields["team"] = _active_team(team, field="team", what="team")
        elif team is not None:
            fields["team"] = Team.objects.get(pk=getattr(team, "pk", team))
    changed = _assign(constraint, fields, foreign_keys=("team",))
    if not changed:
        return constraint
    outside, cause = check_window(cause)
    _check_constraint(constraint)
    constraint._change_reason = cause[:100] or None  # full cause: StrategyChange
    constraint.save()
    record_change(actor=actor, action="changed", constraint=constraint, fields=changed,
                  outside=outside, cause=cause)
    return constraint


@transaction.atomic
def constraint_lift(*, constraint_id: int, actor: User, cause: str = "") -> Constraint:
    """Ends a constraint today (it still applied today). Outside a window it needs a cause."""
    _require_manager(actor)
    constraint = _lock(Constraint, constraint_id, "constraint")
    today = _today()
    if constraint.end is not None and constraint.end < today:
        raise Conflict("This constraint has already ended.")
    if constraint.start > today:
        raise DomainError("This constraint has not started yet: change its dates instead.",
                          field="start")
    outside, cause = check_window(cause)
    constraint.end = today
    constraint._change_reason = cause[:100] or None  # full cause: StrategyChange
    constraint.save()
    record_change(actor=actor, action="lifted", constraint=constraint, fields=["end"],
                  outside=outside, cause=cause)
    return constraint


# ---------------------------------------------------------------- catchball


def _deployment_text(deployment: Deployment, verb: str) -> str:
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
    _require_manager(actor)
    priority_obj = _lock(Priority, priority, "priority")
    if priority_obj.status != Priority.Status.ACTIVE:
        raise DomainError("A closed priority cannot be deployed; reopen it first.",
                          field="priority", code="priority_closed")
    team_obj = _active_team(team, field="team", what="team")
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
               _deployment_text(deployment, "Proposed") + ": accept or counter it.")
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
                   f"{actor.name}: {_deployment_text(deployment, verb).lower()}"
                   + (f" — {comment}" if comment else ""))
    return deployment


@transaction.atomic
def deployment_revise(*, deployment_id: int, actor: User, comment: str,
                      ask: str | None = None) -> Deployment:
    """An executive answers the team's answer: proposes the deployment again (next round),
    optionally with a changed ask."""
    _require_manager(actor)
    deployment = _lock(Deployment, deployment_id, "deployment")
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
               _deployment_text(deployment, "Revised") + f": {comment}")
    return deployment


@transaction.atomic
def deployment_comment(*, deployment_id: int, actor: User, text: str) -> DeploymentComment:
    deployment = Deployment.objects.filter(pk=deployment_id).first()
    if deployment is None:
        raise DomainError("No such deployment.", code="not_found")
    if not can_comment_deployment(actor, deployment):
        raise Forbidden("Only executives and the team's leads take part in this catchball.")
    text = _text(text, field="text", label="A comment")
    if len(text) > 2000:
        raise DomainError("Keep the comment under 2,000 characters.", field="text")
    return DeploymentComment.objects.create(deployment=deployment, author=actor, text=text,
                                            kind=DeploymentComment.Kind.COMMENT,
                                            round=deployment.round)


@transaction.atomic
def deployment_withdraw(*, deployment_id: int, actor: User) -> None:
    """Takes a deployment back (e.g. sent to the wrong team); its thread goes with it."""
    _require_manager(actor)
    deployment = _lock(Deployment, deployment_id, "deployment")
    deployment.delete()

