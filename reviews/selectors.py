"""Reads of improvement reviews. Each a constant number of queries, whatever the data.

- ``missed_reviews(start=, end=, team_ids=)`` / ``missed_tier_reviews(...)`` → per team (tier):
  review slots expected by the cadence, held, missed (the scorecards count them).
- ``review_content(scope, start=, end=, user=)`` → what a review looks at: learning captured,
  recurring constraints, experiments decided, KPIs of the priorities served, done items with
  their evidence.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.dates import day_bounds
from experiments.models import Experiment
from experiments.selectors import experiments_of, kpi_movements
from ideas.models import Idea
from ideas.selectors import ideas_visible_to, visible_idea_ids
from org.models import Team, Tier
from org.selectors import team_ancestors
from strategy.kpi import kpi_status
from strategy.models import KPI, Deployment, Priority
from strategy.selectors import readings_prefetch
from systemic.models import SystemicIssue
from systemic.selectors import systemic_issues_visible_to

from .models import Review, ReviewCadence, ReviewFocus

# ---------------------------------------------------------------- cadence


# A cadence's period in days (monthly reviews follow calendar months; 30 days stand for the
# first month before any review).
CADENCE_DAYS = {ReviewCadence.Every.WEEKLY: 7, ReviewCadence.Every.FORTNIGHTLY: 14,
                ReviewCadence.Every.MONTHLY: 30}


def _month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def review_slots(every: str, since: date, until: date) -> list[tuple[date, date]]:
    """The review periods a cadence asks for from ``since`` up to ``until``: consecutive weeks
    or fortnights from ``since``; calendar months (the first from ``since``) for monthly."""
    slots = []
    start = since
    while start <= until:
        end = (_month_end(start) if every == ReviewCadence.Every.MONTHLY
               else start + timedelta(days=CADENCE_DAYS[every] - 1))
        slots.append((start, end))
        start = end + timedelta(days=1)
    return slots


def next_due(every: str, last: date | None, since: date) -> date:
    base = last or since
    if every == ReviewCadence.Every.MONTHLY:
        return _month_end(base) if last is None else _month_end(base + timedelta(days=1))
    return base + timedelta(days=CADENCE_DAYS[every] - (0 if last else 1))


def _missed(cadences, reviews_by_key, start: date, end: date, today: date) -> dict:
    out = {}
    for key, cadence in cadences.items():
        days = sorted(reviews_by_key.get(key, []))
        slots = [(s, e) for s, e in review_slots(cadence.every, cadence.since, min(end, today))
                 if e < today and e >= start]
        missed = [(s, e) for s, e in slots if not any(s <= d <= e for d in days)]
        last = max(days) if days else None
        out[key] = {"every": cadence.every, "expected": len(slots),
                    "held": len(slots) - len(missed), "missed": len(missed),
                    "missed_slots": missed, "last_review": last,
                    "next_due": next_due(cadence.every, last, cadence.since)}
    return out


def missed_reviews(*, start: date, end: date, team_ids=None,
                   today: date | None = None) -> dict[int, dict]:
    """Per team with a cadence: review slots in [start, end] that are over (expected), those
    with a review held in them, those missed (with their dates), the last review and when the
    next one is due. Slots before the cadence was set do not count. Two queries."""
    today = today or timezone.localdate()
    cadences = ReviewCadence.objects.filter(team__isnull=False, team__active=True)
    if team_ids is not None:
        cadences = cadences.filter(team_id__in=list(team_ids))
    cadences = {c.team_id: c for c in cadences}
    reviews: dict = defaultdict(list)
    for team_id, day in (Review.objects.filter(team_id__in=list(cadences))
                         .values_list("team_id", "held_on")):
        reviews[team_id].append(day)
    return _missed(cadences, reviews, start, end, today)


def missed_tier_reviews(*, start: date, end: date, today: date | None = None) -> dict[int, dict]:
    """The same per tier (keyed by tier level) for the tiers' joint reviews. Two queries."""
    today = today or timezone.localdate()
    cadences = {c.tier.level: c for c in
                ReviewCadence.objects.filter(tier__isnull=False).select_related("tier")}
    reviews: dict = defaultdict(list)
    for level, day in (Review.objects.filter(tier__isnull=False)
                       .values_list("tier__level", "held_on")):
        reviews[level].append(day)
    return _missed(cadences, reviews, start, end, today)


