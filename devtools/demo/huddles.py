"""Demo data for boards: WIP limits, a month of SQDC letters per team with realistic reds and
notes, and three weeks of huddles with attendance. Idempotent (every random choice is seeded by
team and day, and only missing rows are inserted) and fast (bulk inserts)."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from huddles.models import BoardSettings, Huddle, SqdcDay
from ideas.models import Idea
from org.models import Membership

SQDC_DAYS = 30
HUDDLE_DAYS = 21

# (green, amber) cut-offs per category; the rest is red. Safety reds are rare.
ODDS = {"safety": (0.86, 0.97), "quality": (0.72, 0.9), "delivery": (0.68, 0.88),
        "cost": (0.74, 0.92), "people": (0.8, 0.95)}

NOTES = {
    "safety": {
        "amber": ["Near miss: pallet overhang in aisle 3", "Guard interlock slow to reset",
                  "Oil on the floor by press 2, cleaned", "Missing gloves at station 6"],
        "red": ["First-aid case: cut finger at station 4 (glove worn through)",
                "Forklift and pedestrian near miss at dock door 2",
                "Lost-time injury: strain lifting a die by hand"],
    },
    "quality": {
        "amber": ["Scrap 2.1% on the torque station", "One customer query on labels",
                  "First-off check late on shift start"],
        "red": ["Customer complaint: wrong label on batch 4471",
                "Scrap 6% — burrs on housing after tool change",
                "Line stopped 40 min for a containment sort"],
    },
    "delivery": {
        "amber": ["Plan attainment 92%", "Late material from the warehouse, 20 min lost",
                  "Changeover overran by 15 min"],
        "red": ["Missed the 14:00 truck: 2 pallets late to the customer",
                "Plan attainment 71% — conveyor fault 2 h",
                "Short of 3 operators, one cell down all shift"],
    },
    "cost": {
        "amber": ["Overtime 6 h to catch up", "Extra courier for a spare part"],
        "red": ["Express freight £1,800 for the late order",
                "Overtime 22 h after the conveyor breakdown"],
    },
    "people": {
        "amber": ["Two people off sick", "Training matrix gap on the new tester"],
        "red": ["Three agency staff without induction", "Conflict on shift handover escalated"],
    },
}

HUDDLE_NOTES = [
    "Safety walk done. Torque gun recalibration booked for Thursday.",
    "Agreed to trial the new kanban card for fasteners this week.",
    "Conveyor fault follow-up: maintenance to replace the sensor tonight.",
    "Reviewed yesterday's scrap: root cause is the worn fixture; countermeasure in progress.",
    "Short staffed: moved one person from packing to assembly until 12:00.",
    "Customer complaint discussed; containment in place, 8D started.",
    "Celebrated 30 days without a first-aid case.",
    "Two new ideas logged from the team; owners assigned.",
    "Escalated the forklift charging issue to the supervisors.",
    "",
]
GUESTS = ["Quality engineer", "Maintenance planner", "Safety advisor", "HR business partner",
          "Plant manager (gemba walk)"]


def _wip_defaults(level: int) -> dict:
    if level == 1:
        return {"wip_new": 8, "wip_in_progress": 5, "wip_waiting": 4, "people_enabled": True}
    if level == 2:
        return {"wip_new": 10, "wip_in_progress": 6, "wip_escalated": 8}
    return {"wip_in_progress": 8, "wip_escalated": 10}


def _weekdays(start, end):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def seed(context: dict) -> None:
    teams = list(context["teams"].values())
    admin = context.get("admin")
    today = timezone.localdate()

    # Board settings: only teams without any (a lead's own settings are never overwritten).
    have = set(BoardSettings.objects.filter(team__in=teams).values_list("team_id", flat=True))
    BoardSettings.objects.bulk_create([
        BoardSettings(team=t, updated_by=admin, **_wip_defaults(t.tier.level))
        for t in teams if t.pk not in have
    ])
    people_on = set(BoardSettings.objects.filter(team__in=teams, people_enabled=True)
                    .values_list("team_id", flat=True))

    members: dict[int, list[int]] = {t.pk: [] for t in teams}
    for team_id, user_id in (Membership.objects.filter(team__in=teams, user__is_active=True)
                                   .order_by("team_id", "role", "user_id")
                                   .values_list("team_id", "user_id")):
        members[team_id].append(user_id)

    # SQDC: weekdays of the last month; today only for every other team, so the demo shows
    # both a finished board and one to fill in.
    rows = []
    for index, team in enumerate(sorted(teams, key=lambda t: t.slug)):
        cats = ["safety", "quality", "delivery", "cost"] + (
            ["people"] if team.pk in people_on else [])
        for day in _weekdays(today - timedelta(days=SQDC_DAYS), today):
            if day == today and index % 2:
                continue
            for cat in cats:
                rng = random.Random(f"sqdc:{team.slug}:{day.isoformat()}:{cat}")
                roll, (green, amber) = rng.random(), ODDS[cat]
                status = "green" if roll < green else "amber" if roll < amber else "red"
                note = "" if status == "green" else rng.choice(NOTES[cat][status])
                who = members[team.pk]
                rows.append(SqdcDay(team=team, date=day, category=cat, status=status, note=note,
                                    set_by_id=rng.choice(who) if who else None))
    SqdcDay.objects.bulk_create(rows, ignore_conflicts=True)

    # Huddles: the last three weeks of weekdays (not today: left for the demo to start one).
    start = today - timedelta(days=HUDDLE_DAYS)
    existing = set(Huddle.objects.filter(team__in=teams, date__gte=start)
                   .values_list("team_id", "date"))
    open_ideas: dict[int, list[int]] = {t.pk: [] for t in teams}
    for idea_id, team_id in (Idea.objects.filter(team__in=teams)
                             .exclude(status__in=["declined", "parked"])
                             .order_by("-created_at").values_list("pk", "team_id")):
        if len(open_ideas[team_id]) < 12:
            open_ideas[team_id].append(idea_id)
    plans = []
    for team in teams:
        for day in _weekdays(start, today - timedelta(days=1)):
            if (team.pk, day) in existing:
                continue
            rng = random.Random(f"huddle:{team.slug}:{day.isoformat()}")
            if rng.random() > 0.9:  # about one huddle in ten is missed
                continue
            begin = timezone.make_aware(datetime.combine(day, team.tier.huddle_time)) + \
                timedelta(minutes=rng.randint(-3, 14))
            people = members[team.pk]
            present = [u for u in people if rng.random() < 0.88] or people[:1]
            discussed = rng.sample(open_ideas[team.pk], k=min(len(open_ideas[team.pk]),
                                                             rng.randint(1, 3)))
            huddle = Huddle(
                team=team, date=day, started_at=begin,
                ended_at=begin + timedelta(minutes=rng.randint(7, 16)),
                started_by_id=people[0] if people else None,
                ended_by_id=people[0] if people else None,
                notes=rng.choice(HUDDLE_NOTES),
                guests=rng.choice(GUESTS) if rng.random() < 0.2 else "",
            )
            plans.append((huddle, present, discussed))
    Huddle.objects.bulk_create([h for h, _, _ in plans])
    Huddle.attendees.through.objects.bulk_create([
        Huddle.attendees.through(huddle_id=h.pk, user_id=u) for h, present, _ in plans
        for u in present
    ], ignore_conflicts=True)
    Huddle.discussed.through.objects.bulk_create([
        Huddle.discussed.through(huddle_id=h.pk, idea_id=i) for h, _, ideas in plans
        for i in ideas
    ], ignore_conflicts=True)
