"""Computing scorecard figures with SQL aggregates, for every team, every tier and the whole
organisation at once, in a fixed number of queries whatever the size of the organisation.

Additive parts (counts, sums, numerators and denominators) are grouped by team in the database
and rolled up to tiers and the organisation in memory; medians are computed by PostgreSQL's
``percentile_cont`` over ``GROUPING SETS`` (team, tier, organisation). Distinct people
(participation) are read once as sets and intersected per scope.

Scopes: a team's own items (not its subtree), every team at one tier, the whole organisation.
Escalation figures of a scope are about the escalations *sent to* its teams (how its leaders
respond); item figures are about the items its teams own.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from core.dates import day_bounds, last_weeks
from escalation.models import Escalation
from huddles.models import SqdcDay
from huddles.selectors import huddles_held_vs_scheduled
from ideas.models import Comment, Idea, IdeaEvent
from ideas.system_selectors import capacity_by_week
from org.models import Membership, Team
from strategy.selectors import alignment_by_team
from strategy.system_selectors import evidence_q, missed_reviews, missed_tier_reviews

from .definitions import LEVEL_FOCUS_MIN_ITEMS, LEVELS

OPEN = list(Idea.OPEN_STATUSES)
ACTIVE_ESC = [Escalation.State.OPEN, Escalation.State.ACKNOWLEDGED]
DECIDED_ESC = [Escalation.State.RESOLVED, Escalation.State.RETURNED]
LEARNING_MIN_CHARS = 30
ORG = ("org", 0)
# The protected-vs-used table of a scorecard shows at least this many weeks.
CAPACITY_WEEKS_SHOWN = 6
SACRIFICED_STREAK = 3  # weeks below half the protected time in a row (as the nudge)

Scope = tuple[str, int]  # ("team", team id) | ("tier", level) | ("org", 0)


@dataclass
class _Teams:
    level: dict[int, int]  # team id -> tier level
    active: set[int]
    threshold: dict[int, int]  # team id -> aging threshold days

    def scopes_of(self, team_id: int, *, rollup: bool) -> list[Scope]:
        scopes = [("team", team_id)]
        if rollup:
            scopes += [("tier", self.level[team_id]), ORG]
        return scopes


def _teams(team_ids) -> _Teams:
    qs = Team.objects.all()
    if team_ids is not None:
        qs = qs.filter(pk__in=list(team_ids))
    level, active, threshold = {}, set(), {}
    for pk, lvl, is_active, days in qs.values_list("pk", "tier__level", "active",
                                                   "tier__aging_threshold_days"):
        level[pk] = lvl
        threshold[pk] = days
        if is_active:
            active.add(pk)
    return _Teams(level, active, threshold)


def _seconds(later, earlier):
    """Seconds between two timestamp columns (PostgreSQL: EXTRACT(EPOCH …))."""
    return Func(F(later) - F(earlier), template="EXTRACT(EPOCH FROM %(expressions)s)",
                output_field=FloatField())


def median_seconds(qs, *, team_field: str, level_field: str, later: str, earlier: str,
                   rollup: bool, windows: dict[str, datetime] | None = None
                   ) -> dict[str, dict[Scope, float]]:
    """Median seconds from ``earlier`` to ``later`` over ``qs`` per team and — with ``rollup``
    — per tier and for the organisation; one median per window (``later`` at or after the
    window's start). One query for every window and scope."""
    windows = windows or {"all": None}
    qs = qs.order_by()
    result: dict[str, dict[Scope, float]] = {w: {} for w in windows}
    inner = qs.values(g_team=F(team_field), g_level=F(level_field), g_at=F(later),
                      g_secs=_seconds(later, earlier))
    sql, params = inner.query.sql_with_params()
    medians, extra = [], []
    for lo in windows.values():
        if lo is None:
            medians.append("percentile_cont(0.5) WITHIN GROUP (ORDER BY g_secs)")
        else:
            medians.append("percentile_cont(0.5) WITHIN GROUP (ORDER BY g_secs) "
                           "FILTER (WHERE g_at >= %s)")
            extra.append(lo)
    sets = "(g_team, g_level), (g_level), ()" if rollup else "(g_team, g_level)"
    query = (f"SELECT g_team, g_level, GROUPING(g_team), GROUPING(g_level), "
             f"{', '.join(medians)} FROM ({sql}) AS m GROUP BY GROUPING SETS ({sets})")
    with connection.cursor() as cursor:
        cursor.execute(query, [*extra, *params])
        for team, level, g_team, g_level, *values in cursor.fetchall():
            scope = ("team", team) if not g_team else ("tier", level) if not g_level else ORG
            for window, value in zip(windows, values, strict=True):
                if value is not None:
                    result[window][scope] = float(value)
    return result


def _ratio(numerator, denominator, digits: int = 4):
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def _round(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def is_live(end: date, now: datetime) -> bool:
    """Point-in-time figures at the end of yesterday or today are read from the live flags
    (set by the hourly jobs); older days are reconstructed from timestamps."""
    return end >= timezone.localdate(now) - timedelta(days=1)


def compute(start: date, end: date, *, team_ids=None, now: datetime | None = None,
            rollup: bool | None = None) -> dict[Scope, dict]:
    """Every figure of every scope for the days ``start``..``end`` (both included).

    ``team_ids`` limits the work to those teams (a team page); then tiers and the organisation
    are not rolled up unless ``rollup`` says so. Returns {scope: {metric or part: value}}."""
    days = (end - start).days + 1
    return compute_windows(end, {"period": days}, team_ids=team_ids, now=now,
                           rollup=rollup)["period"]


def compute_windows(end: date, windows: dict[str, int], *, team_ids=None,
                    now: datetime | None = None, rollup: bool | None = None
                    ) -> dict[str, dict[Scope, dict]]:
    """The figures of several periods ending on ``end`` — {name: length in days} — in one
    pass: each query carries one filtered aggregate per window. Returns {name: {scope: …}}."""
    now = now or timezone.now()
    rollup = team_ids is None if rollup is None else rollup
    teams = _teams(team_ids)
    ids = list(teams.level)
    _, hi = day_bounds(end, end)
    starts = {w: end - timedelta(days=n - 1) for w, n in windows.items()}
    los = {w: day_bounds(starts[w], end)[0] for w in windows}
    widest = min(los.values())
    live = is_live(end, now)

    scopes: set[Scope] = set()
    for team_id in ids:
        scopes.update(teams.scopes_of(team_id, rollup=rollup))
    parts: dict[str, dict[Scope, dict]] = {
        w: defaultdict(lambda: defaultdict(float)) for w in windows}

    def add(window: str | None, team_id: int, **values) -> None:
        if team_id not in teams.level:
            return
        for w in ([window] if window else windows):
            for scope in teams.scopes_of(team_id, rollup=rollup):
                bucket = parts[w][scope]
                for key, value in values.items():
                    bucket[key] += float(value or 0)

    def split(row: dict, team_key: str, shared: tuple = ()) -> None:
        """Rows whose aggregates are named ``<part>__<window>`` (and shared parts)."""
        team_id = row.pop(team_key)
        common = {k: row.pop(k) for k in shared if k in row}
        if common:
            add(None, team_id, **common)
        for w in windows:
            add(w, team_id, **{k[: -len(w) - 2]: v for k, v in row.items()
                               if k.endswith(f"__{w}")})

    ideas = Idea.objects.filter(team_id__in=ids) if team_ids is not None else Idea.objects.all()
    escalated = Exists(Escalation.objects.filter(idea_id=OuterRef("pk"), raised_at__lt=hi))
    aggregates = {}
    for w, lo in los.items():
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
    if live:
        shared = ("open_now", "aging_now")
        aggregates["open_now"] = Count("pk", filter=Q(status__in=OPEN))
        aggregates["aging_now"] = Count("pk", filter=Q(status__in=OPEN,
                                                       aging_flagged_at__isnull=False))
    for row in (ideas.order_by().alias(learning_chars=Length("learning"))
                .values("team_id").annotate(**aggregates)):
        split(row, "team_id", shared)
    if not live:
        for team_id, open_count, aging_count in _aging_at(ideas, teams, hi):
            add(None, team_id, open_now=open_count, aging_now=aging_count)

    # Members and participants (distinct people, so sets rather than sums).
    members: dict[Scope, set[int]] = defaultdict(set)
    for team_id, user_id in (Membership.objects.filter(team_id__in=list(teams.active),
                                                       user__is_active=True)
                             .values_list("team_id", "user_id")):
        for scope in teams.scopes_of(team_id, rollup=rollup):
            members[scope].add(user_id)
    last_seen = _participants(widest, hi)
    active_people = {w: {u for u, at in last_seen.items() if at >= lo} for w, lo in los.items()}

    done_any = Q(status=Idea.Status.DONE, done_at__gte=widest, done_at__lt=hi)
    # Evidence: its subqueries run over the items done in the widest window only.
    for row in (ideas.filter(done_any).filter(evidence_q()).order_by().values("team_id")
                .annotate(**{f"done_evidence__{w}": Count("pk", filter=Q(done_at__gte=lo))
                             for w, lo in los.items()})):
        split(row, "team_id")
    cycle = median_seconds(Idea.objects.filter(done_any, team_id__in=ids), team_field="team_id",
                           level_field="team__tier__level", later="done_at",
                           earlier="created_at", rollup=rollup, windows=los)

    # Escalations received by the scope's teams.
    received = Escalation.objects.filter(to_team_id__in=ids)
    if live:
        # "Now" is now: the clock has moved on since the end of the period.
        open_at_end = Q(state__in=ACTIVE_ESC)
        stalled_at_end = (Q(state=Escalation.State.OPEN, due_ack_at__lt=now)
                          | Q(state=Escalation.State.ACKNOWLEDGED, due_resolve_at__lt=now))
    else:
        open_at_end = Q(raised_at__lt=hi) & (Q(resolved_at__isnull=True)
                                             | Q(resolved_at__gte=hi))
        not_acked = Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=hi)
        stalled_at_end = open_at_end & ((not_acked & Q(due_ack_at__lt=hi))
                                        | (~not_acked & Q(due_resolve_at__lt=hi)))
    esc_aggregates = {"escalations_open": Count("pk", filter=open_at_end),
                      "escalations_stalled": Count("pk", filter=stalled_at_end)}
    for w, lo in los.items():
        decided_in = Q(resolved_at__gte=lo, resolved_at__lt=hi)
        esc_aggregates.update({
            f"escalations_acknowledged__{w}": Count(
                "pk", filter=Q(acknowledged_at__gte=lo, acknowledged_at__lt=hi)),
            f"escalations_resolved__{w}": Count(
                "pk", filter=decided_in & Q(state=Escalation.State.RESOLVED)),
            f"escalations_returned__{w}": Count(
                "pk", filter=decided_in & Q(state=Escalation.State.RETURNED)),
        })
    for row in received.order_by().values("to_team_id").annotate(**esc_aggregates):
        split(row, "to_team_id", ("escalations_open", "escalations_stalled"))
    ack = median_seconds(received.filter(acknowledged_at__gte=widest, acknowledged_at__lt=hi),
                         team_field="to_team_id", level_field="to_team__tier__level",
                         later="acknowledged_at", earlier="raised_at", rollup=rollup,
                         windows=los)
    resolve = median_seconds(received.filter(state__in=DECIDED_ESC, resolved_at__gte=widest,
                                             resolved_at__lt=hi),
                             team_field="to_team_id", level_field="to_team__tier__level",
                             later="resolved_at", earlier="raised_at", rollup=rollup,
                             windows=los)

    # Strategy, SQDC letters and huddles, through their apps' own reads.
    for w, start in starts.items():
        for team_id, figures in alignment_by_team(start=start, end=end, team_ids=ids).items():
            add(w, team_id, alignment_total=figures["total"],
                alignment_aligned=figures["aligned"])
        for team_id, stats in huddles_held_vs_scheduled(sorted(teams.active), start,
                                                        end).items():
            add(w, team_id, huddles_scheduled=stats.scheduled, huddles_held_count=stats.held)
    sqdc = {}
    for w, start in starts.items():
        in_window = Q(date__gte=start)
        sqdc[f"sqdc_set__{w}"] = Count("pk", filter=in_window & ~Q(status=SqdcDay.Status.UNSET))
        sqdc[f"sqdc_greens__{w}"] = Count("pk", filter=in_window
                                          & Q(status=SqdcDay.Status.GREEN))
    for row in (SqdcDay.objects.filter(team_id__in=ids, date__gte=min(starts.values()),
                                       date__lte=end)
                .order_by().values("team_id").annotate(**sqdc)):
        split(row, "team_id")

    # System work: protected vs used improvement time, and reviews missed.
    weekly = _capacity(teams, windows, end, parts, rollup=rollup)
    _reviews(teams, starts, end, now, parts, rollup=rollup, tiers=team_ids is None)

    return {w: {scope: {**_figures(parts[w][scope], members.get(scope, set()),
                                   active_people[w], windows[w], cycle[w].get(scope),
                                   ack[w].get(scope), resolve[w].get(scope)),
                        "capacity_weeks": weekly[w].get(scope, [])}
                for scope in scopes}
            for w in windows}


def capacity_weeks_of(days: int) -> int:
    """The complete weeks a period's capacity figures cover: at least one."""
    return max(1, days // 7)


def _capacity(teams: _Teams, windows: dict[str, int], end: date, parts: dict, *,
              rollup: bool) -> dict[str, dict[Scope, list[dict]]]:
    """Protected and used improvement hours over each window's complete weeks (the weeks up
    to the last Sunday on or before ``end``), added to the parts; returns the weekly figures
    of every scope for the table (oldest first). Three queries (ideas.system_selectors)."""
    span = max(max(capacity_weeks_of(n), CAPACITY_WEEKS_SHOWN) for n in windows.values())
    complete = end.weekday() == 6  # the week of ``end`` is over when ``end`` is a Sunday
    mondays = last_weeks(span, today=end, include_current=complete)
    views = capacity_by_week(sorted(teams.active), span, today=end, include_current=complete)
    weekly: dict[str, dict[Scope, list[dict]]] = {w: {} for w in windows}
    sums: dict[Scope, dict[date, list[float]]] = defaultdict(
        lambda: {m: [0.0, 0.0] for m in mondays})
    for team_id, view in views.items():
        for week in view.weeks:
            for scope in teams.scopes_of(team_id, rollup=rollup):
                bucket = sums[scope][week.week]
                if week.counted:
                    bucket[0] += float(week.protected)
                    bucket[1] += float(week.used)
        sacrificing = int(view.capacity is not None
                          and view.sacrificed_streak >= SACRIFICED_STREAK)
        for w, days in windows.items():
            counted = [wk for wk in view.weeks[-capacity_weeks_of(days):] if wk.counted]
            for scope in teams.scopes_of(team_id, rollup=rollup):
                bucket = parts[w][scope]
                bucket["capacity_protected"] += float(sum(wk.protected for wk in counted))
                bucket["capacity_used"] += float(sum(wk.used for wk in counted))
                bucket["capacity_teams"] += int(view.capacity is not None)
                bucket["capacity_sacrificing"] += sacrificing
    for w, days in windows.items():
        shown = max(capacity_weeks_of(days), CAPACITY_WEEKS_SHOWN)
        for scope, by_week in sums.items():
            weekly[w][scope] = [
                {"week": monday.isoformat(), "protected": round(by_week[monday][0], 2),
                 "used": round(by_week[monday][1], 2),
                 "share": _ratio(by_week[monday][1], by_week[monday][0])}
                for monday in mondays[-shown:]]
    return weekly


def _reviews(teams: _Teams, starts: dict[str, date], end: date, now: datetime, parts: dict, *,
             rollup: bool, tiers: bool) -> None:
    """Review slots missed in each window: the teams' own reviews (and, for the whole
    organisation, the tier leads' joint reviews, counted in their tier and the organisation).
    A slot counts once it is over (it ended on or before ``end``) and when it ended inside the
    window. Two queries, four with the tiers (strategy.system_selectors)."""
    today = min(end + timedelta(days=1), timezone.localdate(now))
    since = min(starts.values())
    # The whole organisation reads every cadence; a team page only its teams'.
    per_team = missed_reviews(start=since, end=end, today=today,
                              team_ids=None if tiers else sorted(teams.active))
    rows = [(teams.scopes_of(team_id, rollup=rollup), figures)
            for team_id, figures in per_team.items() if team_id in teams.level]
    if tiers and rollup:
        levels = set(teams.level.values())
        for level, figures in missed_tier_reviews(start=since, end=end, today=today).items():
            if level in levels:
                rows.append(([("tier", level), ORG], figures))
    for scopes, figures in rows:
        for w, start in starts.items():
            missed = sum(1 for _, slot_end in figures["missed_slots"] if slot_end >= start)
            for scope in scopes:
                parts[w][scope]["review_cadences"] += 1
                parts[w][scope]["reviews_missed"] += missed


def _figures(p: dict, people: set[int], active: set[int], days: int, cycle, ack,
             resolve) -> dict:
    n_members = len(people)
    done = p["done"]
    levels = {key: int(p[key]) for key in LEVELS}
    at = [key for key, n in levels.items() if n]
    # Flagged when enough items were logged and every one of them sits at one level.
    focus = (at[0].removeprefix("level_")
             if len(at) == 1 and levels[at[0]] >= LEVEL_FOCUS_MIN_ITEMS else None)
    return {
        "members": n_members,
        "submitted": int(p["submitted"]),
        "submitted_per_member": _ratio(p["submitted"] * 30, n_members * days, 2),
        "participation": _ratio(len(people & active), n_members),
        "implemented": int(done),
        "declined": int(p["declined"]),
        "implementation_rate": _ratio(done, done + p["declined"]),
        "cycle_time_median": _round(cycle / 86400 if cycle is not None else None),
        "solved_at_tier": _ratio(p["done_no_escalation"], done),
        "solved_count": int(p["done_no_escalation"]),
        "escalations_open": int(p["escalations_open"]),
        "escalations_stalled": int(p["escalations_stalled"]),
        "escalations_acknowledged": int(p["escalations_acknowledged"]),
        "escalations_resolved": int(p["escalations_resolved"]),
        "escalations_returned": int(p["escalations_returned"]),
        "ack_time_median": _round(ack / 3600 if ack is not None else None),
        "resolve_time_median": _round(resolve / 86400 if resolve is not None else None),
        "open_now": int(p["open_now"]),
        "aging_now": int(p["aging_now"]),
        "aging_share": _ratio(p["aging_now"], p["open_now"]),
        "impact_money": _round(p["money"]),
        "impact_hours": _round(p["hours"], 1),
        "learning_share": _ratio(p["done_learning"], done),
        "learning_count": int(p["done_learning"]),
        "alignment": _ratio(p["alignment_aligned"], p["alignment_total"]),
        "alignment_total": int(p["alignment_total"]),
        "sqdc_green": _ratio(p["sqdc_greens"], p["sqdc_set"]),
        "sqdc_set": int(p["sqdc_set"]),
        "huddles_held": (None if not p["huddles_scheduled"] else
                         round(min(1.0, p["huddles_held_count"] / p["huddles_scheduled"]), 4)),
        "huddles_held_count": int(p["huddles_held_count"]),
        "huddles_scheduled": int(p["huddles_scheduled"]),
        "evidence_share": _ratio(p["done_evidence"], done),
        "evidence_count": int(p["done_evidence"]),
        **levels,
        "level_focus": focus,
        "capacity_honoured": _ratio(p["capacity_used"], p["capacity_protected"]),
        "capacity_protected": round(p["capacity_protected"], 2),
        "capacity_used": round(p["capacity_used"], 2),
        "capacity_teams": int(p["capacity_teams"]),
        "capacity_sacrificing": int(p["capacity_sacrificing"]),
        # No figure where no team (or tier) has a review cadence: nothing was expected.
        "missed_reviews": int(p["reviews_missed"]) if p["review_cadences"] else None,
        "review_cadences": int(p["review_cadences"]),
    }


def _participants(lo: datetime, hi: datetime) -> dict[int, datetime]:
    """Each person who logged, commented on or completed an item in [lo, hi), with the time
    they last did (one query)."""
    parts = [
        Idea.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .values(p_user=F("reporter_id"), p_at=F("created_at")),
        Comment.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .values(p_user=F("author_id"), p_at=F("created_at")),
        Idea.objects.filter(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi,
                            learning_by__isnull=False)
        .values(p_user=F("learning_by_id"), p_at=F("done_at")),
        Idea.objects.filter(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi,
                            owner__isnull=False)
        .values(p_user=F("owner_id"), p_at=F("done_at")),
    ]
    sqls, params = [], []
    for qs in parts:
        sql, p = qs.order_by().query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS q{len(sqls)}")
        params += p
    query = (f"SELECT p_user, MAX(p_at) FROM ({' UNION ALL '.join(sqls)}) AS people "
             "GROUP BY p_user")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    out = {}
    for user_id, at in rows:
        if user_id is None:
            continue
        out[user_id] = at
    return out


def _aging_at(ideas, teams: _Teams, hi: datetime):
    """(team id, open items, aging items) as they stood at ``hi``, for days in the past.

    Open then: logged before ``hi`` and open now, or closed only after ``hi``. Aging then: no
    timeline event in the team's threshold before ``hi``, and not waiting on an escalation."""
    open_then = Q(created_at__lt=hi) & (Q(status__in=OPEN) | Q(status_changed_at__gte=hi))
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
    rows = (ideas.filter(open_then).order_by()
            .alias(last_event=last_event, cutoff=cutoff, waiting_then=waiting_then)
            .values("team_id")
            .annotate(n_open=Count("pk"),
                      n_aging=Count("pk", filter=Q(last_event__lt=F("cutoff"),
                                                   waiting_then=False))))
    return [(r["team_id"], r["n_open"], r["n_aging"]) for r in rows if r["team_id"] in teams.level]
