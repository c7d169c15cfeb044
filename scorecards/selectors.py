"""Reads behind the scorecard pages, the API and the CSV exports.

A scorecard for a standard period (week, month, quarter ending on a day) reads the snapshots
of that day: the scope's own trend series in one query, its children's rows in one more, the
targets in one — a constant number of queries whatever the size of the organisation. A custom
range, or a day without a snapshot, is computed live with the same aggregates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import charts
from core.dates import day_bounds
from core.params import parse_int
from core.periods import TREND_POINTS, Period, default_end
from escalation.models import Escalation
from ideas.models import Idea
from ideas.selectors import PRIORITY_ORDER, ideas_visible_to, with_card_data
from ideas.system_selectors import top_systemic_issues
from org.models import Team, Tier
from strategy.system_selectors import evidence_q

from .compute import ACTIVE_ESC, DECIDED_ESC, OPEN, compute
from .definitions import (
    BY_KEY,
    COLUMN_LABELS,
    LEVEL_FOCUS_MIN_ITEMS,
    LEVELS,
    METRICS,
    TABLE_COLUMNS,
    TILES,
    Metric,
    format_value,
    formatter,
    status_for,
)
from .models import Snapshot, Target

CSS = {"ok": "chip-ok", "warn": "chip-warn", "bad": "chip-bad", "none": ""}
CHART_KEYS = ["submitted", "implemented", "participation", "aging_now", "escalations_stalled",
              "cycle_time_median"]
STATUS_WORDS = {"ok": "on target", "warn": "near target", "bad": "off target", "none": ""}


# ---------------------------------------------------------------- targets


class Targets:
    """Thresholds per metric and tier: the tier's own, else the organisation's, else the
    shipped default. Loaded once (one query) for a whole page."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int | None], tuple[float, float]] = {}
        for metric, level, green, amber in Target.objects.values_list(
                "metric", "tier__level", "green", "amber"):
            self._rows[(metric, level)] = (green, amber)

    def get(self, metric: Metric, level: int | None) -> tuple[float | None, float | None]:
        for key in ((metric.key, level), (metric.key, None)):
            if key in self._rows:
                return self._rows[key]
        return metric.green, metric.amber

    def status(self, key: str, value, level: int | None) -> str:
        metric = BY_KEY.get(key)
        if metric is None:
            return "none"
        green, amber = self.get(metric, level)
        return status_for(value, direction=metric.direction, green=green, amber=amber)


# ---------------------------------------------------------------- the scorecard


@dataclass
class Tile:
    metric: Metric
    value: object
    display: str
    status: str
    green: float | None
    amber: float | None
    series: list
    drill_url: str | None

    @property
    def css(self) -> str:
        return CSS[self.status]

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def target_text(self) -> str:
        if self.green is None or self.metric.direction is None:
            return "no target"
        sign = "≥" if self.metric.direction == "up" else "≤"
        return f"target {sign} {format_value(self.green, self.metric.unit)}"

    @property
    def sparkline(self):
        return charts.dated_sparkline(self.series, label=self.metric.label,
                                      fmt=formatter(self.metric.unit))


@dataclass
class Cell:
    key: str
    value: object
    display: str
    status: str

    @property
    def css(self) -> str:
        return CSS[self.status]


