"""Reads of system work on the strategy side, and the figures the executive scorecard needs.

Scorecard selectors (organisation-wide, no user; each a constant number of queries):

- ``clarity(on=)`` → share of active priorities with success criteria, ≥ 1 KPI, an owner team
  and a why-now.
- ``stability(start=, end=)`` → changes to priorities and constraints in the period, how many
  outside a planning window (the churn), and ``churn_by_cycle(cycles=)`` per quarter.
- ``constraint_coverage(on=)`` → active teams under at least one active constraint.
- ``evidence_q()`` → a Q for Idea querysets: the done item has evidence (a decided experiment,
  or a linked KPI with a reading before and one after the day it was done).
- ``missed_reviews(start=, end=, team_ids=)`` / ``missed_tier_reviews(...)`` → per team (tier):
  review slots expected by the cadence, held, missed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, TruncQuarter
from django.utils import timezone

from core.dates import day_bounds
from ideas.models import Idea, SystemicIssue, TimeEntry
from ideas.selectors import ideas_visible_to, visible_idea_ids
from org.models import Team, Tier
from org.selectors import team_ancestors

from .kpi import kpi_status
from .models import (
    KPI,
    Constraint,
    Deployment,
    Experiment,
    KPIReading,
    PlanningWindow,
    Priority,
    PriorityLink,
    Review,
    ReviewCadence,
    ReviewFocus,
    Standard,
    StandardComment,
    StandardProposal,
    StandardVersion,
    StrategyChange,
)
from .selectors import readings_prefetch


def _today() -> date:
    return timezone.localdate()


def _share(total: int, part: int) -> float | None:
    return round(part / total, 4) if total else None


# ---------------------------------------------------------------- evidence


def _linked_kpi_readings(idea_ref) -> QuerySet[KPIReading]:
    return KPIReading.objects.filter(
        Q(kpi__priority__links__idea_id=idea_ref) | Q(kpi__experiments__idea_id=idea_ref))


def evidence_q() -> Q:
    """Done items with evidence: a decided experiment, or a KPI linked to the item (through a
    priority it serves or one of its experiments) with a reading before the day it was done and
    a reading on or after it. Use on any Idea queryset, e.g. in an aggregate's filter."""
    decided = Experiment.objects.filter(idea_id=OuterRef("pk")).exclude(decision="")
    done_day = Cast(OuterRef("done_at"), DateField())
    before = KPIReading.objects.filter(kpi_id=OuterRef("kpi_id"),
                                       date__lt=Cast(OuterRef(OuterRef("done_at")), DateField()))
    after = (_linked_kpi_readings(OuterRef("pk")).filter(date__gte=done_day)
             .filter(Exists(before)))
    return Q(done_at__isnull=False) & (Q(Exists(decided)) | Q(Exists(after)))


@dataclass
class KPIMovement:
    kpi: KPI
    before: KPIReading | None
    after: KPIReading | None
    readings_before: list = field(default_factory=list)
    readings_after: list = field(default_factory=list)

    @property
    def moved(self) -> bool:
        return self.before is not None and self.after is not None

    @property
    def delta(self) -> Decimal | None:
        return self.after.value - self.before.value if self.moved else None

    @property
    def improved(self) -> bool | None:
        if not self.moved or self.delta == 0:
            return None
        return (self.delta > 0) == (self.kpi.direction == KPI.Direction.UP)


def change_day(idea: Idea, experiments: list[Experiment]) -> date | None:
    """When the change happened: the day the item was done, else its first experiment's start,
    else the day work started."""
    if idea.done_at:
        return timezone.localdate(idea.done_at)
    if experiments:
        return min(e.start for e in experiments)
    if idea.started_at:
        return timezone.localdate(idea.started_at)
    return None


def kpi_movements(ideas: list[Idea], experiments_by_idea: dict[int, list[Experiment]],
                  *, keep: int = 4) -> dict[int, list[KPIMovement]]:
    """For each item, the KPIs it links (its priorities' KPIs and its experiments' KPIs) with
    the readings before and after its change day. Two queries for any number of items."""
    ids = [i.pk for i in ideas]
    if not ids:
        return {}
    kpis_by_idea: dict[int, dict[int, KPI]] = defaultdict(dict)
    for kpi in (KPI.objects.filter(priority__links__idea_id__in=ids)
                .annotate(for_idea=F("priority__links__idea_id")).select_related("priority")):
        kpis_by_idea[kpi.for_idea][kpi.pk] = kpi
    for idea_id, exps in experiments_by_idea.items():
        for e in exps:
            if e.kpi_id and e.kpi is not None:
                kpis_by_idea[idea_id].setdefault(e.kpi_id, e.kpi)
    kpi_ids = {k for d in kpis_by_idea.values() for k in d}
    if not kpi_ids:
        return {i: [] for i in ids}
    days = [d for i in ideas if (d := change_day(i, experiments_by_idea.get(i.pk, [])))]
    earliest = min(days) - timedelta(days=400) if days else _today() - timedelta(days=400)
    readings: dict[int, list[KPIReading]] = defaultdict(list)
    for r in KPIReading.objects.filter(kpi_id__in=kpi_ids, date__gte=earliest).order_by("date"):
        readings[r.kpi_id].append(r)
    result = {}
    for idea in ideas:
        day = change_day(idea, experiments_by_idea.get(idea.pk, []))
        rows = []
        for kpi in sorted(kpis_by_idea.get(idea.pk, {}).values(), key=lambda k: k.name):
            series = readings.get(kpi.pk, [])
            if day is None:
                before, after = series, []
            else:
                before = [r for r in series if r.date < day]
                after = [r for r in series if r.date >= day]
            rows.append(KPIMovement(kpi=kpi, before=before[-1] if before else None,
                                    after=after[-1] if after else None,
                                    readings_before=before[-keep:], readings_after=after[-keep:]))
        result[idea.pk] = rows
    return result


