"""Reads of systemic issues: the list (with counts that leak no private item), an issue's linked
problems (private ones masked), its persistence month by month, and the suggestions of recurring
problems. Every list here runs a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from core.dates import months_back
from core.filters import filter_equal
from ideas.models import Idea
from ideas.permissions import can_view
from ideas.selectors import ideas_visible_to
from org.permissions import is_admin

from .models import SystemicIssue, SystemicLink
from .permissions import can_link_problem


def systemic_issues_visible_to(user) -> QuerySet[SystemicIssue]:
    """Systemic issues are org-wide facts: every signed-in person sees them. What is private is
    the items linked to them (see ``linked_problems``)."""
    if not getattr(user, "is_authenticated", False):
        return SystemicIssue.objects.none()
    return SystemicIssue.objects.all()


def _visible_link_filter(user) -> Q:
    """Links whose item the user may see, as a filter on SystemicLink."""
    if is_admin(user):
        return Q()
    return Q(idea__in=ideas_visible_to(user))


def systemic_issue_list(user, f: dict | None = None) -> QuerySet[SystemicIssue]:
    """The list page and API: each issue with its number of linked problems (all of them: a
    count carries no title) and the number of teams among the problems the user may see (a
    private item's team stays unsaid). One query."""
    f = f or {}
    visible_links = SystemicLink.objects.filter(_visible_link_filter(user))
    teams = (visible_links.filter(issue_id=OuterRef("pk")).order_by()
             .values("issue_id").annotate(n=Count("idea__team_id", distinct=True)).values("n"))
    qs = (systemic_issues_visible_to(user).select_related("owner_team", "created_by",
                                                          "tracking_idea")
          .annotate(problem_count=Count("links", distinct=True),
                    team_count=Coalesce(Subquery(teams, output_field=IntegerField()), Value(0))))
    qs = filter_equal(qs, f, ("status", "category", "owner_team"))
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(statement__icontains=f["q"]))
    return qs.order_by("status", "-updated_at", "-id")


def access_systemic_issue(user, issue_id) -> SystemicIssue:
    """The issue if it exists (every signed-in person sees issues); 404 otherwise."""
    try:
        return systemic_issue_list(user).get(pk=issue_id)
    except (SystemicIssue.DoesNotExist, ValueError, TypeError):
        raise Http404("No such systemic issue.")


@dataclass
class LinkedProblem:
    """A row of an issue's problems. For an item the viewer may not see, only that a private
    item is linked (and when it was logged, for the trend): no title, team, id or link."""

    link: SystemicLink
    idea: Idea | None  # None when hidden

    @property
    def hidden(self) -> bool:
        return self.idea is None


def linked_problems(user, issue: SystemicIssue) -> list[LinkedProblem]:
    """The issue's problems, newest first, private ones masked (two queries)."""
    links = list(SystemicLink.objects.filter(issue=issue)
                 .select_related("idea", "idea__team", "idea__team__tier", "idea__owner",
                                 "linked_by")
                 .prefetch_related("idea__shared_with_teams")
                 .order_by("-idea__created_at", "-id"))
    return [LinkedProblem(link=link, idea=link.idea if can_view(user, link.idea) else None)
            for link in links]


def persistence(issue_ids, months: int = 12, *, today: date | None = None
                ) -> dict[int, list[dict]]:
    """Linked problems per month (by when each problem was logged) for each issue: the
    persistence of the constraint behind it. One aggregate query for any number of issues."""
    issue_ids = list(issue_ids)
    buckets = months_back(months, today=today)
    counts: dict[tuple[int, date], int] = {}
    if issue_ids:
        rows = (SystemicLink.objects.filter(issue_id__in=issue_ids,
                                            idea__created_at__date__gte=buckets[0])
                .annotate(month=TruncMonth("idea__created_at")).values("issue_id", "month")
                .annotate(n=Count("pk")).order_by())
        for row in rows:
            month = row["month"]
            month = timezone.localtime(month).date() if hasattr(month, "tzinfo") else month
            counts[(row["issue_id"], month.replace(day=1))] = row["n"]
    return {i: [{"month": b, "count": counts.get((i, b), 0)} for b in buckets]
            for i in issue_ids}


def trend_of(series: list[dict], window: int = 3) -> str:
    """"falling", "rising" or "steady": the last ``window`` months against the ``window``
    before them. Falling is the goal: the constraint recurs less."""
    counts = [p["count"] for p in series]
    recent, before = sum(counts[-window:]), sum(counts[-2 * window:-window])
    if recent < before:
        return "falling"
    if recent > before:
        return "rising"
    return "steady"