@dataclass
class Row:
    scope: tuple[str, int]
    label: str
    url: str | None
    level: int | None
    values: dict
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Scorecard:
    kind: str  # org | tier | team
    scope_id: int
    title: str
    level: int | None  # the tier whose targets apply (None: the organisation's)
    period: Period
    source: str  # "snapshot" or "live"
    values: dict
    tiles: list[Tile]
    rows: list[Row]
    row_kind: str  # "tier" or "team"
    trend: dict[str, list]
    latest_snapshot: date | None
    team: Team | None = None
    tier: Tier | None = None

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(key, COLUMN_LABELS[key]) for key in TABLE_COLUMNS]

    @property
    def scope_param(self) -> str:
        return _scope_param(self.kind, self.scope_id, self.team)

    @property
    def system(self) -> dict:
        """The system-work section: the balance across levels (with its flag), evidence beside
        learning notes, protected vs used capacity per week and per row, reviews missed. Read
        from the figures already loaded: no query."""
        v = self.values
        total = sum(v.get(key) or 0 for key in LEVELS)
        levels = [{"key": key, "label": BY_KEY[key].label, "count": v.get(key) or 0,
                   "percent": round((v.get(key) or 0) * 100 / total) if total else 0,
                   "url": drill_url(self.scope_param, key, self.period)} for key in LEVELS]
        focus = v.get("level_focus")
        weeks = []
        rows_weeks = v.get("capacity_weeks") or []
        peak = max([max(w["protected"], w["used"]) for w in rows_weeks] or [0]) or 1
        for w in rows_weeks:
            weeks.append({**w, "week": date.fromisoformat(w["week"]),
                          "protected_pct": round(w["protected"] * 100 / peak),
                          "used_pct": round(w["used"] * 100 / peak),
                          "sacrificed": bool(w["protected"]) and w["used"] * 2 < w["protected"]})
        capacity_rows = [{"label": row.label, "url": row.url,
                          "teams": row.values.get("capacity_teams", 0),
                          "protected": row.values.get("capacity_protected"),
                          "used": row.values.get("capacity_used"),
                          "honoured": row.values.get("capacity_honoured"),
                          "sacrificing": row.values.get("capacity_sacrificing", 0)}
                         for row in self.rows]
        honoured = v.get("capacity_honoured")
        return {
            "levels": levels, "levels_total": total, "min_items": LEVEL_FOCUS_MIN_ITEMS,
            "levels_bar": charts.stacked_bar([(lvl["label"], lvl["count"],
                                               "lvl-" + lvl["key"].removeprefix("level_"))
                                              for lvl in levels]),
            "focus": dict(IDEA_LEVELS).get(focus) if focus else None,
            "done": v.get("implemented"),
            "evidence": v.get("evidence_count") or 0,
            "no_evidence": (v.get("implemented") or 0) - (v.get("evidence_count") or 0),
            "evidence_display": format_value(v.get("evidence_share"), "share"),
            "learning_display": format_value(v.get("learning_share"), "share"),
            "evidence_url": drill_url(self.scope_param, "evidence", self.period),
            "no_evidence_url": drill_url(self.scope_param, "no_evidence", self.period),
            "capacity": {"protected": v.get("capacity_protected"),
                         "used": v.get("capacity_used"),
                         "honoured": format_value(honoured, "share"),
                         "teams": v.get("capacity_teams", 0),
                         "sacrificing": v.get("capacity_sacrificing", 0),
                         "weeks": weeks, "chart": charts.paired_bars(weeks, fmt=formatter("hours")),
                         "rows": capacity_rows,
                         "url": reverse("systemic:capacity-overview")},
            "missed_reviews": v.get("missed_reviews"),
            "reviews_url": reviews_url(self.kind, self.scope_id, self.team),
        }

    @property
    def charts(self) -> list[tuple[str, object]]:
        out = []
        for key in CHART_KEYS:
            metric = BY_KEY[key]
            out.append((metric.label, charts.line_chart(self.trend.get(key, []), label=metric.label,
                                                        fmt=formatter(metric.unit))))
        return out


def _scope_param(kind: str, scope_id: int, team: Team | None = None) -> str:
    if kind == "org":
        return "org"
    if kind == "tier":
        return f"tier:{scope_id}"
    return f"team:{team.slug if team else scope_id}"


IDEA_LEVELS = list(Idea.Level.choices)


def reviews_url(kind: str, scope_id: int, team: Team | None = None) -> str:
    """Where the reviews of a scope are held (the list behind "reviews missed")."""
    if kind == "team" and team is not None:
        return reverse("system:team-review", args=[team.slug])
    if kind == "tier":
        return reverse("system:tier-review", args=[scope_id])
    return reverse("system:reviews")


def _tile_url(metric: Metric, card_kind: str, scope_id: int, team: Team | None,
              scope_param: str, period: Period) -> str | None:
    if metric.key == "missed_reviews":
        return reviews_url(card_kind, scope_id, team)
    if metric.key == "capacity_honoured":
        return reverse("systemic:capacity-overview")
    return drill_url(scope_param, metric.drill, period)


def drill_url(scope: str, drill: str | None, period: Period, **extra) -> str | None:
    if not drill:
        return None
    params = {"scope": scope, "metric": drill, **period.as_params(), **extra}
    return f"{reverse('scorecards:items')}?{urlencode(params)}"