def missed_review_totals(*, start: date, end: date, team_ids=None) -> dict:
    """{"expected", "held", "missed", "teams_missing"} summed over teams (for scorecards)."""
    per = missed_reviews(start=start, end=end, team_ids=team_ids)
    return {"expected": sum(v["expected"] for v in per.values()),
            "held": sum(v["held"] for v in per.values()),
            "missed": sum(v["missed"] for v in per.values()),
            "teams_missing": sorted(k for k, v in per.items() if v["missed"])}


# ---------------------------------------------------------------- the review page


@dataclass
class ReviewScope:
    team: Team | None = None
    tier: Tier | None = None
    team_ids: list[int] = field(default_factory=list)
    chain_ids: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.team.name if self.team else f"Tier {self.tier.level} leads"

    @property
    def key(self) -> dict:
        return {"team_id": self.team.pk} if self.team else {"tier_id": self.tier.pk}


def team_scope(team: Team) -> ReviewScope:
    chain = [team.pk] + [t.pk for t in team_ancestors(team)]
    return ReviewScope(team=team, team_ids=[team.pk], chain_ids=chain)


def tier_scope(tier: Tier) -> ReviewScope:
    rows = list(Team.objects.filter(tier=tier, active=True).values_list("pk", "parent_id"))
    team_ids = [pk for pk, _ in rows]
    # The tier serves what is deployed to its teams and to the teams above them.
    chain = set(team_ids)
    parents = {p for _, p in rows if p}
    while parents:
        chain |= parents
        parents = set(Team.objects.filter(pk__in=parents, parent__isnull=False)
                      .values_list("parent_id", flat=True)) - chain
    return ReviewScope(tier=tier, team_ids=team_ids, chain_ids=sorted(chain))


def served_priorities_q(chain_ids: list[int], team_ids: list[int]) -> Q:
    """Active priorities the teams serve: owned by them or one above them, deployed (not
    countered) to them or one above them, or served by their items."""
    return (Q(owner_team_id__in=chain_ids)
            | Q(deployments__team_id__in=chain_ids,
                deployments__state__in=[Deployment.State.PROPOSED, Deployment.State.ACCEPTED])
            | Q(links__idea__team_id__in=team_ids))


