"""Demo system work on the strategy side (called by strategy.demo.seed after the deployment):
success criteria and resources on the priorities, experiments in every decision state, review
cadences with reviews held on cadence (and one team that missed one), the CI Centre of
Excellence with a few standards and a pending proposal, planning windows, and one priority
changed outside a window with its cause.

Idempotent (a second run finds the CoE designation and changes nothing) and deterministic."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ideas.models import Idea, SystemicIssue
from org.models import Membership, Team, User
from strategy import services
from strategy.models import (
    KPI,
    CentreOfExcellence,
    Experiment,
    PlanningWindow,
    Priority,
    Review,
    ReviewCadence,
    ReviewFocus,
    Standard,
    StandardProposal,
    StandardVersion,
    StrategyChange,
)
from strategy.system_selectors import review_slots

SEED = 9009

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

EXPERIMENTS = [
    # (decision, hypothesis, signal, evidence, learning)
    ("adopt", "We believe a shadow board at each station will cut tool search time, measured by "
              "minutes lost per shift.", "minutes searching for tools per shift",
     "Tool search fell from 14 to 3 minutes a shift over four weeks (timed samples).",
     "Visual control works when the team designs the board itself."),
    ("adopt", "We believe first-piece sign-off by the operator will halve setup scrap, measured "
              "by scrap in the first hour.", "scrap in the first hour after changeover",
     "First-hour scrap went from 3.1% to 1.2% across 22 changeovers.", ""),
    ("adapt", "We believe a 5-minute start-of-shift check will stop the label printer jams, "
              "measured by jams per shift.", "printer jams per shift",
     "Jams fell on day shift (4 → 1) but not on nights (3 → 3): nights skip the check.",
     "The check needs to sit in the night shift's handover, not the morning huddle."),
    ("adapt", "We believe moving the kanban loop to two bins will end line-side stock-outs, "
              "measured by stops for missing parts.", "stops for missing parts a week",
     "Stops dropped from 6 to 2 a week; the remaining two are all the same fastener.",
     "Two-bin works; the fastener needs a bigger bin."),
    ("abandon", "We believe a second inspection station will catch bracket defects earlier, "
                "measured by defects found at final test.", "defects found at final test",
     "Final-test defects did not move (11 → 10 a week) while inspection time doubled.",
     "The defect is made at the supplier: inspecting harder only moves the queue. The "
     "supplier's process is where the fix lives."),
    ("abandon", "We believe a weekly safety poster will raise near-miss reporting, measured by "
                "reports a month.", "near-miss reports a month",
     "Reports stayed flat (12 → 13) over two months.",
     "Posters do not answer why people stopped reporting: nobody saw feedback. Closing the "
     "loop on each report matters more than reminders."),
    ("", "We believe pre-kitting the night shift's parts will cut start-up time, measured by "
         "minutes to first good part.", "minutes to first good part",
     "Two weeks in: 25 → 17 minutes on four of five nights.", ""),
    ("", "We believe a shared maintenance calendar will cut waiting for the fitter, measured "
         "by hours waiting a week.", "hours waiting for maintenance a week", "", ""),
    ("", "We believe relabelling the racking by zone will halve picking errors, measured by "
         "mis-picks a week.", "mis-picks a week", "", ""),
]

STANDARDS = [
    ("Start-of-shift safety walk", "What every team lead checks in the first 10 minutes.",
     ["1. Walk the aisles with the outgoing lead.\n2. Check guards, e-stops and walkways.\n"
      "3. Note anything amber on the SQDC board.",
      "1. Walk the aisles with the outgoing lead.\n2. Check guards, e-stops and walkways.\n"
      "3. Check reach-truck lanes are clear of pedestrians.\n4. Note anything amber on the "
      "SQDC board."],
     ["First version.", "Added the reach-truck lane check after the warehouse near misses."]),
    ("Changeover standard work (assembly)", "Sequence and checks for a product changeover.",
     ["1. Pre-kit the next product's parts.\n2. Stop, clean, swap fixtures.\n3. First piece "
      "checked by the operator and signed off."], ["First version."]),
    ("Problem solving on the board", "How a team takes a problem from the board to a "
                                     "countermeasure.",
     ["1. State the problem with a number.\n2. Ask why until the cause is in our control.\n"
      "3. Try one countermeasure at a time, as an experiment.\n4. Record what we learned."],
     ["First version."]),
]


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _lead(team: Team) -> User | None:
    m = (Membership.objects.filter(team=team, role=Membership.Role.LEAD)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def seed_system(context: dict) -> None:
    teams: dict[str, Team] = context["teams"]
    if "ci-coe" not in teams or CentreOfExcellence.objects.exists():
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    executive = User.objects.filter(username="helen").first() or context["admin"]

    # ---- success criteria and resources (one active priority left vague: clarity < 100 %)
    priorities = list(Priority.objects.order_by("pk"))
    for i, p in enumerate(priorities):
        if i == 1:
            continue
        Priority.objects.filter(pk=p.pk).update(
            success_criteria=CRITERIA[i % len(CRITERIA)],
            allocated_hours=Decimal(200 + 50 * (i % 5)),
            allocated_budget=Decimal(5000 * (1 + i % 4)))

    # ---- experiments in every decision state
    done = list(Idea.objects.filter(status=Idea.Status.DONE).exclude(learning="")
                .order_by("pk").values_list("pk", "done_at", "learning_by_id", "owner_id",
                                            "reporter_id")[:6])
    started = list(Idea.objects.filter(status=Idea.Status.IN_PROGRESS).order_by("pk")
                   .values_list("pk", "started_at", "owner_id", "reporter_id")[:3])
    kpi_of = dict(KPI.objects.filter(priority__links__idea_id__in=[d[0] for d in done]
                                     + [s[0] for s in started])
                  .values_list("priority__links__idea_id", "pk"))
    experiments = []
    for (decision, hyp, signal, evidence, learning), row in zip(
            EXPERIMENTS[:6], done, strict=False):
        idea_id, done_at, by, owner, reporter = row
        decided = done_at or timezone.now()
        experiments.append(Experiment(
            idea_id=idea_id, hypothesis=hyp, signal=signal, kpi_id=kpi_of.get(idea_id),
            start=timezone.localdate(decided) - timedelta(days=35),
            end=timezone.localdate(decided) - timedelta(days=5), evidence=evidence,
            decision=decision, learning=learning, decided_at=decided,
            decided_by_id=by or owner or reporter, created_by_id=owner or reporter))
    for (_decision, hyp, signal, evidence, _learning), row in zip(
            EXPERIMENTS[6:], started, strict=False):
        idea_id, started_at, owner, reporter = row
        start = timezone.localdate(started_at) if started_at else today - timedelta(days=10)
        experiments.append(Experiment(
            idea_id=idea_id, hypothesis=hyp, signal=signal, kpi_id=kpi_of.get(idea_id),
            start=start, end=start + timedelta(days=28), evidence=evidence,
            created_by_id=owner or reporter))
    Experiment.objects.bulk_create(experiments)

    # ---- review cadences and reviews held on cadence; Line 2 day shift missed one
    since = today - timedelta(days=84)
    plan = [(slug, ReviewCadence.Every.WEEKLY) for slug in
            ("line-1-day", "line-1-night", "line-2-day", "packaging-a", "packaging-b",
             "warehouse")]
    plan += [(slug, ReviewCadence.Every.FORTNIGHTLY) for slug in
             ("assembly-supervisors", "packaging-supervisors", "maintenance", "quality")]
    plan += [("plant-management", ReviewCadence.Every.MONTHLY)]
    open_by_team: dict[int, list[int]] = {}
    for team_id, idea_id in (Idea.objects.filter(status__in=Idea.OPEN_STATUSES,
                                                 is_private=False)
                             .order_by("-last_activity_at").values_list("team_id", "pk")):
        open_by_team.setdefault(team_id, []).append(idea_id)
    issues = list(SystemicIssue.objects.order_by("pk").values_list("pk", flat=True)[:2])
    cadences, reviews, focus_plan = [], [], []
    for slug, every in plan:
        team = teams.get(slug)
        lead = _lead(team) if team else None
        if team is None or lead is None:
            continue
        cadences.append(ReviewCadence(team=team, every=every, since=since, set_by=lead))
        previous = None
        for n, (start, end) in enumerate(review_slots(every, since, today)):
            if end >= today:
                break
            if slug == "line-2-day" and n == 3:
                continue  # the missed review the scorecard shows
            held = max(start, end - timedelta(days=rng.randint(0, 1)))
            reviews.append(Review(
                team=team, held_on=held, held_by=lead,
                period_start=(previous + timedelta(days=1)) if previous
                else held - timedelta(days=(end - start).days),
                assessment=rng.choice([
                    "The countermeasures from last cycle held; the changeover one slipped on "
                    "nights.",
                    "Two of three focus items are done with evidence; the third needs the "
                    "supplier.",
                    "We spent the protected time on firefighting this cycle — little moved.",
                    "Good cycle: the experiment on pre-kitting gave a clear answer."])))
            focus_plan.append((team.pk, n))
            previous = held
    ReviewCadence.objects.bulk_create(cadences)
    ReviewCadence.objects.create(tier=teams["assembly-supervisors"].tier,
                                 every=ReviewCadence.Every.MONTHLY, since=since)
    Review.objects.bulk_create(reviews)
    focus = []
    for review, (team_id, n) in zip(Review.objects.filter(team__isnull=False)
                                    .order_by("pk"), focus_plan, strict=False):
        options = open_by_team.get(team_id, [])
        if options:
            focus.append(ReviewFocus(review=review, idea_id=options[n % len(options)]))
        if issues and n % 2 == 0:
            focus.append(ReviewFocus(review=review, systemic_issue_id=issues[n % len(issues)]))
        if not options and not (issues and n % 2 == 0):
            focus.append(ReviewFocus(review=review, note="Protect the improvement hour."))
    ReviewFocus.objects.bulk_create(focus)

    # ---- the Centre of Excellence and its standards
    coe_team = teams["ci-coe"]
    CentreOfExcellence.objects.create(team=coe_team)
    olga = _lead(coe_team) or executive
    standards = []
    for title, summary, bodies, notes in STANDARDS:
        standard = Standard.objects.create(
            title=title, summary=summary, owner_team=coe_team, owner=olga,
            review_date=today + timedelta(days=rng.randint(-10, 120)),
            current_version=len(bodies))
        StandardVersion.objects.bulk_create([
            StandardVersion(standard=standard, number=n + 1, body=body, change_note=note,
                            created_by=olga) for n, (body, note) in enumerate(zip(
                                bodies, notes, strict=True))])
        standards.append(standard)
    done_items = list(Idea.objects.filter(status=Idea.Status.DONE, is_private=False)
                      .order_by("-done_at", "pk")[:2])
    if done_items:
        first = done_items[0]
        StandardProposal.objects.create(
            standard=standards[1], idea=first,
            proposed_by_id=first.learning_by_id or first.reporter_id,
            text="Add a check of the fixture locating pins before the first piece: this item "
                 "showed most first-hour scrap comes from a worn pin.")
    if len(done_items) > 1:
        second = done_items[1]
        StandardProposal.objects.create(
            standard=standards[2], idea=second,
            proposed_by_id=second.learning_by_id or second.reporter_id,
            text="Let teams skip the five whys for one-off problems.",
            state=StandardProposal.State.DECLINED, decided_by=olga, decided_at=timezone.now(),
            reason="A one-off is only known to be one-off after the whys; keep the step, it "
                   "takes five minutes.")

    # ---- planning windows: today is outside them; one priority changed outside with a cause
    quarter = _quarter_start(today)
    if (today - quarter).days < 14:
        quarter = _quarter_start(quarter - timedelta(days=1))
    next_quarter = _quarter_start(quarter + timedelta(days=95))
    for start in (quarter, next_quarter):
        PlanningWindow.objects.create(
            name=f"Q{(start.month - 1) // 3 + 1} {start.year} planning", start=start,
            end=start + timedelta(days=13), created_by=context["admin"])
    inside = [StrategyChange(subject=StrategyChange.Subject.PRIORITY, action="changed",
                             priority=p, fields=["success_criteria"], actor=executive,
                             at=_aware(quarter + timedelta(days=2 + i)))
              for i, p in enumerate(priorities[:3])]
    StrategyChange.objects.bulk_create(inside)
    target = (Priority.objects.filter(status=Priority.Status.ACTIVE)
              .filter(~Q(pk__in=[priorities[1].pk] if len(priorities) > 1 else []))
              .order_by("pk").first())
    if target is not None:
        services.priority_update(
            priority_id=target.pk, actor=executive,
            allocated_hours=(target.allocated_hours or Decimal(0)) + Decimal(120),
            cause="The customer audit moved forward by two months: the lines need the "
                  "people-hours now, not next quarter.")
