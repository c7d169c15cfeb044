"""The deployment at a glance: objectives → annual goals → priorities → KPIs, the X-matrix and
how much improvement work is aligned."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.params import parse_int
from org.models import Team

from .. import selectors
from ..models import Priority
from ..permissions import can_manage_strategy

STATUS_FILTERS = {"active": Priority.Status.ACTIVE, "closed": Priority.Status.CLOSED, "all": None}


def _year_choice(request, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if raw == "all":
        return None
    if (year := parse_int(raw)) in years:
        return year
    today = timezone.localdate().year
    return today if today in years or not years else years[0]


def index(request: HttpRequest) -> HttpResponse:
    """Objectives → annual goals → priorities → KPIs, an X-matrix of priorities against goals,
    KPIs and the teams they are deployed to, and how much improvement work is aligned."""
    years = selectors.goal_years()
    year = _year_choice(request, years)
    status_key = request.GET.get("status", "active")
    if status_key not in STATUS_FILTERS:
        status_key = "active"
    objectives = selectors.strategy_tree(year=year, status=STATUS_FILTERS[status_key])
    goals = [g for o in objectives for g in o.goals.all()]
    priorities = [p for g in goals for p in g.priorities.all()]
    figures = selectors.priority_figures([p.pk for p in priorities], user=request.user)
    teams: dict[int, Team] = {}
    kpis_total = kpis_on_track = kpis_with_data = 0
    for p in priorities:
        p.figures = figures[p.pk]
        p.deployment_by_team = {d.team_id: d for d in p.deployments.all()}
        for d in p.deployments.all():
            teams.setdefault(d.team_id, d.team)
        for kpi in p.kpis.all():
            kpis_total += 1
            kpis_with_data += kpi.latest is not None
            kpis_on_track += kpi.status.on_track
    team_columns = sorted(teams.values(), key=lambda t: (-t.tier.level, t.name))
    matrix = [{
        "priority": p,
        "goals": [g.pk == p.goal_id for g in goals],
        "teams": [p.deployment_by_team.get(t.pk) for t in team_columns],
    } for p in priorities]
    today = timezone.localdate()
    period_year = year or today.year
    start, end = selectors.year_period(period_year)
    context = {
        "objectives": objectives,
        "goals": goals,
        "priorities": priorities,
        "matrix": matrix,
        "team_columns": team_columns,
        "years": years,
        "year": year,
        "status_key": status_key,
        "period": (start, min(end, today) if period_year == today.year else end),
        "alignment": selectors.alignment_for_organisation(start=start, end=end,
                                                          user=request.user),
        "kpis": {"total": kpis_total, "on_track": kpis_on_track, "with_data": kpis_with_data},
        "catchball": selectors.catchball_counts(),
        "can_manage": can_manage_strategy(request.user),
    }
    return render(request, "strategy/index.html", context)
