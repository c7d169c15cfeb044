"""What matters most now: the importance of an open problem, as one explained score.

The score is a sum of points whose weights make it lexicographic — each reason outweighs every
reason below it together:

- safety (the SQDC category is safety): 8
- serves an active priority (linked to a priority that is active today): 4
- recurs (part of an open or monitored systemic issue, or similar open problems in other
  teams — same category, same title once case, punctuation and surrounding spaces are
  ignored): 2
- needs spend above its team's authority (``escalation.authority``'s rule): 1

Ties go to the larger estimated yearly saving, then the older problem. The reporter's own
"high" flag does not count: it is one person's view, not the method's.

Everything is one query: the reasons are CASE expressions over uncorrelated ``IN`` subqueries
that PostgreSQL runs once each and hashes, so ranking every open problem costs a pass over
them, not a lookup per row; ``explain`` then adds the words (priority and issue titles, how
many other teams) for the few rows shown, in four queries whatever their number."""

from collections import defaultdict
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Greatest, Lower, Trim
from django.utils import timezone

from ideas.models import Idea
from strategy.models import Priority, PriorityLink
from systemic.models import SystemicIssue, SystemicLink

WEIGHTS = {"safety": 8, "priority": 4, "recurrence": 2, "spend": 1}
MAX_SCORE = sum(WEIGHTS.values())
LIVE_ISSUES = (SystemicIssue.Status.OPEN, SystemicIssue.Status.MONITORING)


# Punctuation that does not make two titles different ("Forklift blocks the aisle!" is
# "forklift blocks the aisle"). translate() is a single pass per title, far cheaper than a regex.
PUNCTUATION = ".,;:!?'\"()[]{}-_/\\*#"


def title_key(prefix: str = "") -> Concat:
    """category:title without case, punctuation or surrounding spaces — what "similar" means
    for the ranking (cheap enough to compute for every open problem)."""
    bare = Func(F(f"{prefix}title"), Value(PUNCTUATION), Value(""), function="translate",
                output_field=CharField())
    return Concat(F(f"{prefix}category"), Value(":"), Lower(Trim(bare)),
                  output_field=CharField())


