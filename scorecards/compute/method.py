"""What the method rewards (issue "Reward what the method asks for"): escalation as design —
under-escalation shown beside solved-at-tier — and learning before activity.

- Over authority, never escalated: items not closed (new, in progress, parked) at the end whose
  required spend is above their team's tier authority limit, with no escalation raised before
  the end.
- Aging, never escalated: items aging at the end (as the aging figure) with no escalation.
- Stalled teams not escalating: active teams with aging work at the end and no escalation
  raised (as the origin team) in the window.
- Structured learning: items done in the window whose learning note has all three parts.
- Learning used by others: the scope's items whose learning another team marked (reused or
  useful) in the window, each item once.

Set-based: one aggregate query each, grouped by team, whatever the number of items; the only
Python loop runs over teams (to tell stalled teams that did not escalate)."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from escalation.models import Escalation
from ideas.learning import structured_q
from ideas.models import Idea, LearningMark

from .figures import ratio
from .items import AGING_THEN, open_at
from .scopes import Span, Sums

NOT_CLOSED = (*Idea.OPEN_STATUSES, Idea.Status.PARKED)


def count_under_escalation(sums: Sums, span: Span, ideas: QuerySet[Idea]) -> None:
    """Adds ``over_authority_unescalated``, ``aging_unescalated``, ``escalations_raised`` and
    ``silent_teams`` (three queries; four for a day in the past)."""
    hi = span.hi
    never = ~Exists(Escalation.objects.filter(idea_id=OuterRef("pk"), raised_at__lt=hi))
    over_limit = Q(required_spend__gt=F("team__tier__authority_limit"))
    if span.live:
        aging = Q(status__in=Idea.OPEN_STATUSES, aging_flagged_at__isnull=False)
        over = Q(status__in=NOT_CLOSED) & over_limit
        rows = (ideas.filter(aging | over).order_by().alias(never=never).values("team_id")
                .annotate(over=Count("pk", filter=over & Q(never=True)),
                          aging_never=Count("pk", filter=aging & Q(never=True)),
                          aging_any=Count("pk", filter=aging)))
        per_team = {r["team_id"]: r for r in rows}
    else:
        open_then = Q(created_at__lt=hi) & (Q(status__in=NOT_CLOSED)
                                            | Q(status_changed_at__gte=hi))
        per_team = {r["team_id"]: {**r, "aging_never": 0, "aging_any": 0} for r in (
            ideas.filter(open_then & over_limit).order_by().alias(never=never)
            .filter(never=True).values("team_id").annotate(over=Count("pk")))}
        for r in (open_at(ideas, sums.teams, hi).alias(never=never).filter(AGING_THEN)
                  .values("team_id").annotate(aging_any=Count("pk"),
                                              aging_never=Count("pk", filter=Q(never=True)))):
            per_team.setdefault(r["team_id"], {"over": 0}).update(r)
    for team_id, r in per_team.items():
        sums.add(None, team_id, over_authority_unescalated=r["over"],
                 aging_unescalated=r["aging_never"])
    raised = {w: {} for w in span.los}
    for r in (Escalation.objects.filter(from_team_id__in=sums.team_ids,
                                        raised_at__gte=span.widest, raised_at__lt=hi)
              .order_by().values("from_team_id")
              .annotate(**{w: Count("pk", filter=Q(raised_at__gte=lo))
                           for w, lo in span.los.items()})):
        for w in span.los:
            raised[w][r["from_team_id"]] = r[w]
    for team_id in sums.teams.active:
        stalled = per_team.get(team_id, {}).get("aging_any", 0) > 0
        for w in span.los:
            n = raised[w].get(team_id, 0)
            sums.add(w, team_id, escalations_raised=n, silent_teams=int(stalled and not n))


def count_learning(sums: Sums, span: Span, ideas: QuerySet[Idea]) -> None:
    """Adds ``done_structured`` and ``learning_used`` per window (two queries)."""
    done_any = Q(status=Idea.Status.DONE, done_at__gte=span.widest, done_at__lt=span.hi)
    for row in (ideas.filter(done_any).filter(structured_q()).order_by().values("team_id")
                .annotate(**{f"done_structured__{w}": Count("pk", filter=Q(done_at__gte=lo))
                             for w, lo in span.los.items()})):
        sums.split(row, "team_id")
    marks = LearningMark.objects.filter(created_at__gte=span.widest, created_at__lt=span.hi,
                                        idea__team_id__in=sums.team_ids
                                        ).exclude(team_id=F("idea__team_id"))
    for row in (marks.order_by().values(team_id_of=F("idea__team_id"))
                .annotate(**{f"learning_used__{w}": Count("idea_id", distinct=True,
                                                          filter=Q(created_at__gte=lo))
                             for w, lo in span.los.items()})):
        sums.split(row, "team_id_of")


def method_figures(p: dict) -> dict:
    """The figures of one scope and window read off its parts."""
    done = p["done"]
    return {
        "learning_structured": ratio(p["done_structured"], done),
        "learning_structured_count": int(p["done_structured"]),
        "learning_reused": int(p["learning_used"]),
        "over_authority_unescalated": int(p["over_authority_unescalated"]),
        "aging_unescalated": int(p["aging_unescalated"]),
        "escalations_raised": int(p["escalations_raised"]),
        "silent_teams": int(p["silent_teams"]),
    }
