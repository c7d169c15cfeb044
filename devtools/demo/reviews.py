"""Demo improvement reviews: cadences (weekly on the lines, fortnightly for supervisors and
support, monthly for plant management and the assembly supervisors' tier) and reviews held on
cadence over the last twelve weeks, each with its focus areas; Line 2 day shift missed one.
Idempotent: skipped once a cadence exists. Deterministic (its own random seed)."""

import random
from datetime import timedelta

from django.utils import timezone

from devtools.demo.org import first_lead
from ideas.models import Idea
from org.models import Team
from reviews.models import Review, ReviewCadence, ReviewFocus
from reviews.selectors import review_slots
from systemic.models import SystemicIssue

SEED = 9009
RNG_KEY = "reviews:rng"



def seed(context: dict) -> None:
    if ReviewCadence.objects.exists():
        return
    teams: dict[str, Team] = context["teams"]
    rng = random.Random(SEED)
    today = timezone.localdate()
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
        lead = first_lead(team) if team else None
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
    # The standards demo draws on from here: the demo data stay what they were when one
    # function seeded reviews and standards with one random sequence.
    context[RNG_KEY] = rng
