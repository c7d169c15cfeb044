"""Reads of protected improvement capacity and improvement time: protected vs used hours per
team per week with the mix (items and each kind of slack) and the hours that went back to
delivery (and per tier for executives), the entries a person may see and the time on one
item. Every list here runs a constant number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.dates import last_weeks, week_start
from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from org.models import Team
from org.permissions import is_admin, is_executive
from org.selectors import team_descendant_ids, user_team_ids

from .models import TeamCapacity, TimeEntry

ZERO = Decimal("0")


def protected_hours(capacity: TeamCapacity | None, member_count: int) -> Decimal:
    """A team's protected improvement hours a week: the hours set, or its share of the members'
    working time."""
    if capacity is None:
        return ZERO
    if capacity.unit == TeamCapacity.Unit.PERCENT:
        hours = capacity.amount / 100 * capacity.member_hours_per_week * member_count
        return hours.quantize(Decimal("0.1"))
    return capacity.amount


SLACK = dict(TimeEntry.slack_categories())


@dataclass
class CapacityWeek:
    week: date
    protected: Decimal
    used: Decimal  # every improvement hour: on items and slack (time without an item)
    counted: bool  # False for weeks before the capacity was set
    mix: dict[str, Decimal] = field(default_factory=dict)  # category -> hours (non-zero only)

    @property
    def slack(self) -> Decimal:
        """Hours logged without an item (reflection, training …)."""
        return sum((h for c, h in self.mix.items() if c in SLACK), ZERO)

    @property
    def sacrificed_hours(self) -> Decimal:
        """Protected hours that went back to delivery: protected minus every improvement hour
        logged (slack included), never below zero; none in a week that does not count."""
        if not self.counted:
            return ZERO
        return max(self.protected - self.used, ZERO)

    @property
    def share(self) -> float | None:
        """Used as a share of protected (None when nothing is protected)."""
        if not self.protected:
            return None
        return float(self.used / self.protected)

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)

    @property
    def sacrificed(self) -> bool:
        """Less than half the protected time used in a week that counts."""
        return self.counted and bool(self.protected) and self.used * 2 < self.protected


@dataclass
class TeamCapacityView:
    team_id: int
    capacity: TeamCapacity | None
    members: int
    protected: Decimal
    weeks: list[CapacityWeek] = field(default_factory=list)

    @property
    def used_total(self) -> Decimal:
        return sum((w.used for w in self.weeks), ZERO)

    @property
    def protected_total(self) -> Decimal:
        return sum((w.protected for w in self.weeks if w.counted), ZERO)

    @property
    def counted_weeks(self) -> list[CapacityWeek]:
        return [w for w in self.weeks if w.counted]

    @property
    def sacrificed_hours(self) -> Decimal:
        return sum((w.sacrificed_hours for w in self.weeks), ZERO)

    @property
    def mix(self) -> dict[str, Decimal]:
        """Hours per category over the weeks shown (items and each kind of slack)."""
        return mix_of(self.weeks)

    @property
    def sacrificed_streak(self) -> int:
        """Consecutive sacrificed weeks ending with the last one shown."""
        n = 0
        for w in reversed(self.weeks):
            if not w.sacrificed:
                break
            n += 1
        return n


def capacity_by_week(team_ids, weeks: int = 4, *, today: date | None = None,
                     include_current: bool = True) -> dict[int, TeamCapacityView]:
    """Protected vs used improvement hours per team per week for the last ``weeks`` weeks
    (oldest first). Two queries whatever the number of teams: the capacities with their member
    counts, and one aggregate of the time logged by (team, week)."""
    team_ids = list(team_ids)
    mondays = last_weeks(weeks, today=today, include_current=include_current)
    if not team_ids:
        return {}
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    teams = (Team.objects.filter(pk__in=team_ids)
             .annotate(member_count=Count("memberships", distinct=True))
             .values_list("pk", "member_count"))
    members = dict(teams)
    capacities = {c.team_id: c for c in TeamCapacity.objects.filter(team_id__in=team_ids)}
    used_rows = (TimeEntry.objects.filter(team_id__in=team_ids, date__gte=first, date__lte=last)
                 .annotate(week=TruncWeek("date")).values("team_id", "week", "category")
                 .annotate(hours=Sum("hours")).order_by())
    used: dict[tuple[int, date], Decimal] = {}
    mixes: dict[tuple[int, date], dict[str, Decimal]] = {}
    for row in used_rows:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        key = (row["team_id"], week)
        used[key] = used.get(key, ZERO) + (row["hours"] or ZERO)
        mixes.setdefault(key, {})[row["category"]] = row["hours"] or ZERO
    out = {}
    for team_id in team_ids:
        if team_id not in members:
            continue
        cap = capacities.get(team_id)
        protected = protected_hours(cap, members[team_id])
        since = week_start(timezone.localdate(cap.created_at)) if cap else None
        view = TeamCapacityView(team_id=team_id, capacity=cap, members=members[team_id],
                                protected=protected)
        for monday in mondays:
            counted = cap is not None and monday >= since
            view.weeks.append(CapacityWeek(
                week=monday, protected=protected if counted else ZERO,
                used=used.get((team_id, monday), ZERO), counted=counted,
                mix=mixes.get((team_id, monday), {})))
        out[team_id] = view
    return out


def mix_of(weeks) -> dict[str, Decimal]:
    """Hours per category over ``weeks``, in the categories' order (items first)."""
    totals: dict[str, Decimal] = {}
    for w in weeks:
        for category, hours in w.mix.items():
            totals[category] = totals.get(category, ZERO) + hours
    return {c: totals[c] for c in TimeEntry.Category.values if totals.get(c)}


