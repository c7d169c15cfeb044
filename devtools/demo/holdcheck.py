"""Demo "did it hold?" checks: every demo item done longer ago than the organisation's delay
has its check; most were answered days after they were asked (mostly held, some partly, a few
slipped — and those items are back in progress), the latest ones of Assembly Line 1 – Day Shift
wait on Tom and Amira (My work), and one of its items slipped twice, so Amira is asked to open
a systemic issue. Idempotent: nothing is added once a check exists."""

import random
from datetime import timedelta

from django.utils import timezone

from core.errors import DomainError
from holdcheck.models import HoldCheck
from holdcheck.services import hold_check_answer
from ideas.models import Idea
from org.models import Membership, OrganisationSettings, User

PENDING_ON_LINE = 2
NOTES = {
    "partly": ["Holds on days, slips on nights.", "Two of the five stations went back."],
    "slipped": ["Came back after the shift pattern changed.", "The old way is back."],
}


def seed(context: dict) -> None:
    if HoldCheck.objects.exists():
        return
    rng = random.Random(16)
    now = timezone.now()
    days = OrganisationSettings.load().hold_check_days
    line = context["teams"]["line-1-day"]
    done = list(Idea.objects.filter(status=Idea.Status.DONE, done_at__lte=now - timedelta(
        days=days)).select_related("team").order_by("done_at", "pk"))
    checks = HoldCheck.objects.bulk_create([
        HoldCheck(idea=i, done_at=i.done_at, due_on=(i.done_at + timedelta(days=days)).date(),
                  asked_at=i.done_at + timedelta(days=days)) for i in done])
    leads = dict(Membership.objects.filter(role=Membership.Role.LEAD).order_by(
        "user__username").values_list("team_id", "user_id"))
    lead_users = {u.pk: u for u in User.objects.filter(pk__in=set(leads.values()))}
    on_line = [c for c in checks if c.idea.team_id == line.pk]
    pending = {c.pk for c in on_line[-PENDING_ON_LINE:]}
    twice = on_line[-PENDING_ON_LINE - 1] if len(on_line) > PENDING_ON_LINE else None
    tom = User.objects.filter(username="tom").first()
    if tom and on_line:  # Tom owns the newest one: he is asked himself
        Idea.objects.filter(pk=on_line[-1].idea_id).update(owner=tom)
    for check in checks:
        if check.pk in pending or check.asked_at > now - timedelta(days=2):
            continue
        actor = lead_users.get(leads.get(check.idea.team_id)) or context["admin"]
        if check is twice:
            _slipped_before(check, actor)
            answer = "slipped"
        else:
            answer = rng.choices(["held", "partly", "slipped"], weights=[75, 15, 10])[0]
        note = rng.choice(NOTES[answer]) if answer in NOTES else ""
        try:
            hold_check_answer(check_id=check.pk, actor=actor, answer=answer, note=note)
        except DomainError:  # a reopen the spend rule refuses (demo spend was never approved)
            hold_check_answer(check_id=check.pk, actor=actor, answer="partly",
                              note=NOTES["partly"][0])
        answered = min(check.asked_at + timedelta(days=rng.randint(0, 6), hours=3),
                       now - timedelta(hours=1))
        HoldCheck.objects.filter(pk=check.pk).update(answered_at=answered)


def _slipped_before(check: HoldCheck, actor) -> None:
    """An earlier round of the same item that slipped (it was reopened and done again)."""
    earlier = check.done_at - timedelta(days=60)
    HoldCheck.objects.create(
        idea_id=check.idea_id, done_at=earlier, due_on=(earlier + timedelta(days=30)).date(),
        asked_at=earlier + timedelta(days=30), answer=HoldCheck.Answer.SLIPPED,
        note="Back within a month: the fix depended on one person.", answered_by=actor,
        answered_at=earlier + timedelta(days=31), outcome=HoldCheck.Outcome.REOPENED)
