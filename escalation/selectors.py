"""Every read of escalations that depends on who asks. Lists run a constant number of queries:
rows in one query (teams, tiers and people joined), chains for the whole page in one more."""

from datetime import timedelta

from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from core.pagination import narrow_slice
from ideas.anonymity import reported_by
from ideas.visibility import filter_visible
from org.models import Tier
from org.selectors import user_team_ids

from .models import ConflictView, Escalation
from .workflow import ACTIVE, DECIDED, State


def escalations_visible_to(user) -> QuerySet[Escalation]:
    """Escalations about items the user may see (the chain's teams may see private items).
    The rule is checked on each escalation's own item (a join), so the escalations lead the
    plan rather than the million items."""
    return filter_visible(Escalation.objects.all(), user, "idea")


def with_row_data(qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return qs.select_related(
        "idea", "idea__team", "idea__team__tier", "idea__reporter", "idea__owner",
        "from_team", "from_team__tier", "to_team", "to_team__tier", "other_team",
        "raised_by", "acknowledged_by", "resolved_by",
    )


def first_rows(qs: QuerySet[Escalation], limit: int) -> list[Escalation]:
    """The first ``limit`` rows of an ordered list, read narrow then full like a list page
    (``NarrowPaginator``): read in one go, the planner joins every candidate row (thousands,
    over a large idea table) before it sorts and cuts."""
    return narrow_slice(qs, 0, limit)


def overdue_q(now=None) -> Q:
    now = now or timezone.now()
    return (Q(state=State.OPEN, due_ack_at__lt=now)
            | Q(state=State.ACKNOWLEDGED, due_resolve_at__lt=now))


def with_sla_due(qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Annotates ``sla_due_at``: the next deadline (acknowledge while open, then resolve)."""
    return qs.annotate(sla_due_at=Case(
        When(state=State.OPEN, then=F("due_ack_at")),
        When(state=State.ACKNOWLEDGED, then=F("due_resolve_at")),
        default=Value(None), output_field=DateTimeField()))


def filter_escalations(qs: QuerySet[Escalation], *, state: str = "", reason: str = "",
                       tier: int | None = None, overdue: bool = False) -> QuerySet[Escalation]:
    """``state``: one state, "active" (open or acknowledged), "closed", or "" / "all"."""
    if state == "active":
        qs = qs.filter(state__in=ACTIVE)
    elif state == "closed":
        qs = qs.exclude(state__in=ACTIVE)
    elif state in State.values:
        qs = qs.filter(state=state)
    if reason:
        qs = qs.filter(reason=reason)
    if tier:
        qs = qs.filter(to_team__tier__level=tier)
    if overdue:
        qs = qs.filter(overdue_q())
    return qs


def inbox(user, **filters) -> QuerySet[Escalation]:
    """Escalations sent to the teams the user belongs to, the next SLA deadline first."""
    qs = escalations_visible_to(user).filter(to_team_id__in=list(user_team_ids(user)))
    qs = with_sla_due(filter_escalations(qs, **filters))
    return with_row_data(qs).order_by(F("sla_due_at").asc(nulls_last=True),
                                      F("resolved_at").desc(nulls_last=True), "-id")


def overview_rows(user) -> QuerySet[Escalation]:
    """Every open (or acknowledged) escalation the user may see: stalled and overdue first."""
    now = timezone.now()
    qs = with_sla_due(escalations_visible_to(user).filter(state__in=ACTIVE))
    qs = qs.annotate(
        stalled_rank=Case(When(stalled_at__isnull=False, then=Value(0)), default=Value(1),
                          output_field=IntegerField()),
        overdue_rank=Case(When(overdue_q(now), then=Value(0)), default=Value(1),
                          output_field=IntegerField()),
    )
    return with_row_data(qs).order_by("stalled_rank", "overdue_rank", "sla_due_at", "id")


def tier_state_counts(user) -> dict:
    """{"tiers": [Tier], "states": [(code, label)], "rows": [{tier, counts: [n…], total}]}."""
    tiers = list(Tier.objects.order_by("level"))
    raw = (escalations_visible_to(user).order_by()
           .values("to_team__tier__level", "state").annotate(n=Count("id")))
    grid = {(r["to_team__tier__level"], r["state"]): r["n"] for r in raw}
    states = list(State.choices)
    rows = []
    for tier in tiers:
        counts = [grid.get((tier.level, s), 0) for s, _ in states]
        rows.append({"tier": tier, "counts": counts, "total": sum(counts)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(states))]
    return {"states": states, "rows": rows, "totals": totals, "total": sum(totals)}


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median, computed in the database."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()


def _seconds_between(later: str, earlier: str):
    return Func(F(later) - F(earlier), template="EXTRACT(EPOCH FROM %(expressions)s)",
                output_field=FloatField())


def sla_medians(user, *, days: int = 30) -> list[dict]:
    """Median hours to acknowledge and to resolve (resolved or returned) per target tier,
    over the escalations acknowledged / decided in the last ``days`` days."""
    since = timezone.now() - timedelta(days=days)
    tiers = list(Tier.objects.order_by("level"))
    ack_q = Q(acknowledged_at__gte=since)
    res_q = Q(state__in=DECIDED, resolved_at__gte=since)
    qs = escalations_visible_to(user).filter(ack_q | res_q).order_by()
    rows = qs.values("to_team__tier__level").annotate(
        ack=Median(_seconds_between("acknowledged_at", "raised_at"), filter=ack_q),
        res=Median(_seconds_between("resolved_at", "raised_at"), filter=res_q),
        n_ack=Count("id", filter=ack_q), n_res=Count("id", filter=res_q))
    by_level = {r["to_team__tier__level"]: r for r in rows}
    out = []
    for tier in tiers:
        r = by_level.get(tier.level, {})
        out.append({
            "tier": tier,
            "ack_hours": _hours(r.get("ack")), "n_ack": r.get("n_ack", 0),
            "resolve_hours": _hours(r.get("res")), "n_resolve": r.get("n_res", 0),
        })
    return out


def _hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


def chains_for(escalations) -> dict[int, list[Escalation]]:
    """{escalation id: its chain, root first} for every given escalation, in one query."""
    escalations = list(escalations)
    if not escalations:
        return {}
    idea_ids = {e.idea_id for e in escalations}
    every = list(
        Escalation.objects.filter(idea_id__in=idea_ids)
        .select_related("from_team", "from_team__tier", "to_team", "to_team__tier",
                        "raised_by", "acknowledged_by", "resolved_by")
        .order_by("raised_at", "id"))
    return _chains(every, [e.pk for e in escalations])


def _chains(every: list[Escalation], wanted_ids) -> dict[int, list[Escalation]]:
    by_id = {e.pk: e for e in every}
    child_of = {e.parent_id: e for e in every if e.parent_id}

    def root(e):
        seen = set()
        while e.parent_id and e.parent_id in by_id and e.pk not in seen:
            seen.add(e.pk)
            e = by_id[e.parent_id]
        return e

    out = {}
    for pk in wanted_ids:
        if pk not in by_id:
            continue
        step, chain = root(by_id[pk]), []
        while step is not None and len(chain) < 50:
            chain.append(step)
            step = child_of.get(step.pk)
        out[pk] = chain
    return out


def idea_chains(idea) -> list[list[Escalation]]:
    """Every escalation chain of one item, newest chain first (one query)."""
    every = list(
        Escalation.objects.filter(idea_id=idea.pk)
        .select_related("from_team", "from_team__tier", "to_team", "to_team__tier",
                        "raised_by", "acknowledged_by", "resolved_by")
        .order_by("raised_at", "id"))
    roots = [e.pk for e in every if not e.parent_id]
    chains = _chains(every, roots)
    return [chains[pk] for pk in reversed(roots)]


def chain_of(escalation: Escalation) -> list[Escalation]:
    """The steps from the root to this one (a query per step above it; chains are short)."""
    steps = [escalation]
    while steps[-1].parent_id and len(steps) < 50:
        steps.append(Escalation.objects.select_related("from_team", "to_team")
                     .get(pk=steps[-1].parent_id))
    return list(reversed(steps))


def active_escalation_of(idea_id: int) -> Escalation | None:
    return (Escalation.objects.filter(idea_id=idea_id, state__in=ACTIVE)
            .select_related("to_team", "to_team__tier").first())


def awaiting_my_teams(user) -> QuerySet[Escalation]:
    return inbox(user, state="active")


def decisions_on_my_items(user, *, days: int = 30) -> QuerySet[Escalation]:
    """Decisions (resolved / returned) in the last ``days`` days on items I reported or own."""
    since = timezone.now() - timedelta(days=days)
    qs = escalations_visible_to(user).filter(
        reported_by(user, prefix="idea__") | Q(idea__owner_id=user.pk),
        state__in=DECIDED, resolved_at__gte=since)
    return with_row_data(qs).order_by("-resolved_at", "-id")


def conflict_views(root: Escalation, other_team) -> list[dict]:
    """The teams' views of a cross-team conflict (kept on the chain's first step), one query:
    [{"team": Team, "view": ConflictView | None}] for the origin team, then the other team."""
    if root is None or other_team is None:
        return []
    views = {v.team_id: v for v in ConflictView.objects.filter(escalation=root)
             .select_related("author")}
    return [{"team": team, "view": views.get(team.pk)} for team in (root.from_team, other_team)]


def naming_my_teams(user) -> QuerySet[Escalation]:
    """Active cross-team escalations that name one of the user's teams as the other team."""
    qs = escalations_visible_to(user).filter(other_team_id__in=list(user_team_ids(user)),
                                             state__in=ACTIVE)
    return with_row_data(qs).order_by("due_resolve_at", "id")


def top_tier_decisions(*, start, end) -> dict:
    """The executive scorecard's decision figures: escalations *received* at the top tier
    (raised to a top-tier team in [start, end)), how many of them were decided, the median hours
    from raised to decided, and the share of the decided that were returned vs resolved.
    One aggregate query (PostgreSQL's percentile).

    Organisation-wide counts with no titles: nothing private can leak, so no ``user``."""
    top = Subquery(Tier.objects.order_by("-level").values("level")[:1])
    qs = Escalation.objects.filter(to_team__tier__level=top, raised_at__gte=start,
                                   raised_at__lt=end).order_by()
    decided_q = Q(state__in=DECIDED)
    counts = {
        "received": Count("id"),
        "decided": Count("id", filter=decided_q),
        "resolved": Count("id", filter=Q(state=State.RESOLVED)),
        "returned": Count("id", filter=Q(state=State.RETURNED)),
        "open": Count("id", filter=Q(state__in=ACTIVE)),
    }
    row = qs.aggregate(median=Median(_seconds_between("resolved_at", "raised_at"),
                                     filter=decided_q), **counts)
    decided = row["decided"]
    return {
        "received": row["received"], "decided": decided, "resolved": row["resolved"],
        "returned": row["returned"], "open": row["open"],
        "median_hours_to_decide": _hours(row["median"]),
        "share_resolved": round(row["resolved"] / decided, 4) if decided else None,
        "share_returned": round(row["returned"] / decided, 4) if decided else None,
    }


def team_active_counts(team_id: int) -> int:
    return Escalation.objects.filter(to_team_id=team_id, state__in=ACTIVE).count()
