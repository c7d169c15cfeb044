"""Demo experiments in every decision state: decided ones (adopt, adapt, abandon) on done items
with their evidence and learning, running ones on items in progress (one without evidence yet).
Idempotent: skipped once an experiment exists."""

from datetime import timedelta

from django.utils import timezone

from experiments.models import Experiment
from ideas.models import Idea
from strategy.models import KPI

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


def seed(context: dict) -> None:
    if Experiment.objects.exists():
        return
    today = timezone.localdate()
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