def downsample(points: list) -> list:
    """At most TREND_POINTS of ``points``, evenly spaced, always keeping the last."""
    if len(points) <= TREND_POINTS:
        return points
    step = -(-len(points) // TREND_POINTS)
    return points[::-1][::step][::-1]


def _snapshot_series(kind: str, scope_id: int, period: Period) -> tuple[dict | None, list]:
    """(the figures at the end of the period or None, [(date, figures)]) from one query."""
    rows = list(Snapshot.objects.filter(scope=kind, scope_id=scope_id,
                                        date__gte=period.trend_start, date__lte=period.end)
                .order_by("date").values_list("date", f"metrics__{period.window}"))
    at_end = rows[-1][1] if rows and rows[-1][0] == period.end and rows[-1][1] else None
    return at_end, rows


def _children(kind: str, scope_id: int, team: Team | None) -> list[tuple[tuple[str, int], str,
                                                                          int | None, object]]:
    """(scope, label, tier level, object) of the rows under a scorecard (one query)."""
    if kind == "org":
        return [(("tier", t.level), f"Tier {t.level} · {t.name}", t.level, t)
                for t in Tier.objects.order_by("-level")]
    if kind == "tier":
        teams = Team.objects.filter(tier__level=scope_id, active=True).select_related("tier")
    else:
        teams = team.children.filter(active=True).select_related("tier")
    return [(("team", t.pk), t.name, t.tier.level, t) for t in teams.order_by("name")]


def latest_snapshot_date() -> date | None:
    return (Snapshot.objects.filter(scope=Snapshot.Scope.ORG).order_by("-date")
            .values_list("date", flat=True).first())


def scorecard(kind: str, *, period: Period, scope_id: int = 0, team: Team | None = None,
              tier: Tier | None = None, now: datetime | None = None) -> Scorecard:
    """The scorecard of a scope for a period, with its children's rows and trends."""
    now = now or timezone.now()
    if kind == "team":
        scope_id = team.pk
        level, title = team.tier.level, team.name
    elif kind == "tier":
        level, title = scope_id, f"Tier {scope_id} · {tier.name}" if tier else f"Tier {scope_id}"
    else:
        level, title = None, "Organisation"
    children = _children(kind, scope_id, team)
    child_kind = "tier" if kind == "org" else "team"

    values, series = (None, [])
    child_values: dict = {}
    if period.kind != "custom":
        values, series = _snapshot_series(kind, scope_id, period)
        if values is not None and children:
            child_ids = [scope[1] for scope, *_ in children]
            child_values = {
                (child_kind, sid): figures or {}
                for sid, figures in Snapshot.objects.filter(
                    scope=child_kind, scope_id__in=child_ids, date=period.end)
                .values_list("scope_id", f"metrics__{period.window}")}
    else:
        _, series = _snapshot_series(kind, scope_id, period)
    source = "snapshot"
    if values is None:
        source = "live"
        if kind == "team":
            ids = [team.pk] + [scope[1] for scope, *_ in children]
            figures = compute(period.start, period.end, team_ids=ids, now=now)
        else:
            figures = compute(period.start, period.end, now=now)
        values = figures.get((kind, scope_id)) or {}
        child_values = {scope: figures.get(scope, {}) for scope, *_ in children}

    targets = Targets()
    scope_param = _scope_param(kind, scope_id, team)
    points = downsample([(d, f) for d, f in series if f])
    trend = {m.key: [(d, f.get(m.key)) for d, f in points] for m in METRICS}
    tiles = []
    for metric in TILES:
        value = values.get(metric.key)
        green, amber = targets.get(metric, level)
        tiles.append(Tile(
            metric=metric, value=value, display=format_value(value, metric.unit),
            status=status_for(value, direction=metric.direction, green=green, amber=amber),
            green=green, amber=amber, series=trend[metric.key],
            drill_url=_tile_url(metric, kind, scope_id, team, scope_param, period)))
    rows = []
    for scope, label, row_level, obj in children:
        figures = child_values.get(scope) or {}
        if child_kind == "tier":
            url = reverse("scorecards:tier", args=[scope[1]])
        else:
            url = reverse("scorecards:team", args=[obj.slug])
        url += "?" + urlencode(period.as_params())
        row = Row(scope=scope, label=label, url=url, level=row_level, values=figures)
        for key in TABLE_COLUMNS:
            metric = BY_KEY.get(key)
            value = figures.get(key)
            unit = metric.unit if metric else "count"
            row.cells.append(Cell(key=key, value=value, display=format_value(value, unit),
                                  status=targets.status(key, value, row_level)))
        rows.append(row)
    return Scorecard(kind=kind, scope_id=scope_id, title=title, level=level, period=period,
                     source=source, values=values, tiles=tiles, rows=rows, row_kind=child_kind,
                     trend=trend, latest_snapshot=series[-1][0] if series else None,
                     team=team, tier=tier)


# ---------------------------------------------------------------- CSV


def metrics_csv_rows(card: Scorecard) -> list[list]:
    rows = [["metric", "value", "unit", "status", "green", "amber", "period_from", "period_to"]]
    for tile in card.tiles:
        rows.append([tile.metric.label, blank(tile.value),
                     tile.metric.unit, tile.status_word or "", blank(tile.green),
                     blank(tile.amber), card.period.start.isoformat(),
                     card.period.end.isoformat()])
    return rows


def table_csv_rows(card: Scorecard) -> list[list]:
    rows = [[card.row_kind, *[label for _, label in card.columns]]]
    for row in card.rows:
        rows.append([row.label, *[blank(cell.value) for cell in row.cells]])
    return rows


def trend_csv_rows(card: Scorecard) -> list[list]:
    return series_csv_rows(card.trend, {m.key: m.label for m in TILES})


def series_csv_rows(trend: dict[str, list], labels: dict[str, str]) -> list[list]:
    """Trend series ({key: [(date, value), …]}) as one CSV table: a row per date, a column per
    key (``labels`` names the columns, in order)."""
    dates = sorted({d for key in labels for d, _ in trend.get(key, [])})
    by_key = {key: dict(trend.get(key, [])) for key in labels}
    rows = [["date", *labels.values()]]
    for d in dates:
        rows.append([d.isoformat(), *[blank(by_key[k].get(d)) for k in labels]])
    return rows


def blank(value):
    """A CSV cell: empty for a missing figure."""
    return "" if value is None else value


# ---------------------------------------------------------------- the items behind a number

DRILLS = {
    "submitted": "Logged in the period",
    "implemented": "Done in the period",
    "solved_at_tier": "Done in the period without escalation",
    "aging": "Aging now (no activity beyond the tier's threshold)",
    "escalations_open": "Waiting on an escalation to these teams",
    "escalations_stalled": "Escalation to these teams stalled (past its SLA)",
    "escalations_acknowledged": "Escalations acknowledged in the period",
    "escalations_decided": "Escalations decided in the period (resolved or returned)",
    "important": "Most important open problems",
    "level_team": "Logged in the period at team level",
    "level_cross_team": "Logged in the period at cross-team level",
    "level_system": "Logged in the period at system level",
    "evidence": "Done in the period with evidence (an experiment decided or a KPI movement)",
    "no_evidence": "Done in the period without evidence",
}


@dataclass(frozen=True)
class DrillScope:
    kind: str
    scope_id: int
    label: str
    team: Team | None = None
    tier: Tier | None = None

    @property
    def param(self) -> str:
        return _scope_param(self.kind, self.scope_id, self.team)

    def team_filter(self, field: str = "team") -> Q:
        if self.kind == "org":
            return Q()
        if self.kind == "tier":
            return Q(**{f"{field}__tier__level": self.scope_id})
        return Q(**{f"{field}_id": self.scope_id})


def parse_scope(value: str) -> DrillScope:
    """``org``, ``tier:<level>`` or ``team:<slug>``; 404 for what does not exist."""
    value = (value or "org").strip()
    if value == "org":
        return DrillScope("org", 0, "Organisation")
    kind, _, ref = value.partition(":")
    if kind == "tier":
        tier = Tier.objects.filter(level=parse_int(ref, low=1, high=32767) or -1).first()
        if tier is None:
            raise Http404("No such tier.")
        return DrillScope("tier", tier.level, f"Tier {tier.level} · {tier.name}", tier=tier)
    if kind == "team":
        team = Team.objects.select_related("tier").filter(slug=ref).first()
        if team is None:
            raise Http404("No such team.")
        return DrillScope("team", team.pk, team.name, team=team)
    raise Http404("No such scope.")


def drill_items(user, scope: DrillScope, drill: str, period: Period, *, category: str = "",
                kind: str = "", now: datetime | None = None) -> QuerySet[Idea]:
    """The items behind a number, as the user may see them (private items stay hidden)."""
    now = now or timezone.now()
    lo, hi = day_bounds(period.start, period.end)
    qs = with_card_data(ideas_visible_to(user))
    if drill.startswith("escalations_"):
        esc = Escalation.objects.filter(idea_id=OuterRef("pk")).filter(
            scope.team_filter("to_team"))
        if drill == "escalations_open":
            esc = esc.filter(state__in=ACTIVE_ESC)
        elif drill == "escalations_stalled":
            esc = esc.filter(Q(state=Escalation.State.OPEN, due_ack_at__lt=now)
                             | Q(state=Escalation.State.ACKNOWLEDGED, due_resolve_at__lt=now))
        elif drill == "escalations_acknowledged":
            esc = esc.filter(acknowledged_at__gte=lo, acknowledged_at__lt=hi)
        else:
            esc = esc.filter(state__in=DECIDED_ESC, resolved_at__gte=lo, resolved_at__lt=hi)
        qs = qs.filter(Exists(esc)).order_by("-last_activity_at", "-id")
    else:
        qs = qs.filter(scope.team_filter())
        done_in = Q(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi)
        if drill == "submitted":
            qs = qs.filter(created_at__gte=lo, created_at__lt=hi).order_by("-created_at", "-id")
        elif drill == "implemented":
            qs = qs.filter(done_in).order_by("-done_at", "-id")
        elif drill == "solved_at_tier":
            escalated = Escalation.objects.filter(idea_id=OuterRef("pk"), raised_at__lt=hi)
            qs = qs.filter(done_in).exclude(Exists(escalated)).order_by("-done_at", "-id")
        elif drill in LEVELS:
            qs = qs.filter(created_at__gte=lo, created_at__lt=hi,
                           level=drill.removeprefix("level_")).order_by("-created_at", "-id")
        elif drill == "evidence":
            qs = qs.filter(done_in).filter(evidence_q()).order_by("-done_at", "-id")
        elif drill == "no_evidence":
            qs = qs.filter(done_in).exclude(evidence_q()).order_by("-done_at", "-id")
        elif drill == "aging":
            qs = qs.filter(status__in=OPEN, aging_flagged_at__isnull=False).order_by(
                "last_activity_at", "id")
        elif drill == "important":
            qs = (qs.filter(status__in=OPEN, kind=Idea.Kind.PROBLEM)
                  .alias(priority_order=PRIORITY_ORDER)
                  .order_by("priority_order",
                            F("estimated_money_per_year").desc(nulls_last=True),
                            "created_at", "id"))
        else:
            raise Http404("No such figure.")
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


# ---------------------------------------------------------------- the executive home

def executive_overview(user, *, now: datetime | None = None) -> dict:
    """What a CEO asks of the improvement system, on one panel; every figure links to the
    list behind it.

    The lists (most important problems, new problems by category and team) are the items the
    executive may see. The rates are the organisation's scorecard for the last 30 days (the
    nightly snapshot, or computed live when there is none) — the same figures as the
    organisation scorecard, whose audience this panel shares — and the escalations moving or
    stalled are counted now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month_start = today.replace(day=1)
    this_month = Period("custom", month_start, today)
    card = scorecard("org", period=Period("month", default_end() - timedelta(days=29),
                                          default_end()), now=now)
    period = card.period
    values = card.values

    # Patterns: new problems this month, category × team, hot spots highlighted.
    month_lo, month_hi = day_bounds(this_month.start, this_month.end)
    counts = defaultdict(int)
    team_names = {}
    for team_id, team_name, team_slug, category, n in _count_rows(
            ideas_visible_to(user).filter(kind=Idea.Kind.PROBLEM, created_at__gte=month_lo,
                                          created_at__lt=month_hi)):
        counts[(team_id, category)] = n
        team_names[team_id] = (team_name, team_slug)
    categories = list(Idea.Category.choices)
    totals = defaultdict(int)
    for (team_id, _), n in counts.items():
        totals[team_id] += n
    top_teams = sorted(totals, key=lambda t: (-totals[t], team_names[t][0]))[:8]
    cells = [n for n in counts.values() if n]
    mean = sum(cells) / len(cells) if cells else 0
    hot_from = max(3, 2 * mean)
    pattern_rows = []
    for team_id in top_teams:
        name, slug = team_names[team_id]
        row = {"team": name, "total": totals[team_id], "cells": []}
        for code, label in categories:
            n = counts.get((team_id, code), 0)
            row["cells"].append({
                "category": label, "count": n, "hot": n >= hot_from,
                "url": drill_url(f"team:{slug}", "submitted", this_month, category=code,
                                 kind=Idea.Kind.PROBLEM)})
        pattern_rows.append(row)

    # Solved at the front line (the lowest tier, without escalation) and learning notes.
    front = next((row for row in reversed(card.rows)), None)  # tiers come top tier first
    total = values.get("implemented") or 0
    front_solved = _count_of(front.values, "solved_count", "solved_at_tier") if front else 0
    learning = _count_of(values, "learning_count", "learning_share")
    done_figures = {"total": total, "front": front_solved, "learning": learning,
                    "front_share": front_solved / total if total else None,
                    "learning_share": values.get("learning_share")}

    # Escalations moving vs stalled right now (one indexed count over the active ones).
    overdue = (Q(state=Escalation.State.OPEN, due_ack_at__lt=now)
               | Q(state=Escalation.State.ACKNOWLEDGED, due_resolve_at__lt=now))
    esc = Escalation.objects.filter(state__in=ACTIVE_ESC).aggregate(
        active=Count("pk"), stalled=Count("pk", filter=overdue))
    return {
        "important": _most_important(user),
        "important_url": drill_url("org", "important", period),
        "patterns": {"categories": [label for _, label in categories], "rows": pattern_rows,
                     "month": month_start, "hot_from": hot_from},
        "period": period,
        "done": done_figures,
        "front_level": front.level if front else None,
        "front_url": drill_url(f"tier:{front.level}", "solved_at_tier", period)
        if front else None,
        "done_url": drill_url("org", "implemented", period),
        "escalations": {**esc, "moving": esc["active"] - esc["stalled"],
                        "resolved": values.get("escalations_resolved", 0),
                        "returned": values.get("escalations_returned", 0),
                        "ack_hours": values.get("ack_time_median"),
                        "resolve_days": values.get("resolve_time_median")},
        "stalled_url": drill_url("org", "escalations_stalled", period),
        "open_url": drill_url("org", "escalations_open", period),
        "decided_url": drill_url("org", "escalations_decided", period),
        "alignment": _priority_alignment(),
        "systemic": _systemic_issues(user),
        "systemic_url": reverse("systemic:list"),
        "scorecard_url": reverse("scorecards:index"),
    }


SYSTEMIC_ISSUES_SHOWN = 5
SYSTEMIC_TREND_MONTHS = 6


def _systemic_issues(user) -> list[dict]:
    """The top unresolved systemic issues with their linked problems per month (two queries).
    Plain values, so the cached panel holds no model instances; a private problem adds to the
    counts but never shows its title here."""
    out = []
    for issue in top_systemic_issues(user, limit=SYSTEMIC_ISSUES_SHOWN,
                                     months=SYSTEMIC_TREND_MONTHS):
        out.append({
            "id": issue.pk, "title": issue.title, "status": issue.get_status_display(),
            "owner": issue.owner_team.name, "problems": issue.problem_count,
            "recent": issue.recent, "trend": issue.trend,
            "series": [(p["month"], p["count"]) for p in issue.series],
            "sparkline": charts.monthly_sparkline(issue.series, label="Linked problems per month"),
            "url": reverse("systemic:detail", args=[issue.pk]),
        })
    return out


def _count_of(values: dict, count_key: str, share_key: str) -> int:
    """A count stored with the figures, or (older snapshots) rebuilt from its share."""
    if count_key in values:
        return int(values[count_key])
    share = values.get(share_key)
    return round(share * (values.get("implemented") or 0)) if share is not None else 0


def _most_important(user, limit: int = 5) -> list[Idea]:
    """Open problems, high priority first, then the largest estimated saving, then the
    oldest. The order is found on the narrow rows; only the winners are read in full."""
    ids = list(
        ideas_visible_to(user).filter(status__in=OPEN, kind=Idea.Kind.PROBLEM)
        .alias(priority_order=PRIORITY_ORDER)
        .order_by("priority_order", F("estimated_money_per_year").desc(nulls_last=True),
                  "created_at", "id")
        .values_list("pk", flat=True)[:limit])
    by_id = {i.pk: i for i in with_card_data(Idea.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids]


def _count_rows(qs):
    return (qs.order_by().values_list("team_id", "team__name", "team__slug", "category")
            .annotate(n=Count("pk")))


def _priority_alignment() -> list[dict]:
    """Each open priority's share of the improvement work in its teams and period
    (organisation-wide figures, like the scorecard)."""
    from strategy.selectors import open_priorities, priority_alignment

    priorities = list(open_priorities().prefetch_related("deployments")[:8])
    figures = priority_alignment(priorities)
    return [{"priority": p, "url": reverse("strategy:priority", args=[p.pk]),
             **figures.get(p.pk, {"total": 0, "aligned": 0, "share": None})}
            for p in priorities]
