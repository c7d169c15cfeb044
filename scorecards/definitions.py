"""The scorecard metrics: what each one means, how it is shown, and its shipped target.

Every metric is computed for a *scope* (a team's own items, every team at one tier, or the
whole organisation) and a *period* (the days from ``start`` to ``end``, both included).
Point-in-time metrics ("now") are read at the end of the period.

Targets: ``direction`` says which way is good. For "up" metrics a value at or above ``green``
is green, at or above ``amber`` amber, else red; for "down" metrics the reverse. Admins
override the shipped defaults per tier (and for the organisation) in the Django admin.
"""

from dataclasses import dataclass

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # count | share | rate | days | hours | money | ratio
    direction: str | None  # UP, DOWN, or None (no target: context only)
    help: str
    green: float | None = None  # the shipped default target
    amber: float | None = None
    drill: str | None = None  # the item list behind the number (scorecards.selectors.DRILLS)
    tile: bool = True  # shown as a tile on the scorecard pages


METRICS: list[Metric] = [
    Metric("submitted", "Ideas submitted", "count", UP,
           "Problems and ideas logged in the period.", drill="submitted"),
    Metric("submitted_per_member", "Submitted per member", "rate", UP,
           "Items logged per team member, scaled to 30 days so periods compare.",
           green=1.0, amber=0.5, drill="submitted"),
    Metric("participation", "Participation", "share", UP,
           "Share of members who logged, commented on or completed an item in the period.",
           green=0.6, amber=0.4),
    Metric("implemented", "Implemented", "count", UP,
           "Items closed as done in the period.", drill="implemented"),
    Metric("implementation_rate", "Implementation rate", "share", UP,
           "Of the items decided in the period (done or declined), the share done.",
           green=0.7, amber=0.5, drill="implemented"),
    Metric("cycle_time_median", "Median cycle time", "days", DOWN,
           "Median days from logging to done, over the items done in the period.",
           green=30, amber=60, drill="implemented"),
    Metric("solved_at_tier", "Solved at the owning tier", "share", UP,
           "Of the items done in the period, the share done without any escalation.",
           green=0.8, amber=0.6, drill="solved_at_tier"),
    Metric("escalations_open", "Escalations open", "count", DOWN,
           "Escalations waiting on the scope's teams (open or acknowledged) at the end of the "
           "period.", drill="escalations_open"),
    Metric("escalations_stalled", "Escalations stalled", "count", DOWN,
           "Open escalations past their time to acknowledge or to resolve.",
           green=0, amber=2, drill="escalations_stalled"),
    Metric("ack_time_median", "Median time to acknowledge", "hours", DOWN,
           "Median hours from raising to acknowledging, over escalations the scope's teams "
           "acknowledged in the period.", green=24, amber=48, drill="escalations_acknowledged"),
    Metric("resolve_time_median", "Median time to resolve", "days", DOWN,
           "Median days from raising to a decision (resolved or returned), over escalations "
           "the scope's teams decided in the period.", green=5, amber=10,
           drill="escalations_decided"),
    Metric("escalations_resolved", "Escalations resolved", "count", None,
           "Escalations the scope's teams resolved in the period.", drill="escalations_decided",
           tile=False),
    Metric("escalations_returned", "Escalations returned", "count", None,
           "Escalations the scope's teams returned with guidance in the period.",
           drill="escalations_decided", tile=False),
    Metric("aging_now", "Aging items now", "count", DOWN,
           "Open items without activity beyond their tier's aging threshold at the end of the "
           "period.", drill="aging"),
    Metric("aging_share", "Share of open items aging", "share", DOWN,
           "Aging items as a share of all open items at the end of the period.",
           green=0.1, amber=0.2, drill="aging", tile=False),
    Metric("impact_money", "Actual impact (money / year)", "money", UP,
           "Sum of the actual yearly savings of the items done in the period.",
           drill="implemented"),
    Metric("impact_hours", "Actual impact (hours / year)", "hours", UP,
           "Sum of the actual yearly hours saved by the items done in the period.",
           drill="implemented"),
    Metric("learning_share", "Done with a learning note", "share", UP,
           "Of the items done in the period, the share whose learning note says something "
           "(at least 30 characters).", green=0.9, amber=0.7, drill="implemented"),
    Metric("evidence_share", "Done with evidence", "share", UP,
           "Of the items done in the period, the share with evidence: an experiment decided "
           "(adopt, adapt or abandon), or a KPI it links (through a priority it serves or an "
           "experiment) with a reading before the day it was done and one on or after it.",
           green=0.5, amber=0.3, drill="evidence"),
    Metric("held_share", "Held after the check", "share", UP,
           "Of the \"did it hold?\" checks answered in the period (weeks after an item was "
           "done), the share answered \"held\"; partly held and slipped count against it.",
           green=0.8, amber=0.6, drill="held_checked"),
    Metric("alignment", "Strategic alignment", "share", UP,
           "Of the items logged in the period, the share linked to an active priority.",
           green=0.6, amber=0.4, drill="submitted"),
    Metric("sqdc_green", "SQDC green share", "share", UP,
           "Of the SQDC letters set in the period, the share set green.", green=0.8, amber=0.6),
    Metric("huddles_held", "Huddles held", "share", UP,
           "Huddles held as a share of those scheduled (every weekday).", green=0.9,
           amber=0.75),
    # System work: the level of the work, protected capacity and the review cadence.
    Metric("level_team", "Team level", "count", None,
           "Items logged in the period at team level (they change how one team works).",
           drill="level_team", tile=False),
    Metric("level_cross_team", "Cross-team level", "count", None,
           "Items logged in the period at cross-team level (hand-offs between teams).",
           drill="level_cross_team", tile=False),
    Metric("level_system", "System level", "count", None,
           "Items logged in the period at system level (dependencies, architecture, "
           "decision boundaries, policies, feedback and learning loops).",
           drill="level_system", tile=False),
    Metric("capacity_honoured", "Capacity honoured", "share", UP,
           "Improvement hours logged as a share of the hours the teams protect, over the "
           "complete weeks of the period (the last week for a week, 4 for a month, 13 for a "
           "quarter; at least one). Only teams that protect capacity count, and only from the "
           "week they set it.", green=0.8, amber=0.5),
    Metric("missed_reviews", "Reviews missed", "count", DOWN,
           "Improvement review slots (by each team's cadence) that ended in the period "
           "without a review; tier and organisation scorecards add the tier leads' joint "
           "reviews.", green=0, amber=1),
]

