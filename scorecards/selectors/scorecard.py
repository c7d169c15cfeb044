"""The scorecard of a scope (the organisation, a tier or a team) for a period: its tiles with
their targets, its rows (the tiers or teams under it) and its trends.

A scorecard for a standard period (week, month, quarter ending on a day) reads the snapshots
of that day: the scope's own trend series in one query, its children's rows in one more, the
targets in one — a constant number of queries whatever the size of the organisation. A custom
range, or a day without a snapshot, is computed live with the same aggregates.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from core import charts
from core.periods import TREND_POINTS, Period
from ideas.models import Idea
from org.models import Team, Tier

from ..compute import compute
from ..definitions import (
    BAND,
    BY_KEY,
    COLUMN_LABELS,
    GROUP_OF,
    GROUPS,
    LEVEL_FOCUS_MIN_ITEMS,
    LEVELS,
    METRICS,
    MORE_GROUP,
    TABLE_COLUMNS,
    TILES,
    Metric,
    format_value,
    formatter,
    status_for,
)
from ..models import Snapshot, Target
from .links import drill_url, reviews_url, scope_param_of, tile_url

CSS = {"ok": "chip-ok", "warn": "chip-warn", "bad": "chip-bad", "none": ""}
CHART_KEYS = ["submitted", "implemented", "participation", "aging_now", "escalations_stalled",
              "cycle_time_median"]
STATUS_WORDS = {"ok": "on target", "warn": "near target", "bad": "off target", "none": ""}
IDEA_LEVELS = list(Idea.Level.choices)


class Targets:
    """Thresholds per metric and tier: the tier's own, else the organisation's, else the
    shipped default. Loaded once (one query) for a whole page."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int | None], tuple[float, float, float | None]] = {}
        for metric, level, green, amber, upper in Target.objects.values_list(
                "metric", "tier__level", "green", "amber", "upper"):
            self._rows[(metric, level)] = (green, amber, upper)

    def bounds(self, metric: Metric, level: int | None
               ) -> tuple[float | None, float | None, float | None]:
        """(green, amber, upper): upper is the top of a healthy band (None: one-sided)."""
        for key in ((metric.key, level), (metric.key, None)):
            if key in self._rows:
                return self._rows[key]
        return metric.green, metric.amber, metric.upper

    def get(self, metric: Metric, level: int | None) -> tuple[float | None, float | None]:
        return self.bounds(metric, level)[:2]

    def status(self, key: str, value, level: int | None) -> str:
        metric = BY_KEY.get(key)
        if metric is None:
            return "none"
        green, amber, upper = self.bounds(metric, level)
        return status_for(value, direction=metric.direction, green=green, amber=amber,
                          upper=upper)


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
    upper: float | None = None

    @property
    def css(self) -> str:
        return CSS[self.status]

    @property
    def status_word(self) -> str:
        if self.above_band:
            return "above the healthy band"
        return STATUS_WORDS[self.status]

    @property
    def above_band(self) -> bool:
        return (self.metric.direction == BAND and self.upper is not None
                and self.value is not None and self.value > self.upper)

    @property
    def group(self) -> str:
        return GROUP_OF.get(self.metric.key, MORE_GROUP[0])

    @property
    def target_text(self) -> str:
        if self.green is None or self.metric.direction is None:
            return "no target"
        if self.metric.direction == BAND and self.upper is not None:
            return (f"healthy {format_value(self.green, self.metric.unit)}–"
                    f"{format_value(self.upper, self.metric.unit)}")
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
        return scope_param_of(self.kind, self.scope_id, self.team)

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
                         "slack": v.get("capacity_slack"),
                         "sacrificed": v.get("capacity_sacrificed"),
                         "honoured": format_value(honoured, "share"),
                         "teams": v.get("capacity_teams", 0),
                         "sacrificing": v.get("capacity_sacrificing", 0),
                         "weeks": weeks, "chart": charts.paired_bars(weeks, fmt=formatter("hours")),
                         "rows": capacity_rows,
                         "url": reverse("capacity:overview")},
            "missed_reviews": v.get("missed_reviews"),
            "reviews_url": reviews_url(self.kind, self.scope_id, self.team),
        }

    @property
    def groups(self) -> list[dict]:
        """The tiles in their groups, in reading order: flow and learning, escalation as
        design, activity, then any other ("More")."""
        by_group: dict[str, list[Tile]] = {}
        for tile in self.tiles:
            by_group.setdefault(tile.group, []).append(tile)
        return [{"key": key, "label": label, "tiles": by_group[key]}
                for key, label, _ in [*GROUPS, (*MORE_GROUP, [])] if key in by_group]

    @property
    def charts(self) -> list[tuple[str, object]]:
        out = []
        for key in CHART_KEYS:
            metric = BY_KEY[key]
            out.append((metric.label, charts.line_chart(self.trend.get(key, []), label=metric.label,
                                                        fmt=formatter(metric.unit))))
        return out


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
    source, values, child_values, series = _figures(kind, scope_id, team, children, child_kind,
                                                    period, now)
    targets = Targets()
    points = downsample([(d, f) for d, f in series if f])
    trend = {m.key: [(d, f.get(m.key)) for d, f in points] for m in METRICS}
    param = scope_param_of(kind, scope_id, team)
    tiles = [_tile(metric, values.get(metric.key), targets, level, trend[metric.key],
                   tile_url(metric, kind, scope_id, team, param, period)) for metric in TILES]
    rows = [_row(child, child_values.get(child[0]) or {}, child_kind, period, targets)
            for child in children]
    return Scorecard(kind=kind, scope_id=scope_id, title=title, level=level, period=period,
                     source=source, values=values, tiles=tiles, rows=rows, row_kind=child_kind,
                     trend=trend, latest_snapshot=series[-1][0] if series else None,
                     team=team, tier=tier)


def _figures(kind: str, scope_id: int, team: Team | None, children: list, child_kind: str,
             period: Period, now: datetime) -> tuple[str, dict, dict, list]:
    """(source, the scope's figures, its children's {scope: figures}, the trend series): the
    snapshot of the period's last day for a standard period, else computed live."""
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
    if values is not None:
        return "snapshot", values, child_values, series
    if kind == "team":
        ids = [team.pk] + [scope[1] for scope, *_ in children]
        figures = compute(period.start, period.end, team_ids=ids, now=now)
    else:
        figures = compute(period.start, period.end, now=now)
    return ("live", figures.get((kind, scope_id)) or {},
            {scope: figures.get(scope, {}) for scope, *_ in children}, series)


def _tile(metric: Metric, value, targets: Targets, level: int | None, series: list,
          url: str | None) -> Tile:
    green, amber, upper = targets.bounds(metric, level)
    return Tile(metric=metric, value=value, display=format_value(value, metric.unit),
                status=status_for(value, direction=metric.direction, green=green, amber=amber,
                                  upper=upper),
                green=green, amber=amber, series=series, drill_url=url, upper=upper)


def _row(child: tuple, figures: dict, child_kind: str, period: Period, targets: Targets) -> Row:
    """A tier's or a team's row under the scorecard, linking to its own scorecard."""
    scope, label, row_level, obj = child
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
    return row
