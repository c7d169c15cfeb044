"""Demo standards library: the CI team designated Centre of Excellence, three standards (one
with a second version), a pending proposal from a done item and a declined one with its reason.
Idempotent: skipped once a CoE is designated. Deterministic: it draws on where the reviews demo
left its random sequence (seed_demo runs it after reviews), else on its own seed."""

import random
from datetime import timedelta

from django.utils import timezone

from devtools.demo.org import first_lead
from devtools.demo.reviews import RNG_KEY
from ideas.models import Idea
from org.models import Team, User
from standards.models import CentreOfExcellence, Standard, StandardProposal, StandardVersion

SEED = 9009

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



def seed(context: dict) -> None:
    teams: dict[str, Team] = context["teams"]
    if "ci-coe" not in teams or CentreOfExcellence.objects.exists():
        return
    rng = context.get(RNG_KEY) or random.Random(SEED)
    today = timezone.localdate()
    executive = User.objects.filter(username="helen").first() or context["admin"]
    coe_team = teams["ci-coe"]
    CentreOfExcellence.objects.create(team=coe_team)
    olga = first_lead(coe_team) or executive
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
