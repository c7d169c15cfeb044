"""The change-window rule that priorities and constraints obey, and its record.

Inside a planning window priorities and constraints change freely; outside every window (once
admins have set one) a change needs a recorded cause, tells the teams concerned and counts as
churn. ``check_window`` is the rule, ``save_change`` the end of every change to a priority or a
constraint (the history row and the StrategyChange), ``save_edit`` the whole of an edit of one,
``validate_window`` what a window must be (the services and the admin form both call it). The services of strategy call these; nothing here
imports them.
"""

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from org.models import Team, User
from org.notifications import notify
from org.selectors import team_leads, top_tier

from .checks import assign, clean_text, lock_row, set_fields
from .models import Constraint, PlanningWindow, Priority, StrategyChange
from .permissions import can_manage_windows

CAUSE_REQUIRED = ("Priorities and constraints change freely only inside a planning window. "
                  "Outside one, record the cause of this change: it is kept in the history, "
                  "the teams concerned are told, and it counts as churn.")
MAX_WINDOW_DAYS = 92


# ---------------------------------------------------------------- the rule


def window_on(day: date | None = None) -> PlanningWindow | None:
    day = day or timezone.localdate()
    return PlanningWindow.objects.filter(start__lte=day, end__gte=day).order_by("start").first()


def change_needs_cause(day: date | None = None) -> bool:
    """Outside every planning window — once admins have set at least one. Until the first
    window exists the organisation has not adopted the rule and every change is free."""
    day = day or timezone.localdate()
    windows = PlanningWindow.objects.all()
    return windows.exists() and not windows.filter(start__lte=day, end__gte=day).exists()


def check_window(cause: str | None) -> tuple[bool, str]:
    """(outside a window, the cleaned cause). Refuses an outside-window change without a cause."""
    cause = (cause or "").strip()
    if len(cause) > 2000:
        raise DomainError("Keep the cause under 2,000 characters.", field="cause")
    outside = change_needs_cause()
    if outside and not cause:
        upcoming = (PlanningWindow.objects.filter(start__gt=timezone.localdate())
                    .order_by("start").first())
        extra = f" The next window opens on {upcoming.start:%-d %b %Y}." if upcoming else ""
        raise DomainError(CAUSE_REQUIRED + extra, field="cause", code="cause_required")
    return outside, cause


# ---------------------------------------------------------------- the record


def _teams_concerned(priority: Priority | None, constraint: Constraint | None) -> set[int]:
    if priority is not None:
        return {priority.owner_team_id} | set(
            priority.deployments.values_list("team_id", flat=True))
    if constraint is not None and constraint.team_id:
        return {constraint.team_id}
    # An organisation-wide constraint concerns the managers' tier (one below the top).
    tier = top_tier()
    if tier is None:
        return set()
    return set(Team.objects.filter(active=True, tier__level=tier.level - 1)
               .values_list("pk", flat=True))


def record_change(*, actor: User, action: str, fields: Iterable[str] = (),
                  priority: Priority | None = None, constraint: Constraint | None = None,
                  outside: bool = False, cause: str = "") -> StrategyChange:
    """Keeps one change in the history; an outside-window change notifies the leads of the
    owner team and the teams the priority is deployed to (or the constrained team)."""
    change = StrategyChange.objects.create(
        subject=StrategyChange.Subject.PRIORITY if priority else StrategyChange.Subject.CONSTRAINT,
        action=action, priority=priority, constraint=constraint, fields=sorted(fields),
        outside_window=outside, cause=cause, actor=actor, at=timezone.now())
    if outside:
        recipients = set()
        for team_id in _teams_concerned(priority, constraint):
            recipients |= set(team_leads(team_id).values_list("pk", flat=True))
        recipients.discard(getattr(actor, "pk", None))
        what = f"priority “{priority.title}”" if priority else \
            f"constraint “{constraint.statement}”"
        url = (reverse("strategy:priority", args=[priority.pk]) if priority
               else reverse("strategy:constraints"))
        notify(recipients=list(recipients), verb="strategy_changed_outside_window", actor=actor,
               text=f"The {what} was {change.get_action_display().lower()} outside a planning "
                    f"window. Cause: {cause}",
               event_key=f"strategy:change:{change.pk}", url=url,
               target=priority or constraint)
    return change


