"""The executive scorecard: the executive layer graded on its own work — clarity of the
priorities, stability of direction, constraint coverage, decisions at the top tier, the
systemic issues and whether protected improvement capacity is honoured org-wide.

Every figure comes from the selectors of the apps that own the data (strategy, escalation,
ideas); this module assembles them for a period, adds the trends from the nightly
organisation snapshots (``Snapshot.metrics["executive"][window]``) and the lists behind the
figures. A constant number of queries, whatever the number of priorities, teams, escalations
or systemic issues."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from capacity.selectors import capacity_by_tier
from core import charts
from core.dates import day_bounds
from core.periods import WINDOWS, Period
from escalation.selectors import top_tier_decisions
from org.models import Team
from strategy.figures import churn_by_cycle, clarity, constraint_coverage, stability
from strategy.models import KPI, Priority
from systemic.selectors import top_systemic_issues

from .definitions import format_value, formatter
from .models import Snapshot
from .selectors.exports import blank, series_csv_rows
from .selectors.scorecard import downsample

CAPACITY_WEEKS = 4
CYCLES = 4
TOP_ISSUES = 5
ISSUE_MONTHS = 12
# The priorities that fall short are listed in full up to this many (the count is exact).
SHORTFALL_LIMIT = 50


@dataclass(frozen=True)
class Figure:
    """One headline figure: what it is, its one-line explanation and the list behind it."""

    key: str
    label: str
    unit: str
    help: str
    url_name: str
    trend: bool = True


FIGURES = [
    Figure("clarity_share", "Clarity", "share",
           "Active priorities with success criteria, a KPI, an owner team and a why-now.",
           "strategy:index"),
    Figure("churn", "Changes outside windows", "count",
           "Changes to priorities and constraints in the period made outside a planning "
           "window (churn).", "strategy:changes"),
    Figure("coverage_share", "Constraint coverage", "share",
           "Active teams under at least one active constraint.", "strategy:constraints"),
    Figure("received", "Escalations to the top tier", "count",
           "Escalations raised to a top-tier team in the period.", "escalation:overview"),
    Figure("median_hours_to_decide", "Median time to decide", "hours",
           "Hours from raised to decided, for the top-tier escalations decided.",
           "escalation:overview"),
    Figure("share_returned", "Returned", "share",
           "Of the top-tier escalations decided, the share returned rather than resolved.",
           "escalation:overview"),
    Figure("capacity_share", "Protected capacity honoured", "share",
           f"Improvement hours used of those protected, every team, last {CAPACITY_WEEKS} "
           "complete weeks.", "capacity:overview"),
]
BY_KEY = {f.key: f for f in FIGURES}
# Stored in the snapshot beside the headline figures (the CSV and the API carry them too).
EXTRA_KEYS = ["priorities_active", "priorities_clear", "changes", "priority_churn",
              "constraint_churn", "teams", "teams_covered", "decided", "resolved", "returned",
              "share_resolved", "capacity_protected", "capacity_used", "capacity_slack",
              "capacity_sacrificed"]


def _float(value) -> float | None:
    return None if value is None else float(value)


def _capacity_total(rows: list[dict]) -> dict:
    """Org-wide protected vs used hours from the per-tier rows."""
    protected = sum((r["protected"] for r in rows), Decimal("0"))
    used = sum((r["used"] for r in rows), Decimal("0"))
    share = round(float(used / protected), 4) if protected else None
    return {"protected": protected, "used": used, "share": share,
            "slack": sum((r["slack"] for r in rows), Decimal("0")),
            "sacrificed": sum((r["sacrificed"] for r in rows), Decimal("0")),
            "percent": None if share is None else round(share * 100),
            "teams": sum(r["teams"] for r in rows),
            "with_capacity": sum(r["with_capacity"] for r in rows),
            "sacrificing": sum(r["sacrificing"] for r in rows)}


def capacity_today(end: date) -> date:
    """The day ``capacity_by_tier`` is asked about so that it counts the complete weeks up to
    ``end`` (a week ending on ``end`` is complete)."""
    return end + timedelta(days=1)


def point_figures(end: date) -> tuple[dict, dict, dict, list[dict]]:
    """The figures that describe a day rather than a period: clarity, coverage, capacity."""
    clear = clarity(on=end)
    coverage = constraint_coverage(on=end)
    tiers = capacity_by_tier(CAPACITY_WEEKS, today=capacity_today(end))
    return clear, coverage, _capacity_total(tiers), tiers


def period_figures(start: date, end: date) -> tuple[dict, dict]:
    """The figures that count what happened in [start, end]: churn and top-tier decisions."""
    lo, hi = day_bounds(start, end)
    return stability(start=start, end=end), top_tier_decisions(start=lo, end=hi)


def flatten(clear: dict, churn: dict, coverage: dict, decisions: dict, capacity: dict) -> dict:
    """The executive figures as a flat dict of numbers (the snapshot, the CSV and the API)."""
    return {
        "clarity_share": clear["share"],
        "priorities_active": clear["total"],
        "priorities_clear": clear["clear"],
        "changes": churn["changes"],
        "churn": churn["churn"],
        "priority_churn": churn["priority_churn"],
        "constraint_churn": churn["constraint_churn"],
        "coverage_share": coverage["share"],
        "teams": coverage["teams"],
        "teams_covered": coverage["covered"],
        "received": decisions["received"],
        "decided": decisions["decided"],
        "resolved": decisions["resolved"],
        "returned": decisions["returned"],
        "median_hours_to_decide": _float(decisions["median_hours_to_decide"]),
        "share_returned": decisions["share_returned"],
        "share_resolved": decisions["share_resolved"],
        "capacity_protected": _float(capacity["protected"]),
        "capacity_used": _float(capacity["used"]),
        "capacity_share": capacity["share"],
        "capacity_slack": _float(capacity["slack"]),
        "capacity_sacrificed": _float(capacity["sacrificed"]),
    }


def snapshot_figures(day: date) -> dict:
    """What the nightly organisation snapshot keeps of the executive layer for ``day``:
    ``{"week": {...}, "month": {...}, "quarter": {...}}``, each window's churn and decisions
    with the day's clarity, coverage and capacity."""
    clear, coverage, capacity, _ = point_figures(day)
    out = {}
    for window, days in WINDOWS.items():
        churn, decisions = period_figures(day - timedelta(days=days - 1), day)
        out[window] = flatten(clear, churn, coverage, decisions, capacity)
    return out


