"""Demo improvement as system work on the items' side: levels and kinds of change on the items
(the higher the tier, the more cross-team and system work), protected capacity for every team
set ten weeks ago, eight weeks of improvement time (one team sacrificing it) and the nudge its
leads get; then eight weeks of slack — protected time without an item (retrospectives,
training, experiments, recovery, standard work upkeep). Idempotent: each part is skipped once
the demo teams have it. Deterministic (its own
random seed, drawn in the order above)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from capacity.jobs import check_improvement_capacity
from capacity.models import TeamCapacity, TimeEntry
from capacity.selectors import protected_hours
from core.dates import last_weeks
from ideas.models import Idea
from org.models import Membership, Team

SYSTEM_SEED = 9009

SACRIFICING_TEAM = "line-2-day"
CHANGE_KINDS = [k for k in Idea.ChangeKind.values if k != "other"]


def seed(context: dict) -> None:
    if not TeamCapacity.objects.filter(team__in=context["teams"].values()).exists():
        _seed(context)
    if not TimeEntry.objects.filter(team__in=context["teams"].values(),
                                    idea__isnull=True).exists():
        _seed_slack(context)


SLACK_SEED = 9011
# Protected time without an item: (category, hours, note), a team's week drawn from these.
SLACK_WEEK = [("reflection", "1", "Retrospective after the huddle"),
              ("training", "1.5", "Problem-solving (A3) training"),
              ("standard_work", "0.5", "Updated the changeover standard work"),
              ("experimentation", "1", "Tried a two-bin kanban at the station"),
              ("recovery", "1", "Recovery after the weekend breakdown")]
# A team that spends much of its protected time on capability building: without slack it
# would have been told it sacrifices its improvement time.
TRAINING_TEAM = "packaging-b"


def _seed_slack(context: dict) -> None:
    """Eight weeks of slack — retrospectives, training, experiments, recovery, standard work
    upkeep — for every team but the one sacrificing its time, at most a few hours a person
    a day on top of the item time (deterministic)."""
    rng = random.Random(SLACK_SEED)
    teams: dict[str, Team] = context["teams"]
    today = timezone.localdate()
    people: dict[int, list] = {}
    for m in (Membership.objects.filter(team__in=teams.values(), user__is_active=True)
              .select_related("user").order_by("user__username")):
        people.setdefault(m.team_id, []).append(m.user)
    entries = []
    for slug in sorted(teams):
        team = teams[slug]
        if slug == SACRIFICING_TEAM or not people.get(team.pk):
            continue
        for monday in last_weeks(8, today=today):
            week = SLACK_WEEK[:2] + rng.sample(SLACK_WEEK[2:], 1)
            if slug == TRAINING_TEAM:
                week = week + [("training", "3", "Capability building: TPM basics")]
            for category, hours, note in week:
                day = min(monday + timedelta(days=rng.randint(0, 4)), today)
                entries.append(TimeEntry(user=rng.choice(people[team.pk]), idea=None,
                                         category=category, team=team, date=day,
                                         hours=Decimal(hours), note=note))
    TimeEntry.objects.bulk_create(entries, batch_size=1000)


def _seed(context: dict) -> None:
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

    # The sacrificing team's leads (and the leads above) hear about it once.
    check_improvement_capacity(today=today)