def save_change(subject: Priority | Constraint, *, actor: User, action: str, outside: bool,
                cause: str, fields: Iterable[str] = ()) -> StrategyChange:
    """The end of every change to a priority or a constraint: saves it (its history row keeps
    the first 100 characters of the cause) and records the change with the whole cause."""
    subject._change_reason = cause[:100] or None
    subject.save()
    kind = "priority" if isinstance(subject, Priority) else "constraint"
    return record_change(actor=actor, action=action, fields=fields, outside=outside,
                         cause=cause, **{kind: subject})


def clarifies(subject: Priority | Constraint, changed: Iterable[str], before: dict) -> bool:
    """A change that only makes the direction clearer: success criteria stated where there
    were none, and/or a review-by date set or moved. Clarifying is never churn — executives
    are asked to provide clarity, and a planning window must not stand in the way."""
    changed = set(changed)
    if not changed or not changed <= {"success_criteria", "review_by"}:
        return False
    return "success_criteria" not in changed or not (before.get("success_criteria") or "").strip()


def save_edit(subject: Priority | Constraint, fields: dict, *, foreign_keys: Iterable[str],
              check: Callable[[Priority | Constraint], None], actor: User, cause: str) -> None:
    """An edit of a priority or a constraint: sets ``fields``; when a value really changes, the
    change-window rule, the subject's own ``check``, the save and the record of the change.
    Saving unchanged values changes nothing (and needs no cause); a clarifying change
    (``clarifies``) needs no cause and is recorded as "clarified", never as churn."""
    before = {"success_criteria": getattr(subject, "success_criteria", "")}
    changed = assign(subject, fields, foreign_keys=foreign_keys)
    if not changed:
        return
    if clarifies(subject, changed, before):
        check(subject)
        save_change(subject, actor=actor, action=StrategyChange.Action.CLARIFIED,
                    fields=changed, outside=False, cause=(cause or "").strip()[:2000])
        return
    outside, cause = check_window(cause)
    check(subject)
    save_change(subject, actor=actor, action="changed", fields=changed, outside=outside,
                cause=cause)


# ---------------------------------------------------------------- planning windows


def validate_window(window: PlanningWindow) -> None:
    """What a planning window must be: dated, short (at most a quarter) and overlapping no
    other window."""
    if window.start is None or window.end is None:
        raise DomainError("Give the first and the last day of the window.", field="start")
    if window.end < window.start:
        raise DomainError("The window ends before it starts.", field="end",
                          code="ends_before_start")
    if (window.end - window.start).days > MAX_WINDOW_DAYS:
        raise DomainError("A planning window is a short period (at most a quarter): otherwise "
                          "every change is “free” and churn means nothing.", field="end")
    overlap = (PlanningWindow.objects.filter(start__lte=window.end, end__gte=window.start)
               .exclude(pk=window.pk).first())
    if overlap:
        raise DomainError(f"It overlaps “{overlap.name}” ({overlap.start} – {overlap.end}).",
                          field="start", code="overlap")


def _require_admin(actor: User) -> None:
    if not can_manage_windows(actor):
        raise Forbidden("Only administrators set planning windows.")


@transaction.atomic
def window_create(*, actor: User, name: str, start: date, end: date) -> PlanningWindow:
    _require_admin(actor)
    window = PlanningWindow(name=clean_text(name, field="name", label="A name", limit=80),
                            start=start, end=end, created_by=actor)
    validate_window(window)
    window.save()
    return window


@transaction.atomic
def window_update(*, window_id: int, actor: User, **fields) -> PlanningWindow:
    _require_admin(actor)
    window = lock_row(PlanningWindow, window_id, "planning window")
    set_fields(window, fields, {"name", "start", "end"})
    window.name = clean_text(window.name, field="name", label="A name", limit=80)
    validate_window(window)
    window.save()
    return window


@transaction.atomic
def window_delete(*, window_id: int, actor: User) -> None:
    _require_admin(actor)
    window = lock_row(PlanningWindow, window_id, "planning window")
    if window.start <= timezone.localdate():
        raise Conflict("A window that has started is part of the record; it cannot be removed.")
    window.delete()


# ---------------------------------------------------------------- reads


def windows() -> QuerySet[PlanningWindow]:
    return PlanningWindow.objects.select_related("created_by").order_by("-start")


def recent_changes(*, limit: int = 20, outside_only: bool = False) -> list[StrategyChange]:
    qs = StrategyChange.objects.select_related("priority", "constraint", "actor")
    if outside_only:
        qs = qs.filter(outside_window=True)
    return list(qs.order_by("-at", "-pk")[:limit])
