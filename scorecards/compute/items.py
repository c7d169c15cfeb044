"""The figures about items and the people behind them: logged, done, declined, done without
escalation, with a learning note, their impact, open and aging at the end of the period, the
median cycle time, the members and who took part."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length

from escalation.models import Escalation
from ideas.models import Idea, IdeaEvent
from org.models import Membership

from ..definitions import LEVELS
from .scopes import Scope, Span, Sums, Teams
from .sql import median_seconds, participants

LEARNING_MIN_CHARS = 30


def count_items(sums: Sums, span: Span, ideas: QuerySet[Idea]) -> None:
    """Items logged, done, declined, done without escalation, done with a learning note, their
    impact and the levels they were logged at, per window; open and aging at the end (one
    query, two for a day in the past)."""
    hi = span.hi
    escalated = Exists(Escalation.objects.filter(idea_id=OuterRef("pk"), raised_at__lt=hi))
    aggregates = {}
    for w, lo in span.los.items():
        in_period = Q(created_at__gte=lo, created_at__lt=hi)
        done_in = Q(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi)
        aggregates.update({
            f"submitted__{w}": Count("pk", filter=in_period),
            f"done__{w}": Count("pk", filter=done_in),
            f"declined__{w}": Count("pk", filter=Q(status=Idea.Status.DECLINED,
                                                   status_changed_at__gte=lo,
                                                   status_changed_at__lt=hi)),
            f"done_no_escalation__{w}": Count("pk", filter=done_in & ~Q(escalated)),
            f"done_learning__{w}": Count("pk", filter=done_in
                                         & Q(learning_chars__gte=LEARNING_MIN_CHARS)),
            f"money__{w}": Sum("actual_money_per_year", filter=done_in),
            f"hours__{w}": Sum("actual_hours_per_year", filter=done_in),
            **{f"{key}__{w}": Count("pk", filter=in_period & Q(level=key.removeprefix("level_")))
               for key in LEVELS},
        })
    shared = ()
    if span.live:
        shared = ("open_now", "aging_now")
        aggregates["open_now"] = Count("pk", filter=Q(status__in=Idea.OPEN_STATUSES))
        aggregates["aging_now"] = Count("pk", filter=Q(status__in=Idea.OPEN_STATUSES,
                                                       aging_flagged_at__isnull=False))
    for row in (ideas.order_by().alias(learning_chars=Length("learning"))
                .values("team_id").annotate(**aggregates)):
        sums.split(row, "team_id", shared)
    if not span.live:
        for team_id, open_count, aging_count in _aging_at(ideas, sums.teams, hi):
            sums.add(None, team_id, open_now=open_count, aging_now=aging_count)


def _aging_at(ideas: QuerySet[Idea], teams: Teams, hi: datetime):
    """(team id, open items, aging items) as they stood at ``hi``, for days in the past."""
    rows = (open_at(ideas, teams, hi).values("team_id")
            .annotate(n_open=Count("pk"), n_aging=Count("pk", filter=AGING_THEN)))
    return [(r["team_id"], r["n_open"], r["n_aging"]) for r in rows if r["team_id"] in teams.level]


# Aging as it stood at ``hi``, over ``open_at``'s aliases.
AGING_THEN = Q(last_event__lt=F("cutoff"), waiting_then=False)


def open_at(ideas: QuerySet[Idea], teams: Teams, hi: datetime) -> QuerySet[Idea]:
    """The items open at ``hi`` (a day in the past), with the aliases ``AGING_THEN`` reads.

    Open then: logged before ``hi`` and open now, or closed only after ``hi``. Aging then: no
    timeline event in the team's threshold before ``hi``, and not waiting on an escalation."""
    open_then = Q(created_at__lt=hi) & (Q(status__in=Idea.OPEN_STATUSES)
                                        | Q(status_changed_at__gte=hi))
    # The last activity as it stood at ``hi``: ``last_activity_at`` itself when nothing
    # happened since, else the latest timeline event before ``hi`` (or the logging).
    last_event = Case(
        When(last_activity_at__lt=hi, then=F("last_activity_at")),
        default=Coalesce(Subquery(IdeaEvent.objects.filter(idea_id=OuterRef("pk"),
                                                           created_at__lt=hi)
                                  .order_by("-created_at").values("created_at")[:1],
                                  output_field=DateTimeField()), F("created_at")),
        output_field=DateTimeField())
    by_days: dict[int, list[int]] = defaultdict(list)
    for team_id, days in teams.threshold.items():
        by_days[days].append(team_id)
    cutoff = Case(*[When(team_id__in=team_ids, then=Value(hi - timedelta(days=days)))
                    for days, team_ids in by_days.items()], output_field=DateTimeField())
    waiting_then = Exists(Escalation.objects.filter(
        idea_id=OuterRef("pk"), raised_at__lt=hi).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=hi)))
    return (ideas.filter(open_then).order_by()
            .alias(last_event=last_event, cutoff=cutoff, waiting_then=waiting_then))


def members_of(sums: Sums) -> dict[Scope, set[int]]:
    """The active members of each scope's active teams (distinct people, so sets rather than
    sums; one query)."""
    members: dict[Scope, set[int]] = defaultdict(set)
    for team_id, user_id in (Membership.objects.filter(team_id__in=list(sums.teams.active),
                                                       user__is_active=True)
                             .values_list("team_id", "user_id")):
        for scope in sums.scopes_of(team_id):
            members[scope].add(user_id)
    return members


def active_people(span: Span) -> dict[str, set[int]]:
    """Per window, the people who logged, commented on or completed an item in it (one
    query)."""
    last_seen = participants(span.widest, span.hi)
    return {w: {u for u, at in last_seen.items() if at >= lo} for w, lo in span.los.items()}


def cycle_medians(sums: Sums, span: Span) -> dict[str, dict[Scope, float]]:
    """Median seconds from logging to done over the items done in each window (one query)."""
    done_any = Q(status=Idea.Status.DONE, done_at__gte=span.widest, done_at__lt=span.hi)
    return median_seconds(Idea.objects.filter(done_any, team_id__in=sums.team_ids),
                          team_field="team_id", level_field="team__tier__level",
                          later="done_at", earlier="created_at", rollup=sums.rollup,
                          windows=span.los)