def mix_rows(mix: dict[str, Decimal]) -> list[dict]:
    """The mix as display rows: every category with its hours and share of the total."""
    total = sum(mix.values(), ZERO)
    labels = dict(TimeEntry.Category.choices)
    return [{"category": c, "label": labels[c], "hours": mix.get(c, ZERO), "slack": c in SLACK,
             "percent": round(mix.get(c, ZERO) * 100 / total) if total else 0}
            for c in TimeEntry.Category.values]


def capacity_by_tier(weeks: int = 4, *, today: date | None = None) -> list[dict]:
    """The org-wide picture for executives: per tier, protected vs used over the last complete
    ``weeks`` weeks and how many teams sacrifice their improvement time. Three queries."""
    teams = list(Team.objects.filter(active=True).select_related("tier")
                 .order_by("-tier__level", "name"))
    views = capacity_by_week([t.pk for t in teams], weeks, today=today, include_current=False)
    tiers: dict[int, dict] = {}
    for team in teams:
        view = views.get(team.pk)
        row = tiers.setdefault(team.tier.level, {
            "tier": team.tier, "teams": 0, "with_capacity": 0, "protected": ZERO, "used": ZERO,
            "slack": ZERO, "sacrificed": ZERO, "sacrificing": 0, "mix": {}})
        row["teams"] += 1
        if view and view.capacity is not None:
            row["with_capacity"] += 1
            row["protected"] += view.protected_total
            row["used"] += sum((w.used for w in view.counted_weeks), ZERO)
            row["slack"] += sum((w.slack for w in view.counted_weeks), ZERO)
            row["sacrificed"] += view.sacrificed_hours
            for category, hours in mix_of(view.counted_weeks).items():
                row["mix"][category] = row["mix"].get(category, ZERO) + hours
            if view.sacrificed_streak >= 3:
                row["sacrificing"] += 1
    for row in tiers.values():
        row["percent"] = round(row["used"] / row["protected"] * 100) if row["protected"] else None
    return [tiers[level] for level in sorted(tiers, reverse=True)]


# ---------------------------------------------------------------- improvement time


def time_entries_visible_to(user) -> QuerySet[TimeEntry]:
    """Entries on items the user may see (an entry says who worked on what), and slack (time
    without an item) of the teams whose time the user may see: their own teams and the teams
    below them; executives and admins every team (``permissions.can_view_team_time``)."""
    qs = TimeEntry.objects.select_related("user", "team", "idea")
    if is_admin(user):
        return qs
    if is_executive(user):
        slack = Q(idea__isnull=True)
    else:
        teams = Q(pk__in=[])
        for team_id in sorted(user_team_ids(user)):
            teams |= Q(pk__in=team_descendant_ids(team_id, include_self=True))
        slack = Q(idea__isnull=True, team__in=Team.objects.filter(teams))
    return qs.filter(Q(idea__in=ideas_visible_to(user)) | slack)


def idea_time(idea: Idea, *, limit: int = 10) -> dict:
    """The time logged on one item: the total, who, and the latest entries (two queries)."""
    entries = TimeEntry.objects.filter(idea=idea).select_related("user", "team")
    total = entries.aggregate(h=Sum("hours"), n=Count("pk"))
    return {"total": total["h"] or ZERO, "count": total["n"], "entries": list(entries[:limit])}
