"""Figures about the strategy itself, organisation-wide (no user; each a constant number of
queries): what the executive scorecard grades and what a priority's page shows of its resources.

- ``clarity(on=)`` → share of active priorities with success criteria, ≥ 1 KPI, an owner team
  and a why-now.
- ``stability(start=, end=)`` → changes to priorities and constraints in the period, how many
  outside a planning window (the churn), and ``churn_by_cycle(cycles=)`` per quarter.
- ``constraint_coverage(on=)`` → active teams under at least one active constraint.
- ``priority_resources(priorities)`` → allocated vs used hours and budget of each priority.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from capacity.models import TimeEntry
from core.dates import day_bounds
from ideas.models import Idea
from org.models import Team

from .models import KPI, Constraint, Priority, PriorityLink, StrategyChange
from .selectors import constraint_active_q, subtree


def _today() -> date:
    return timezone.localdate()


def _share(total: int, part: int) -> float | None:
    return round(part / total, 4) if total else None


# ---------------------------------------------------------------- the executive scorecard


def clarity(*, on: date | None = None) -> dict:
    """Of the priorities active on the day: how many state success criteria, have at least one
    KPI, an owner team and a why-now. One query."""
    on = on or _today()
    qs = Priority.objects.filter(status=Priority.Status.ACTIVE, start__lte=on, end__gte=on)
    has_kpi = Exists(KPI.objects.filter(priority_id=OuterRef("pk")))
    criteria = ~Q(success_criteria="")
    why = ~Q(why_now="")
    owner = Q(owner_team__isnull=False)
    figures = qs.aggregate(
        total=Count("pk"),
        with_criteria=Count("pk", filter=criteria),
        with_kpis=Count("pk", filter=Q(has_kpi)),
        with_owner=Count("pk", filter=owner),
        with_why_now=Count("pk", filter=why),
        clear=Count("pk", filter=criteria & Q(has_kpi) & owner & why))
    return {**figures, "share": _share(figures["total"], figures["clear"])}


def stability(*, start: date, end: date) -> dict:
    """Changes to priorities and constraints in [start, end]: all of them, and those outside a
    planning window (the churn), split by subject. One query."""
    lo, hi = day_bounds(start, end)
    outside = Q(outside_window=True)
    figures = StrategyChange.objects.filter(at__gte=lo, at__lt=hi).aggregate(
        changes=Count("pk"),
        churn=Count("pk", filter=outside),
        priority_churn=Count("pk", filter=outside & Q(subject=StrategyChange.Subject.PRIORITY)),
        constraint_churn=Count("pk",
                               filter=outside & Q(subject=StrategyChange.Subject.CONSTRAINT)),
        priorities_changed_outside=Count("priority", filter=outside, distinct=True))
    return {**figures, "outside_share": _share(figures["changes"], figures["churn"])}


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def churn_by_cycle(*, cycles: int = 4, today: date | None = None) -> list[dict]:
    """Churn per planning cycle (calendar quarter), oldest first, the current one last:
    [{"start", "end", "changes", "churn"}]. One query."""
    today = today or _today()
    starts = [_quarter_start(today)]
    for _ in range(cycles - 1):
        starts.insert(0, _quarter_start(starts[0] - timedelta(days=1)))
    lo, _hi = day_bounds(starts[0], today)
    rows = (StrategyChange.objects.filter(at__gte=lo)
            .annotate(q=TruncQuarter("at", output_field=DateField())).values("q")
            .annotate(changes=Count("pk"), churn=Count("pk", filter=Q(outside_window=True)))
            .order_by())
    by_q = {r["q"]: r for r in rows}
    out = []
    for s in starts:
        nxt = _quarter_start(s + timedelta(days=95))
        row = by_q.get(s, {})
        out.append({"start": s, "end": nxt - timedelta(days=1),
                    "changes": row.get("changes", 0), "churn": row.get("churn", 0)})
    return out


def constraint_coverage(*, on: date | None = None) -> dict:
    """Active teams under at least one active constraint (an organisation-wide constraint covers
    every team; a team's constraint covers its subtree). Two queries."""
    on = on or _today()
    teams = list(Team.objects.filter(active=True).values_list("pk", "parent_id"))
    scoped = list(Constraint.objects.filter(constraint_active_q(on))
                  .values_list("team_id", flat=True).distinct())
    active_ids = {pk for pk, _ in teams}
    if None in scoped:
        covered = set(active_ids)
    else:
        children: dict = defaultdict(list)
        for pk, parent in Team.objects.values_list("pk", "parent_id"):
            children[parent].append(pk)
        covered = subtree(children, scoped) & active_ids
    return {"teams": len(active_ids), "covered": len(covered),
            "uncovered_ids": sorted(active_ids - covered),
            "share": _share(len(active_ids), len(covered))}


# ---------------------------------------------------------------- a priority's resources


def priority_resources(priorities: list[Priority]) -> dict[int, dict]:
    """Allocated vs used for each priority: improvement hours logged on its linked items during
    its window, and the spend of its linked items that were approved (in progress or done:
    their required spend). Two grouped queries for any number of priorities."""
    ids = [p.pk for p in priorities]
    out = {p.pk: {"allocated_hours": p.allocated_hours, "allocated_budget": p.allocated_budget,
                  "used_hours": Decimal("0"), "used_budget": Decimal("0")} for p in priorities}
    if not ids:
        return out
    hours = (TimeEntry.objects.filter(
        idea__priority_links__priority_id__in=ids,
        date__gte=F("idea__priority_links__priority__start"),
        date__lte=F("idea__priority_links__priority__end"))
        .values("idea__priority_links__priority_id").annotate(h=Sum("hours")).order_by())
    for row in hours:
        out[row["idea__priority_links__priority_id"]]["used_hours"] = row["h"] or Decimal("0")
    spend = (PriorityLink.objects.filter(priority_id__in=ids,
                                         idea__status__in=[Idea.Status.IN_PROGRESS,
                                                           Idea.Status.DONE])
             .values("priority_id").annotate(s=Sum("idea__required_spend")).order_by())
    for row in spend:
        out[row["priority_id"]]["used_budget"] = row["s"] or Decimal("0")
    for figures in out.values():
        for kind in ("hours", "budget"):
            alloc, used = figures[f"allocated_{kind}"], figures[f"used_{kind}"]
            figures[f"{kind}_share"] = (round(float(used / alloc), 4) if alloc else None)
    return out