def with_persistence(issues: list[SystemicIssue], months: int = 12) -> list[SystemicIssue]:
    """Sets ``.series``, ``.trend`` and ``.peak`` on each issue (one query)."""
    series = persistence([i.pk for i in issues], months)
    for issue in issues:
        issue.series = series.get(issue.pk, [])
        issue.trend = trend_of(issue.series)
        issue.peak = max((p["count"] for p in issue.series), default=0)
    return issues


def top_systemic_issues(user, limit: int = 5, months: int = 12) -> list[SystemicIssue]:
    """The unresolved issues with the most problems in the last quarter, with their trend (for
    the executive home): two queries."""
    since = timezone.now() - timedelta(days=91)
    qs = (systemic_issue_list(user).exclude(status=SystemicIssue.Status.RESOLVED)
          .annotate(recent=Count("links", filter=Q(links__idea__created_at__gte=since),
                                 distinct=True))
          .order_by("-recent", "-problem_count", "-id")[:limit])
    return with_persistence(list(qs), months)


# ---------------------------------------------------------------- suggestions

RECUR_DAYS = 90
SUGGESTION_LIMIT = 20


@dataclass
class Suggestions:
    """Candidate problems for a systemic issue, and whether they make a recurring pattern:
    similar problems in two or more teams, or in one team more than once within 90 days."""

    items: list[Idea]
    teams: int
    recurring: bool

    @property
    def systemic(self) -> bool:
        return self.teams >= 2 or self.recurring


def _recurs(stamps: list, days: int = RECUR_DAYS) -> bool:
    stamps = sorted(stamps)
    return any(b - a <= timedelta(days=days) for a, b in zip(stamps, stamps[1:], strict=False))


def suggestions(user, *, text: str, category: str = "", issue: SystemicIssue | None = None,
                limit: int = SUGGESTION_LIMIT, now=None) -> Suggestions:
    """Open or recent problems (logged in the last 90 days) of the same category whose titles
    are similar to ``text``, that the user may see and that are not yet linked to ``issue``.

    One query over the pg_trgm GIN index on the title (``title % text``, ideas migration 0005),
    ordered by similarity. Whether the
    matches (with the problems already linked) recur across teams or within 90 days is worked
    out from the same rows."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return Suggestions(items=[], teams=0, recurring=False)
    now = now or timezone.now()
    # A systemic issue's tracking item is the work on the constraint, not one more occurrence.
    qs = ideas_visible_to(user).filter(kind=Idea.Kind.PROBLEM,
                                       tracked_systemic_issue__isnull=True).filter(
        Q(status__in=Idea.OPEN_STATUSES) | Q(created_at__gte=now - timedelta(days=RECUR_DAYS)))
    if category:
        qs = qs.filter(category=category)
    qs = (qs.filter(title__trigram_similar=text)
          .annotate(similarity=TrigramSimilarity("title", text)))
    order = ("-similarity", "-created_at", "-id")
    if issue is not None:
        qs = qs.annotate(linked=Exists(SystemicLink.objects.filter(issue=issue,
                                                                   idea_id=OuterRef("pk"))))
    rows = list(qs.select_related("team", "team__tier", "reporter").order_by(*order)
                [:limit * 2])
    items = [r for r in rows if not getattr(r, "linked", False)][:limit]
    teams = {r.team_id for r in rows}
    by_team = defaultdict(list)
    for r in rows:
        by_team[r.team_id].append(r.created_at)
    recurring = any(_recurs(stamps) for stamps in by_team.values())
    return Suggestions(items=items, teams=len(teams), recurring=recurring)


def issues_linked_to(user, idea: Idea) -> list[SystemicIssue]:
    """The systemic issues an item belongs to (for its page)."""
    return list(systemic_issues_visible_to(user).filter(links__idea=idea)
                .select_related("owner_team").order_by("title"))


def link_choices_for(user, idea: Idea) -> list[SystemicIssue]:
    """Unresolved issues the user may link this item to, for the item page."""
    qs = (systemic_issues_visible_to(user).exclude(status=SystemicIssue.Status.RESOLVED)
          .exclude(links__idea=idea).select_related("owner_team").order_by("title"))
    return [issue for issue in qs if can_link_problem(user, issue, idea)]


def issue_detail(user, issue_id) -> SystemicIssue:
    issue = access_systemic_issue(user, issue_id)
    return with_persistence([issue])[0]
