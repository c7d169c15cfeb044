"""Reads of strategy, and alignment: how much of daily improvement serves an active priority.

Alignment for a period [start, end] (both days included): of the ideas *created* in the
period, the share linked to at least one priority *active* in the period — a priority whose
dates overlap it (a closed priority counts up to the day it was closed). Every figure is one
aggregate query, whatever the number of rows.

Pass ``user`` to count only the ideas that person may see (pages and the API do); leave it out
for organisation-wide figures in jobs and scorecards.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from core.dates import day_bounds
from ideas.anonymity import reported_by
from ideas.counts import Window, created_count, created_counts
from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from ideas.visibility import filter_visible
from org.models import Team
from org.selectors import team_descendant_ids

from .constraints import (  # noqa: F401 - the selectors of constraints, re-exported
    constraint_active_q,
    constraints_active,
    constraints_for_team,
    constraints_listing,
)
from .kpi import kpi_status
from .models import (
    KPI,
    AnnualGoal,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
)

SPARK_READINGS = 12
CHART_READINGS = 36


# ---------------------------------------------------------------- periods


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def priorities_active_in(start: date, end: date) -> Q:
    """Priorities whose dates overlap [start, end]; closed ones count up to their closing day."""
    return (Q(start__lte=end) & Q(end__gte=start)
            & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)))


def _link_active_in(start: date, end: date, prefix: str = "priority__") -> Q:
    return (Q(**{f"{prefix}start__lte": end}) & Q(**{f"{prefix}end__gte": start})
            & (Q(**{f"{prefix}closed_on__isnull": True})
               | Q(**{f"{prefix}closed_on__gte": start})))


# ---------------------------------------------------------------- alignment


def _ideas(user) -> QuerySet[Idea]:
    return ideas_visible_to(user) if user is not None else Idea.objects.all()


def _share(total: int, aligned: int) -> float | None:
    return round(aligned / total, 4) if total else None


def _aligned_exists(start: date, end: date) -> Exists:
    return Exists(PriorityLink.objects.filter(idea_id=OuterRef("pk"))
                  .filter(_link_active_in(start, end)))


def _window(start: date, end: date, team_ids: Iterable[int] | None = None) -> Window:
    lo, hi = day_bounds(start, end)
    return Window(lo, hi, None if team_ids is None else frozenset(team_ids))


def alignment(*, start: date, end: date, team_ids: Iterable[int] | None = None,
              user=None) -> dict:
    """{"total", "aligned", "share"} for the ideas created in [start, end] by these teams
    (None: the whole organisation); ``share`` is None when nothing was created. The total comes
    from the daily counters (``ideas.counts``): a handful of queries, whatever the numbers."""
    w = _window(start, end, None if team_ids is None else list(team_ids))
    total, aligned = created_count(w, user=user), 0
    if total:  # the aligned ideas are read from the links (few), not from every idea
        links = PriorityLink.objects.filter(_link_active_in(start, end)).values("idea_id")
        aligned = _ideas(user).filter(w.teams_q(), created_at__gte=w.lo, created_at__lt=w.hi,
                                      pk__in=links).count()
    return {"total": total, "aligned": aligned, "share": _share(total, aligned)}


def alignment_by_team(*, start: date, end: date, team_ids: Iterable[int] | None = None,
                      user=None) -> dict[int, dict]:
    """Alignment of each team's own ideas (not its subtree), keyed by team id. One query;
    teams that created nothing in the period are absent."""
    lo, hi = day_bounds(start, end)
    qs = _ideas(user).filter(created_at__gte=lo, created_at__lt=hi)
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    rows = (qs.order_by().values("team_id")
            .annotate(total=Count("pk"),
                      aligned=Count("pk", filter=Q(_aligned_exists(start, end)))))
    return {r["team_id"]: {"total": r["total"], "aligned": r["aligned"],
                           "share": _share(r["total"], r["aligned"])} for r in rows}


def alignment_for_team(team: Team | int, *, start: date, end: date,
                       include_subtree: bool = True, user=None) -> dict:
    """A team's alignment; with ``include_subtree`` (the default) the teams below it count."""
    teams = [getattr(team, "pk", team)]
    if include_subtree:
        teams = Team.objects.filter(pk__in=team_descendant_ids(teams[0], include_self=True))
    return alignment(start=start, end=end, team_ids=[getattr(t, "pk", t) for t in teams],
                     user=user)


