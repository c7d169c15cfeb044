"""Hand-built data with exactly known figures: a month of improvement work (``world``), the
executive layer's month (``exe``) and a month of system work (``sys_world``)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from core.dates import last_weeks
from core.periods import parse_period
from escalation.models import Escalation
from experiments.models import Experiment
from huddles.models import Huddle, SqdcDay
from ideas.models import Comment, Idea
from reviews.models import Review, ReviewCadence
from scorecards.executive import capacity_today
from strategy.models import (
    KPI,
    AnnualGoal,
    Constraint,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
    StrategyChange,
)
from systemic.models import SystemicIssue, SystemicLink
from tests.factories import IdeaFactory, MembershipFactory, UserFactory
from tests.strategy.conftest import make_kpi, make_priority

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


# ---------------------------------------------------------------- the executive scorecard


@dataclass
class Exec:
    now: datetime
    day: date  # D: yesterday, the end of the period
    start: date  # D - 9: a ten-day custom period
    priorities: dict
    issue: SystemicIssue
    weeks: list[date]

    def params(self) -> dict:
        return {"period": "custom", "from": self.start.isoformat(), "to": self.day.isoformat()}

    def period(self):
        return parse_period("custom", self.start, self.day)


def escalate(org, *, to_team, raised: datetime, state="open", hours=None) -> Escalation:
    idea = IdeaFactory(team=org.plant, reporter=org.manager)
    closed = state != "open"
    return Escalation.objects.create(
        idea=idea, from_team=org.plant if to_team != org.plant else org.sup, to_team=to_team,
        reason="authority", ask="Decide", raised_by=org.manager, raised_at=raised,
        due_ack_at=raised, due_resolve_at=raised, state=state,
        resolved_at=raised + timedelta(hours=hours) if closed else None,
        resolved_by=org.executive if closed else None, decision="Decided" if closed else "")


def change(day: date, offset: int, *, outside: bool, subject="priority", priority=None,
           constraint=None) -> StrategyChange:
    return StrategyChange.objects.create(
        subject=subject, action="changed", priority=priority, constraint=constraint,
        outside_window=outside, cause="Customer audit moved" if outside else "",
        at=at(day, offset))


@pytest.fixture
def exe(org) -> Exec:
    """D = yesterday, period D-9 … D.

    Priorities active on D: "Guard every press" (clear), "Cut scrap" (no KPI), "Vague" (no
    success criteria, no KPI); "Closed one" (closed) and "Last year" (ended) do not count.
      → clarity 1 of 3.
    Changes: D-3 inside a window; D-2 outside (priority); D-1 outside (constraint); D-20
      outside (before the period). → period: 3 changes, 2 outside; month: 4 and 3.
    Constraints: sup (covers sup, line1, line2) active; maint ended D-5. → 3 of 7 teams.
    Top-tier escalations (to exec): D-8 resolved in 10 h, D-6 returned in 30 h, D-4 resolved
      in 20 h, D-2 open; D-15 resolved in 40 h (before the period); one to plant (not top).
      → period: received 4, decided 3, median 20 h, returned 1/3.
    Capacity: line1 protects 10 h/week, sup 20 h/week (set 90 days ago); over the 4 complete
      weeks line1 used 8+5+10+7 = 30 h, sup 10 h in the last week. → 40 of 120 h.
    Systemic issue "Torque drift" (owner plant): 3 problems logged this month, 1 two months
      ago.
    """
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=1)
    start = day - timedelta(days=9)
    objective = Objective.objects.create(title="Zero harm", horizon_year=day.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=day.year, title="Fewer injuries")
    span = {"start": day - timedelta(days=60), "end": day + timedelta(days=60)}
    clear = make_priority(goal, org.exec, title="Guard every press", **span)
    make_kpi(clear, org.plant, name="Injuries")
    no_kpi = make_priority(goal, org.plant, title="Cut scrap", **span)
    vague = make_priority(goal, org.plant, title="Vague", **span)
    closed = make_priority(goal, org.plant, title="Closed one", status="closed", **span)
    old = make_priority(goal, org.plant, title="Last year", start=day - timedelta(days=400),
                        end=day - timedelta(days=30))
    Priority.objects.filter(pk__in=[clear.pk, no_kpi.pk, closed.pk, old.pk]).update(
        success_criteria="Zero lost-time injuries for a quarter")
    vague.refresh_from_db()

    sup_rule = Constraint.objects.create(statement="No new headcount", team=org.sup,
                                         start=day - timedelta(days=10))
    Constraint.objects.create(statement="Freeze", team=org.maint, start=day - timedelta(days=30),
                              end=day - timedelta(days=5))
    change(day, 3, outside=False, priority=no_kpi)
    change(day, 2, outside=True, priority=no_kpi)
    change(day, 1, outside=True, subject="constraint", constraint=sup_rule)
    change(day, 20, outside=True, priority=vague)

    escalate(org, to_team=org.exec, raised=at(day, 8), state="resolved", hours=10)
    escalate(org, to_team=org.exec, raised=at(day, 6), state="returned", hours=30)
    escalate(org, to_team=org.exec, raised=at(day, 4), state="resolved", hours=20)
    escalate(org, to_team=org.exec, raised=at(day, 2))
    escalate(org, to_team=org.exec, raised=at(day, 15), state="resolved", hours=40)
    escalate(org, to_team=org.plant, raised=at(day, 5), state="resolved", hours=1)

    long_ago = now - timedelta(days=90)
    TeamCapacity.objects.create(team=org.line1, unit="hours", amount=Decimal("10"),
                                created_at=long_ago)
    TeamCapacity.objects.create(team=org.sup, unit="hours", amount=Decimal("20"),
                                created_at=long_ago)
    weeks = last_weeks(4, today=capacity_today(day), include_current=False)
    work = IdeaFactory(team=org.line1, reporter=org.member)
    for monday, hours in zip(weeks, [8, 5, 10, 7], strict=True):
        TimeEntry.objects.create(user=org.member, idea=work, team=org.line1,
                                 date=monday + timedelta(days=1), hours=Decimal(hours))
    TimeEntry.objects.create(user=org.member, idea=work, team=org.line1,
                             date=weeks[0] - timedelta(days=3), hours=Decimal(9))  # before
    TimeEntry.objects.create(user=org.supervisor, idea=work, team=org.sup,
                             date=weeks[-1] + timedelta(days=2), hours=Decimal(10))

    issue = SystemicIssue.objects.create(title="Torque drift", statement="Guns drift",
                                         owner_team=org.plant, created_by=org.manager)
    this_month = timezone.localdate(now).replace(day=1)
    two_back = (this_month - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    logged = [now, now, now,
              timezone.make_aware(datetime.combine(two_back.replace(day=10), datetime.min.time()))]
    for i, when in enumerate(logged):
        problem = make_item(org.line1 if i % 2 else org.line2, created=when,
                            reporter=org.member, title=f"Torque gun drifts {i}")
        SystemicLink.objects.create(issue=issue, idea=problem, linked_by=org.manager)
    return Exec(now=now, day=day, start=start,
                priorities={"clear": clear, "no_kpi": no_kpi, "vague": vague}, issue=issue,
                weeks=weeks)


# ---------------------------------------------------------------- system work


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def item(team, reporter, *, created: date, **fields) -> Idea:
    fields.setdefault("last_activity_at", fields.get("done_at") or noon(created))
    fields.setdefault("status_changed_at", fields.get("done_at") or noon(created))
    idea = IdeaFactory(team=team, reporter=reporter, **fields)
    Idea.objects.filter(pk=idea.pk).update(created_at=noon(created))
    idea.refresh_from_db()
    return idea


@dataclass
class Sys:
    now: datetime
    day: date  # yesterday: the end of every period here
    mondays: list[date]  # the last four complete weeks, oldest first
    done: dict
    secret: Idea


@pytest.fixture
def sys_world(org) -> Sys:
    """The 30 days ending yesterday (D).

    line1: four items done on D-3, logged on D-10 at team, cross-team, system and team level:
      "exp" has a decided experiment, "kpi" serves a priority whose KPI has readings on D-20
      and D-1, "plain" has nothing, "undecided" has an experiment not decided yet.
      Protects 10 h a week (since 60 days ago) and logs 4 h in each of the last four complete
      weeks (plus 9 h today and 2 h five weeks back, outside the month).
      Reviews weekly since the first of those four weeks; held in the first and third.
    line2: five system-level items logged on D-5 (one of them private to line2), nothing done;
      protects 10 h a week and logs 12 h in each of the four weeks.
    Tier 1's leads review weekly since the same Monday and never held one.
    """
    now = timezone.now()
    day = timezone.localdate(now) - timedelta(days=1)
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)  # the last complete week's end
    mondays = [sunday - timedelta(days=6 + 7 * i) for i in range(3, -1, -1)]

    logged = day - timedelta(days=10)
    done_at = noon(day - timedelta(days=3))
    done = {}
    for name, level in [("exp", "team"), ("kpi", "cross_team"), ("plain", "system"),
                        ("undecided", "team")]:
        done[name] = item(org.line1, org.member, created=logged, status="done",
                          done_at=done_at, level=level, title=f"Done {name}")
    Experiment.objects.create(idea=done["exp"], hypothesis="We believe a jig will halve scrap",
                              signal="scrap", start=logged, evidence="Scrap 4% → 2%",
                              decision="adopt", decided_at=done_at)
    Experiment.objects.create(idea=done["undecided"], hypothesis="h", signal="s", start=logged)
    objective = Objective.objects.create(title="Zero defects", horizon_year=day.year + 3)
    goal = AnnualGoal.objects.create(objective=objective, year=day.year, title="Less scrap")
    priority = Priority.objects.create(goal=goal, title="Halve scrap", why_now="Cost",
                                       owner_team=org.exec, start=day - timedelta(days=90),
                                       end=day + timedelta(days=90))
    kpi = KPI.objects.create(priority=priority, name="Scrap rate", baseline=4, target=2,
                             direction="down", owner_team=org.plant)
    KPIReading.objects.create(kpi=kpi, date=day - timedelta(days=20), value=Decimal("4.0"))
    KPIReading.objects.create(kpi=kpi, date=day - timedelta(days=1), value=Decimal("3.0"))
    PriorityLink.objects.create(priority=priority, idea=done["kpi"])

    for i in range(4):
        item(org.line2, org.other, created=day - timedelta(days=5), level="system",
             title=f"System item {i}")
    secret = item(org.line2, org.other, created=day - timedelta(days=5), level="system",
                  is_private=True, title="Secret system item")

    since = now - timedelta(days=60)
    for team, hours in ((org.line1, "4"), (org.line2, "12")):
        TeamCapacity.objects.create(team=team, unit="hours", amount=Decimal("10"),
                                    created_at=since)
        for monday in mondays:
            TimeEntry.objects.create(user=org.member, idea=done["plain"], team=team,
                                     date=monday + timedelta(days=2), hours=Decimal(hours))
    TimeEntry.objects.create(user=org.member, idea=done["plain"], team=org.line1,
                             date=day + timedelta(days=1), hours=Decimal("9"))
    TimeEntry.objects.create(user=org.member, idea=done["plain"], team=org.line1,
                             date=mondays[0] - timedelta(days=5), hours=Decimal("2"))

    ReviewCadence.objects.create(team=org.line1, every="weekly", since=mondays[0])
    ReviewCadence.objects.create(tier=org.tiers[1], every="weekly", since=mondays[0])
    for week in (0, 2):
        Review.objects.create(team=org.line1, held_on=mondays[week] + timedelta(days=3),
                              period_start=mondays[week], assessment="Held",
                              held_by=org.lead)
    return Sys(now=now, day=day, mondays=mondays, done=done, secret=secret)