# ---------------------------------------------------------------- the page


@dataclass
class Tile:
    figure: Figure
    value: float | None
    url: str
    series: list = field(default_factory=list)

    @property
    def display(self) -> str:
        return format_value(self.value, self.figure.unit)

    @property
    def sparkline(self) -> SafeString:
        return charts.dated_sparkline(self.series, label=self.figure.label,
                                      fmt=formatter(self.figure.unit))


@dataclass
class Shortfall:
    priority: Priority
    lacks: list[str]
    url: str


@dataclass
class ExecutiveScorecard:
    period: Period
    values: dict
    tiles: list[Tile]
    clarity: dict
    shortfalls: list[Shortfall]
    stability: dict
    cycles: list[dict]
    coverage: dict
    uncovered: list[Team]
    decisions: dict
    issues: list
    capacity: dict
    capacity_tiers: list[dict]
    trend: dict[str, list[tuple[date, float | None]]]
    snapshots: int
    urls: dict
    computed_at: datetime
    issue_months = ISSUE_MONTHS
    capacity_weeks = CAPACITY_WEEKS

    @property
    def shortfall_more(self) -> int:
        return max(self.clarity["total"] - self.clarity["clear"] - len(self.shortfalls), 0)


def _shortfalls(on: date) -> list[Shortfall]:
    """The active priorities ``clarity`` does not count as clear, with what each lacks (one
    query; the same conditions as ``strategy.figures.clarity``)."""
    has_kpi = Exists(KPI.objects.filter(priority_id=OuterRef("pk")))
    rows = (Priority.objects.filter(status=Priority.Status.ACTIVE, start__lte=on, end__gte=on)
            .annotate(has_kpi=has_kpi)
            .filter(Q(success_criteria="") | Q(has_kpi=False) | Q(owner_team__isnull=True)
                    | Q(why_now=""))
            .select_related("owner_team").order_by("end", "title", "pk")[:SHORTFALL_LIMIT])
    out = []
    for p in rows:
        lacks = [label for missing, label in [
            (not p.success_criteria, "success criteria"), (not p.has_kpi, "a KPI"),
            (p.owner_team_id is None, "an owner team"), (not p.why_now, "a why-now")] if missing]
        out.append(Shortfall(priority=p, lacks=lacks,
                             url=reverse("strategy:priority", args=[p.pk])))
    return out


