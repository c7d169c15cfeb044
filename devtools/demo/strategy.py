"""Demo strategy: 3 breakthrough objectives, 6 annual goals, 10 improvement priorities with
KPIs and a year of monthly readings, constraints, deployments in every catchball state, and
about half of the existing ideas linked to the priority their category serves; then the
executive layer: success criteria and resources on the priorities, planning windows and one
priority changed outside a window with its cause.

Deployments follow the spine (strategy.spine): the executive deploys to the management teams
directly below the executive team, whose leads cascade what they accepted to their
supervisors, who cascade it to their lines — a tree from each priority, catchball at every hop
(the leaves carry the states listed below; every team above a leaf has accepted). The one
priority left without success criteria is not deployed (clarity before urgency). Review-by
dates: one priority and one constraint are past theirs, so the daily nudge has something to
say.

Idempotent (a second run finds the first objective and the planning windows and changes
nothing), deterministic (its own random seed) and set-based (readings and links are bulk
inserts)."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone

from devtools.demo.org import first_lead
from ideas.models import Idea
from org.models import Team, User
from strategy import models, services
from strategy.jobs import nudge_overdue_reviews

SEED = 6006
LINK_SHARE = 0.5

OBJECTIVES = [
    ("Zero harm: everyone goes home safe every day",
     "No lost-time injuries and a reporting culture where every near miss is a gift.", 3),
    ("Right first time: quality our customers never have to think about",
     "Defects caught at the source, not by the customer.", 4),
    ("Lean and reliable: on time, every time, at lower cost",
     "Stable lines, short changeovers, and overhead that does not grow with volume.", 3),
]

# objective index, title, measure
GOALS = [
    (0, "Halve lost-time injuries", "LTIs from 6 to 3 a year"),
    (0, "Every near miss reported and closed within 7 days", "open near misses > 7 days: 0"),
    (1, "Cut scrap from 4.0% to 2.5%", "scrap rate, % of output"),
    (1, "Customer complaints down 30%", "complaints a month from 20 to 14"),
    (2, "OEE on the assembly lines from 68% to 75%", "OEE, monthly average"),
    (2, "Reduce overhead cost 12% without increasing headcount", "overhead hours a week"),
]

# goal index, title, why now, owner slug, kpis [(name, unit, baseline, target, direction,
# owner slug, progress)], deployed to [(slug, state)] — the leaves of the cascade; the chain
# from the management team above each leaf is accepted — closed
# progress: how far along the planned path the readings really are (1 = on plan).
PRIORITIES = [
    (0, "Separate forklifts and pedestrians in the warehouse",
     "Three near misses with reach trucks since the spring volume peak; the next one may "
     "not be a miss.", "packaging-supervisors",
     [("Forklift near misses", "", "6", "1", "down", "warehouse", 1.2),
      ("Lost-time injuries in the warehouse", "", "0", "0", "down", "packaging-supervisors",
       1.0)],
     [("warehouse", "accepted"), ("packaging-a", "accepted"), ("packaging-b", "proposed")],
     False),
    (0, "Ergonomics of the assembly stations",
     "Two strain injuries on Line 1 this year and an ageing workforce: lifting aids now "
     "cost less than one absence.", "assembly-supervisors",
     [("Stations above the lifting limit", "", "9", "2", "down", "assembly-supervisors", 0.7)],
     [],  # no success criteria yet (see CRITERIA): it cannot be deployed
     False),
    (1, "Near-miss reporting from the front line",
     "Reports dropped by half after the reorganisation: people stopped believing they are "
     "read.", "plant-management",
     [("Near misses reported a month", "", "12", "30", "up", "plant-management", 0.9),
      ("Near misses open over 7 days", "", "15", "0", "down", "plant-management", 0.6)],
     [("assembly-supervisors", "accepted"), ("packaging-supervisors", "revised")],
     False),
    (2, "Cut scrap on Line 1 and Line 2",
     "Scrap doubled with the new bracket supplier; it now costs more than the line's "
     "overtime budget.", "assembly-supervisors",
     [("Scrap rate", "%", "4.0", "2.5", "down", "quality", 1.1)],
     [("line-1-day", "accepted"), ("line-2-day", "countered"), ("quality", "accepted")],
     False),
    (2, "Incoming material quality with the top three suppliers",
     "70% of our scrap starts at goods-in; two suppliers are up for contract renewal in Q3.",
     "quality",
     [("Incoming defects (ppm)", "ppm", "850", "400", "down", "quality", 0.8)],
     [("warehouse", "proposed"), ("quality", "accepted")],
     False),
    (3, "Close the loop on customer complaints",
     "Our biggest customer put us on a watch list after three repeat complaints.", "quality",
     [("Customer complaints a month", "", "20", "14", "down", "quality", 1.0)],
     [("assembly-supervisors", "accepted"), ("packaging-supervisors", "proposed")],
     False),
    (4, "Unplanned downtime on the packaging lines",
     "Packaging is now the bottleneck: every hour lost there is an hour lost for the plant.",
     "maintenance",
     [("Unplanned downtime", "h/month", "60", "30", "down", "maintenance", 0.75)],
     [("packaging-a", "accepted"), ("packaging-b", "countered"), ("maintenance", "accepted")],
     False),
    (4, "Faster changeovers on Line 2",
     "The product mix doubled; changeovers now eat 9% of Line 2's time.",
     "assembly-supervisors",
     [("Changeover time", "min", "45", "25", "down", "line-2-day", 1.05)],
     [("line-2-day", "accepted"), ("maintenance", "proposed")],
     False),
    (5, "Paperless shop-floor reporting",
     "Supervisors spend a day a week retyping paper reports; the overhead target needs "
     "those hours back.", "it",
     [("Hours a week on manual reports", "h", "40", "20", "down", "it", 0.9)],
     [("assembly-supervisors", "countered"), ("packaging-supervisors", "accepted"),
      ("it", "accepted")],
     False),
    (5, "Compressed-air leaks",
     "The energy bill rose 18%; a leak survey showed a third of the air is lost.",
     "maintenance",
     [("Compressor energy", "MWh/month", "110", "85", "down", "maintenance", 1.3)],
     [("maintenance", "accepted")],
     True),
]

COMMENTS = {
    "propose": ["Please take this into your team's plan for the year."],
    "accept": ["Agreed — it is on our board and in the next huddles.",
               "We're in. Two of our ideas already fit; we'll link them.",
               "Accepted. We will review progress at the monthly tier 2 huddle."],
    "counter": ["We can commit to half of it this year: the line is fully loaded until Q3. "
                "Can we phase it?",
                "Not without help from maintenance: we need their hours in the plan too.",
                "We'd rather own the measurement than the whole target — can quality lead?",
                "Our team is two people short until March; can we start in Q2?"],
    "revise": ["Agreed: phase it — first half by Q3, the rest by year end."],
}

CONSTRAINTS = [
    ("Reduce overhead cost 12% without increasing headcount", None, 0, 364,
     "Improvements that need new hires go to the executive team first."),
    ("No overtime beyond 10% of planned hours", "plant-management", 0, 364,
     "Overtime is how problems hide: escalate instead."),
    ("Capital spend above 50,000 needs a business case reviewed by the executive team",
     "support-management", 0, None, ""),
    ("Planned maintenance stays at 80% of maintenance hours, even during peaks",
     "maintenance", 30, None, ""),
    ("Freeze on new software tools until the ERP upgrade", "it", -200, -20, ""),
]

# Categories of ideas → the priorities (indexes above) they most likely serve.
SERVES = {
    "safety": [0, 1, 2],
    "quality": [3, 4, 5],
    "delivery": [6, 7],
    "cost": [7, 8, 9],
    "people": [1, 2],
}


def _month_starts(today: date, n: int) -> list[date]:
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))



def _chain(team: Team, by_id: dict[int, Team]) -> list[Team]:
    """The teams from the one directly below the root down to ``team``."""
    chain = [team]
    while chain[0].parent_id and by_id[chain[0].parent_id].parent_id:
        chain.insert(0, by_id[chain[0].parent_id])
    return chain


def _cascade(priority, deployed, *, teams, leads, executive, start, today, now, rng
             ) -> list[models.DeploymentComment]:
    """Deploys the priority to each leaf's management team and cascades it hop by hop down to
    the leaf: every hop above a leaf accepted, the leaf in its listed state. Answers the
    catchball comments to insert (the caller dates them)."""
    by_id = {t.pk: t for t in teams.values()}

    def lead_of(team: Team) -> User | None:
        if team.slug not in leads:
            leads[team.slug] = first_lead(team)
        return leads[team.slug]

    made: dict[int, models.Deployment] = {}
    wanted: dict[int, str] = {}
    for slug, state in deployed:
        for hop in _chain(teams[slug], by_id):
            wanted.setdefault(hop.pk, "accepted")
        wanted[teams[slug].pk] = state
    comments = []
    proposed_at = timezone.make_aware(datetime.combine(start, time(9))) if start <= today \
        else now
    for slug, _state in deployed:
        for depth, team in enumerate(_chain(teams[slug], by_id)):
            if team.pk in made:
                continue
            parent = made.get(team.parent_id)
            proposer = executive if parent is None else lead_of(by_id[team.parent_id])
            state = wanted[team.pk]
            at = proposed_at + timedelta(days=4 * depth)
            final = {"revised": "proposed"}.get(state, state)
            answered = final != "proposed"
            made[team.pk] = models.Deployment.objects.create(
                priority=priority, team=team, parent=parent, proposed_by=proposer,
                proposed_at=at, state=final, round=2 if state == "revised" else 1,
                ask=(f"Contribute to “{priority.title.lower()}” in {team.name}'s plan."
                     if parent is None else
                     f"{team.name}: take your share of “{priority.title.lower()}” into your "
                     f"huddles and link the items that serve it."),
                answered_by=lead_of(team) if answered else None,
                answered_at=at + timedelta(days=3) if answered else None)
            thread = [("propose", proposer, 1)]
            if state in ("accepted", "countered", "revised"):
                thread.append(("counter" if state in ("countered", "revised") else "accept",
                               lead_of(team), 1))
            if state == "revised":
                thread.append(("revise", proposer, 2))
            comments += [models.DeploymentComment(deployment=made[team.pk], author=author,
                                                  kind=kind, text=rng.choice(COMMENTS[kind]),
                                                  round=rnd)
                         for kind, author, rnd in thread]
    return comments


def seed(context: dict) -> None:
    if not models.Objective.objects.filter(title=OBJECTIVES[0][0]).exists():
        _seed_deployment(context)
    if not models.PlanningWindow.objects.exists():
        _seed_executive_layer(context)


def _seed_deployment(context: dict) -> None:
    rng = random.Random(SEED)
    teams: dict[str, Team] = context["teams"]
    admin: User = context["admin"]
    executive = User.objects.filter(username="helen").first() or admin
    today = timezone.localdate()
    year = today.year
    now = timezone.now()

    objectives = [models.Objective.objects.create(title=t, description=d,
                                                  horizon_year=year + h, position=i,
                                                  created_by=executive)
                  for i, (t, d, h) in enumerate(OBJECTIVES)]
    goals = [models.AnnualGoal.objects.create(objective=objectives[o], year=year, title=t,
                                              measure=m)
             for o, t, m in GOALS]

    months = _month_starts(today, 12)
    readings: list[models.KPIReading] = []
    comments: list[models.DeploymentComment] = []
    priorities: list[models.Priority] = []
    leads: dict[str, User | None] = {}
    for goal_i, title, why, owner, kpis, deployed, closed in PRIORITIES:
        start, end = date(year, 1, 1), date(year, 12, 31)
        priority = models.Priority.objects.create(
            goal=goals[goal_i], title=title, why_now=why, owner_team=teams[owner], start=start,
            end=end, created_by=executive,
            status=models.Priority.Status.CLOSED if closed else models.Priority.Status.ACTIVE,
            closed_on=min(today, date(year, 6, 30)) if closed else None,
            closing_note="Leak survey done and fixed; the rest is routine maintenance now."
            if closed else "")
        priorities.append(priority)
        for name, unit, baseline, target, direction, kpi_owner, progress in kpis:
            kpi = models.KPI.objects.create(priority=priority, name=name, unit=unit,
                                            baseline=Decimal(baseline), target=Decimal(target),
                                            direction=direction, owner_team=teams[kpi_owner])
            b, t = float(baseline), float(target)
            places = 2 if "." in baseline + target else 0  # counts stay whole numbers
            span = (end - start).days
            if kpi_owner not in leads:
                leads[kpi_owner] = first_lead(teams[kpi_owner])
            recorder = leads[kpi_owner]
            for month in months:
                frac = min(max((month - start).days / span, 0), 1) * progress
                noise = (rng.random() - 0.5) * 0.08 * (abs(b - t) or max(abs(b), 1))
                value = b + (t - b) * frac + noise
                if b == t == 0:
                    value = 0 if rng.random() < 0.9 else 1
                readings.append(models.KPIReading(kpi=kpi, date=month,
                                                  value=Decimal(f"{max(value, 0):.{places}f}"),
                                                  recorded_by=recorder))
        comments += _cascade(priority, deployed, teams=teams, leads=leads,
                             executive=executive, start=start, today=today, now=now, rng=rng)
    models.KPIReading.objects.bulk_create(readings)
    models.DeploymentComment.objects.bulk_create(comments)
    # Date each throw of the catchball after its proposal (auto_now_add stamped them now).
    proposed = Subquery(models.Deployment.objects.filter(pk=OuterRef("deployment_id"))
                        .values("proposed_at")[:1])
    for kinds, days in ((["propose"], 0), (["accept", "counter"], 3), (["revise"], 6)):
        models.DeploymentComment.objects.filter(
            kind__in=kinds, deployment__priority__in=priorities).update(created_at=ExpressionWrapper(
            proposed + timedelta(days=days), output_field=DateTimeField()))

    def day(offset: int | None) -> date | None:
        # Offsets from 1 January of this year; negative ones count back from today.
        if offset is None:
            return None
        return date(year, 1, 1) + timedelta(days=offset) if offset >= 0 \
            else today + timedelta(days=offset)

    for statement, slug, start_offset, end_offset, detail in CONSTRAINTS:
        models.Constraint.objects.create(statement=statement, detail=detail,
                                         team=teams[slug] if slug else None,
                                         start=day(start_offset), end=day(end_offset),
                                         set_by=executive)

    links = []
    for idea_id, category, reporter_id in (Idea.objects.order_by("pk")
                                           .values_list("pk", "category", "reporter_id")):
        if rng.random() >= LINK_SHARE:
            continue
        options = SERVES.get(category) or [0]
        chosen = priorities[rng.choice(options)]
        links.append(models.PriorityLink(priority=chosen, idea_id=idea_id,
                                         linked_by_id=reporter_id))
        if rng.random() < 0.1:  # a few serve two priorities
            second = priorities[rng.choice(options)]
            if second.pk != chosen.pk:
                links.append(models.PriorityLink(priority=second, idea_id=idea_id,
                                                 linked_by_id=reporter_id))
    models.PriorityLink.objects.bulk_create(links, ignore_conflicts=True)


# ---------------------------------------------------------------- the executive layer

CRITERIA = [
    "No reach-truck near miss for a full quarter; pedestrians and trucks never share an aisle.",
    "Every station below the lifting limit; no strain injury for six months.",
    "Near misses reported within a shift and closed within 7 days, every month.",
    "Scrap at or below 2.5% for three months running on both lines.",
    "Complaints down 30% and no repeat complaint for the same cause.",
    "OEE at 75% on both assembly lines, sustained for a quarter.",
    "Changeovers under 20 minutes on every packaging line.",
    "Overhead hours down 12% with no new headcount.",
]


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _seed_executive_layer(context: dict) -> None:
    """Success criteria and resources on the priorities (one active priority left vague:
    clarity under 100 %), two planning windows (today is outside them) and one priority changed
    outside a window with its cause."""
    today = timezone.localdate()
    executive = User.objects.filter(username="helen").first() or context["admin"]
    priorities = list(models.Priority.objects.order_by("pk"))
    for i, p in enumerate(priorities):
        # Review-by dates spread over the coming weeks; the first priority is past its date.
        review_by = today - timedelta(days=5) if i == 0 else today + timedelta(days=20 + 9 * i)
        models.Priority.objects.filter(pk=p.pk).update(review_by=min(review_by, p.end))
        if i == 1:
            continue
        models.Priority.objects.filter(pk=p.pk).update(
            success_criteria=CRITERIA[i % len(CRITERIA)],
            allocated_hours=Decimal(200 + 50 * (i % 5)),
            allocated_budget=Decimal(5000 * (1 + i % 4)))
    for i, c in enumerate(models.Constraint.objects.filter(
            Q(end__isnull=True) | Q(end__gte=today)).order_by("pk")):
        # The organisation-wide constraint (the first) is past its review-by date.
        models.Constraint.objects.filter(pk=c.pk).update(
            review_by=today - timedelta(days=2) if i == 0 else today + timedelta(days=45 + 15 * i))
    nudge_overdue_reviews(today=today)  # their owners hear about the two past their date

    # ---- planning windows: today is outside them; one priority changed outside with a cause
    quarter = _quarter_start(today)
    if (today - quarter).days < 14:
        quarter = _quarter_start(quarter - timedelta(days=1))
    next_quarter = _quarter_start(quarter + timedelta(days=95))
    for start in (quarter, next_quarter):
        models.PlanningWindow.objects.create(
            name=f"Q{(start.month - 1) // 3 + 1} {start.year} planning", start=start,
            end=start + timedelta(days=13), created_by=context["admin"])
    inside = [models.StrategyChange(subject=models.StrategyChange.Subject.PRIORITY,
                                    action="changed", priority=p, fields=["success_criteria"],
                                    actor=executive, at=_aware(quarter + timedelta(days=2 + i)))
              for i, p in enumerate(priorities[:3])]
    models.StrategyChange.objects.bulk_create(inside)
    target = (models.Priority.objects.filter(status=models.Priority.Status.ACTIVE)
              .filter(~Q(pk__in=[priorities[1].pk] if len(priorities) > 1 else []))
              .order_by("pk").first())
    if target is not None:
        services.priority_update(
            priority_id=target.pk, actor=executive,
            allocated_hours=(target.allocated_hours or Decimal(0)) + Decimal(120),
            cause="The customer audit moved forward by two months: the lines need the "
                  "people-hours now, not next quarter.")
