"""The executives' home panel ("My work"): what a CEO asks of the improvement system, on one
panel — the most important problems, new problems by category and team, what is solved at the
front line, escalations moving or stalled, alignment with the priorities and the systemic
issues. Every figure links to the list behind it."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core import charts
from core.dates import day_bounds
from core.periods import Period, default_end
from escalation.models import Escalation
from escalation.selectors import overdue_q
from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from strategy.selectors import open_priorities, priority_alignment
from systemic.selectors import top_systemic_issues

from .answers import answers_panel
from .importance import importance_rows
from .links import drill_url
from .scorecard import scorecard


def executive_overview(user, *, now: datetime | None = None) -> dict:
    """What a CEO asks of the improvement system, on one panel; every figure links to the
    list behind it.

    The lists (most important problems, new problems by category and team) are the items the
    executive may see. The rates are the organisation's scorecard for the last 30 days (the
    nightly snapshot, or computed live when there is none) — the same figures as the
    organisation scorecard, whose audience this panel shares — and the escalations moving or
    stalled are counted now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    this_month = Period("custom", today.replace(day=1), today)
    card = scorecard("org", period=Period("month", default_end() - timedelta(days=29),
                                          default_end()), now=now)
    period = card.period
    values = card.values

    patterns = _patterns(user, this_month)

    # Solved at the front line (the lowest tier, without escalation) and learning notes.
    front = next((row for row in reversed(card.rows)), None)  # tiers come top tier first
    total = values.get("implemented") or 0
    front_solved = _count_of(front.values, "solved_count", "solved_at_tier") if front else 0
    learning = _count_of(values, "learning_count", "learning_share")
    done_figures = {"total": total, "front": front_solved, "learning": learning,
                    "front_share": front_solved / total if total else None,
                    "learning_share": values.get("learning_share")}

    # Escalations moving vs stalled right now (one indexed count over the active ones).
    esc = Escalation.objects.filter(state__in=Escalation.ACTIVE_STATES).aggregate(
        active=Count("pk"), stalled=Count("pk", filter=overdue_q(now)))
    return {
        "important": _most_important(user),
        "important_url": drill_url("org", "important", period),
        "patterns": patterns,
        "period": period,
        "done": done_figures,
        "front_level": front.level if front else None,
        "front_url": drill_url(f"tier:{front.level}", "solved_at_tier", period)
        if front else None,
        "done_url": drill_url("org", "implemented", period),
        # Under-escalation beside "solved at the front line": escalation is design.
        "under": {"over": values.get("over_authority_unescalated") or 0,
                  "silent": values.get("silent_teams") or 0,
                  "over_url": drill_url("org", "over_authority_unescalated", period),
                  "silent_url": drill_url("org", "silent_teams", period)},
        "escalations": {**esc, "moving": esc["active"] - esc["stalled"],
                        "resolved": values.get("escalations_resolved", 0),
                        "returned": values.get("escalations_returned", 0),
                        "ack_hours": values.get("ack_time_median"),
                        "resolve_days": values.get("resolve_time_median")},
        "stalled_url": drill_url("org", "escalations_stalled", period),
        "open_url": drill_url("org", "escalations_open", period),
        "decided_url": drill_url("org", "escalations_decided", period),
        "alignment": _priority_alignment(),
        "systemic": _systemic_issues(user),
        "answers": answers_panel(user, card, now=now),
        "systemic_url": reverse("systemic:list"),
        "scorecard_url": reverse("scorecards:index"),
    }


def _patterns(user, month: Period) -> dict:
    """New problems this month, category × team (the eight busiest teams), hot spots
    highlighted: a cell at least twice the mean of the non-empty ones, and at least 3 (one
    query)."""
    month_lo, month_hi = day_bounds(month.start, month.end)
    counts = defaultdict(int)
    team_names = {}
    for team_id, team_name, team_slug, category, n in _count_rows(
            ideas_visible_to(user).filter(kind=Idea.Kind.PROBLEM, created_at__gte=month_lo,
                                          created_at__lt=month_hi)):
        counts[(team_id, category)] = n
        team_names[team_id] = (team_name, team_slug)
    categories = list(Idea.Category.choices)
    totals = defaultdict(int)
    for (team_id, _), n in counts.items():
        totals[team_id] += n
    top_teams = sorted(totals, key=lambda t: (-totals[t], team_names[t][0]))[:8]
    cells = [n for n in counts.values() if n]
    mean = sum(cells) / len(cells) if cells else 0
    hot_from = max(3, 2 * mean)
    rows = []
    for team_id in top_teams:
        name, slug = team_names[team_id]
        row = {"team": name, "total": totals[team_id], "cells": []}
        for code, label in categories:
            n = counts.get((team_id, code), 0)
            row["cells"].append({
                "category": label, "count": n, "hot": n >= hot_from,
                "url": drill_url(f"team:{slug}", "submitted", month, category=code,
                                 kind=Idea.Kind.PROBLEM)})
        rows.append(row)
    return {"categories": [label for _, label in categories], "rows": rows,
            "month": month.start, "hot_from": hot_from}


SYSTEMIC_ISSUES_SHOWN = 5
SYSTEMIC_TREND_MONTHS = 6


def _systemic_issues(user) -> list[dict]:
    """The top unresolved systemic issues with their linked problems per month (two queries).
    Plain values, so the cached panel holds no model instances; a private problem adds to the
    counts but never shows its title here."""
    out = []
    for issue in top_systemic_issues(user, limit=SYSTEMIC_ISSUES_SHOWN,
                                     months=SYSTEMIC_TREND_MONTHS):
        out.append({
            "id": issue.pk, "title": issue.title, "status": issue.get_status_display(),
            "owner": issue.owner_team.name, "problems": issue.problem_count,
            "recent": issue.recent, "trend": issue.trend,
            "series": [(p["month"], p["count"]) for p in issue.series],
            "sparkline": charts.monthly_sparkline(issue.series, label="Linked problems per month"),
            "url": reverse("systemic:detail", args=[issue.pk]),
        })
    return out


def _count_of(values: dict, count_key: str, share_key: str) -> int:
    """A count stored with the figures, or (older snapshots) rebuilt from its share."""
    if count_key in values:
        return int(values[count_key])
    share = values.get(share_key)
    return round(share * (values.get("implemented") or 0)) if share is not None else 0


def _most_important(user, limit: int = 5) -> list[Idea]:
    """Open problems by their explained importance score (safety, active priority,
    recurrence, spend above authority, then money and age), each with why it ranks there."""
    return importance_rows(ideas_visible_to(user), limit=limit)


def _count_rows(qs):
    return (qs.order_by().values_list("team_id", "team__name", "team__slug", "category")
            .annotate(n=Count("pk")))


def _priority_alignment() -> list[dict]:
    """Each open priority's share of the improvement work in its teams and period
    (organisation-wide figures, like the scorecard)."""
    priorities = list(open_priorities().prefetch_related("deployments")[:8])
    figures = priority_alignment(priorities)
    return [{"priority": p, "url": reverse("strategy:priority", args=[p.pk]),
             **figures.get(p.pk, {"total": 0, "aligned": 0, "share": None})}
            for p in priorities]