def snapshot_trend(period: Period) -> tuple[int, dict[str, list[tuple[date, float | None]]]]:
    """(snapshots found, {figure: [(date, value)]}) from the organisation snapshots of the
    trend range: each point is the figure of the period's window ending that day. One query."""
    rows = [(d, f) for d, f in Snapshot.objects.filter(
        scope=Snapshot.Scope.ORG, scope_id=0, date__gte=period.trend_start,
        date__lte=period.end).order_by("date")
        .values_list("date", f"metrics__executive__{period.window}") if f]
    rows = downsample(rows)
    return len(rows), {f.key: [(d, figures.get(f.key)) for d, figures in rows]
                       for f in FIGURES if f.trend}


def executive_scorecard(user, *, period: Period, now: datetime | None = None
                        ) -> ExecutiveScorecard:
    """The executive scorecard for ``period`` as ``user`` sees it (only the systemic issues'
    list depends on the reader). Clarity, coverage and capacity describe the period's last
    day; churn and top-tier decisions count the period. A constant number of queries."""
    end = period.end
    clear, coverage, capacity, tiers = point_figures(end)
    churn, decisions = period_figures(period.start, end)
    values = flatten(clear, churn, coverage, decisions, capacity)
    count, trend = snapshot_trend(period)
    urls = {f.key: reverse(f.url_name) for f in FIGURES}
    urls["changes"] = reverse("strategy:changes")
    urls["issues"] = reverse("systemic:list")
    urls["capacity"] = reverse("capacity:overview")
    urls["escalations"] = reverse("escalation:overview")
    tiles = [Tile(figure=f, value=values[f.key], url=urls[f.key], series=trend.get(f.key, []))
             for f in FIGURES]
    uncovered = (list(Team.objects.filter(pk__in=coverage["uncovered_ids"])
                      .select_related("tier").order_by("-tier__level", "name"))
                 if coverage["uncovered_ids"] else [])
    issues = top_systemic_issues(user, TOP_ISSUES, ISSUE_MONTHS)
    for issue in issues:
        issue.sparkline = charts.monthly_sparkline(issue.series, label="Linked problems per month")
        issue.url = reverse("systemic:detail", args=[issue.pk])
        issue.total = sum(p["count"] for p in issue.series)
    return ExecutiveScorecard(
        period=period, values=values, tiles=tiles, clarity=clear,
        shortfalls=_shortfalls(end) if clear["total"] != clear["clear"] else [],
        stability=churn, cycles=churn_by_cycle(cycles=CYCLES, today=end), coverage=coverage,
        uncovered=uncovered, decisions=decisions, issues=issues, capacity=capacity,
        capacity_tiers=tiers, trend=trend, snapshots=count, urls=urls,
        computed_at=now or timezone.now())


# ---------------------------------------------------------------- CSV


def metrics_csv_rows(card: ExecutiveScorecard) -> list[list]:
    rows = [["figure", "key", "value", "unit", "period_from", "period_to"]]
    start, end = card.period.start.isoformat(), card.period.end.isoformat()
    for tile in card.tiles:
        rows.append([tile.figure.label, tile.figure.key, blank(tile.value), tile.figure.unit,
                     start, end])
    for key in EXTRA_KEYS:
        rows.append([key.replace("_", " ").capitalize(), key, blank(card.values.get(key)),
                     "share" if key.startswith("share") else "hours"
                     if key.startswith("capacity") else "count", start, end])
    return rows


def trend_csv_rows(card: ExecutiveScorecard) -> list[list]:
    return series_csv_rows(card.trend, {f.key: f.label for f in FIGURES if f.trend})
