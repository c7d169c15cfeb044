"""The system-work figures: items done with evidence, protected vs used improvement time (with
the weekly table), and review slots missed."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from capacity.selectors import capacity_by_week
from core.dates import last_weeks
from experiments.selectors import evidence_q
from ideas.models import Idea
from reviews.selectors import missed_reviews, missed_tier_reviews

from .figures import ratio
from .scopes import ORG, Scope, Span, Sums

# The protected-vs-used table of a scorecard shows at least this many weeks.
CAPACITY_WEEKS_SHOWN = 6
SACRIFICED_STREAK = 3  # weeks below half the protected time in a row (as the nudge)

Weekly = dict[str, dict[Scope, list[dict]]]


def count_evidence(sums: Sums, span: Span, ideas: QuerySet[Idea]) -> None:
    """Items done in each window with evidence (an experiment decided or a KPI movement); the
    evidence subqueries run over the items done in the widest window only (one query)."""
    done_any = Q(status=Idea.Status.DONE, done_at__gte=span.widest, done_at__lt=span.hi)
    for row in (ideas.filter(done_any).filter(evidence_q()).order_by().values("team_id")
                .annotate(**{f"done_evidence__{w}": Count("pk", filter=Q(done_at__gte=lo))
                             for w, lo in span.los.items()})):
        sums.split(row, "team_id")


def capacity_weeks_of(days: int) -> int:
    """The complete weeks a period's capacity figures cover: at least one."""
    return max(1, days // 7)


def count_capacity(sums: Sums, span: Span) -> Weekly:
    """Protected and used improvement hours over each window's complete weeks (the weeks up
    to the last Sunday on or before the end), added to the sums; returns the weekly figures
    of every scope for the table (oldest first). Three queries (capacity.selectors)."""
    end, windows = span.end, span.days
    weeks = max(max(capacity_weeks_of(n), CAPACITY_WEEKS_SHOWN) for n in windows.values())
    complete = end.weekday() == 6  # the week of ``end`` is over when ``end`` is a Sunday
    mondays = last_weeks(weeks, today=end, include_current=complete)
    views = capacity_by_week(sorted(sums.teams.active), weeks, today=end,
                             include_current=complete)
    by_scope: dict[Scope, dict[date, list[float]]] = defaultdict(
        lambda: {m: [0.0, 0.0] for m in mondays})
    for team_id, view in views.items():
        for week in view.weeks:
            for scope in sums.scopes_of(team_id):
                bucket = by_scope[scope][week.week]
                if week.counted:
                    bucket[0] += float(week.protected)
                    bucket[1] += float(week.used)
        sacrificing = int(view.capacity is not None
                          and view.sacrificed_streak >= SACRIFICED_STREAK)
        for w, days in windows.items():
            counted = [wk for wk in view.weeks[-capacity_weeks_of(days):] if wk.counted]
            sums.add(w, team_id, capacity_protected=float(sum(wk.protected for wk in counted)),
                     capacity_used=float(sum(wk.used for wk in counted)),
                     **slack_parts(counted),
                     capacity_teams=int(view.capacity is not None),
                     capacity_sacrificing=sacrificing)
    weekly: Weekly = {w: {} for w in windows}
    for w, days in windows.items():
        shown = max(capacity_weeks_of(days), CAPACITY_WEEKS_SHOWN)
        for scope, by_week in by_scope.items():
            weekly[w][scope] = [
                {"week": monday.isoformat(), "protected": round(by_week[monday][0], 2),
                 "used": round(by_week[monday][1], 2),
                 "share": ratio(by_week[monday][1], by_week[monday][0])}
                for monday in mondays[-shown:]]
    return weekly


def slack_parts(weeks) -> dict[str, float]:
    """Of the counted weeks: the hours logged without an item (slack) and the protected hours
    that went back to delivery (sacrificed: protected minus every hour logged, per week)."""
    return {"capacity_slack": float(sum(wk.slack for wk in weeks)),
            "capacity_sacrificed": float(sum(wk.sacrificed_hours for wk in weeks))}


def count_missed_reviews(sums: Sums, span: Span, *, tiers: bool) -> None:
    """Review slots missed in each window: the teams' own reviews (and, with ``tiers`` — the
    whole organisation — the tier leads' joint reviews, counted in their tier and the
    organisation). A slot counts once it is over (it ended on or before the end) and when it
    ended inside the window. Two queries, four with the tiers (reviews.selectors)."""
    end, teams = span.end, sums.teams
    today = min(end + timedelta(days=1), timezone.localdate(span.now))
    since = span.first_day
    # The whole organisation reads every cadence; a team page only its teams'.
    per_team = missed_reviews(start=since, end=end, today=today,
                              team_ids=None if tiers else sorted(teams.active))
    rows = [(sums.scopes_of(team_id), figures)
            for team_id, figures in per_team.items() if team_id in teams.level]
    if tiers and sums.rollup:
        levels = set(teams.level.values())
        for level, figures in missed_tier_reviews(start=since, end=end, today=today).items():
            if level in levels:
                rows.append(([("tier", level), ORG], figures))
    for scopes, figures in rows:
        for w, start in span.starts.items():
            missed = sum(1 for _, slot_end in figures["missed_slots"] if slot_end >= start)
            sums.add_to(scopes, w, review_cadences=1, reviews_missed=missed)
