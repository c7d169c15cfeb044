"""A hand-built month of improvement work with exactly known figures (see ``world``)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from escalation.models import Escalation
from huddles.models import Huddle, SqdcDay
from ideas.models import Comment, Idea
from strategy.models import AnnualGoal, Objective, Priority, PriorityLink
from tests.factories import IdeaFactory, MembershipFactory, UserFactory

LONG_LEARNING = "We learned the torque spec was never in the standard work."


@dataclass
class World:
    now: datetime
    day: date  # D: the last day of the period (yesterday)
    start: date  # D - 9: a ten-day period
    items: dict
    escalations: dict
    quiet: object

    def at(self, offset: int, hour: int = 12) -> datetime:
        return at(self.day, offset, hour)


def at(day: date, offset: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day - timedelta(days=offset), time(hour)))


def make_item(team, *, created, reporter, **fields) -> Idea:
    fields.setdefault("last_activity_at", fields.get("done_at") or created)
    fields.setdefault("status_changed_at", fields.get("done_at") or created)
    idea = IdeaFactory(team=team, reporter=reporter, **fields)
    Idea.objects.filter(pk=idea.pk).update(created_at=created)
    idea.refresh_from_db()
    return idea


def weekdays(start: date, end: date) -> int:
    return sum(1 for i in range((end - start).days + 1)
               if (start + timedelta(days=i)).weekday() < 5)


@pytest.fixture
def world(org) -> World:
    """Ten days D-9 … D (D = yesterday), noon timestamps.

    line1 (tier 1; member, lead, quiet):
      A logged D-8 by member, done D-6 (2 d), owner member, long learning, 1000 / 10 h, linked
      B logged D-5 by member, done D-1 (4 d), escalated to sup, learning "ok", 500
      C logged D-3 by lead, declined D-2
      D logged D-20 by member, done D-2 (18 d), owner lead, long learning
      E logged D-30, open, aging-flagged
      F logged D-1 by member, in progress, escalated to sup (open, past its 8 h to acknowledge)
    line2 (tier 1; other): G logged D-4 by member, open, aging-flagged, linked; other comments
      on A on D-7
    sup (tier 2; supervisor): H logged D-7 by supervisor, done D-3 (4 d), long learning,
      escalated to plant (acknowledged in 2 h, returned after 1 d)
    Escalation B→sup: acknowledged after 6 h, resolved after 2 d.
    SQDC on line1: D-1 safety green, quality red; D-2 safety green, quality unset; D-15 red.
    Huddles on line1: the first three weekdays of the period; one on D-15.
    """
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=1)
    start = day - timedelta(days=9)
    quiet = UserFactory(username="quiet")
    MembershipFactory(user=quiet, team=org.line1)

    def a(offset, hour=12):
        return at(day, offset, hour)

    items = {}
    items["A"] = make_item(org.line1, created=a(8), reporter=org.member, owner=org.member,
                           status="done", done_at=a(6), learning=LONG_LEARNING,
                           learning_by=org.member, actual_money_per_year=1000,
                           actual_hours_per_year=10)
    items["B"] = make_item(org.line1, created=a(5), reporter=org.member, status="done",
                           done_at=a(1), learning="ok", actual_money_per_year=500)
    items["C"] = make_item(org.line1, created=a(3), reporter=org.lead, status="declined",
                           status_changed_at=a(2), status_reason="Not now")
    items["D"] = make_item(org.line1, created=a(20), reporter=org.member, owner=org.lead,
                           status="done", done_at=a(2), learning=LONG_LEARNING)
    items["E"] = make_item(org.line1, created=a(30), reporter=org.member,
                           aging_flagged_at=a(1))
    items["F"] = make_item(org.line1, created=a(1), reporter=org.member, status="in_progress",
                           waiting_on_team=org.sup)
    items["G"] = make_item(org.line2, created=a(4), reporter=org.member,
                           aging_flagged_at=a(0))
    items["H"] = make_item(org.sup, created=a(7), reporter=org.supervisor, status="done",
                           done_at=a(3), learning=LONG_LEARNING)

    comment = Comment.objects.create(idea=items["A"], author=org.other, text="Nice one")
    Comment.objects.filter(pk=comment.pk).update(created_at=a(7))

    escalations = {
        "B": Escalation.objects.create(
            idea=items["B"], from_team=org.line1, to_team=org.sup, reason="resources",
            ask="Need a hand", raised_by=org.lead, raised_at=a(4), state="resolved",
            acknowledged_at=a(4, 18), acknowledged_by=org.supervisor, resolved_at=a(2),
            resolved_by=org.supervisor, decision="Approved", due_ack_at=a(4, 20),
            due_resolve_at=a(2, 12)),
        "F": Escalation.objects.create(
            idea=items["F"], from_team=org.line1, to_team=org.sup, reason="resources",
            ask="Need a hand", raised_by=org.lead, raised_at=a(1), due_ack_at=a(1, 20),
            due_resolve_at=a(-1)),
        "H": Escalation.objects.create(
            idea=items["H"], from_team=org.sup, to_team=org.plant, reason="knowledge",
            ask="Advice", raised_by=org.supervisor, raised_at=a(6), state="returned",
            acknowledged_at=a(6, 14), acknowledged_by=org.manager, resolved_at=a(5),
            resolved_by=org.manager, decision="Try the supplier first", due_ack_at=a(4),
            due_resolve_at=a(-1)),
    }

    objective = Objective.objects.create(title="Zero harm", horizon_year=day.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=day.year, title="Fewer injuries")
    priority = Priority.objects.create(goal=goal, title="Guard every press", why_now="Injuries",
                                       owner_team=org.exec, start=day - timedelta(days=60),
                                       end=day + timedelta(days=60))
    PriorityLink.objects.create(priority=priority, idea=items["A"])
    PriorityLink.objects.create(priority=priority, idea=items["G"])

    for offset, category, status, note in [(1, "safety", "green", ""),
                                           (1, "quality", "red", "Scrap"),
                                           (2, "safety", "green", ""),
                                           (2, "quality", "unset", ""),
                                           (15, "safety", "red", "Cut finger")]:
        SqdcDay.objects.create(team=org.line1, date=day - timedelta(days=offset),
                               category=category, status=status, note=note)
    held = [start + timedelta(days=i) for i in range(10)
            if (start + timedelta(days=i)).weekday() < 5][:3] + [day - timedelta(days=15)]
    for d in held:
        Huddle.objects.create(team=org.line1, date=d,
                              started_at=timezone.make_aware(datetime.combine(d, time(7, 15))))
    return World(now=now, day=day, start=start, items=items, escalations=escalations,
                 quiet=quiet)
