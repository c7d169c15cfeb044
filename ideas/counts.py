"""How many items were created in a time window, as one person sees them — without reading a
year of items.

Whole UTC days come from ``IdeaDayCount`` (kept by triggers, migration 0008): the
organisation's row for an unscoped window, the teams' rows for a scoped one. The hours of a
window outside whole UTC days (a local midnight is not a UTC one) are counted on the items
themselves, over the ``created_at`` index. A person who is not an admin sees public items, the
private items of their teams (both from the counters), and the private items of other teams
that they reported or that were escalated to one of their teams (counted on those items: a
person reports few, and escalations are few).

``created_counts`` answers any number of windows in four queries; the figures are exactly what
``ideas_visible_to(user).filter(created_at__gte=lo, created_at__lt=hi, team_id__in=…).count()``
says (tests/ideas/test_counts.py holds them equal).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import BooleanField, Count, Q, Sum
from django.db.models.expressions import RawSQL

from org.permissions import is_admin
from org.selectors import user_team_ids

from .models import Idea, IdeaDayCount
from .visibility import ideas_visible_to


@dataclass(frozen=True)
class Window:
    """Items created in [lo, hi) by these teams (None: every team)."""

    lo: datetime
    hi: datetime
    team_ids: frozenset[int] | None = None

    def days(self) -> tuple[date, date] | None:
        """The whole UTC days inside the window, [first, stop), or None when there are none."""
        lo, hi = self.lo.astimezone(UTC), self.hi.astimezone(UTC)
        first = lo.date() if lo.time() == datetime.min.time() else lo.date() + timedelta(days=1)
        stop = hi.date()
        return (first, stop) if first < stop else None

    def slivers(self) -> Q:
        """The parts of the window outside its whole days (counted on the items)."""
        days = self.days()
        if days is None:
            return Q(created_at__gte=self.lo, created_at__lt=self.hi)
        first, stop = (datetime.combine(d, datetime.min.time(), UTC) for d in days)
        return (Q(created_at__gte=self.lo, created_at__lt=first)
                | Q(created_at__gte=stop, created_at__lt=self.hi))

    def whole_days(self) -> Q:
        first, stop = (datetime.combine(d, datetime.min.time(), UTC) for d in self.days())
        return Q(created_at__gte=first, created_at__lt=stop)

    def teams_q(self) -> Q:
        return Q() if self.team_ids is None else team_in(Idea, self.team_ids)


def team_in(model, team_ids: Iterable[int]) -> Q:
    """``team_id IN (…)`` as one array parameter: a subtree of a thousand teams, repeated per
    window, would otherwise cost more to compile than to run."""
    column = f'"{model._meta.db_table}"."team_id"'
    return Q(RawSQL(f"{column} = ANY(%s)", (sorted(team_ids),), output_field=BooleanField()))


def _day_rows(window: Window, teams: Iterable[int] | None) -> Q:
    """The counter rows of the window's whole days, for these teams (None: the
    organisation's row)."""
    first, stop = window.days()
    q = Q(day__gte=first, day__lt=stop)
    if teams is None:
        return q & Q(team_id=IdeaDayCount.ALL_TEAMS)
    return q & team_in(IdeaDayCount, teams)


def created_counts(windows: dict[Hashable, Window], *, user=None) -> dict[Hashable, int]:
    """{key: how many items created in the window ``user`` may see} (None: every item)."""
    out = {key: 0 for key in windows}
    windows = {k: w for k, w in windows.items() if w.team_ids != frozenset() and w.lo < w.hi}
    if not windows:
        return out
    everyone = user is None or is_admin(user)
    mine = set() if everyone else set(user_team_ids(user))
    sums, rows = {}, Q(pk__in=[])
    for i, w in enumerate(windows.values()):
        if w.days() is None:
            continue
        terms = {f"w{i}": _day_rows(w, w.team_ids)}
        if not everyone:
            terms[f"w{i}"] &= Q(private=False)
            own = mine if w.team_ids is None else mine & w.team_ids
            if own:
                terms[f"m{i}"] = _day_rows(w, own) & Q(private=True)
        for name, q in terms.items():
            sums[name] = Sum("n", filter=q)
            rows |= q
    if sums:
        row = IdeaDayCount.objects.filter(rows).aggregate(**sums)
        for i, key in enumerate(windows):
            out[key] += (row.get(f"w{i}") or 0) + (row.get(f"m{i}") or 0)
    # The hours outside whole days, on the items (one indexed range each).
    visible = Idea.objects.all() if everyone else ideas_visible_to(user)
    edges = {f"e{i}": Count("pk", filter=w.slivers() & w.teams_q())
             for i, w in enumerate(windows.values())}
    any_edge = Q(pk__in=[])
    for w in windows.values():
        any_edge |= w.slivers()
    row = visible.filter(any_edge).aggregate(**edges)
    for i, key in enumerate(windows):
        out[key] += row[f"e{i}"]
    if not everyone:
        for key, n in _private_elsewhere(windows, user, mine).items():
            out[key] += n
    return out


def _private_elsewhere(windows: dict[Hashable, Window], user, mine: set[int]) -> dict:
    """Private items of other teams the user sees in the windows' whole days: reported by
    them, or escalated to one of their teams (two queries, each led by a small index)."""
    out = {key: 0 for key in windows}
    whole = {f"p{i}": Count("pk", filter=w.whole_days() & w.teams_q())
             for i, w in enumerate(windows.values()) if w.days() is not None}
    if not whole:
        return out
    others = Idea.objects.filter(is_private=True).exclude(team_id__in=sorted(mine))
    reported = others.filter(reporter_id=user.pk)
    shared = Idea.shared_with_teams.through.objects.filter(team_id__in=sorted(mine))
    escalated = (others.exclude(reporter_id=user.pk)
                 .filter(pk__in=shared.values("idea_id")))
    for qs in (reported, escalated) if mine else (reported,):
        row = qs.aggregate(**whole)
        for i, key in enumerate(windows):
            out[key] += row.get(f"p{i}") or 0
    return out


def created_count(window: Window, *, user=None) -> int:
    return created_counts({0: window}, user=user)[0]

