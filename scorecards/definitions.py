"""The scorecard metrics: what each one means, how it is shown, and its shipped target.

Every metric is computed for a *scope* (a team's own items, every team at one tier, or the
whole organisation) and a *period* (the days from ``start`` to ``end``, both included).
Point-in-time metrics ("now") are read at the end of the period.

Targets: ``direction`` says which way is good. For "up" metrics a value at or above ``green``
is green, at or above ``amber`` amber, else red; for "down" metrics the reverse. A "band"
metric is healthy between ``green`` and ``upper`` (both included): below ``green`` it is amber
down to ``amber``, then red; above ``upper`` it is amber (too good to be true: see the
under-escalation figures beside it). Admins override the shipped defaults per tier (and for the
organisation) in the Django admin.
"""

from dataclasses import dataclass

UP, DOWN, BAND = "up", "down", "band"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # count | share | rate | days | hours | money | ratio
    direction: str | None  # UP, DOWN, BAND, or None (no target: context only)
    help: str
    green: float | None = None  # the shipped default target
    amber: float | None = None
    drill: str | None = None  # the item list behind the number (scorecards.selectors.DRILLS)
    tile: bool = True  # shown as a tile on the scorecard pages
    upper: float | None = None  # BAND only: the top of the healthy band


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
    Metric("solved_at_tier", "Solved at the owning tier", "share", BAND,
           "Of the items done in the period, the share done without any escalation. Healthy "
           "inside a band: escalation is design, not failure, so a share near 100% is a "
           "question (see the under-escalation figures), not a prize.",
           green=0.6, amber=0.4, upper=0.9, drill="solved_at_tier"),
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
    Metric("answers_helped_share", "Answers that helped", "share", UP,
           "Curiosity or judgment? Of the answers to escalations the scope's teams gave "
           "(resolved or returned), rated in the period by the team that raised them, the "
           "share rated \"helped\" (\"partly\" and \"didn't help\" are the rest).",
           green=0.7, amber=0.5),
    Metric("answers_rated", "Answers rated", "count", None,
           "Answers of the scope's teams the raising teams rated in the period.", tile=False),
    Metric("answers_not_helped", "Answers that didn't help", "count", DOWN,
           "Answers of the scope's teams the raising teams said didn't help, rated in the "
           "period.", tile=False),
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
           "Improvement hours logged (on items, and slack: reflection, experimentation, "
           "recovery, training, standard work upkeep) as a share of the hours the teams "
           "protect, over the "
           "complete weeks of the period (the last week for a week, 4 for a month, 13 for a "
           "quarter; at least one). Only teams that protect capacity count, and only from the "
           "week they set it.", green=0.8, amber=0.5),
    Metric("missed_reviews", "Reviews missed", "count", DOWN,
           "Improvement review slots (by each team's cadence) that ended in the period "
           "without a review; tier and organisation scorecards add the tier leads' joint "
           "reviews.", green=0, amber=1),
    # What the method rewards: learning and evidence before activity, escalation as design.
    Metric("learning_structured", "Structured learning", "share", UP,
           "Of the items done in the period, the share whose learning note is structured: "
           "what we expected, what happened and what we do next time, each filled in.",
           green=0.6, amber=0.3, drill="learning_structured"),
    Metric("learning_reused", "Learning used by others", "count", UP,
           "The scope's done items whose learning another team marked as reused, or the CoE "
           "or another team's lead marked as useful, in the period (each item once).",
           drill="learning_reused"),
    Metric("over_authority_unescalated", "Over authority, never escalated", "count", DOWN,
           "Items not closed (new, in progress or parked) at the end of the period whose "
           "required spend is above their team's authority limit and that were never "
           "escalated: work that cannot move without help nobody asked for.",
           green=0, amber=1, drill="over_authority_unescalated"),
    Metric("aging_unescalated", "Aging, never escalated", "count", DOWN,
           "Aging items (no activity beyond the tier's threshold) at the end of the period "
           "that were never escalated.", green=0, amber=2, drill="aging_unescalated"),
    Metric("silent_teams", "Stalled teams not escalating", "count", DOWN,
           "Active teams with aging work at the end of the period that raised no escalation "
           "in the period (a team's own scorecard: 1 or 0).", green=0, amber=1,
           drill="silent_teams"),
]

# Balance across levels: the items logged in the period, counted per level. When there are
# at least LEVEL_FOCUS_MIN_ITEMS of them and all sit at one level, the scorecard flags the
# scope as "focused on one level only".
LEVELS = ["level_team", "level_cross_team", "level_system"]
LEVEL_FOCUS_MIN_ITEMS = 5

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}

# The scorecard reads in this order: flow and learning first, then escalation as design, then
# the activity counts. A tile not named here shows in the last group ("More").
GROUPS: list[tuple[str, str, list[str]]] = [
    ("flow", "Flow and learning",
     ["evidence_share", "learning_reused", "held_share", "cycle_time_median",
      "learning_structured", "learning_share"]),
    ("escalation", "Escalation as design",
     ["solved_at_tier", "over_authority_unescalated", "aging_unescalated", "silent_teams",
      "escalations_open", "escalations_stalled", "ack_time_median", "resolve_time_median",
      "aging_now"]),
    ("activity", "Activity",
     ["submitted", "submitted_per_member", "participation", "implemented",
      "implementation_rate", "impact_money", "impact_hours"]),
]
GROUP_OF: dict[str, str] = {key: g for g, _, keys in GROUPS for key in keys}
MORE_GROUP = ("more", "More")
_ORDER = {key: i for i, key in enumerate(k for _, _, keys in GROUPS for k in keys)}
TILES: list[Metric] = sorted((m for m in METRICS if m.tile),
                             key=lambda m: _ORDER.get(m.key, len(_ORDER)))
TARGETABLE: list[Metric] = [m for m in METRICS if m.direction]
# The columns of the tier and team tables (and their CSV).
TABLE_COLUMNS = ["members", "evidence_share", "learning_reused", "held_share",
                 "cycle_time_median", "learning_structured", "solved_at_tier",
                 "over_authority_unescalated", "aging_unescalated", "silent_teams",
                 "escalations_open", "escalations_stalled", "answers_helped_share", "aging_now",
                 "submitted", "participation", "implemented", "implementation_rate",
                 "impact_money", "alignment", "sqdc_green", "huddles_held", "capacity_honoured",
                 "missed_reviews", *LEVELS]
COLUMN_LABELS = {"members": "Members", **{m.key: m.label for m in METRICS}}


def status_for(value, *, direction: str | None, green, amber, upper=None) -> str:
    """"ok" (green), "warn" (amber), "bad" (red) or "none" (no value or no target). A band
    (``direction`` BAND with an ``upper``) is green inside, amber above it."""
    if value is None or direction is None or green is None:
        return "none"
    amber = green if amber is None else amber
    if direction == BAND and upper is not None and value > upper:
        return "warn"
    if direction in (UP, BAND):
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
