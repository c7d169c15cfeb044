"""Demo of what the method rewards: structured learning notes (expected / happened / next
time) on a share of the done items, other teams' leads marking learning they reused or found
useful and the CoE marking what it found useful, and a healthy band for "solved at the owning
tier" set for the front line. Idempotent: skipped once any learning mark exists.
Deterministic: its own random sequence. Runs after standards (the CoE) and before the
scorecard snapshots, so the figures show from the first start."""

import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ideas.models import Idea, LearningMark
from org.models import Membership
from scorecards.models import Target
from standards.models import CentreOfExcellence

SEED = 1616
STRUCTURED_SHARE = 0.45
MARKED = 24

NOTES = {
    "safety": ("A guard would stop the near misses", "Near misses stopped, but people walked "
               "round the guard for a week", "Walk the new route with the shift first"),
    "quality": ("Scrap to halve once the fixture is fixed", "Scrap fell by a third; the rest "
                "comes from the material", "Measure one week before and after, then widen"),
    "delivery": ("The changeover to drop under 20 minutes", "It dropped to 24: pre-kitting "
                 "helped, the fixture swap did not", "Time each step before changing any"),
    "cost": ("Savings from the first month", "Savings came in the third month, after the "
             "supplier changed the packing", "Ask the supplier in before we start"),
    "people": ("Fewer overtime hours", "Overtime fell, but cover for holidays got harder",
               "Plan cover with the rota before the change"),
}


def seed(context: dict) -> None:
    if LearningMark.objects.exists():
        return
    rng = random.Random(SEED)
    tiers = context["tiers"]
    Target.objects.get_or_create(metric="solved_at_tier", tier=tiers[1],
                                 defaults={"green": 0.55, "amber": 0.35, "upper": 0.85})
    done = list(Idea.objects.filter(status=Idea.Status.DONE).exclude(learning="")
                .order_by("pk").values_list("pk", "category", "team_id", "done_at",
                                            "is_private"))
    for pk, category, *_ in done:
        if rng.random() < STRUCTURED_SHARE:
            expected, happened, next_time = NOTES.get(category, NOTES["quality"])
            Idea.objects.filter(pk=pk).update(learning_expected=expected,
                                              learning_happened=happened,
                                              learning_next_time=next_time)
    leads = list(Membership.objects.filter(role=Membership.Role.LEAD, team__active=True)
                 .values_list("team_id", "user_id"))
    coe = CentreOfExcellence.objects.select_related("team").first()
    coe_user = (Membership.objects.filter(team=coe.team).order_by("role", "pk")
                .values_list("user_id", flat=True).first() if coe else None)
    now = timezone.now()
    public = [row for row in done if not row[4]]
    for pk, _category, team_id, done_at, _private in rng.sample(public, min(MARKED, len(public))):
        others = [(t, u) for t, u in leads if t != team_id]
        marks = [(*rng.choice(others), LearningMark.Kind.REUSED)] if others else []
        if coe and coe_user and coe.team_id != team_id and rng.random() < 0.5:
            marks.append((coe.team_id, coe_user, LearningMark.Kind.USEFUL))
        for mark_team, user_id, kind in marks:
            span = max(1, (now - done_at).days)
            when = done_at + timedelta(days=rng.randint(1, span), hours=rng.randint(0, 8))
            mark, made = LearningMark.objects.get_or_create(
                idea_id=pk, team_id=mark_team, kind=kind, defaults={"marked_by_id": user_id})
            if made:
                LearningMark.objects.filter(pk=mark.pk).update(created_at=min(when, now))
                Idea.objects.filter(pk=pk).update(learning_marks=F("learning_marks") + 1)
