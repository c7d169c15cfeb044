"""Demo escalations: routing rules and escalations in every state across the tiers, including
chains and some overdue and stalled ones. Built through the services (so the items wait on the
right team, the timeline and the notifications are real), then moved back in time.

Idempotent: the rules are upserted and each group of escalations is only created when its
first scenario's item does not exist yet (the system-work group — structured top-tier
escalations and cross-team conflicts with both teams' views — has its own marker, so a database
seeded before it gets it on the next run). Deterministic: no randomness at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from escalation import services
from escalation.models import ConflictView, Escalation, RoutingRule
from ideas import services as idea_services
from ideas.models import Idea, IdeaEvent
from org.models import Membership, Team, User

MARKER = "Guard missing on the press 4 feed table"
SYSTEM_MARKER = "Weekend maintenance cover for the robot cells"


@dataclass
class Scenario:
    team: str
    title: str
    category: str
    reason: str
    ask: str
    started_hours_ago: float
    # (hours after the start, action, details) — actions: ack, resolve, return, further, start
    steps: list = field(default_factory=list)
    required_spend: Decimal | None = None
    requested_spend: Decimal | None = None
    raiser: str | None = None
    private: bool = False
    stalled: bool = False
    options: str = ""  # structured escalations (required when the route reaches the top tier)
    recommendation: str = ""
    other_team: str | None = None  # cross-team conflicts: the other team's slug


SCENARIOS = [
    Scenario("line-1-day", MARKER, "safety", "resources",
             "The guard was removed for maintenance and not refitted. We need Quality & "
             "safety to sign off a replacement today.", 30, raiser="tom", stalled=True),
    Scenario("line-1-day", "Bench tester for weekly torque checks", "quality", "authority",
             "Approve 3,200 for a bench torque tester so we can check the guns weekly.", 26,
             steps=[(6, "ack", {})], required_spend=Decimal("3200"), raiser="amira"),
    Scenario("line-1-night", "Conveyor belt on line 1 is worn through", "delivery",
             "authority", "Approve 18,000 for a new belt before it snaps mid-shift.", 6 * 24,
             steps=[(10, "ack", {}),
                    (40, "resolve", {"decision": "Approved. Order the belt from the framework "
                                                 "supplier and fit it on the Sunday shutdown.",
                                     "approved_spend": Decimal("18000")}),
                    (44, "start", {})],
             required_spend=Decimal("18000")),
    Scenario("line-2-day", "A second forklift for the line-side supermarket", "delivery",
             "resources", "One forklift serves both lines; we wait up to 20 minutes for "
             "replenishment at shift start.", 5 * 24,
             steps=[(20, "ack", {}),
                    (48, "further", {"ask": "Needs a leasing decision at plant level: a "
                                            "second truck and a driver on the early shift."}),
                    (72, "ack", {})]),
    Scenario("packaging-a", "Label printer jams on humid days", "quality", "knowledge",
             "We do not know why the printer jams only on some days; IT says it is fine.",
             4 * 24,
             steps=[(20, "return", {"decision": "Store the label rolls in the dry cabinet by "
                                                "the office and log the humidity each morning "
                                                "for two weeks; come back with the log."})]),
    Scenario("packaging-b", "Manual pallet wrapping causes back injuries", "people",
             "resources", "Two back injuries this year from wrapping pallets by hand; we need "
             "a wrapping machine or a second person at peak.", 12 * 24,
             steps=[(8, "ack", {}),
                    (30, "further", {"ask": "Outside our budget: a semi-automatic wrapper "
                                            "costs about 35,000."}),
                    (50, "ack", {}),
                    (90, "further", {"ask": "Board decision: the wrapper is not in this "
                                            "year's capital plan.", "reason": "authority",
                                     "options": "A: semi-automatic wrapper (35,000). B: a "
                                                "second person at peak (about 30,000 a year). "
                                                "C: lighter film and a lift table (6,000; "
                                                "halves the strain, does not remove it).",
                                     "recommendation": "A: it removes the manual wrapping "
                                                       "and pays back within two years."}),
                    (130, "resolve", {"decision": "Approved as a safety investment outside "
                                                  "the plan; buy the wrapper this quarter.",
                                      "approved_spend": Decimal("35000")})]),
    Scenario("warehouse", "Dock door 3 does not close fully", "delivery", "cross_team",
             "Needs Maintenance: the door stops 30 cm short and lets the cold in.", 3,
             other_team="maintenance",
             options="A: Maintenance repairs it this week ahead of planned work. B: wait for "
                     "the door contractor's quarterly visit. C: a strip curtain in the meantime.",
             recommendation="A, with C today: the cold is spoiling chilled goods now."),
    Scenario("assembly-supervisors", "Overtime budget for the model changeover", "cost",
             "authority", "Approve 40,000 of overtime for the four-week changeover.", 60,
             requested_spend=Decimal("40000"), raiser="sofia"),
    Scenario("plant-management", "A second paint booth", "delivery", "authority",
             "Capital request: 250,000 for a second booth to remove the paint bottleneck.",
             20, required_spend=Decimal("250000"), raiser="marcus",
             options="A: a second booth (250,000). B: a third shift in the existing booth "
                     "(about 180,000 a year in wages). C: outsource the small parts "
                     "(120,000 a year, two days more lead time).",
             recommendation="A: it pays back in under two years against B and keeps the lead "
                            "time."),
    Scenario("quality", "The lab needs a second CMM operator", "quality", "resources",
             "First-article inspections wait three days for the one CMM operator.", 9 * 24,
             steps=[(30, "ack", {})], stalled=True),
    Scenario("maintenance", "Spare parts stock for the robot cells", "cost", "authority",
             "Approve 8,000 for critical spares (grippers, servo drives).", 7 * 24,
             steps=[(12, "ack", {}),
                    (50, "resolve", {"decision": "6,000 approved now for the grippers; the "
                                                 "servo drives go into next quarter's budget.",
                                     "approved_spend": Decimal("6000")})],
             required_spend=Decimal("8000"), raiser="priya"),
    Scenario("it", "Shop-floor Wi-Fi drops in hall B", "delivery", "knowledge",
             "Scanners lose the network near the paint shop; we need a site survey.", 8 * 24,
             steps=[(4, "ack", {}),
                    (30, "resolve", {"decision": "Site survey booked; two extra access "
                                                 "points approved."})]),
    Scenario("line-2-day", "Wrong bolts in kit 7 again", "safety", "knowledge",
             "Third time this month: M6 bolts in the M8 compartment. Safety-critical joint.",
             3 * 24, private=True,
             steps=[(3, "ack", {}),
                    (20, "resolve", {"decision": "Supplier corrective action raised; kit 7 is "
                                                 "100% checked at goods-in until it closes."})]),
]

# The executive layer's rules on show: structured top-tier escalations (one returned, one
# resolved) and cross-team conflicts that go to the two teams' lowest common ancestor, with both
# teams' views ("view" steps: the team's slug and its text).
SYSTEM_SCENARIOS = [
    Scenario("support-management", SYSTEM_MARKER, "delivery", "resources",
             "Robot cell breakdowns on Saturdays wait until Monday: we need weekend cover.",
             5 * 24,
             options="A: an on-call rota from our own technicians (overtime about 40,000 a "
                     "year). B: a service contract with the robot supplier (65,000 a year). "
                     "C: keep as is (about 14 hours of lost output a month).",
             recommendation="A for six months, then compare the downtime with B's quote.",
             steps=[(20, "ack", {}),
                    (60, "return", {"decision": "Not yet: first show the weekend downtime by "
                                                "cell for the last quarter and which failures "
                                                "a technician on call would have fixed."})]),
    Scenario("line-1-day", "Torque tools leave with the other shift's line", "quality",
             "cross_team", "Line 2 borrows our calibrated torque guns at shift change and "
             "they come back late or not at all; we need a rule for the shared tools.", 4 * 24,
             other_team="line-2-day", raiser="tom",
             steps=[(2, "view", {"team": "line-1-day",
                                 "text": "We start with two guns short three days a week; "
                                         "checks slip and the calibration log has gaps."}),
                    (5, "view", {"team": "line-2-day",
                                 "text": "Our own guns are away for calibration half the month; "
                                         "we borrow because there is no spare pool."}),
                    (8, "ack", {}),
                    (30, "resolve", {"decision": "A shared pool of four guns at the tool crib, "
                                                 "signed out per shift; Line 2's guns are "
                                                 "calibrated on a staggered plan."})]),
    Scenario("packaging-a", "Warehouse pallets block our outfeed lane", "safety",
             "cross_team", "Pallets waiting for dispatch stand in our outfeed lane every "
             "afternoon; the operators walk round them with the pallet jack.", 30,
             other_team="warehouse",
             steps=[(3, "view", {"team": "packaging-a",
                                 "text": "It is a walkway and our only outfeed: twice this week "
                                         "a jack nearly hit someone."}),
                    (6, "view", {"team": "warehouse",
                                 "text": "The marked buffer holds 12 pallets; the 14:00 trucks "
                                         "arrive late, so the overflow has nowhere else to go."}),
                    (9, "ack", {})]),
]

RULES = [
    # order, kind, category, target slug, note
    (10, RoutingRule.Kind.CATEGORY, "safety", "quality",
     "Quality also holds health & safety: safety problems go straight to them."),
    (20, RoutingRule.Kind.SPEND, "", None,
     "Spend above a tier's authority goes to the lowest tier that can approve it."),
    (30, RoutingRule.Kind.CROSS_TEAM, "", "maintenance",
     "Cross-team requests (buildings, equipment) go to Maintenance."),
]


def seed(context: dict) -> None:
    teams: dict[str, Team] = context["teams"]
    for order, kind, category, target, note in RULES:
        RoutingRule.objects.get_or_create(
            order=order, kind=kind, category=category,
            to_team=teams[target] if target else None,
            defaults={"note": note, "active": True})
    now = timezone.now()
    if not Idea.objects.filter(title=MARKER).exists():
        for scenario in SCENARIOS:
            _play(scenario, teams, now)
    if not Idea.objects.filter(title=SYSTEM_MARKER).exists():
        for scenario in SYSTEM_SCENARIOS:
            _play(scenario, teams, now)
    _escalate_systemic_issue()
    _rate_answers(teams, now)


# Whether the answer helped, as the team that raised it said: (item title, rating, note).
ANSWERS = [
    ("Conveyor belt on line 1 is worn through", "helped",
     "Fitted on the Sunday shutdown; no stop since."),
    ("Label printer jams on humid days", "not_helped",
     "We asked for someone who knows the printer, not homework: the jams cost us 40 minutes "
     "a shift while we keep the log."),
    ("Manual pallet wrapping causes back injuries", "helped", ""),
    ("Spare parts stock for the robot cells", "partly",
     "The grippers came; the servo drives are still our biggest risk."),
    ("Shop-floor Wi-Fi drops in hall B", "helped", ""),
    (SYSTEM_MARKER, "partly", "Fair: we bring the downtime by cell next week."),
    ("Torque tools leave with the other shift's line", "helped", "The pool works."),
]


def _rate_answers(teams: dict[str, Team], now) -> None:
    """The raising teams' verdicts on the demo's answers, given a few hours after each
    decision (once: an answer already rated is left alone)."""
    from escalation.feedback import answer_feedback_give
    from escalation.models import AnswerFeedback

    for title, rating, note in ANSWERS:
        esc = (Escalation.objects.filter(idea__title=title, state__in=Escalation.DECIDED_STATES)
               .select_related("from_team", "idea__team").order_by("-pk").first())
        if esc is None or AnswerFeedback.objects.filter(escalation=esc).exists():
            continue
        origin = esc.idea.team
        rater = next((u for u in (User.objects.filter(memberships__team=origin, is_active=True)
                                  .order_by("memberships__role", "username"))
                      if u.pk != esc.resolved_by_id), None)
        if rater is None:
            continue
        feedback = answer_feedback_give(escalation_id=esc.pk, actor=rater, rating=rating,
                                        note=note)
        AnswerFeedback.objects.filter(pk=feedback.pk).update(
            rated_at=min(esc.resolved_at + timedelta(hours=5), now))


# A systemic issue is escalated like an idea, through its tracking item (systemic's demo starts
# it): the owner team asks the team above for what no single line can do.
SYSTEMIC_TITLE = "Compressed air leaks across the cells"
SYSTEMIC_ASK = ("Fund a plant-wide ultrasonic leak survey and a quarterly leak-tag round: each "
                "line fixes its own fittings, nobody owns the headers and the air bill does not "
                "fall.")


def _escalate_systemic_issue() -> None:
    """Once: skipped when the issue (or its tracking item) is missing or was ever escalated."""
    from systemic.models import SystemicIssue

    issue = (SystemicIssue.objects.filter(title=SYSTEMIC_TITLE, tracking_idea__isnull=False)
             .select_related("tracking_idea__team").first())
    if issue is None or Escalation.objects.filter(idea_id=issue.tracking_idea_id).exists():
        return
    idea = issue.tracking_idea
    esc = services.escalation_raise(idea_id=idea.pk, actor=_lead(idea.team), reason="resources",
                                    ask=SYSTEMIC_ASK, requested_spend=Decimal("4800"))
    services.escalation_acknowledge(escalation_id=esc.pk, actor=_lead(esc.to_team))


def _lead(team: Team) -> User:
    lead = (User.objects.filter(memberships__team=team, memberships__role=Membership.Role.LEAD,
                                is_active=True).order_by("username").first())
    return lead or User.objects.filter(is_staff=True).order_by("pk").first()


def _member(team: Team, username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, memberships__team=team).first()
        if user:
            return user
    return (User.objects.filter(memberships__team=team, is_active=True)
            .order_by("memberships__role", "username").first())


def _play(s: Scenario, teams: dict[str, Team], now) -> None:
    team = teams[s.team]
    start = now - timedelta(hours=s.started_hours_ago)
    raiser = _member(team, s.raiser)
    idea = idea_services.idea_create(
        actor=raiser, team=team, title=s.title, category=s.category, kind="problem",
        description=s.ask, required_spend=s.required_spend, is_private=s.private)
    stamps: list[tuple[int, object]] = [(_last_event(idea), start - timedelta(days=1))]
    esc = services.escalation_raise(
        idea_id=idea.pk, actor=raiser, reason=s.reason, ask=s.ask,
        requested_spend=s.requested_spend, options=s.options, recommendation=s.recommendation,
        other_team_id=teams[s.other_team].pk if s.other_team else None)
    times = {esc.pk: {"raised": start}}
    stamps.append((_last_event(idea), start))
    for hours, action, details in s.steps:
        at = start + timedelta(hours=hours)
        holder = _lead(esc.to_team)
        if action == "ack":
            esc = services.escalation_acknowledge(escalation_id=esc.pk, actor=holder)
            times[esc.pk]["ack"] = at
        elif action == "resolve":
            esc = services.escalation_resolve(escalation_id=esc.pk, actor=holder, **details)
            times[esc.pk]["closed"] = at
        elif action == "return":
            esc = services.escalation_return(escalation_id=esc.pk, actor=holder, **details)
            times[esc.pk]["closed"] = at
        elif action == "further":
            child = services.escalation_escalate_further(escalation_id=esc.pk, actor=holder,
                                                         **details)
            times[esc.pk]["closed"] = at
            times[child.pk] = {"raised": at}
            esc = child
        elif action == "view":
            services.escalation_view_set(escalation_id=esc.pk,
                                         actor=_member(teams[details["team"]], None),
                                         text=details["text"],
                                         team_id=teams[details["team"]].pk)
            ConflictView.objects.filter(escalation__idea=idea,
                                        team=teams[details["team"]]).update(created_at=at,
                                                                            updated_at=at)
        elif action == "start":
            idea_services.idea_transition(idea_id=idea.pk, to="in_progress",
                                          actor=_lead(team))
        stamps.append((_last_event(idea), at))
    _backdate(idea, times, stamps, s.stalled)


def _last_event(idea: Idea) -> int:
    return IdeaEvent.objects.filter(idea=idea).order_by("-pk").values_list("pk", flat=True)[0]


def _backdate(idea: Idea, times: dict, stamps: list, stalled: bool) -> None:
    """Moves the story back in time: escalation clocks, timeline lines and the item's dates."""
    previous = 0
    for event_id, at in stamps:
        IdeaEvent.objects.filter(idea=idea, pk__gt=previous, pk__lte=event_id).update(
            created_at=at)
        previous = event_id
    first = stamps[0][1]
    last = stamps[-1][1]
    Idea.objects.filter(pk=idea.pk).update(created_at=first, status_changed_at=first,
                                           last_activity_at=last)
    decided_at = None
    for esc in Escalation.objects.filter(pk__in=times).select_related("to_team__tier"):
        t = times[esc.pk]
        tier = esc.to_team.tier
        raised = t["raised"]
        fields = {"raised_at": raised,
                  "due_ack_at": raised + timedelta(hours=tier.sla_ack_hours),
                  "due_resolve_at": raised + timedelta(hours=tier.sla_resolve_hours)}
        if esc.acknowledged_at:
            fields["acknowledged_at"] = t.get("ack") or t.get("closed")
        if esc.resolved_at:
            fields["resolved_at"] = t["closed"]
            if esc.is_decided:
                decided_at = t["closed"]
        if stalled and esc.is_active:
            due = fields["due_ack_at"] if esc.state == "open" else fields["due_resolve_at"]
            fields["stalled_at"] = due + timedelta(minutes=15)
        Escalation.objects.filter(pk=esc.pk).update(**fields)
    if decided_at:
        Idea.objects.filter(pk=idea.pk).update(decision_at=decided_at)
    if idea.status == "in_progress" or Idea.objects.filter(pk=idea.pk,
                                                           status="in_progress").exists():
        Idea.objects.filter(pk=idea.pk).update(started_at=last, status_changed_at=last)