def alignment_for_tier(level: int, *, start: date, end: date, user=None) -> dict:
    """Alignment of the ideas owned by teams at one tier."""
    teams = Team.objects.filter(tier__level=level).values_list("pk", flat=True)
    return alignment(start=start, end=end, team_ids=list(teams), user=user)


def alignment_for_organisation(*, start: date, end: date, user=None) -> dict:
    return alignment(start=start, end=end, user=user)


# ---------------------------------------------------------------- per-priority figures

STATES = [s for s, _ in Idea.Status.choices]


def _empty_figures() -> dict:
    return {"linked": 0, "done": 0, "by_state": {s: 0 for s in STATES},
            "actual_money_per_year": Decimal("0"), "actual_hours_per_year": Decimal("0")}


def priority_figures(priority_ids: Iterable[int], *, user=None) -> dict[int, dict]:
    """For each priority: linked ideas by state, done count and the summed actual impact
    (money and hours per year) of its linked ideas. One grouped query for all priorities."""
    ids = list(priority_ids)
    result = {pid: _empty_figures() for pid in ids}
    if not ids:
        return result
    links = PriorityLink.objects.filter(priority_id__in=ids)
    if user is not None:
        links = filter_visible(links, user, "idea")
    rows = (links.order_by().values("priority_id", "idea__status")
            .annotate(n=Count("idea_id"), money=Sum("idea__actual_money_per_year"),
                      hours=Sum("idea__actual_hours_per_year")))
    for row in rows:
        figures = result[row["priority_id"]]
        figures["by_state"][row["idea__status"]] = row["n"]
        figures["linked"] += row["n"]
        figures["actual_money_per_year"] += row["money"] or 0
        figures["actual_hours_per_year"] += row["hours"] or 0
    for figures in result.values():
        figures["done"] = figures["by_state"][Idea.Status.DONE]
        figures["by_state_list"] = [
            {"status": s, "label": label, "count": figures["by_state"][s]}
            for s, label in Idea.Status.choices]
    return result


def team_tree() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in Team.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(team_id)
    return children