# Balance across levels: the items logged in the period, counted per level. When there are
# at least LEVEL_FOCUS_MIN_ITEMS of them and all sit at one level, the scorecard flags the
# scope as "focused on one level only".
LEVELS = ["level_team", "level_cross_team", "level_system"]
LEVEL_FOCUS_MIN_ITEMS = 5

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
TILES: list[Metric] = [m for m in METRICS if m.tile]
TARGETABLE: list[Metric] = [m for m in METRICS if m.direction]
# The columns of the tier and team tables (and their CSV).
TABLE_COLUMNS = ["members", "submitted", "participation", "implemented", "implementation_rate",
                 "cycle_time_median", "solved_at_tier", "escalations_open",
                 "escalations_stalled", "aging_now", "impact_money", "alignment", "sqdc_green",
                 "huddles_held", "evidence_share", "held_share", "capacity_honoured",
                 "missed_reviews", *LEVELS]
COLUMN_LABELS = {"members": "Members", **{m.key: m.label for m in METRICS}}


def status_for(value, *, direction: str | None, green, amber) -> str:
    """"ok" (green), "warn" (amber), "bad" (red) or "none" (no value or no target)."""
    if value is None or direction is None or green is None:
        return "none"
    amber = green if amber is None else amber
    if direction == UP:
        return "ok" if value >= green else "warn" if value >= amber else "bad"
    return "ok" if value <= green else "warn" if value <= amber else "bad"


def format_value(value, unit: str) -> str:
    """How a figure reads on a tile, in a table and in the CSV (no units in the CSV)."""
    if value is None:
        return "—"
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit == "money":
        return f"{value:,.0f}"
    if unit in ("days", "hours", "rate"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def formatter(unit: str):
    """``format_value`` for one unit, as the charts take it."""
    return lambda value: format_value(value, unit)


UNIT_SUFFIX = {"days": " d", "hours": " h", "money": "", "rate": "", "share": "", "count": ""}