def experiments_of(idea_ids: list[int]) -> dict[int, list[Experiment]]:
    out: dict[int, list[Experiment]] = defaultdict(list)
    for e in (Experiment.objects.filter(idea_id__in=idea_ids)
              .select_related("kpi", "kpi__priority", "decided_by").order_by("start", "pk")):
        out[e.idea_id].append(e)
    return out


def idea_evidence(idea: Idea) -> dict:
    """The evidence panel of an item: its experiments and the KPI readings before and after
    the change."""
    experiments = experiments_of([idea.pk])
    movements = kpi_movements([idea], experiments)[idea.pk]
    exps = experiments.get(idea.pk, [])
    return {"experiments": exps, "movements": movements,
            "change_day": change_day(idea, exps),
            "has_evidence": any(e.decision for e in exps) or any(m.moved for m in movements)}


def kpi_choices() -> QuerySet[KPI]:
    return (KPI.objects.filter(priority__status=Priority.Status.ACTIVE)
            .select_related("priority").order_by("priority__title", "name"))


def decided_experiments(user, *, limit: int = 12) -> list[Experiment]:
    """Decided experiments on items the user may see, newest decision first (the learning
    library's section: an abandoned experiment is learning, not failure)."""
    return list(Experiment.objects.filter(idea__in=ideas_visible_to(user).values("pk"))
                .exclude(decision="").select_related("idea", "idea__team", "decided_by", "kpi")
                .order_by("-decided_at", "-pk")[:limit])


def experiments_visible_to(user) -> QuerySet[Experiment]:
    return (Experiment.objects.filter(idea__in=ideas_visible_to(user).values("pk"))
            .select_related("idea", "kpi", "decided_by", "created_by"))


# ---------------------------------------------------------------- priorities: resources


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


# ---------------------------------------------------------------- executive scorecard


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
    from .selectors import _subtree, constraint_active_q

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
        covered = _subtree(children, scoped) & active_ids
    return {"teams": len(active_ids), "covered": len(covered),
            "uncovered_ids": sorted(active_ids - covered),
            "share": _share(len(active_ids), len(covered))}


# ---------------------------------------------------------------- reviews: cadence


CADENCE_DAYS = {"weekly": 7, "fortnightly": 14}


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
    today = today or _today()
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
    today = today or _today()
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


# ---------------------------------------------------------------- reviews: the page


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
    from ideas.system_selectors import systemic_issues_visible_to

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
    today = _today()
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
    from ideas.system_selectors import systemic_issues_visible_to

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


# ---------------------------------------------------------------- planning windows


def windows() -> QuerySet[PlanningWindow]:
    return PlanningWindow.objects.select_related("created_by").order_by("-start")


def recent_changes(*, limit: int = 20, outside_only: bool = False) -> list[StrategyChange]:
    qs = StrategyChange.objects.select_related("priority", "constraint", "actor")
    if outside_only:
        qs = qs.filter(outside_window=True)
    return list(qs.order_by("-at", "-pk")[:limit])


# ---------------------------------------------------------------- standards


def standards_listing() -> QuerySet[Standard]:
    return (Standard.objects.select_related("owner_team", "owner")
            .annotate(pending=Count("proposals", filter=Q(proposals__state="pending"),
                                    distinct=True))
            .order_by("title", "pk"))


def standard_detail(standard_id: int, *, user) -> Standard:
    standard = (Standard.objects.select_related("owner_team", "owner")
                .prefetch_related(
                    Prefetch("versions", queryset=StandardVersion.objects
                             .select_related("created_by", "idea").order_by("-number")),
                    Prefetch("proposals", queryset=StandardProposal.objects
                             .select_related("idea", "proposed_by", "decided_by", "version")
                             .order_by("-proposed_at", "-pk")),
                    Prefetch("comments", queryset=StandardComment.objects
                             .select_related("author").order_by("created_at", "pk")))
                .get(pk=standard_id))
    ids = {p.idea_id for p in standard.proposals.all()} | {
        v.idea_id for v in standard.versions.all() if v.idea_id}
    seen = visible_idea_ids(user, ids)
    for p in standard.proposals.all():
        p.idea_visible = p.idea_id in seen
    for v in standard.versions.all():
        v.idea_visible = v.idea_id in seen
    return standard


def proposals_pending() -> QuerySet[StandardProposal]:
    return (StandardProposal.objects.filter(state=StandardProposal.State.PENDING)
            .select_related("standard", "proposed_by").order_by("proposed_at", "pk"))