def subtree(children: dict, roots: Iterable[int]) -> set[int]:
    """The roots and every team below them, from a ``team_tree()``."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        team_id = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        stack.extend(children.get(team_id, ()))
    return seen


def priority_scope_team_ids(priorities: Iterable[Priority]) -> dict[int, set[int]]:
    """The teams a priority reaches: its owner team and the teams it is deployed to, with
    everything below them. Needs ``deployments`` prefetched (or costs a query each)."""
    children = team_tree()
    return {p.pk: subtree(children, [p.owner_team_id] + [d.team_id for d in p.deployments.all()])
            for p in priorities}


def priority_alignment(priorities: Iterable[Priority], *, user=None) -> dict[int, dict]:
    """For each priority, over its period and the teams it reaches (owner and deployed teams
    with their subtrees): of the ideas created there and then, how many serve this priority.
    Constant queries: the team tree, the daily counters, one aggregate over the linked ideas."""
    priorities = list(priorities)
    if not priorities:
        return {}
    children = team_tree()
    every_team = {t for kids in children.values() for t in kids}
    windows, aggregates = {}, {}
    for p in priorities:
        scope = subtree(children, [p.owner_team_id] + [d.team_id for d in p.deployments.all()])
        w = windows[p.pk] = _window(p.start, p.effective_end,
                                    None if scope >= every_team else scope)
        linked = Exists(PriorityLink.objects.filter(idea_id=OuterRef("pk"), priority_id=p.pk))
        aggregates[f"a{p.pk}"] = Count("pk", filter=Q(created_at__gte=w.lo, created_at__lt=w.hi)
                                       & w.teams_q() & Q(linked))
    totals = created_counts(windows, user=user)
    links = PriorityLink.objects.filter(priority_id__in=[p.pk for p in priorities])
    figures = _ideas(user).filter(pk__in=links.values("idea_id")).aggregate(**aggregates)
    return {p.pk: {"total": totals[p.pk], "aligned": figures[f"a{p.pk}"],
                   "share": _share(totals[p.pk], figures[f"a{p.pk}"])}
            for p in priorities}


# ---------------------------------------------------------------- KPIs


def annotate_kpi(kpi: KPI, priority: Priority | None = None) -> KPI:
    """Sets kpi.latest, kpi.status and kpi.series (oldest first) from the readings prefetched
    newest first into ``kpi.recent_readings`` (see readings_prefetch)."""
    priority = priority or kpi.priority
    readings = getattr(kpi, "recent_readings", None)
    if readings is None:
        readings = list(kpi.readings.order_by("-date")[:SPARK_READINGS])
    kpi.latest = readings[0] if readings else None
    kpi.series = list(reversed(readings))
    kpi.status = kpi_status(
        direction=kpi.direction, baseline=kpi.baseline, target=kpi.target,
        start=priority.start, end=priority.end,
        value=kpi.latest.value if kpi.latest else None,
        on=kpi.latest.date if kpi.latest else None)
    return kpi


def readings_prefetch(limit: int = SPARK_READINGS) -> Prefetch:
    """The newest ``limit`` readings of each KPI, as ``kpi.recent_readings``, in one query
    (a window function)."""
    return Prefetch("readings", queryset=KPIReading.objects.select_related("recorded_by")
                    .order_by("-date")[:limit], to_attr="recent_readings")


def kpis_prefetch(limit: int = SPARK_READINGS) -> Prefetch:
    return Prefetch("kpis", queryset=KPI.objects.select_related("owner_team")
                    .prefetch_related(readings_prefetch(limit)).order_by("name", "pk"))


def deployments_prefetch(with_comments: bool = False) -> Prefetch:
    qs = Deployment.objects.select_related("team", "team__tier", "proposed_by", "answered_by")
    if with_comments:
        qs = qs.prefetch_related(Prefetch(
            "comments", queryset=DeploymentComment.objects.select_related("author")))
    return Prefetch("deployments", queryset=qs.order_by("team__name", "pk"))


# ---------------------------------------------------------------- the deployment at a glance


def goal_years() -> list[int]:
    return sorted(set(AnnualGoal.objects.values_list("year", flat=True)), reverse=True)


def strategy_tree(*, year: int | None, status: str | None) -> list[Objective]:
    """Objectives → goals (of the year) → priorities (of the status) → KPIs with their newest
    readings, and each priority's deployments: a constant number of queries."""
    goals = AnnualGoal.objects.order_by("year", "pk")
    if year is not None:
        goals = goals.filter(year=year)
    priorities = (Priority.objects.select_related("owner_team", "goal")
                  .prefetch_related(kpis_prefetch(), deployments_prefetch())
                  .order_by("start", "title", "pk"))
    if status:
        priorities = priorities.filter(status=status)
    goals = goals.prefetch_related(Prefetch("priorities", queryset=priorities))
    objectives = list(Objective.objects.prefetch_related(Prefetch("goals", queryset=goals)))
    for objective in objectives:
        for goal in objective.goals.all():
            for priority in goal.priorities.all():
                for kpi in priority.kpis.all():
                    annotate_kpi(kpi, priority)
    return objectives