def review_content(scope: ReviewScope, *, start: date, end: date, user) -> dict:
    """What a review looks at, for (start, end]: learning captured, recurring constraints,
    experiments decided, KPIs of the priorities the teams serve, and the items done with their
    evidence. Only items the reader may see. A constant number of queries, whatever the data."""
    lo, hi = day_bounds(start, end)
    visible = ideas_visible_to(user)
    done = list(visible.filter(team_id__in=scope.team_ids, status=Idea.Status.DONE,
                               done_at__gte=lo, done_at__lt=hi)
                .select_related("team", "learning_by").order_by("-done_at", "-pk"))
    exps = experiments_of([i.pk for i in done])
    movements = kpi_movements(done, exps)
    for idea in done:
        idea.review_experiments = exps.get(idea.pk, [])
        idea.review_movements = [m for m in movements.get(idea.pk, []) if m.moved]
        idea.has_evidence = (any(e.decision for e in idea.review_experiments)
                             or bool(idea.review_movements))
    decided = list(Experiment.objects.filter(
        idea__in=visible.filter(team_id__in=scope.team_ids).values("pk"),
        decided_at__gte=lo, decided_at__lt=hi)
        .select_related("idea", "kpi", "decided_by").order_by("-decided_at", "-pk"))
    learning = [i for i in done if i.learning]
    learning_experiments = [e for e in decided if e.learning]
    problems = Idea.objects.filter(team_id__in=scope.team_ids)
    recurring = list(
        systemic_issues_visible_to(user)
        .filter(Q(owner_team_id__in=scope.team_ids) | Q(links__idea__in=problems.values("pk")))
        .exclude(status=SystemicIssue.Status.RESOLVED).distinct()
        .annotate(
            here=Count("links", filter=Q(links__idea__team_id__in=scope.team_ids),
                       distinct=True),
            recent=Count("links", filter=Q(links__idea__team_id__in=scope.team_ids,
                                           links__idea__created_at__gte=lo,
                                           links__idea__created_at__lt=hi), distinct=True),
            total=Count("links", distinct=True))
        .select_related("owner_team").order_by("-recent", "-here", "title"))
    today = timezone.localdate()
    priority_ids = (Priority.objects.filter(status=Priority.Status.ACTIVE, start__lte=end,
                                            end__gte=start)
                    .filter(served_priorities_q(scope.chain_ids, scope.team_ids))
                    .values("pk"))
    kpis = list(KPI.objects.filter(priority_id__in=priority_ids)
                .select_related("priority", "owner_team")
                .prefetch_related(readings_prefetch()).order_by("priority__title", "name"))
    for kpi in kpis:
        readings = kpi.recent_readings
        kpi.latest = readings[0] if readings else None
        kpi.series = list(reversed(readings))
        kpi.at_start = next((r for r in readings if r.date < start), None)
        kpi.status = kpi_status(
            direction=kpi.direction, baseline=kpi.baseline, target=kpi.target,
            start=kpi.priority.start, end=kpi.priority.end,
            value=kpi.latest.value if kpi.latest else None,
            on=kpi.latest.date if kpi.latest else today)
    return {
        "start": start, "end": end,
        "done": done,
        "done_with_evidence": sum(1 for i in done if i.has_evidence),
        "learning": learning,
        "learning_experiments": learning_experiments,
        "decided": decided,
        "recurring": recurring,
        "kpis": kpis,
    }


def focus_choices(scope: ReviewScope, *, user, limit: int = 60) -> dict:
    """What a review may pick as focus: the teams' open items and open systemic issues."""
    ideas = list(ideas_visible_to(user).filter(team_id__in=scope.team_ids,
                                               status__in=Idea.OPEN_STATUSES)
                 .select_related("team").order_by("-last_activity_at", "-pk")[:limit])
    issues = list(systemic_issues_visible_to(user).exclude(status=SystemicIssue.Status.RESOLVED)
                  .order_by("title")[:limit])
    return {"ideas": ideas, "issues": issues}


def focus_prefetch(user) -> Prefetch:
    """Focus areas with their item (None when the reader may not see it) and systemic issue."""
    return Prefetch("focus_areas", queryset=ReviewFocus.objects.select_related(
        "idea", "systemic_issue").order_by("pk"))


def hide_invisible_focus(reviews: list[Review], user) -> None:
    """Blanks focus items the reader may not see (one query for all reviews)."""
    ids = {f.idea_id for r in reviews for f in r.focus_areas.all() if f.idea_id}
    if not ids:
        return
    seen = visible_idea_ids(user, ids)
    for r in reviews:
        for f in r.focus_areas.all():
            f.visible = f.idea_id is None or f.idea_id in seen


def reviews_for(scope_key: dict, *, user, limit: int = 12) -> list[Review]:
    reviews = list(Review.objects.filter(**scope_key).select_related("held_by", "team", "tier")
                   .prefetch_related(focus_prefetch(user)).order_by("-held_on", "-pk")[:limit])
    hide_invisible_focus(reviews, user)
    return reviews


def reviews_visible_to(user) -> QuerySet[Review]:
    """Review records are open to everyone logged in; items inside are filtered on display."""
    return Review.objects.select_related("team", "tier", "held_by")


def review_detail(review_id: int, *, user) -> Review:
    review = (reviews_visible_to(user).prefetch_related(focus_prefetch(user))
              .get(pk=review_id))
    hide_invisible_focus([review], user)
    return review