def _open_problems(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    return qs.filter(status__in=Idea.OPEN_STATUSES, kind=Idea.Kind.PROBLEM)


def _recurring_keys() -> QuerySet:
    """Keys shared by open (non-private) problems of two or more teams."""
    return (_open_problems(Idea.objects.filter(is_private=False)).annotate(key=title_key())
            .order_by().values("key").annotate(teams=Count("team_id", distinct=True))
            .filter(teams__gte=2).values("key"))


def _active_priority_ideas(today: date) -> QuerySet:
    return PriorityLink.objects.filter(
        priority__status=Priority.Status.ACTIVE, priority__start__lte=today,
        priority__end__gte=today).values("idea_id")


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def ranked(qs: QuerySet[Idea], *, today: date | None = None) -> QuerySet[Idea]:
    """The open problems of ``qs``, most important first, each annotated with its
    ``importance``. Only the sum is selected, so PostgreSQL computes each reason once per row
    for the sort; the weights are powers of two, so each reason is one bit of the sum
    (``points_of``)."""
    today = today or timezone.localdate()
    return (_open_problems(qs)
            .alias(imp_key=title_key())
            .alias(
                imp_safety=_flag(Q(category=Idea.Category.SAFETY)),
                imp_priority=_flag(Q(pk__in=_active_priority_ideas(today))),
                imp_systemic=_flag(Q(pk__in=SystemicLink.objects.filter(
                    issue__status__in=LIVE_ISSUES).values("idea_id"))),
                imp_similar=_flag(Q(imp_key__in=_recurring_keys())),
                imp_spend=_flag(Q(required_spend__gt=F("team__tier__authority_limit"))))
            .annotate(importance=(
                F("imp_safety") * WEIGHTS["safety"] + F("imp_priority") * WEIGHTS["priority"]
                + Greatest("imp_systemic", "imp_similar") * WEIGHTS["recurrence"]
                + F("imp_spend") * WEIGHTS["spend"]))
            .order_by("-importance", F("estimated_money_per_year").desc(nulls_last=True),
                      "created_at", "id"))


def explain(ideas: list[Idea], *, today: date | None = None, start: int = 1) -> list[Idea]:
    """Sets ``rank``, ``importance_reasons`` ([{points, key, text}]) and ``importance_ties``
    (the tie-breakers in words) on rows of ``ranked`` (four queries for any number of rows)."""
    if not ideas:
        return ideas
    today = today or timezone.localdate()
    ids = [i.pk for i in ideas]
    priorities = defaultdict(list)
    for idea_id, title in (PriorityLink.objects.filter(idea_id__in=ids).filter(
            pk__in=PriorityLink.objects.filter(
                priority__status=Priority.Status.ACTIVE, priority__start__lte=today,
                priority__end__gte=today).values("pk"))
            .order_by("priority__title").values_list("idea_id", "priority__title")):
        priorities[idea_id].append(title)
    issues = defaultdict(list)
    for idea_id, title in (SystemicLink.objects.filter(idea_id__in=ids,
                                                       issue__status__in=LIVE_ISSUES)
                           .order_by("issue__title").values_list("idea_id", "issue__title")):
        issues[idea_id].append(title)
    keys = dict(Idea.objects.filter(pk__in=ids).annotate(key=title_key())
                .values_list("pk", "key"))
    teams_by_key = defaultdict(set)
    for key, team_id in (_open_problems(Idea.objects.filter(is_private=False))
                         .annotate(key=title_key())
                         .filter(key__in=[k for k in keys.values() if k])
                         .order_by().values_list("key", "team_id").distinct()):
        teams_by_key[key].add(team_id)
    for n, idea in enumerate(ideas, start=start):
        idea.rank = n
        idea.importance_reasons = _reasons(idea, priorities[idea.pk], issues[idea.pk],
                                           len(teams_by_key[keys[idea.pk]] - {idea.team_id}))
        idea.importance_ties = _ties(idea, today)
    return ideas


def points_of(importance: int) -> dict[str, bool]:
    """Which reasons make up a score (each weight is one bit)."""
    return {reason: bool(importance & weight) for reason, weight in WEIGHTS.items()}


def _reasons(idea, priorities, issues, other_teams) -> list[dict]:
    out = []
    bits = points_of(idea.importance)
    if bits["safety"]:
        out.append({"points": WEIGHTS["safety"], "key": "safety", "text": "Safety"})
    if bits["priority"]:
        out.append({"points": WEIGHTS["priority"], "key": "priority",
                    "text": "Serves an active priority: " + ", ".join(priorities)})
    if bits["recurrence"]:
        parts = []
        if issues:
            parts.append("part of the systemic issue " + ", ".join(f"“{t}”" for t in issues))
        if other_teams:
            parts.append(f"similar open problems in {other_teams} other "
                         f"team{'s' if other_teams != 1 else ''}")
        out.append({"points": WEIGHTS["recurrence"], "key": "recurrence",
                    "text": "Recurs: " + "; ".join(parts or ["similar problems elsewhere"])})
    if bits["spend"]:
        out.append({"points": WEIGHTS["spend"], "key": "spend",
                    "text": f"Needs {idea.required_spend:,.0f} of spend, above "
                            f"{idea.team.name}'s authority of "
                            f"{idea.team.tier.authority_limit:,.0f}"})
    return out


def _ties(idea, today: date) -> str:
    days = (today - timezone.localdate(idea.created_at)).days
    money = (f"saves {idea.estimated_money_per_year:,.0f} a year"
             if idea.estimated_money_per_year else "no saving estimated")
    return f"{money} · open {days} day{'s' if days != 1 else ''}"


def importance_rows(qs: QuerySet[Idea], *, limit: int) -> list[Idea]:
    """The ``limit`` most important open problems of ``qs``, explained (five queries)."""
    return explain(list(ranked(qs).select_related("team__tier", "owner")[:limit]))