def priority_detail(priority_id: int) -> Priority:
    return (Priority.objects.select_related("owner_team", "owner_team__tier", "goal",
                                            "goal__objective", "created_by")
            .prefetch_related(kpis_prefetch(CHART_READINGS), deployments_prefetch(True))
            .get(pk=priority_id))


def linked_ideas(priority: Priority, *, user) -> QuerySet[Idea]:
    """The visible ideas serving a priority, newest first, ready for a table."""
    return (ideas_visible_to(user).filter(priority_links__priority=priority)
            .select_related("team", "owner").order_by("-created_at", "-pk"))


def link_candidates(priority: Priority, *, user, manager: bool, limit: int = 50) -> list[Idea]:
    """Open items the user could link to the priority: for executives and owner-team leads,
    any visible open item in the priority's reach; for others, the items they may edit."""
    from org.selectors import user_led_team_ids

    qs = (ideas_visible_to(user).filter(status__in=Idea.OPEN_STATUSES)
          .exclude(priority_links__priority=priority))
    if manager:
        scope = priority_scope_team_ids([priority])[priority.pk]
        qs = qs.filter(team_id__in=scope)
    else:
        qs = qs.filter((reported_by(user) & Q(status=Idea.Status.NEW)) | Q(owner=user)
                       | Q(team_id__in=user_led_team_ids(user)))
    return list(qs.select_related("team").order_by("-created_at", "-pk")[:limit])


def open_priorities() -> QuerySet[Priority]:
    """Priorities ideas may be linked to now: active and not over."""
    return (Priority.objects.filter(status=Priority.Status.ACTIVE,
                                    end__gte=timezone.localdate())
            .select_related("goal", "owner_team").order_by("title", "pk"))


# ---------------------------------------------------------------- catchball


def deployments_awaiting(team_ids: Iterable[int]) -> QuerySet[Deployment]:
    """Proposed deployments to these teams, oldest first: what their leads should answer."""
    return (Deployment.objects.filter(team_id__in=list(team_ids),
                                      state=Deployment.State.PROPOSED)
            .select_related("priority", "team", "proposed_by")
            .order_by("proposed_at", "pk"))


def deployments_countered(*, from_top: bool = True, from_team_ids: Iterable[int] = ()
                          ) -> QuerySet[Deployment]:
    """Countered deployments of active priorities, for whoever proposed them to revise: the
    ones from the top (executives) and/or the cascades from these teams (their leads)."""
    proposer = Q(parent__team_id__in=list(from_team_ids)) | (
        Q(parent__isnull=True) if from_top else Q(pk__in=[]))
    return (Deployment.objects.filter(proposer, state=Deployment.State.COUNTERED,
                                      priority__status=Priority.Status.ACTIVE)
            .select_related("priority", "team", "answered_by")
            .prefetch_related(Prefetch(
                "comments", queryset=DeploymentComment.objects.select_related("author")))
            .order_by("answered_at", "pk"))


def catchball_counts() -> dict[str, int]:
    return Deployment.objects.filter(priority__status=Priority.Status.ACTIVE).aggregate(
        proposed=Count("pk", filter=Q(state=Deployment.State.PROPOSED)),
        accepted=Count("pk", filter=Q(state=Deployment.State.ACCEPTED)),
        countered=Count("pk", filter=Q(state=Deployment.State.COUNTERED)),
    )


def priority_badges(idea_ids: Iterable[int]) -> dict[int, list[tuple[int, str, str]]]:
    """{idea_id: [(priority id, title, why now)]} for these ideas in one query."""
    result: dict[int, list] = {}
    rows = (PriorityLink.objects.filter(idea_id__in=list(idea_ids))
            .order_by("priority__title")
            .values_list("idea_id", "priority_id", "priority__title", "priority__why_now"))
    for idea_id, pid, title, why in rows:
        result.setdefault(idea_id, []).append((pid, title, why))
    return result

