"""Demo ideas: a few hundred items across every team, state and category, with comments,
watchers, labels, learning notes, private items and aged ones. Idempotent: a second run
finds the seeded marker and changes nothing. Deterministic (its own random seed) and
set-based (bulk inserts; history timestamps written directly)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ideas.models import (
    Comment,
    Idea,
    IdeaEvent,
    Label,
    SystemicIssue,
    SystemicLink,
    TeamCapacity,
    TimeEntry,
)
from org.models import Membership, Team, User

SEED = 3003
PER_TEAM = {1: 26, 2: 20, 3: 12, 4: 6}

# (category, kind, title, description, root cause, countermeasure, learning, labels)
# {n} is a station or machine number, {m} a second one.
AREA_ITEMS: dict[str, list[tuple]] = {
    "line": [
        ("quality", "problem", "Torque gun at station {n} under-torques M8 bolts",
         "Audit found 3 of 20 joints below spec on the last shift.",
         "Clutch worn; calibration interval is 6 months but the gun does 4,000 cycles a day.",
         "Weekly torque check with the bench tester; calibration every 250k cycles.",
         "Calibrate by cycles, not by calendar: usage-based intervals catch drift early.",
         ["rework"]),
        ("safety", "problem", "Trip hazard: air hose across the walkway at station {n}",
         "The hose to the blow-off gun lies across the yellow walkway.",
         "Drop point is on the wrong side of the cell since the layout change.",
         "Moved the drop point and added an overhead retractor.",
         "Layout changes need a walk-through with the operators before sign-off.",
         ["5s"]),
        ("delivery", "problem", "Line stops waiting for brackets at station {n}",
         "We ran out of brackets twice this week, 25 minutes lost each time.",
         "Kanban card lost; the milk run does not see an empty bin.",
         "Two-bin system with a red card on the second bin.",
         "A visual signal beats a card in a pocket: make empty visible from the aisle.",
         ["kanban", "downtime"]),
        ("quality", "idea", "Poka-yoke for left/right door panels",
         "Panels look almost identical; we mixed them up twice this month.",
         "Only a part number sticker tells them apart.",
         "Added a locating pin to the fixture that only fits the right-hand panel.",
         "Design the mistake out of the fixture instead of asking people to check harder.",
         ["poka-yoke"]),
        ("cost", "idea", "Re-use the foam inserts from supplier deliveries",
         "Supplier foam goes in the skip; we buy the same foam for our WIP racks.",
         "Nobody owned the returnable-packaging question.",
         "Collect the inserts at goods-in and cut them to rack size.",
         "Look at the skip: waste streams show where the money goes.",
         ["waste"]),
        ("people", "idea", "Rotate operators between stations every two hours",
         "Same repetitive motion for 8 hours; two people reported wrist pain.",
         "No rotation plan; people stay where they are most practised.",
         "Skills matrix and a rotation board at the start of the shift.",
         "Rotation only works once the skills matrix shows who can cover which station.",
         ["ergonomics"]),
        ("delivery", "problem", "Changeover on press {n} takes 45 minutes",
         "Benchmark on the sister plant is 18 minutes.",
         "Tools fetched from the crib during the changeover; no pre-staging.",
         "SMED: external tasks moved before the stop, tool cart pre-staged.",
         "Most changeover time is searching and walking, not adjusting.",
         ["changeover", "smed"]),
        ("quality", "problem", "Scratches on painted covers after the conveyor merge",
         "Scrap rose to 2.1% this month, mostly scratches on the top face.",
         "Guide rail edge at the merge is worn and sharp.",
         "Replaced the rail with UHMW strips and added it to the weekly check.",
         "Wear parts that touch the product need a check frequency, not a failure.",
         ["scrap"]),
        ("safety", "idea", "Light curtain on the manual load side of cell {n}",
         "Operators reach in while the robot is still settling.",
         "Interlock only on the gate, not on the load opening.",
         "Light curtain with a muting sequence for the pallet.",
         "Near misses are free lessons: the report came from a near miss card.",
         ["near miss"]),
        ("cost", "problem", "Compressed air leaks at the cell {n} manifold",
         "You can hear the hiss at break time when the line is quiet.",
         "Push-in fittings degraded; no leak survey in two years.",
         "Ultrasonic leak survey each quarter; fittings replaced.",
         "Quiet-time listening walks find leaks for free; make it a routine.",
         ["energy"]),
    ],
    "packaging": [
        ("quality", "problem", "Pallet wrap tears at the corners on wrapper {n}",
         "Loads arrive at the customer with loose film; one complaint this month.",
         "Pre-stretch set to 300% for a thinner film grade.",
         "Pre-stretch reset to 200% and corner boards added for tall loads.",
         "When a supplier changes a material grade, review the machine settings that go with it.",
         ["customer complaint"]),
        ("delivery", "problem", "Labels printer jams on roll change",
         "Every roll change takes 10 minutes and twice needed maintenance.",
         "Core size of the new label rolls does not match the spindle adapter.",
         "Ordered the right adapter and a spare; a picture guide on the printer.",
         "A one-page picture guide ended the calls to maintenance.",
         ["downtime"]),
        ("safety", "problem", "Carton knife cuts: two first-aid cases this month",
         "Open-blade knives used to open supplier cartons.",
         "Safety knives are stored in the office, not at the bench.",
         "Self-retracting knives at every bench; open blades removed.",
         "Make the safe tool the nearest tool.",
         ["ppe"]),
        ("cost", "idea", "Right-size shipping cartons for the small range",
         "Small parts ship in the medium carton with lots of void fill.",
         "Only three carton sizes in the catalogue.",
         "Added a small carton; void fill down by half.",
         "Measure the air you ship: void fill is a symptom of the wrong carton.",
         ["waste"]),
        ("people", "idea", "Anti-fatigue mats at the packing benches",
         "People stand 8 hours on concrete; complaints about back and feet.",
         "", "Mats at all four benches; trial first on bench {n}.",
         "Ask the people doing the job to choose the trial product.",
         ["ergonomics"]),
        ("delivery", "idea", "Pre-print the pallet labels from the dispatch plan",
         "We print each pallet label at the end of the line and queue at the printer.",
         "Labels printed one by one on demand.",
         "Batch print from the dispatch plan at the start of the shift.",
         "Move work that does not need the product out of the product's flow.",
         []),
    ],
    "warehouse": [
        ("safety", "problem", "Forklift blind spot at the aisle {n} crossing",
         "Near miss with a pedestrian at the racking end.",
         "No mirror and no pedestrian crossing marked.",
         "Convex mirror, floor marking and a blue-spot light on the trucks.",
         "Pedestrians and trucks need separate, marked paths, not just care.",
         ["forklift", "near miss"]),
        ("delivery", "problem", "Picking errors on look-alike part numbers",
         "Six wrong picks last month between 40-112 and 40-121.",
         "Adjacent locations with similar numbers and the same bins.",
         "Separated the locations and added photos to the pick labels.",
         "Pictures on labels beat digits for look-alikes.",
         ["picking"]),
        ("cost", "idea", "Consolidate part-full pallets every Friday",
         "Racking is 96% full but many locations hold a part pallet.",
         "No routine for consolidation.",
         "Friday afternoon consolidation round; 40 locations freed.",
         "Space problems are often discipline problems, not capacity problems.",
         ["5s"]),
        ("quality", "problem", "Damaged goods found at goods-in from carrier B",
         "Three crushed pallets this month from the same carrier.",
         "Double-stacked non-stackable loads in the trailer.",
         "Added 'do not stack' labels and raised it with the carrier.",
         "Photograph damage at the dock: evidence ends the argument with carriers.",
         ["supplier"]),
        ("people", "problem", "Cold at the dock doors in the morning shift",
         "Dock doors stay open for long periods; people work in the draught.",
         "Dock seals torn on doors {n} and {m}.",
         "Replaced the seals; fast-action curtain on the busiest door.",
         "", []),
    ],
    "maintenance": [
        ("delivery", "problem", "Spindle bearing failures on machine {n}",
         "Third failure this year, 6 hours downtime each time.",
         "Lubrication interval set for one shift; machine now runs three.",
         "Auto-lubricator fitted; vibration monitoring monthly.",
         "When production adds shifts, maintenance plans must scale with run hours.",
         ["downtime", "tpm"]),
        ("cost", "idea", "Stock critical spares by failure history",
         "We hold spares for machines that never fail and miss the ones that do.",
         "Spares list not reviewed since commissioning.",
         "Ranked spares by failure history and lead time.",
         "Let the failure data set the spares list.",
         ["tpm"]),
        ("safety", "problem", "Lock-out points not labelled on line {n}",
         "Contractors could not find the isolators.",
         "Labels faded; no lock-out drawings at the machine.",
         "New labels and a laminated LOTO sheet at each machine.",
         "Write the standard where the work happens.",
         ["loto"]),
        ("quality", "idea", "Check sheet for the weekly oven calibration",
         "Calibration results are kept on loose paper and lost.",
         "", "Digital check sheet with trends on the maintenance board.",
         "Trends show drift weeks before a failure.",
         []),
    ],
    "quality": [
        ("quality", "problem", "Customer complaint: missing clip on harness {n}",
         "Two returns from the customer in one week.",
         "Clip box empties silently; operator continues without clips.",
         "Presence sensor on the clip station; stops the cycle when empty.",
         "Detection at the station is cheaper than inspection at the end.",
         ["customer complaint", "poka-yoke"]),
        ("quality", "idea", "Move the first-off inspection onto the line",
         "First-off parts wait 40 minutes for the lab.",
         "Gauges only in the lab.",
         "Go/no-go gauges at the line; lab only for full layout.",
         "Put the check next to the work and trust the people with the gauge.",
         []),
        ("cost", "problem", "Scrap of sealant cartridges past expiry",
         "We scrap 30 cartridges a month.",
         "First-in-first-out not followed in the chemical store.",
         "Flow rack with loading from the back.",
         "Design the store so the oldest item is the easiest to take.",
         ["waste", "fifo"]),
        ("people", "idea", "Defect of the week at the huddle",
         "People do not see the defects the customer sees.",
         "", "One real defect shown at each tier 1 huddle.",
         "Seeing the actual part teaches more than a Pareto chart.",
         []),
    ],
    "it": [
        ("delivery", "problem", "Shop-floor terminals log out every 10 minutes",
         "Operators re-enter passwords many times per shift.",
         "Domain policy for office PCs applied to shared terminals.",
         "Badge tap login with a separate policy for shared terminals.",
         "One policy for all devices fits none of them.",
         []),
        ("quality", "problem", "Barcode scanners misread damaged labels",
         "Manual entry errors after scanner misreads.",
         "Old 1D scanners cannot read partially damaged codes.",
         "2D imagers at the three busiest stations.",
         "", []),
        ("cost", "idea", "Switch off the test rig PCs at weekends",
         "Twelve PCs run all weekend for nothing.",
         "", "Scheduled shutdown and wake-on-LAN for Monday.",
         "Small energy wins add up when automated.",
         ["energy"]),
        ("people", "problem", "No Wi-Fi coverage in the canteen",
         "People cannot reach the training portal on breaks.",
         "Access point removed during the refurbishment.",
         "New access point installed.", "", []),
    ],
    "management": [
        ("people", "idea", "Gemba walk schedule for the management team",
         "Managers rarely see the line outside of crises.",
         "Calendars full of meetings; no protected time.",
         "Two 30-minute gemba slots a week, rotating areas.",
         "Leaders learn what the board does not show by walking the floor.",
         ["leadership"]),
        ("cost", "problem", "Overtime above budget in packaging",
         "Overtime 18% over budget for the quarter.",
         "Demand peaks planned with overtime instead of levelled.",
         "Heijunka board for packaging; peaks smoothed over the week.",
         "Level the load before adding hours.",
         ["heijunka"]),
        ("delivery", "problem", "On-time delivery below 92% target",
         "OTD at 88% for three months.",
         "Late supplier deliveries and long changeovers on press {n}.",
         "Supplier review and the changeover programme.",
         "Two causes explained 80% of the late orders; fix those first.",
         []),
        ("safety", "idea", "Safety cross on every tier 2 board",
         "Incidents are discussed monthly, too late to act.",
         "", "Daily safety cross updated at each huddle.",
         "Daily visibility keeps safety the first topic.",
         []),
        ("quality", "idea", "Standardise the problem-solving A3 across sites",
         "Each site uses a different template; learning does not transfer.",
         "", "One A3 template in the CI library.",
         "A common format makes other sites' learning searchable.",
         ["a3"]),
    ],
}

AREA_OF = {
    "line-1-day": "line", "line-1-night": "line", "line-2-day": "line",
    "packaging-a": "packaging", "packaging-b": "packaging", "warehouse": "warehouse",
    "maintenance": "maintenance", "quality": "quality", "it": "it",
    "assembly-supervisors": "line", "packaging-supervisors": "packaging",
}

PRIVATE_ITEMS = [
    ("people", "Shift pattern is hurting a colleague's health",
     "A colleague on permanent nights is struggling; they asked me to raise it quietly."),
    ("people", "Comments about a colleague's accent on the line",
     "Repeated jokes at the break table; the person is upset but does not want a fuss."),
    ("safety", "Someone bypassed the guard interlock on cell 4",
     "I saw the interlock taped over twice this week. Please handle discreetly."),
]

COMMENTS = [
    "Seen the same on the night shift.", "I can help with this on Thursday.",
    "Photo added at the huddle board.", "Maintenance have the part on order.",
    "Can we trial it on one station first?", "This cost us another 20 minutes today.",
    "Good catch — thanks for raising it.", "Talked to the supplier, waiting for an answer.",
    "Let's review at Monday's huddle.", "Measured it: 3 of 10 out of spec.",
    "The standard work needs updating too.", "Is this the same root cause as last month?",
]

STATUS_MIX = (["new"] * 24 + ["in_progress"] * 30 + ["done"] * 28 + ["declined"] * 8
              + ["parked"] * 10)
DECLINE_REASONS = [
    "Covered by the capital project for the new line next quarter.",
    "Trial showed no measurable gain; keeping the current method.",
    "Duplicate of an item already in progress.",
]
PARK_REASONS = ["Waiting for the summer shutdown.", "Needs budget in the next financial year."]


def _already_seeded() -> bool:
    return IdeaEvent.objects.filter(verb="created", data__demo=True).exists()


def seed(context: dict) -> None:
    if not _already_seeded():
        _seed_items(context)
    seed_system_work(context)


def _seed_items(context: dict) -> None:
    rng = random.Random(SEED)
    now = timezone.now()
    teams: dict[str, Team] = context["teams"]
    slugs = sorted(teams)
    people: dict[int, list[User]] = {}
    leads: dict[int, list[User]] = {}
    for m in (Membership.objects.filter(team__in=teams.values(), user__is_active=True)
              .select_related("user").order_by("user__username")):
        people.setdefault(m.team_id, []).append(m.user)
        if m.role == Membership.Role.LEAD:
            leads.setdefault(m.team_id, []).append(m.user)
    admin = context["admin"]
    label_names = sorted({n for items in AREA_ITEMS.values() for *_, names in items
                          for n in names})
    Label.objects.bulk_create([Label(name=n) for n in label_names], ignore_conflicts=True)
    labels = {lbl.name: lbl for lbl in Label.objects.filter(name__in=label_names)}

    plans = []  # (idea, label names, status, history dict)
    for slug in slugs:
        team = teams[slug]
        area = AREA_OF.get(slug, "management")
        pool = AREA_ITEMS[area]
        members = people.get(team.pk) or [admin]
        team_leads = leads.get(team.pk) or members
        threshold = team.tier.aging_threshold_days
        count = PER_TEAM.get(team.tier.level, 10)
        for i in range(count):
            category, kind, title, description, cause, counter, learning, names = pool[
                (i + rng.randrange(len(pool))) % len(pool)]
            n, m = rng.randint(1, 12), rng.randint(13, 20)
            title = title.format(n=n, m=m)
            status = rng.choice(STATUS_MIX)
            private = False
            if i == 3 and team.tier.level == 1:
                category, title, description = PRIVATE_ITEMS[rng.randrange(len(PRIVATE_ITEMS))]
                kind, cause, counter, names, private = "problem", "", "", [], True
            reporter = rng.choice(members)
            created = now - timedelta(days=rng.randint(2, 150), hours=rng.randint(0, 10))
            owner = rng.choice(members) if status != "new" or rng.random() < .3 else None
            closer = rng.choice(team_leads)
            idea = Idea(
                kind=kind, title=title, description=description.format(n=n, m=m),
                team=team, reporter=reporter, owner=owner, category=category,
                priority=rng.choice(["low", "normal", "normal", "normal", "high"]),
                status=status, is_private=private,
                problem_statement=description.format(n=n, m=m) if status != "new" else "",
                root_cause=cause.format(n=n, m=m) if status in ("in_progress", "done") else "",
                countermeasure=counter.format(n=n, m=m) if status in ("in_progress", "done")
                else "",
                created_at=created, last_activity_at=created, status_changed_at=created,
            )
            if rng.random() < .5 and category in ("cost", "delivery", "quality"):
                idea.estimated_money_per_year = Decimal(rng.randrange(500, 40000, 250))
                idea.estimated_hours_per_year = Decimal(rng.randrange(10, 400, 5))
            if rng.random() < .25:
                limit = team.tier.authority_limit
                top = limit * 3 if status == "new" else max(limit, Decimal(100))
                idea.required_spend = Decimal(rng.randrange(50, int(top) + 51, 50))
            history = {"created": created}
            t = created
            if status in ("in_progress", "done", "declined", "parked") and status != "new":
                if status != "declined" or rng.random() < .5:
                    t = t + timedelta(days=rng.randint(1, 6))
                    history["started"] = t
                    idea.started_at = t
            if status == "done":
                t = t + timedelta(days=rng.randint(3, 30))
                if t > now:
                    t = now - timedelta(hours=rng.randint(1, 48))
                idea.done_at = t
                idea.learning = learning or "We learned to measure before and after the change."
                idea.learning_by = closer
                idea.result = "Problem has not come back since the change."
                if idea.estimated_money_per_year:
                    idea.actual_money_per_year = (idea.estimated_money_per_year
                                                  * Decimal(rng.choice([6, 8, 10, 12])) / 10)
                idea.actual_hours_per_year = Decimal(rng.randrange(5, 300, 5))
            elif status in ("declined", "parked"):
                t = t + timedelta(days=rng.randint(1, 20))
                idea.status_reason = rng.choice(DECLINE_REASONS if status == "declined"
                                                else PARK_REASONS)
            t = min(t, now - timedelta(hours=1))
            history["status_at"] = t
            idea.status_changed_at = t
            idea.last_activity_at = t
            # Some open items have gone quiet beyond their tier's aging threshold.
            if status in Idea.OPEN_STATUSES and rng.random() < .22:
                quiet = now - timedelta(days=threshold + rng.randint(1, 30))
                if quiet < created:
                    idea.created_at = quiet - timedelta(days=rng.randint(1, 10))
                    history["created"] = idea.created_at
                    if idea.started_at:
                        idea.started_at = idea.created_at + timedelta(days=1)
                        history["started"] = idea.started_at
                    quiet = max(quiet, idea.started_at or idea.created_at)
                idea.last_activity_at = idea.status_changed_at = quiet
                history["status_at"] = quiet
                idea.aging_flagged_at = quiet + timedelta(days=threshold)
            plans.append((idea, names, closer, history))

    # created_at is auto_now_add (stamped "now" on insert): insert, then write the history's
    # real dates back in set-based updates.
    idea_stamps = [p[0].created_at for p in plans]
    ideas = Idea.objects.bulk_create([p[0] for p in plans])
    _restore(Idea, ideas, idea_stamps)

    events, comments, watchers, idea_labels = [], [], [], []
    watch_through = Idea.watchers.through
    label_through = Idea.labels.through
    for idea, names, closer, history in plans:
        events.append(IdeaEvent(idea=idea, actor=idea.reporter, verb="created",
                                text=f"Logged as {idea.get_kind_display().lower()} for "
                                     f"{idea.team.name}.",
                                data={"demo": True}, created_at=history["created"]))
        if idea.owner_id:
            events.append(IdeaEvent(idea=idea, actor=closer, verb="assigned",
                                    text=f"Owner: {idea.owner}.",
                                    created_at=history["created"] + timedelta(hours=2)))
        if "started" in history:
            events.append(IdeaEvent(idea=idea, actor=closer, verb="status",
                                    text="Moved from New to In progress.",
                                    data={"from": "new", "to": "in_progress"},
                                    created_at=history["started"]))
        if idea.status in ("done", "declined", "parked"):
            previous = "in_progress" if "started" in history else "new"
            text = (f"Moved from {Idea.Status(previous).label} to "
                    f"{idea.get_status_display()}.")
            if idea.status_reason:
                text += f" Reason: {idea.status_reason}"
            events.append(IdeaEvent(idea=idea, actor=closer, verb="status", text=text,
                                    data={"from": previous, "to": idea.status},
                                    created_at=history["status_at"]))
        members = people.get(idea.team_id) or [idea.reporter]
        span = (idea.last_activity_at - idea.created_at).total_seconds()
        for k in range(rng.choice([0, 0, 1, 1, 2, 3])):
            author = rng.choice(members)
            text = rng.choice(COMMENTS)
            if k == 0 and rng.random() < .3 and closer.pk != author.pk:
                text = f"@{closer.username} {text[0].lower()}{text[1:]}"
            at = idea.created_at + timedelta(seconds=span * rng.uniform(.1, .95))
            comments.append(Comment(idea=idea, author=author, text=text, created_at=at))
        for user_id in {idea.reporter_id, idea.owner_id} - {None}:
            watchers.append(watch_through(idea_id=idea.pk, user_id=user_id))
        idea_labels += [label_through(idea_id=idea.pk, label_id=labels[n].pk) for n in names]

    event_stamps = [e.created_at for e in events]
    comment_stamps = [c.created_at for c in comments]
    _restore(IdeaEvent, IdeaEvent.objects.bulk_create(events, batch_size=1000), event_stamps)
    _restore(Comment, Comment.objects.bulk_create(comments, batch_size=1000), comment_stamps)
    watch_through.objects.bulk_create(watchers, ignore_conflicts=True)
    label_through.objects.bulk_create(idea_labels, ignore_conflicts=True)


def _restore(model, rows, stamps) -> None:
    for row, stamp in zip(rows, stamps, strict=True):
        row.created_at = stamp
    model.objects.bulk_update(rows, ["created_at"], batch_size=500)



# ---------------------------------------------------------------- system work

SYSTEM_SEED = 9009
# The team that lets its improvement time be eaten by delivery: < half its capacity for weeks.
SACRIFICING_TEAM = "line-2-day"
CHANGE_KINDS = [k for k in Idea.ChangeKind.values if k != "other"]
SYSTEMIC_ISSUES = [
    # (title, statement, category, owner team slug, title words the linked problems share,
    #  what the tracking item changes)
    ("Line stops waiting for brackets at the line side",
     "Every assembly line stops several times a week waiting for brackets and small parts. "
     "Each team fixes its own bin; the replenishment loop between the warehouse and the lines "
     "is nobody's, so the stoppage keeps coming back.",
     "delivery", "assembly-supervisors", "Line stops waiting for brackets",
     Idea.ChangeKind.DEPENDENCIES),
    ("Compressed air leaks across the cells",
     "Leaking fittings and manifolds in every cell; no plant-wide leak survey, so each line "
     "finds and fixes its own leaks and the air bill does not fall.",
     "cost", "maintenance", "Compressed air leaks", Idea.ChangeKind.FEEDBACK_QUALITY),
]


def _system_seeded() -> bool:
    return SystemicIssue.objects.filter(title=SYSTEMIC_ISSUES[0][0]).exists()


def seed_system_work(context: dict) -> None:
    """Levels and kinds of change on items, protected capacity for every team, eight weeks of
    improvement time (one team sacrificing it), and two systemic issues with problems linked
    across teams, each with its tracking item. Idempotent: skipped once the first systemic
    issue exists (the tracking items are added to a database seeded before them)."""
    if not _system_seeded():
        _seed_system_work(context)
    seed_tracking_items()


def seed_tracking_items() -> None:
    """The system-level item that carries the work on each demo systemic issue, started by the
    owner team's lead (escalation's demo escalates one of them). Created once: an issue that
    has its item keeps it."""
    from ideas.services import idea_update
    from ideas.system_services import systemic_issue_track

    kinds = {title: kind for title, *_rest, kind in SYSTEMIC_ISSUES}
    for issue in (SystemicIssue.objects.filter(title__in=kinds, tracking_idea__isnull=True)
                  .select_related("created_by").order_by("pk")):
        idea = systemic_issue_track(issue_id=issue.pk, actor=issue.created_by)
        idea_update(idea_id=idea.pk, actor=issue.created_by, change_kind=kinds[issue.title])


def _seed_system_work(context: dict) -> None:
    rng = random.Random(SYSTEM_SEED)
    teams: dict[str, Team] = context["teams"]
    today = timezone.localdate()
    ideas = list(Idea.objects.filter(team__in=teams.values()).select_related("team__tier")
                 .order_by("pk"))

    # Levels: most work is team-level; the higher the tier, the more cross-team and system.
    changed = []
    for idea in ideas:
        level = idea.team.tier.level
        roll = rng.random()
        if roll < 0.04 + 0.08 * level:
            idea.level, idea.change_kind = Idea.Level.SYSTEM, rng.choice(CHANGE_KINDS)
        elif roll < 0.14 + 0.12 * level:
            idea.level = Idea.Level.CROSS_TEAM
            idea.change_kind = rng.choice(CHANGE_KINDS) if rng.random() < .4 else ""
        else:
            continue
        changed.append(idea)
    Idea.objects.bulk_update(changed, ["level", "change_kind"], batch_size=500)

    # Protected capacity, set ten weeks ago.
    members: dict[int, list] = {}
    for m in (Membership.objects.filter(team__in=teams.values(), user__is_active=True)
              .select_related("user").order_by("user__username")):
        members.setdefault(m.team_id, []).append(m.user)
    since = timezone.now() - timedelta(weeks=10)
    capacities = []
    for slug in sorted(teams):
        team = teams[slug]
        if team.tier.level == 1:
            capacities.append(TeamCapacity(team=team, unit="hours",
                                           amount=Decimal(rng.choice([6, 8, 10])),
                                           updated_by=context["admin"]))
        else:
            capacities.append(TeamCapacity(team=team, unit="percent",
                                           amount=Decimal(rng.choice([5, 10])),
                                           updated_by=context["admin"]))
    TeamCapacity.objects.bulk_create(capacities, ignore_conflicts=True)
    TeamCapacity.objects.filter(team__in=teams.values()).update(created_at=since)

    # Eight weeks of improvement time against each team's own items.
    from core.dates import last_weeks
    from ideas.system_selectors import protected_hours

    caps = {c.team_id: c for c in TeamCapacity.objects.filter(team__in=teams.values())}
    by_team: dict[int, list[Idea]] = {}
    for idea in ideas:
        if idea.status in ("new", "in_progress", "done") and not idea.is_private:
            by_team.setdefault(idea.team_id, []).append(idea)
    entries, per_day = [], {}
    for slug in sorted(teams):
        team = teams[slug]
        people = members.get(team.pk) or []
        items = by_team.get(team.pk) or []
        if not people or not items:
            continue
        protected = protected_hours(caps[team.pk], len(people))
        for monday in last_weeks(8, today=today):
            share = rng.uniform(.55, 1.15)
            if slug == SACRIFICING_TEAM and monday >= today - timedelta(weeks=5):
                share = rng.uniform(.1, .35)
            target = (protected * Decimal(str(round(share, 2)))).quantize(Decimal("0.25"))
            logged = Decimal("0")
            for _attempt in range(200):
                if target - logged < Decimal("0.25"):
                    break
                day = min(monday + timedelta(days=rng.randint(0, 4)), today)
                user = rng.choice(people)
                hours = min(Decimal(rng.choice(["0.5", "1", "1.5", "2"])), target - logged)
                if per_day.get((user.pk, day), 0) + hours > 8:
                    continue
                per_day[(user.pk, day)] = per_day.get((user.pk, day), 0) + hours
                entries.append(TimeEntry(user=user, idea=rng.choice(items), team=team,
                                         date=day, hours=hours,
                                         note=rng.choice(["", "", "Trial at the huddle",
                                                          "Measured before and after",
                                                          "Standard work draft"])))
                logged += hours
    TimeEntry.objects.bulk_create(entries, batch_size=1000)

    # Two systemic issues, each gathering the same problem from several teams.
    for title, statement, category, owner_slug, words, _kind in SYSTEMIC_ISSUES:
        owner = teams[owner_slug]
        lead = (Membership.objects.filter(team=owner, role=Membership.Role.LEAD)
                .select_related("user").order_by("user__username").first())
        creator = lead.user if lead else context["admin"]
        issue = SystemicIssue.objects.create(title=title, statement=statement,
                                             category=category, owner_team=owner,
                                             created_by=creator)
        problems = list(Idea.objects.filter(title__startswith=words, kind=Idea.Kind.PROBLEM,
                                            is_private=False).order_by("created_at", "pk"))
        # The newest two stay unlinked: the issue page suggests them.
        SystemicLink.objects.bulk_create([SystemicLink(issue=issue, idea=p, linked_by=creator)
                                          for p in problems[:-2]])

    # The sacrificing team's leads (and the leads above) hear about it once.
    from ideas.system_services import check_improvement_capacity

    check_improvement_capacity(today=today)
